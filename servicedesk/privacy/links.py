"""Recording and listing the conversations linked to a customer.

Only calls made with the API's bearer token (the action server, the Rasa server) link a
conversation: a link decides what an erasure deletes, so a browser must not be able to
attach someone else's conversation to its own customer.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Callable, Optional, Set

from fastapi import Depends, Header
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from servicedesk.auth import end_user
from servicedesk.context import DeskContext
from servicedesk.errors import RuleViolation
from servicedesk.privacy.models import CustomerConversation
from servicedesk.service.models import Handoff
from servicedesk.shop.customers import customer_by_token

# last_seen is only for retention (days); one write a minute per conversation is plenty.
TOUCH_EVERY = timedelta(minutes=1)


def record_link(
    session: Session, customer_id: int, conversation_id: str, now: datetime
) -> None:
    link = session.execute(
        select(CustomerConversation).where(
            CustomerConversation.customer_id == customer_id,
            CustomerConversation.conversation_id == conversation_id,
        )
    ).scalar_one_or_none()
    if link is None:
        session.add(
            CustomerConversation(
                customer_id=customer_id,
                conversation_id=conversation_id,
                first_seen=now,
                last_seen=now,
            )
        )
    elif now - link.last_seen >= TOUCH_EVERY:
        link.last_seen = now


def linked_conversations(session: Session, customer_id: int) -> Set[str]:
    """Every sender id of the customer: recorded links and their handoffs."""
    recorded = session.execute(
        select(CustomerConversation.conversation_id).where(
            CustomerConversation.customer_id == customer_id
        )
    ).scalars()
    handed_off = session.execute(
        select(Handoff.conversation_id).where(Handoff.customer_id == customer_id)
    ).scalars()
    return set(recorded) | set(handed_off)


def build_link_recorder(desk: DeskContext) -> Callable[..., None]:
    """An app-wide dependency: links X-End-User to the X-Customer-Token's customer."""

    def link_conversation(
        authorization: str = Header(""),
        customer_token: Optional[str] = Header(None, alias="X-Customer-Token"),
        conversation_id: Optional[str] = Depends(end_user),
    ) -> None:
        conversation_id = (conversation_id or "").strip()
        if not (customer_token and conversation_id):
            return
        try:
            desk.auth.require_token(authorization)
        except RuleViolation:
            return  # not the bot: never links; the route itself decides on access
        with desk.session_factory() as session:
            customer = customer_by_token(session, customer_token)
            if customer is None:
                return
            record_link(session, customer.id, conversation_id, desk.clock())
            try:
                session.commit()
            except IntegrityError:
                # A parallel request of the same conversation linked it first.
                session.rollback()

    return link_conversation
