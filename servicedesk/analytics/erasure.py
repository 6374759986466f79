"""A customer's erasure reaches analytics: their conversations' raw events and derived
rows go from the analytics store, and their bot ratings lose comment and conversation."""

from __future__ import annotations

from typing import Set

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicedesk.analytics.derive import forget_conversations
from servicedesk.analytics.models import BotRating
from servicedesk.analytics.service import Analytics
from servicedesk.analytics.store import SessionRow


def erase_analytics(
    desk: Session, analytics: Analytics, conversations: Set[str], customer_id: int
) -> int:
    """Erases in the analytics store (committed here) and in the desk's session (the
    caller commits); returns how many raw events were deleted."""
    for rating in desk.execute(
        select(BotRating).where(BotRating.conversation_id.in_(sorted(conversations)))
    ).scalars():
        rating.comment = None
        rating.conversation_id = f"erased:{rating.id}"
    with analytics.sessions() as db:
        senders = set(conversations) | set(
            db.execute(
                select(SessionRow.sender_id).where(
                    SessionRow.customer_id == customer_id
                )
            ).scalars()
        )
        deleted = forget_conversations(db, senders)
        db.commit()
    return deleted
