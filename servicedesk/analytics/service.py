"""The analytics store as the desk uses it: its engine, the derivation, the alerts.

Its URL is ANALYTICS_DATABASE_URL, the one the Rasa server's event broker writes
(addons/analytics_broker.py). Unset, it is `analytics.db` beside the desk's own SQLite
file (var/analytics.db for `make run`, the same default as the broker), or
var/analytics.db when the desk's database is not SQLite.
"""

from __future__ import annotations

import os
import threading
from datetime import datetime
from pathlib import Path
from typing import Callable, List, Optional

from sqlalchemy import delete
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import sessionmaker

from servicedesk.analytics.alerts import Alert, AlertContext, AlertNotifier, alerts
from servicedesk.analytics.derive import DeriveCounts, Deriver, desk_utc
from servicedesk.analytics.hooks import SessionClosedHooks
from servicedesk.analytics.settings import AnalyticsSettings
from servicedesk.analytics.store import RawEvent, make_analytics_engine
from servicedesk.privacy.sqlite_scrub import scrub

DEFAULT_URL = "sqlite:///var/analytics.db"


def analytics_url(desk_url: str) -> str:
    configured = os.environ.get("ANALYTICS_DATABASE_URL")
    if configured:
        return configured
    parsed = make_url(desk_url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (
        None,
        "",
        ":memory:",
    ):
        return f"sqlite:///{Path(parsed.database).parent / 'analytics.db'}"
    return DEFAULT_URL


class Analytics:
    def __init__(
        self,
        settings: AnalyticsSettings,
        desk_sessions: sessionmaker,
        clock: Callable[[], datetime],
    ) -> None:
        self.settings = settings
        self.desk_sessions = desk_sessions
        self.clock = clock
        self._engine: Optional[Engine] = None
        self._lock = threading.Lock()
        self.notifier = AlertNotifier(settings.webhook_url)
        self.session_closed = SessionClosedHooks()

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_analytics_engine(self.settings.database_url)
        return self._engine

    @property
    def sessions(self) -> sessionmaker:
        return sessionmaker(bind=self.engine, future=True)

    def deriver(self) -> Deriver:
        return Deriver(
            self.engine,
            self.desk_sessions,
            self.settings.utc_offset_hours,
            self.settings.idle_close_minutes,
            self.session_closed,
        )

    def derive(self) -> DeriveCounts:
        # One run at a time: the schedule and a supervisor's "derive now" would both
        # insert the same new sessions.
        with self._lock:
            return self.deriver().run(desk_utc(self.clock()))

    def current_alerts(self) -> List[Alert]:
        now = self.clock()
        with self.desk_sessions() as desk, self.sessions() as db:
            ctx = AlertContext(desk, db, now, desk_utc(now), self.settings)
            return alerts.evaluate(ctx)

    def tick(self) -> None:
        """One scheduled round: derive, then check and announce alerts."""
        self.derive()
        self.notifier.update(self.current_alerts(), desk_utc(self.clock()))

    def forget_raw_events(self, senders: List[str]) -> int:
        """Deletes the raw events of these conversations (retention)."""
        deleted = 0
        with self.sessions() as db:
            for start in range(0, len(senders), 500):
                chunk = sorted(senders)[start : start + 500]
                deleted += db.execute(
                    delete(RawEvent).where(RawEvent.sender_id.in_(chunk)),
                    execution_options={"synchronize_session": False},
                ).rowcount
            db.commit()
        return deleted

    def scrub(self) -> None:
        scrub(self.engine)
