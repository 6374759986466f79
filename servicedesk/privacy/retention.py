"""Retention: conversations idle for longer than RETENTION_DAYS are deleted from the
tracker store and the analytics store's raw events (its derived session rows, which hold
no words, stay for the statistics), and the words of their handoffs are blanked in the
desk. Tickets resolved or closed longer ago than that lose their words, contact and
number the same way (erasure.py).

Handoffs keep their trigger, dates, outcome and rating for the statistics, tickets their
number, category, state and dates; open ones (queued, being served; open, in progress)
are never touched, whatever their age.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from servicedesk.analytics.service import Analytics
from servicedesk.privacy.erasure import ERASED, erase_handoff_content, erase_ticket
from servicedesk.privacy.models import CustomerConversation
from servicedesk.privacy.sqlite_scrub import scrub
from servicedesk.privacy.tracker import TrackerStore
from servicedesk.service.audit import audit
from servicedesk.service.models import Handoff, Ticket

DONE_STATES = ("closed", "cancelled")
TICKET_DONE_STATES = ("resolved", "closed")
# Handoffs already blanked, by erasure or an earlier purge.
BLANKED_PREFIXES = ("erased:", "purged:")


@dataclass
class PurgeCounts:
    conversations: int = 0
    tracker_events: int = 0
    handoffs: int = 0
    handoff_messages: int = 0
    links: int = 0
    analytics_events: int = 0
    tickets: int = 0
    ticket_comments: int = 0

    @property
    def anything(self) -> bool:
        return any(vars(self).values())


def _old_handoffs(session: Session, cutoff: datetime):
    handoffs = session.execute(
        select(Handoff).where(
            Handoff.state.in_(DONE_STATES), Handoff.created_at < cutoff
        )
    ).scalars()
    for handoff in handoffs:
        last = handoff.closed_at or handoff.created_at
        if last < cutoff and not handoff.conversation_id.startswith(BLANKED_PREFIXES):
            yield handoff


def _old_tickets(session: Session, cutoff: datetime):
    tickets = session.execute(
        select(Ticket).where(
            Ticket.state.in_(TICKET_DONE_STATES),
            Ticket.created_at < cutoff,
            Ticket.subject != ERASED,
        )
    ).scalars()
    for ticket in tickets:
        last = ticket.updated_at or ticket.resolved_at or ticket.created_at
        if last < cutoff:
            yield ticket


def purge(
    session_factory: sessionmaker,
    tracker: TrackerStore,
    now: datetime,
    days: float,
    actor: str = "retention",
    analytics: Optional[Analytics] = None,
) -> PurgeCounts:
    cutoff = now - timedelta(days=days)
    counts = PurgeCounts()
    with session_factory() as session:
        idle = tracker.idle_since(cutoff)
        counts.conversations = len(idle)
        for handoff in _old_handoffs(session, cutoff):
            counts.handoff_messages += erase_handoff_content(handoff)
            handoff.conversation_id = f"purged:{handoff.handoff_no}"
            counts.handoffs += 1
        for ticket in _old_tickets(session, cutoff):
            counts.ticket_comments += erase_ticket(ticket)
            counts.tickets += 1
        counts.links = session.execute(
            delete(CustomerConversation).where(CustomerConversation.last_seen < cutoff)
        ).rowcount
        # The tracker first: if it fails, the desk rolls back and the next run retries.
        counts.tracker_events = tracker.delete_conversations(idle)
        if analytics is not None and idle:
            counts.analytics_events = analytics.forget_raw_events(idle)
        if counts.anything:
            audit(session, actor, "retention_purge", f"{days:g}d", now, **vars(counts))
        session.commit()
        if counts.anything:
            scrub(session.get_bind())
            tracker.scrub()
            if analytics is not None and counts.analytics_events:
                analytics.scrub()
    return counts
