"""Agent administration by supervisors: create, disable, enable, reset, set the role.

Every change is audited. Disabling an agent or resetting a password ends that agent's
sessions at once, so a leaked or departed account stops working immediately.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from servicedesk.errors import RuleViolation
from servicedesk.service import agents, skills
from servicedesk.service.audit import audit
from servicedesk.service.models import Agent, AgentSession

MIN_PASSWORD_LENGTH = 10


def require_supervisor(agent: Agent) -> None:
    if agent.role != "supervisor":
        raise RuleViolation("FORBIDDEN", "只有主管可以管理客服账号。", 403)


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise RuleViolation(
            "WEAK_PASSWORD", f"密码至少需要 {MIN_PASSWORD_LENGTH} 位。", 422
        )


def _not_self(actor: Agent, target: Agent) -> None:
    # A supervisor who disables or demotes themselves could leave nobody to undo it.
    if actor.id == target.id:
        raise RuleViolation("CANNOT_CHANGE_SELF", "不能停用自己或修改自己的角色。", 409)


def revoke_sessions(session: Session, agent: Agent) -> None:
    session.execute(delete(AgentSession).where(AgentSession.agent_id == agent.id))
    agent.status = "offline"
    skills.status_changed(session, agent)


def create(
    session: Session,
    actor: Agent,
    username: str,
    name: str,
    password: str,
    role: str,
    max_concurrent: int,
    now: datetime,
) -> Agent:
    _check_password(password)
    exists = session.execute(select(Agent.id).where(Agent.username == username)).first()
    if exists:
        raise RuleViolation("AGENT_EXISTS", "该用户名已存在。", 409)
    agent = agents.create_agent(session, username, name, password, role, max_concurrent)
    audit(session, actor.username, "agent_create", username, now, role=role)
    return agent


def set_disabled(
    session: Session, actor: Agent, target: Agent, disabled: bool, now: datetime
) -> Agent:
    _not_self(actor, target)
    target.disabled = disabled
    if disabled:
        revoke_sessions(session, target)
    action = "agent_disable" if disabled else "agent_enable"
    audit(session, actor.username, action, target.username, now)
    return target


def reset_password(
    session: Session, actor: Agent, target: Agent, password: str, now: datetime
) -> Agent:
    _check_password(password)
    target.password_hash = agents.hash_password(password)
    revoke_sessions(session, target)
    audit(session, actor.username, "agent_reset", target.username, now)
    return target


def set_role(
    session: Session, actor: Agent, target: Agent, role: str, now: datetime
) -> Agent:
    _not_self(actor, target)
    target.role = role
    audit(session, actor.username, "agent_role", target.username, now, role=role)
    return target
