"""Tickets: the agents' list, assignment, comments and states.

A ticket is created from a message a user leaves when no agent is free, or by an agent;
from then on every change is made by a logged-in agent and audited.
"""

from __future__ import annotations

from datetime import datetime
from typing import List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicedesk.db import find_by
from servicedesk.errors import RuleViolation
from servicedesk.masking import mask_text
from servicedesk.service.audit import audit
from servicedesk.service.models import TICKET_STATES, Agent, Ticket, TicketComment
from servicedesk.shop.models import Customer

TICKET_NOT_FOUND = ("TICKET_NOT_FOUND", "没有找到该工单。")


def create_ticket(
    session: Session,
    customer: Optional[Customer],
    order_no: Optional[str],
    subject: str,
    description: str,
    contact: str,
    now: datetime,
    source: str = "message",
) -> Ticket:
    if not subject.strip():
        raise RuleViolation("INVALID_SUBJECT", "请填写工单标题。", 422)
    ticket = Ticket(
        ticket_no="",
        customer_id=customer.id if customer else None,
        order_no=order_no,
        # Free text is kept masked; the contact field is where a phone belongs.
        subject=mask_text(subject.strip())[:100],
        description=mask_text(description)[:4000],
        contact=contact[:50],
        state="open",
        created_at=now,
        updated_at=now,
        source=source,
    )
    session.add(ticket)
    session.flush()
    ticket.ticket_no = f"TK{now:%Y%m%d}{ticket.id:06d}"
    return ticket


def find(session: Session, ticket_no: str) -> Ticket:
    return find_by(session, Ticket.ticket_no, ticket_no, *TICKET_NOT_FOUND)


def listing(
    session: Session, agent: Agent, state: Optional[str], mine: bool, limit: int = 100
) -> List[Ticket]:
    query = select(Ticket).order_by(Ticket.id.desc()).limit(limit)
    if state:
        query = query.where(Ticket.state == state)
    if mine:
        query = query.where(Ticket.assignee_id == agent.id)
    return list(session.execute(query).scalars())


def assign(
    session: Session, ticket: Ticket, agent: Agent, to: Agent, now: datetime
) -> Ticket:
    ticket.assignee = to
    if ticket.state == "open":
        ticket.state = "in_progress"
    ticket.updated_at = now
    audit(
        session, agent.username, "ticket_assign", ticket.ticket_no, now, to=to.username
    )
    return ticket


def comment(
    session: Session, ticket: Ticket, agent: Agent, text: str, now: datetime
) -> TicketComment:
    text = (text or "").strip()
    if not text:
        raise RuleViolation("EMPTY_MESSAGE", "内容不能为空。", 422)
    entry = TicketComment(
        ticket=ticket, author=agent.display_name, text=text[:2000], created_at=now
    )
    session.add(entry)
    ticket.updated_at = now
    audit(session, agent.username, "ticket_comment", ticket.ticket_no, now)
    return entry


def set_state(
    session: Session, ticket: Ticket, agent: Agent, state: str, now: datetime
) -> Ticket:
    if state not in TICKET_STATES:
        raise RuleViolation("INVALID_STATE", "工单状态不正确。", 422)
    previous, ticket.state, ticket.updated_at = ticket.state, state, now
    audit(
        session, agent.username, "ticket_state", ticket.ticket_no, now,
        previous=previous, state=state,
    )  # fmt: skip
    return ticket
