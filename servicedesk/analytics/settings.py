"""Analytics settings from the environment, with working defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Optional


def _float(name: str, default: float) -> float:
    return float(os.environ.get(name, "") or default)


@dataclass(frozen=True)
class AnalyticsSettings:
    # The store the Rasa server's event broker writes (addons/analytics_broker.py).
    database_url: str = "sqlite:///var/analytics.db"
    # Days and hours are counted in the shop's time zone (China: UTC+8).
    utc_offset_hours: float = 8.0
    # A session with no event for this long (and nobody in the queue) is closed.
    idle_close_minutes: float = 30.0
    # Service-level targets (the service standard) and the fallback alert.
    first_response_target_s: float = 30.0
    resolution_target: float = 0.90
    satisfaction_target: float = 0.85
    fallback_alert_rate: float = 0.25
    fallback_alert_min_turns: int = 20
    # Tickets not resolved within this many hours are overdue.
    ticket_sla_hours: float = 24.0
    # Derivation and alert checks inside the desk (0: never; the CLI still works).
    interval_s: float = 30.0
    webhook_url: Optional[str] = None

    @classmethod
    def from_env(cls) -> AnalyticsSettings:
        return cls(
            database_url=os.environ.get("ANALYTICS_DATABASE_URL")
            or "sqlite:///var/analytics.db",
            utc_offset_hours=_float("ANALYTICS_UTC_OFFSET_HOURS", 8.0),
            idle_close_minutes=_float("ANALYTICS_IDLE_CLOSE_MINUTES", 30.0),
            first_response_target_s=_float("ANALYTICS_FIRST_RESPONSE_TARGET_S", 30.0),
            resolution_target=_float("ANALYTICS_RESOLUTION_TARGET", 0.90),
            satisfaction_target=_float("ANALYTICS_SATISFACTION_TARGET", 0.85),
            fallback_alert_rate=_float("ANALYTICS_FALLBACK_ALERT_RATE", 0.25),
            fallback_alert_min_turns=int(
                _float("ANALYTICS_FALLBACK_ALERT_MIN_TURNS", 20)
            ),
            ticket_sla_hours=_float("ANALYTICS_TICKET_SLA_HOURS", 24.0),
            interval_s=_float("ANALYTICS_INTERVAL_S", 30.0),
            webhook_url=os.environ.get("ANALYTICS_ALERT_WEBHOOK_URL") or None,
        )
