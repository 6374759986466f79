"""The queue of conversations waiting for a human agent, and what happens to them.

Priority: VIP customers and urgent cases (a complaint, repeated failures) before waiting
time; within the same priority, first come first served.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any, Dict, List, Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from servicedesk.db import find_by, first_or_404
from servicedesk.errors import RuleViolation
from servicedesk.masking import mask_deep, mask_text
from servicedesk.service import skills, ticket_triage
from servicedesk.service.audit import audit
from servicedesk.service.models import Agent, Handoff, HandoffMessage
from servicedesk.shop.models import Customer

VIP_PRIORITY = 100
URGENT_PRIORITY = 50
URGENT_TRIGGERS = {"complaint", "negative_sentiment", "repeated_failure"}
TRIGGERS = URGENT_TRIGGERS | {
    "user_request",
    "fallback",
    "form_failure",
    "backend_error",
}
# Minutes an agent needs per conversation, for the estimated wait while a group has no
# measured history (skills.handling_minutes).
AVERAGE_HANDLING_MINUTES = skills.DEFAULT_HANDLING_MINUTES
OPEN_STATES = ("queued", "serving")
HANDOFF_NOT_FOUND = ("HANDOFF_NOT_FOUND", "没有找到该会话。")


def priority_of(customer: Optional[Customer], urgent: bool) -> int:
    level = VIP_PRIORITY if customer is not None and customer.level == "vip" else 0
    return level + (URGENT_PRIORITY if urgent else 0)


def open_handoff(session: Session, conversation_id: str) -> Optional[Handoff]:
    return session.execute(
        select(Handoff).where(
            Handoff.conversation_id == conversation_id,
            Handoff.state.in_(OPEN_STATES),
        )
    ).scalar_one_or_none()


def by_number(session: Session, handoff_no: str) -> Handoff:
    return find_by(session, Handoff.handoff_no, handoff_no, *HANDOFF_NOT_FOUND)


def latest_of_conversation(session: Session, conversation_id: str) -> Handoff:
    """The conversation's newest handoff, open or not."""
    return first_or_404(
        session,
        select(Handoff)
        .where(Handoff.conversation_id == conversation_id)
        .order_by(Handoff.id.desc()),
        "HANDOFF_NOT_FOUND",
        "没有找到转人工记录。",
    )


def request_handoff(
    session: Session,
    conversation_id: str,
    customer: Optional[Customer],
    trigger: str,
    summary: Dict[str, Any],
    now: datetime,
) -> Handoff:
    """Queues the conversation, or returns its open handoff (asking twice changes nothing)."""
    if trigger not in TRIGGERS:
        raise RuleViolation("INVALID_TRIGGER", "未知的转人工原因。", 422)
    existing = open_handoff(session, conversation_id)
    if existing is not None:
        return existing
    urgent = trigger in URGENT_TRIGGERS
    handoff = Handoff(
        handoff_no="",
        conversation_id=conversation_id,
        customer=customer,
        trigger=trigger,
        urgent=urgent,
        priority=priority_of(customer, urgent),
        state="queued",
        summary=mask_deep(summary),
        created_at=now,
    )
    session.add(handoff)
    vip = customer is not None and customer.level == "vip"
    skills.offer(
        session,
        handoff,
        ticket_triage.skill_group_of(ticket_triage.category_of(summary), vip),
    )
    session.flush()
    handoff.handoff_no = f"HO{now:%Y%m%d}{handoff.id:06d}"
    return handoff


def within_hours(service_hours: str, now: datetime) -> bool:
    start, _, end = service_hours.partition("-")
    current = now.strftime("%H:%M")
    return start.strip() <= current < (end.strip() or "24:00")


def unavailable_reason(
    session: Session, now: datetime, service_hours: str, max_wait_minutes: int
) -> Optional[str]:
    """Why nobody can take a new conversation now, or None if somebody can."""
    if not within_hours(service_hours, now):
        return "outside_hours"
    state = queue_state(session)
    if not state.online:
        return "no_agent_online"
    if state.wait_minutes(len(state.waiting) + 1) > max_wait_minutes:
        return "wait_too_long"
    return None


def queue(session: Session) -> List[Handoff]:
    return list(
        session.execute(
            select(Handoff)
            .where(Handoff.state == "queued")
            .order_by(Handoff.priority.desc(), Handoff.created_at, Handoff.id)
        ).scalars()
    )


def agents_with_room(session: Session) -> List[Agent]:
    serving = dict(
        session.execute(
            select(Handoff.agent_id, func.count(Handoff.id))
            .where(Handoff.state == "serving")
            .group_by(Handoff.agent_id)
        ).all()
    )
    online = session.execute(select(Agent).where(Agent.status == "online")).scalars()
    return [a for a in online if serving.get(a.id, 0) < a.max_concurrent]


class QueueState:
    """The queue and the agents, read once for any number of positions."""

    def __init__(self, waiting: List[Handoff], online: int, free: int) -> None:
        self.waiting = waiting
        self.online = online
        self.free = free

    def wait_minutes(
        self, place: int, handling: float = AVERAGE_HANDLING_MINUTES
    ) -> int:
        """`handling`: minutes per conversation, measured for the handoff's group."""
        if self.free >= place:
            return 0
        return math.ceil((place - self.free) * handling / max(self.online, 1))


def queue_state(session: Session) -> QueueState:
    online = session.execute(
        select(func.count(Agent.id)).where(Agent.status == "online")
    ).scalar_one()
    return QueueState(queue(session), online, len(agents_with_room(session)))


def position(
    session: Session, handoff: Handoff, state: Optional[QueueState] = None
) -> Dict[str, Any]:
    """Place in the queue (1 = next) and the estimated wait in minutes."""
    if handoff.state != "queued":
        return {"position": 0, "estimated_wait_minutes": 0}
    state = state or queue_state(session)
    place = next(i for i, h in enumerate(state.waiting, start=1) if h.id == handoff.id)
    handling = skills.handling_minutes(session, handoff.skill_group)
    return {
        "position": place,
        "estimated_wait_minutes": state.wait_minutes(place, handling),
    }


def claim(session: Session, handoff: Handoff, agent: Agent, now: datetime) -> Handoff:
    if handoff.state != "queued":
        raise RuleViolation("HANDOFF_NOT_QUEUED", "该会话已被接入或已结束。")
    if agent not in agents_with_room(session):
        raise RuleViolation(
            "AGENT_AT_CAPACITY", "您当前接待的会话已达上限或不在线，请先结束一个会话。"
        )
    handoff.state = "serving"
    handoff.agent = agent
    handoff.claimed_at = now
    add_message(session, handoff, "system", "joined", now, agent)
    audit(session, agent.username, "claim", handoff.handoff_no, now=now)
    return handoff


def require_access(handoff: Handoff, agent: Agent) -> None:
    """Who may read a conversation and its internal notes: anyone while it waits in the
    queue (to decide whether to take it), the agent it is (or was last) with, and
    supervisors. Others get the same 404 as a missing handoff: least privilege."""
    if agent.role == "supervisor" or handoff.state == "queued":
        return
    serving = handoff.agent
    if serving is None or serving.id != agent.id:
        raise RuleViolation(*HANDOFF_NOT_FOUND, 404)


def require_serving_agent(handoff: Handoff, agent: Agent) -> None:
    serving = handoff.agent  # the relationship: an id is only set at the next flush
    if handoff.state != "serving" or (
        (serving is None or serving.id != agent.id) and agent.role != "supervisor"
    ):
        raise RuleViolation("NOT_YOUR_CONVERSATION", "该会话不由您接待。", 403)


# System messages carry a code (joined / transferred / closed) and the agent concerned;
# the workbench and the widget word them.
def add_message(
    session: Session,
    handoff: Handoff,
    author: str,
    text: str,
    now: datetime,
    agent: Optional[Agent] = None,
) -> HandoffMessage:
    text = (text or "").strip()
    if not text:
        raise RuleViolation("EMPTY_MESSAGE", "消息不能为空。", 422)
    if author == "user":
        # What the user typed is kept masked; the agent's words reach the user as sent.
        text = mask_text(text)
    message = HandoffMessage(
        handoff=handoff, author=author, agent_id=agent.id if agent else None,
        text=text[:2000], created_at=now,
    )  # fmt: skip
    session.add(message)
    return message


def transfer(
    session: Session, handoff: Handoff, agent: Agent, to: Agent, now: datetime
) -> Handoff:
    require_serving_agent(handoff, agent)
    if to not in agents_with_room(session):
        raise RuleViolation("AGENT_AT_CAPACITY", "对方客服不在线或接待已满。")
    handoff.agent = to
    add_message(session, handoff, "system", "transferred", now, to)
    audit(
        session, agent.username, "transfer", handoff.handoff_no, now=now, to=to.username
    )
    return handoff


def close(
    session: Session, handoff: Handoff, agent: Agent, resolution: str, now: datetime
) -> Handoff:
    require_serving_agent(handoff, agent)
    handoff.state = "closed"
    handoff.closed_at = now
    handoff.resolution = resolution
    add_message(session, handoff, "system", "closed", now, agent)
    audit(
        session,
        agent.username,
        "close",
        handoff.handoff_no,
        now=now,
        resolution=resolution,
    )
    return handoff


def cancel(session: Session, handoff: Handoff, now: datetime) -> Handoff:
    """The user goes back to the bot before an agent took the conversation."""
    if handoff.state != "queued":
        raise RuleViolation("HANDOFF_NOT_QUEUED", "该会话已被接入或已结束。")
    handoff.state = "cancelled"
    handoff.closed_at = now
    return handoff


def rate(handoff: Handoff, rating: int, comment: str) -> Handoff:
    if handoff.state != "closed":
        raise RuleViolation("HANDOFF_NOT_CLOSED", "服务结束后才能评价。")
    if not 1 <= rating <= 5:
        raise RuleViolation("INVALID_RATING", "评分需要在 1 到 5 之间。", 422)
    handoff.rating = rating
    handoff.rating_comment = (comment or "").strip()[:500] or None
    return handoff
