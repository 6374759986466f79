"""Settings from environment variables, with working defaults for one machine."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Tuple
from urllib.parse import urlsplit


def _flag(name: str, default: str) -> bool:
    return os.environ.get(name, default).strip().lower() not in {"0", "false", "no", ""}


def _own_origin() -> str:
    parts = urlsplit(os.environ.get("SERVICEDESK_URL", "http://127.0.0.1:8000"))
    return f"{parts.scheme}://{parts.netloc}"


def _origins() -> Tuple[str, ...]:
    """Space-separated browser origins allowed to call the desk from their pages (shops
    that embed the widget); by default the desk's own, i.e. no other site."""
    listed = os.environ.get("SERVICEDESK_CORS_ORIGINS", "").split()
    return tuple(o.rstrip("/") for o in listed) or (_own_origin(),)


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
    kb_answer_threshold: float = 0.68
    kb_suggest_threshold: float = 0.68
    # When the NLU took the message for small talk or off-topic, the knowledge base
    # answers only where no development-set out-of-scope question is answered.
    kb_off_topic_threshold: float = 0.78
    # The e5 dense channel beside the lexical one (off: lexical only, no encoder loaded,
    # with the lexical channel's own thresholds unless they are set).
    kb_dense: bool = True
    # Where browsers reach the Rasa socket.io channel (a proxy's public URL in production).
    widget_socket_url: str = "http://127.0.0.1:5005"
    # Origins of other sites whose pages may call the desk (a shop embedding the widget).
    cors_origins: Tuple[str, ...] = ("http://127.0.0.1:8000",)
    # Shared with the Rasa server, which signs widget session ids with it; the widget
    # endpoints serve only a browser that shows the signature (empty: serve none).
    widget_session_secret: str = ""
    # Tests only: run the desk as if it were this many days later (or earlier).
    clock_offset_days: float = 0.0
    # Guessing defences: this many failures within the window lock for lock_minutes
    # (an order's phone check; an agent's username or client address at login).
    verify_max_failures: int = 5
    verify_lock_minutes: float = 15.0
    login_max_failures: int = 5
    login_lock_minutes: float = 15.0
    # One-time codes to an order's phone (anonymous write actions): valid this long,
    # this many tries, resent at most every resend seconds and sends_per_hour times per
    # order; a right code lets that conversation act on the order for grant minutes.
    code_ttl_minutes: float = 5.0
    code_attempts: int = 3
    code_resend_seconds: float = 60.0
    code_sends_per_hour: int = 5
    code_grant_minutes: float = 15.0
    # Rasa's tracker store, which erasure and retention delete conversations from: the
    # same URL and default as the Rasa server's store (addons/tracker_store.py).
    tracker_store_url: str = "sqlite:///var/tracker.db"
    # Retention: conversations idle this long are purged, every interval (0: never
    # inside the desk; `python -m servicedesk purge` still works).
    retention_days: float = 180.0
    retention_interval_hours: float = 24.0
    retention_first_delay_minutes: float = 10.0

    @classmethod
    def from_env(cls) -> Settings:
        dense = _flag("KB_DENSE", "1")
        # Chosen on tests/kb/dev.yml for each arrangement (README).
        answer_at, suggest_at = ("0.68", "0.68") if dense else ("0.78", "0.40")
        return cls(
            database_url=os.environ.get(
                "SERVICEDESK_DATABASE_URL", "sqlite:///var/servicedesk.db"
            ),
            api_token=os.environ.get("SERVICEDESK_API_TOKEN", ""),
            demo=_flag("SERVICEDESK_DEMO", "0"),
            service_hours=os.environ.get("SERVICEDESK_SERVICE_HOURS", "00:00-24:00"),
            max_wait_minutes=int(os.environ.get("SERVICEDESK_MAX_WAIT_MINUTES", "15")),
            rasa_url=os.environ.get("RASA_URL", "http://127.0.0.1:5005"),
            rasa_token=os.environ.get("RASA_AUTH_TOKEN", ""),
            kb_answer_threshold=float(os.environ.get("KB_ANSWER_THRESHOLD", answer_at)),
            kb_off_topic_threshold=float(
                os.environ.get("KB_OFF_TOPIC_THRESHOLD", "0.78")
            ),
            kb_suggest_threshold=float(
                os.environ.get("KB_SUGGEST_THRESHOLD", suggest_at)
            ),
            kb_dense=dense,
            widget_socket_url=os.environ.get(
                "WIDGET_SOCKET_URL",
                os.environ.get("RASA_URL", "http://127.0.0.1:5005"),
            ),
            cors_origins=_origins(),
            widget_session_secret=os.environ.get("WIDGET_SESSION_SECRET", ""),
            clock_offset_days=float(
                os.environ.get("SERVICEDESK_CLOCK_OFFSET_DAYS", "0") or 0
            ),
            verify_max_failures=int(
                os.environ.get("SERVICEDESK_VERIFY_MAX_FAILURES", "5")
            ),
            verify_lock_minutes=float(
                os.environ.get("SERVICEDESK_VERIFY_LOCK_MINUTES", "15")
            ),
            login_max_failures=int(
                os.environ.get("SERVICEDESK_LOGIN_MAX_FAILURES", "5")
            ),
            login_lock_minutes=float(
                os.environ.get("SERVICEDESK_LOGIN_LOCK_MINUTES", "15")
            ),
            code_ttl_minutes=float(os.environ.get("SERVICEDESK_CODE_TTL_MINUTES", "5")),
            code_attempts=int(os.environ.get("SERVICEDESK_CODE_ATTEMPTS", "3")),
            code_resend_seconds=float(
                os.environ.get("SERVICEDESK_CODE_RESEND_SECONDS", "60")
            ),
            code_sends_per_hour=int(
                os.environ.get("SERVICEDESK_CODE_SENDS_PER_HOUR", "5")
            ),
            code_grant_minutes=float(
                os.environ.get("SERVICEDESK_CODE_GRANT_MINUTES", "15")
            ),
            tracker_store_url=os.environ.get("TRACKER_STORE_URL")
            or "sqlite:///var/tracker.db",
            retention_days=float(os.environ.get("RETENTION_DAYS", "180")),
            retention_interval_hours=float(
                os.environ.get("RETENTION_INTERVAL_HOURS", "24")
            ),
            retention_first_delay_minutes=float(
                os.environ.get("RETENTION_FIRST_DELAY_MINUTES", "10")
            ),
        )
