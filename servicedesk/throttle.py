"""Failure counters with backoff and lockout, kept in the desk's database.

Guessing defences (the phone check of an order, agent login) count failures per key
(an order, a client, a username) in a table, so a lock outlives conversations, `/restart`,
new sender ids and desk restarts. Each failure after the first makes the next attempt
wait twice as long; `max_failures` within `window` lock the key for `lockout`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Iterable, List, Optional, TypeVar

from sqlalchemy import Column, DateTime, Integer, String, select
from sqlalchemy.orm import Session, sessionmaker

from servicedesk.clock import Clock
from servicedesk.errors import RuleViolation
from servicedesk.model_base import Base

Result = TypeVar("Result")


class FailureCount(Base):
    __tablename__ = "failure_counts"
    id = Column(Integer, primary_key=True)
    # "verify-order:2026112500005", "login-user:agent1"...
    key = Column(String(255), unique=True, nullable=False, index=True)
    failures = Column(Integer, nullable=False, default=0)
    window_start = Column(DateTime, nullable=False)
    blocked_until = Column(DateTime)


@dataclass(frozen=True)
class Policy:
    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lockout: timedelta = timedelta(minutes=15)
    # The wait after the second failure; it doubles with each further one.
    backoff: timedelta = timedelta(seconds=2)

    def blocked_until(self, failures: int, now: datetime) -> Optional[datetime]:
        if failures >= self.max_failures:
            return now + self.lockout
        if failures >= 2:
            return now + self.backoff * 2 ** (failures - 2)
        return None


class Throttle:
    """Runs guarded attempts: refused with `refusal` while a key waits, counted after."""

    def __init__(
        self,
        session_factory: sessionmaker,
        clock: Clock,
        policy: Policy,
        refusal: RuleViolation,
    ) -> None:
        self.session_factory = session_factory
        self.clock = clock
        self.policy = policy
        self.refusal = refusal
        # Check, attempt and count as one step: parallel requests must not all pass the
        # check before the first failure is written. (One desk process; see README.)
        self._lock = threading.Lock()

    def attempt(
        self,
        keys: Iterable[str],
        run: Callable[[], Result],
        failed: Callable[[RuleViolation], bool],
    ) -> Result:
        """`run()`, unless a key is blocked; a RuleViolation that `failed` calls a
        failure counts against every key, a success clears them."""
        keys = [k[:255] for k in keys if k]
        with self._lock:
            self.check(keys)
            try:
                result = run()
            except RuleViolation as exc:
                if failed(exc):
                    self.record_failure(keys)
                raise
            self.clear(keys)
            return result

    def check(self, keys: List[str]) -> None:
        now = self.clock()
        with self.session_factory() as session:
            for row in self._rows(session, keys):
                if row.blocked_until is not None and row.blocked_until > now:
                    raise self.refusal

    def record_failure(self, keys: List[str]) -> None:
        now = self.clock()
        with self.session_factory() as session, session.begin():
            rows = {row.key: row for row in self._rows(session, keys)}
            for key in keys:
                row = rows.get(key)
                if row is None:
                    row = FailureCount(key=key, failures=0, window_start=now)
                    session.add(row)
                if now - row.window_start > self.policy.window or (
                    row.failures >= self.policy.max_failures
                ):
                    # A quiet window, or a lockout served: counting starts again.
                    row.failures, row.window_start = 0, now
                row.failures += 1
                row.blocked_until = self.policy.blocked_until(row.failures, now)

    def clear(self, keys: List[str]) -> None:
        with self.session_factory() as session, session.begin():
            for row in self._rows(session, keys):
                session.delete(row)

    @staticmethod
    def _rows(session: Session, keys: List[str]) -> List[FailureCount]:
        if not keys:
            return []
        return list(
            session.execute(
                select(FailureCount).where(FailureCount.key.in_(keys))
            ).scalars()
        )
