"""Quality inspection bound to the desk's database and clock: what the hooks, the
routes and other areas (analytics' session-closed hook) call.

    app.state.quality.inspect_and_store(session_key, turns)
"""

from __future__ import annotations

import logging
from typing import Any, Optional, Sequence

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from servicedesk.clock import Clock
from servicedesk.quality import store
from servicedesk.quality.handoff_turns import handoff_key, handoff_turns
from servicedesk.quality.live_replies import store_reply_check
from servicedesk.quality.models import QualityInspection, QualityReplyFlag
from servicedesk.service.models import Handoff, HandoffMessage

logger = logging.getLogger(__name__)


class Inspector:
    def __init__(self, session_factory: sessionmaker, clock: Clock) -> None:
        self.session_factory = session_factory
        self.clock = clock

    def inspect_and_store(
        self,
        session_key: str,
        turns: Sequence[Any],
        conversation_id: Optional[str] = None,
        handoff_no: Optional[str] = None,
    ) -> dict:
        """Inspects a finished conversation and stores (or re-stores) its result."""
        with self.session_factory() as session:
            row = store.inspect_and_store(
                session, session_key, turns, self.clock(), conversation_id, handoff_no
            )
            session.commit()
            return store.inspection_view(row)

    def inspect_handoff(self, handoff_id: int) -> Optional[QualityInspection]:
        """The bot transcript and the agents' conversation of a handoff, as one."""
        with self.session_factory() as session:
            handoff = session.get(Handoff, handoff_id)
            if handoff is None:
                return None
            row = store.inspect_and_store(
                session,
                handoff_key(handoff.handoff_no),
                handoff_turns(handoff),
                self.clock(),
                handoff.conversation_id,
                handoff.handoff_no,
            )
            session.commit()
            return row

    def check_reply(self, message_id: int) -> Optional[QualityReplyFlag]:
        with self.session_factory() as session:
            message = session.get(HandoffMessage, message_id)
            if message is None or message.author != "agent":
                return None
            row = store_reply_check(session, message)
            session.commit()
            return row

    def catch_up(self) -> int:
        """Inspects closed handoffs that have no result yet (a desk stopped between
        closing and inspecting); returns how many."""
        with self.session_factory() as session:
            done = select(QualityInspection.handoff_no).where(
                QualityInspection.handoff_no.is_not(None)
            )
            missing = session.execute(
                select(Handoff.id).where(
                    Handoff.state == "closed", Handoff.handoff_no.not_in(done)
                )
            ).scalars()
            ids = list(missing)
        for handoff_id in ids:
            self.inspect_handoff(handoff_id)
        return len(ids)
