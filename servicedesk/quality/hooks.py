"""Inspection as things happen, without touching the service routes: the desk's
sessions are watched, and once a transaction that stored an agent reply or closed a
handoff commits, the reply is checked and the closed conversation inspected.

A handoff is closed by adding its "closed" system line (servicedesk/service/handoffs.py),
so new HandoffMessage rows tell both events. The checks run after the commit, in their
own session; a failure is logged and never undoes or delays what the agent did beyond
the check itself.
"""

from __future__ import annotations

import logging

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from servicedesk.quality.inspector import Inspector
from servicedesk.service.models import HandoffMessage

logger = logging.getLogger(__name__)
PENDING = "quality_pending"


def watch(session_factory: sessionmaker, inspector: Inspector) -> None:
    @event.listens_for(session_factory, "after_flush")
    def collect(session: Session, _context) -> None:
        for obj in session.new:
            if not isinstance(obj, HandoffMessage):
                continue
            pending = session.info.setdefault(PENDING, [])
            if obj.author == "agent":
                pending.append(("reply", obj.id))
            elif obj.author == "system" and obj.text == "closed":
                pending.append(("closed", obj.handoff_id))

    @event.listens_for(session_factory, "after_commit")
    def run(session: Session) -> None:
        pending = session.info.pop(PENDING, [])
        for kind, ident in pending:
            try:
                if kind == "reply":
                    inspector.check_reply(ident)
                else:
                    inspector.inspect_handoff(ident)
            except Exception:  # noqa: BLE001 - inspection must not break the desk
                logger.exception("quality %s check of %s failed", kind, ident)

    @event.listens_for(session_factory, "after_rollback")
    def forget(session: Session) -> None:
        session.info.pop(PENDING, None)
