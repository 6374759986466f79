"""Skill groups: which agents handle what, who a new handoff is offered to, how long a
group takes per conversation.

A handoff's group is its task's (ticket_triage); it is offered to the least-loaded
online agent with that skill and room for one more, ties going to whoever has waited
longest since their last conversation. Anyone may still claim it by hand. The wait
estimate uses the group's measured handling time (claim to close) of its recent
conversations, or the desk's default while there is no history.
"""

from __future__ import annotations

from datetime import datetime
from typing import Dict, List, Optional, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from servicedesk.errors import RuleViolation
from servicedesk.service.audit import audit
from servicedesk.service.models import Agent, Handoff
from servicedesk.service.ticket_triage import SKILLS

DEFAULT_HANDLING_MINUTES = 4.0
# Recent closed conversations a group's handling time is measured on.
HANDLING_SAMPLE = 50


def skills_of(agent: Agent) -> List[str]:
    return [s for s in (agent.skills or []) if s in SKILLS]


def set_skills(
    session: Session, agent: Agent, target: Agent, skills: Sequence[str], now: datetime
) -> Agent:
    unknown = [s for s in skills if s not in SKILLS]
    if unknown:
        raise RuleViolation("INVALID_SKILL", "没有这个技能组。", 422)
    before = skills_of(target)
    target.skills = [s for s in SKILLS if s in set(skills)]
    audit(
        session, agent.username, "agent_skills", target.username, now,
        before=before, after=target.skills,
    )  # fmt: skip
    return target


def load_of(session: Session) -> Dict[int, int]:
    """Conversations each agent serves or has been offered and not yet claimed."""
    serving = dict(
        session.execute(
            select(Handoff.agent_id, func.count(Handoff.id))
            .where(Handoff.state == "serving")
            .group_by(Handoff.agent_id)
        ).all()
    )
    offered = session.execute(
        select(Handoff.offered_agent_id, func.count(Handoff.id))
        .where(Handoff.state == "queued", Handoff.offered_agent_id.isnot(None))
        .group_by(Handoff.offered_agent_id)
    ).all()
    for agent_id, count in offered:
        serving[agent_id] = serving.get(agent_id, 0) + count
    return serving


def online_in_group(session: Session, group: Optional[str]) -> List[Agent]:
    online = session.execute(
        select(Agent).where(Agent.status == "online").order_by(Agent.id)
    ).scalars()
    return [a for a in online if group is None or group in skills_of(a)]


def pick_agent(session: Session, group: Optional[str]) -> Optional[Agent]:
    """The least-loaded online agent of the group with room; None if nobody has."""
    if group is None:
        return None
    load = load_of(session)
    candidates = [
        a
        for a in online_in_group(session, group)
        if load.get(a.id, 0) < a.max_concurrent
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda a: (load.get(a.id, 0), a.id))


def offer(session: Session, handoff: Handoff, group: Optional[str]) -> None:
    handoff.skill_group = group
    handoff.offered_agent = pick_agent(session, group)


def status_changed(session: Session, agent: Agent) -> None:
    """Offers follow who is online: an agent who leaves hands theirs on to the next
    least-loaded colleague of the group (or back to everyone), and one who arrives
    takes the group's waiting conversations that nobody was offered, oldest first."""
    if agent.status != "online":
        left = session.execute(
            select(Handoff).where(
                Handoff.state == "queued", Handoff.offered_agent_id == agent.id
            )
        ).scalars()
        for handoff in left.all():
            handoff.offered_agent = None
            session.flush()
            offer(session, handoff, handoff.skill_group)
        return
    waiting = session.execute(
        select(Handoff)
        .where(
            Handoff.state == "queued",
            Handoff.offered_agent_id.is_(None),
            Handoff.skill_group.in_(skills_of(agent)),
        )
        .order_by(Handoff.created_at, Handoff.id)
    ).scalars()
    for handoff in waiting.all():
        session.flush()
        offer(session, handoff, handoff.skill_group)


def handling_minutes(session: Session, group: Optional[str]) -> float:
    """Mean claim-to-close minutes of the group's recent conversations."""
    query = (
        select(Handoff.claimed_at, Handoff.closed_at)
        .where(
            Handoff.state == "closed",
            Handoff.claimed_at.isnot(None),
            Handoff.closed_at.isnot(None),
        )
        .order_by(Handoff.closed_at.desc())
        .limit(HANDLING_SAMPLE)
    )
    if group is not None:
        query = query.where(Handoff.skill_group == group)
    spans = [
        (closed - claimed).total_seconds() / 60
        for claimed, closed in session.execute(query).all()
        if closed >= claimed
    ]
    if not spans:
        return DEFAULT_HANDLING_MINUTES
    return max(sum(spans) / len(spans), 0.5)
