"""Settings from environment variables, with working defaults for one machine."""

from __future__ import annotations

import os
from dataclasses import dataclass


def _flag(name: str, default: str) -> bool:
    return os.environ.get(name, default).strip().lower() not in {"0", "false", "no", ""}


@dataclass(frozen=True)
class Settings:
    database_url: str
    api_token: str
    demo: bool

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            database_url=os.environ.get(
                "SERVICEDESK_DATABASE_URL", "sqlite:///var/servicedesk.db"
            ),
            api_token=os.environ.get("SERVICEDESK_API_TOKEN", ""),
            demo=_flag("SERVICEDESK_DEMO", "1"),
        )
