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
    # Human service: daily hours ("09:00-22:00") and the longest wait worth offering.
    service_hours: str = "00:00-24:00"
    max_wait_minutes: int = 15
    # The Rasa HTTP API the desk drives during a handoff (pause, agent messages, resume).
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str = ""
    # Knowledge-base confidence: answer at or above, suggest three at or above.
    kb_answer_threshold: float = 0.71
    kb_suggest_threshold: float = 0.65
    # The e5 dense channel beside the lexical one (off: lexical only, no encoder loaded,
    # with the lexical channel's own thresholds unless they are set).
    kb_dense: bool = True
    # Where browsers reach the Rasa socket.io channel (a proxy's public URL in production).
    widget_socket_url: str = "http://127.0.0.1:5005"
    # Shared with the Rasa server, which signs widget session ids with it; the widget
    # endpoints serve only a browser that shows the signature (empty: serve none).
    widget_session_secret: str = ""
    # Tests only: run the desk as if it were this many days later (or earlier).
    clock_offset_days: float = 0.0

    @classmethod
    def from_env(cls) -> Settings:
        dense = _flag("KB_DENSE", "1")
        # Chosen on tests/kb/dev.yml for each arrangement (README).
        answer_at, suggest_at = ("0.71", "0.65") if dense else ("0.78", "0.40")
        return cls(
            database_url=os.environ.get(
                "SERVICEDESK_DATABASE_URL", "sqlite:///var/servicedesk.db"
            ),
            api_token=os.environ.get("SERVICEDESK_API_TOKEN", ""),
            demo=_flag("SERVICEDESK_DEMO", "1"),
            service_hours=os.environ.get("SERVICEDESK_SERVICE_HOURS", "00:00-24:00"),
            max_wait_minutes=int(os.environ.get("SERVICEDESK_MAX_WAIT_MINUTES", "15")),
            rasa_url=os.environ.get("RASA_URL", "http://127.0.0.1:5005"),
            rasa_token=os.environ.get("RASA_AUTH_TOKEN", ""),
            kb_answer_threshold=float(os.environ.get("KB_ANSWER_THRESHOLD", answer_at)),
            kb_suggest_threshold=float(
                os.environ.get("KB_SUGGEST_THRESHOLD", suggest_at)
            ),
            kb_dense=dense,
            widget_socket_url=os.environ.get(
                "WIDGET_SOCKET_URL",
                os.environ.get("RASA_URL", "http://127.0.0.1:5005"),
            ),
            widget_session_secret=os.environ.get("WIDGET_SESSION_SECRET", ""),
            clock_offset_days=float(
                os.environ.get("SERVICEDESK_CLOCK_OFFSET_DAYS", "0") or 0
            ),
        )
