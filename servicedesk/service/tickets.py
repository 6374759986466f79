"""Tickets: the agents' list, assignment, comments and states.

A ticket is created from a message a user leaves when no agent is free, or by an agent;
from then on every change is made by a logged-in agent and audited.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any, Dict, List, Optional

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from servicedesk.db import find_by
from servicedesk.errors import RuleViolation
from servicedesk.masking import mask_text
from servicedesk.service import contact_phone, ticket_sla, ticket_triage
from servicedesk.service.audit import audit
from servicedesk.service.models import (
    TICKET_STATES,
    Agent,
    Handoff,
    Ticket,
    TicketComment,
)
from servicedesk.shop.models import Customer

TICKET_NOT_FOUND = ("TICKET_NOT_FOUND", "没有找到该工单。")
# Mainland mobile numbers, the only contact a left message takes.
PHONE_PATTERN = re.compile(r"^1[3-9]\d{9}$")
# An earlier ticket or handoff of the same person this recently makes a repeat contact.
REPEAT_WINDOW = timedelta(days=7)


def valid_phone(phone: str) -> str:
    digits = re.sub(r"[\s-]", "", phone or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    if not PHONE_PATTERN.match(digits):
        raise RuleViolation("INVALID_PHONE", "手机号格式不正确。", 422)
    return digits


def is_repeat_contact(
    session: Session,
    customer: Optional[Customer],
    conversation_id: Optional[str],
    now: datetime,
) -> bool:
    since = now - REPEAT_WINDOW
    if customer is not None:
        earlier_ticket = Ticket.customer_id == customer.id
        earlier_handoff = Handoff.customer_id == customer.id
    elif conversation_id:
        earlier_ticket = Ticket.conversation_id == conversation_id
        earlier_handoff = Handoff.conversation_id == conversation_id
    else:
        return False
    ticket = session.execute(
        select(Ticket.id).where(earlier_ticket, Ticket.created_at >= since).limit(1)
    ).first()
    # The handoff that led to this message is the same contact, not a repeat: only
    # one that ended before counts.
    handoff = session.execute(
        select(Handoff.id)
        .where(
            earlier_handoff,
            Handoff.created_at >= since,
            Handoff.state.in_(("closed", "cancelled")),
        )
        .limit(1)
    ).first()
    return ticket is not None or handoff is not None


def triage(
    session: Session,
    ticket: Ticket,
    customer: Optional[Customer],
    summary: Optional[Dict[str, Any]],
    now: datetime,
    sla_hours: Dict[str, float],
) -> None:
    """Category, skill group, priority and due time of a new ticket."""
    vip = customer is not None and customer.level == "vip"
    category = ticket_triage.category_of(summary)
    complaint = category == "complaint" or (summary or {}).get("trigger") == "complaint"
    repeat = is_repeat_contact(session, customer, ticket.conversation_id, now)
    ticket.category = category
    ticket.skill_group = ticket_triage.skill_group_of(category, vip)
    ticket.priority, ticket.priority_reasons = ticket_triage.priority_of(
        vip, complaint, repeat
    )
    ticket.due_at = ticket_sla.due_time(category, now, sla_hours)


def create_ticket(
    session: Session,
    customer: Optional[Customer],
    order_no: Optional[str],
    subject: str,
    description: str,
    contact: str,
    now: datetime,
    source: str = "message",
    summary: Optional[Dict[str, Any]] = None,
    sla_hours: Optional[Dict[str, float]] = None,
    conversation_id: Optional[str] = None,
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
        conversation_id=conversation_id,
    )
    triage(session, ticket, customer, summary, now, sla_hours or ticket_sla.sla_hours())
    session.add(ticket)
    session.flush()
    ticket.ticket_no = f"TK{now:%Y%m%d}{ticket.id:06d}"
    return ticket


def find(session: Session, ticket_no: str) -> Ticket:
    return find_by(session, Ticket.ticket_no, ticket_no, *TICKET_NOT_FOUND)


def listing(
    session: Session,
    agent: Agent,
    state: Optional[str],
    mine: bool,
    limit: int = 100,
    group: Optional[str] = None,
    overdue_at: Optional[datetime] = None,
) -> List[Ticket]:
    """The work queue: unfinished first, then by priority and due time."""
    unfinished = Ticket.state.in_(("open", "in_progress"))
    query = (
        select(Ticket)
        .order_by(
            unfinished.desc(),
            Ticket.priority.desc(),
            Ticket.due_at.is_(None),
            Ticket.due_at,
            Ticket.id.desc(),
        )
        .limit(limit)
    )
    if state:
        query = query.where(Ticket.state == state)
    if mine:
        query = query.where(
            or_(
                Ticket.assignee_id == agent.id,
                Ticket.assignee_id.is_(None)
                & Ticket.skill_group.in_(agent.skills or []),
            )
        )
    if group:
        query = query.where(Ticket.skill_group == group)
    if overdue_at is not None:
        query = query.where(unfinished, Ticket.due_at <= overdue_at)
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


def assign_group(
    session: Session, ticket: Ticket, agent: Agent, group: str, now: datetime
) -> Ticket:
    """Hands the ticket to a skill group: whoever of it takes it next."""
    if group not in ticket_triage.SKILLS:
        raise RuleViolation("INVALID_SKILL", "没有这个技能组。", 422)
    ticket.skill_group, ticket.assignee = group, None
    ticket.updated_at = now
    audit(session, agent.username, "ticket_assign", ticket.ticket_no, now, group=group)
    return ticket


def comment(
    session: Session,
    ticket: Ticket,
    agent: Agent,
    text: str,
    now: datetime,
    public: bool = False,
) -> TicketComment:
    text = (text or "").strip()
    if not text:
        raise RuleViolation("EMPTY_MESSAGE", "内容不能为空。", 422)
    entry = TicketComment(
        ticket=ticket, author=agent.display_name, text=text[:2000], created_at=now,
        public=public,
    )  # fmt: skip
    session.add(entry)
    ticket.updated_at = now
    audit(
        session, agent.username, "ticket_comment", ticket.ticket_no, now, public=public
    )
    return entry


def resolve(
    session: Session, ticket: Ticket, agent: Agent, text: str, now: datetime
) -> Ticket:
    """The answer the customer reads: stored, a public update, and the ticket resolved."""
    text = (text or "").strip()
    if not text:
        raise RuleViolation("EMPTY_MESSAGE", "请填写给客户的处理结果。", 422)
    ticket.resolution, ticket.resolved_at = text[:2000], now
    comment(session, ticket, agent, text, now, public=True)
    set_state(session, ticket, agent, "resolved", now)
    return ticket


def last_public_update(ticket: Ticket) -> Optional[TicketComment]:
    public = [c for c in ticket.comments if c.public]
    return public[-1] if public else None


def require_assignee(ticket: Ticket, agent: Agent) -> None:
    """Only the agent working the ticket sees the contact number in full."""
    if ticket.assignee is None or ticket.assignee.id != agent.id:
        raise RuleViolation(
            "NOT_YOUR_TICKET", "只有工单处理人可以查看完整联系方式。", 403
        )


def reveal_phone(
    session: Session, ticket: Ticket, agent: Agent, now: datetime
) -> Optional[str]:
    require_assignee(ticket, agent)
    audit(session, agent.username, "ticket_phone_view", ticket.ticket_no, now)
    return contact_phone.unseal(ticket.contact_phone)


def of_customer(session: Session, customer: Customer, limit: int = 5) -> List[Ticket]:
    return list(
        session.execute(
            select(Ticket)
            .where(Ticket.customer_id == customer.id)
            .order_by(Ticket.id.desc())
            .limit(limit)
        ).scalars()
    )


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
