"""Quality inspection's settings, from the environment (listed in .env.example)."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class QualitySettings:
    # Where "angry customer waiting" alerts are posted (JSON); empty: banner only.
    alert_webhook_url: str = ""
    alert_interval_s: float = 15.0
    # Conversations drawn per agent per week for spot checks, and the draw's seed.
    sample_per_agent: int = 3
    sample_seed: str = "quality"

    @classmethod
    def from_env(cls) -> QualitySettings:
        return cls(
            alert_webhook_url=os.environ.get("QUALITY_ALERT_WEBHOOK_URL", "").strip(),
            alert_interval_s=float(
                os.environ.get("QUALITY_ALERT_INTERVAL_SECONDS", "15") or 15
            ),
            sample_per_agent=int(os.environ.get("QUALITY_SAMPLE_PER_AGENT", "3") or 3),
            sample_seed=os.environ.get("QUALITY_SAMPLE_SEED", "quality") or "quality",
        )
