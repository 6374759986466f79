"""The "angry customer waiting" alert: a queued handoff whose customer is angry.

Shown as a banner in the workbench (GET /api/agent/quality/alerts) and, when
QUALITY_ALERT_WEBHOOK_URL is set, posted once per handoff to that URL by a watcher that
looks at the queue every QUALITY_ALERT_INTERVAL_SECONDS.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Any, Callable, Dict, List, Optional, Tuple

import requests
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from servicedesk.quality import emotion, engine
from servicedesk.quality.handoff_turns import handoff_turns
from servicedesk.quality.models import QualityAlert
from servicedesk.quality.words import enabled_words
from servicedesk.service.models import Handoff

logger = logging.getLogger(__name__)
KIND = "angry_customer_waiting"
# The customer's latest messages that count: anger said long ago may have passed.
RECENT_MESSAGES = 3
# Every open workbench asks on each change: a waiting conversation is read once per
# new message (and word list), not once per question.
_read: Dict[Tuple[int, int, int], List[str]] = {}
_READ_LIMIT = 2000


def customer_emotions(session: Session, handoff: Handoff) -> List[str]:
    words = tuple(sorted(enabled_words(session)))
    matcher = engine.cached_matcher(words)
    key = (handoff.id, max((m.id for m in handoff.messages), default=0), hash(words))
    known = _read.get(key)
    if known is not None:
        return known
    emotions = []
    for turn in handoff_turns(handoff):
        if turn.role == "user":
            abuse = sum(1 for h in matcher.find(turn.text) if h.category == "abuse")
            emotions.append(emotion.emotion_of(turn.text, abuse))
    if len(_read) >= _READ_LIMIT:
        _read.clear()
    _read[key] = emotions
    return emotions


def angry_waiting(session: Session, now: datetime) -> List[Dict[str, Any]]:
    queued = session.execute(
        select(Handoff).where(Handoff.state == "queued").order_by(Handoff.created_at)
    ).scalars()
    alerts = []
    for handoff in queued:
        if "angry" in customer_emotions(session, handoff)[-RECENT_MESSAGES:]:
            alerts.append(
                {
                    "kind": KIND,
                    "handoff_no": handoff.handoff_no,
                    "since": handoff.created_at.isoformat(timespec="seconds"),
                    "waiting_minutes": max(
                        0, int((now - handoff.created_at).total_seconds() // 60)
                    ),
                    "vip": bool(handoff.customer and handoff.customer.level == "vip"),
                }
            )
    return alerts


class AlertWatcher:
    """Posts each new angry-customer-waiting alert once to the webhook."""

    def __init__(
        self,
        session_factory: sessionmaker,
        clock: Callable[[], datetime],
        webhook_url: str,
        interval_s: float,
    ) -> None:
        self.session_factory = session_factory
        self.clock = clock
        self.webhook_url = webhook_url
        self.interval_s = interval_s
        self._stopped = threading.Event()
        self._thread: Optional[threading.Thread] = None

    def tick(self) -> List[str]:
        """One look at the queue; returns the handoffs announced now."""
        announced = []
        with self.session_factory() as session:
            for alert in angry_waiting(session, self.clock()):
                if self._claim(session, alert["handoff_no"]):
                    announced.append(alert["handoff_no"])
                    self._post(alert)
        return announced

    def _claim(self, session: Session, handoff_no: str) -> bool:
        session.add(QualityAlert(kind=KIND, target=handoff_no, at=self.clock()))
        try:
            session.commit()
            return True
        except IntegrityError:  # already announced (by this or another process)
            session.rollback()
            return False

    def _post(self, alert: Dict[str, Any]) -> None:
        body = {**alert, "text": "有情绪激动的客户正在排队等待人工客服"}
        try:
            requests.post(self.webhook_url, json=body, timeout=5).raise_for_status()
        except requests.RequestException as exc:
            logger.warning("alert webhook failed: %s", exc)

    def _loop(self) -> None:
        while not self._stopped.wait(self.interval_s):
            try:
                self.tick()
            except Exception:  # noqa: BLE001 - the watcher must outlive one failure
                logger.exception("angry-customer alert check failed")

    def start(self) -> None:
        if not self.webhook_url or self.interval_s <= 0 or self._thread is not None:
            return
        self._thread = threading.Thread(
            target=self._loop, name="quality-alerts", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
