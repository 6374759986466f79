"""Agent accounts: salted password hashes, session tokens, who an agent is."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any, Dict, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicedesk import demo_secrets
from servicedesk.db import find_by
from servicedesk.errors import RuleViolation
from servicedesk.service import skills
from servicedesk.service.audit import audit
from servicedesk.service.models import Agent, AgentSession

PBKDF2_ROUNDS = 120_000
SESSION_HOURS = 12
# Demo mode only, never created when SERVICEDESK_DEMO=0. The passwords here are the
# published ones, kept only with SERVICEDESK_DEMO_PUBLISHED_SECRETS=1 (tests); otherwise
# each install draws its own (servicedesk/demo_secrets.py).
DEMO_AGENTS = (
    ("agent1", "客服小王", "agent1-demo", "agent", 3),
    ("agent2", "客服小李", "agent2-demo", "agent", 2),
    ("lead", "主管老陈", "lead-demo", "supervisor", 5),
)


def hash_password(password: str, salt: Optional[str] = None) -> str:
    salt = salt or secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac(
        "sha256", password.encode(), salt.encode(), PBKDF2_ROUNDS
    ).hex()
    return f"pbkdf2_sha256${PBKDF2_ROUNDS}${salt}${digest}"


def password_matches(password: str, stored: str) -> bool:
    try:
        _, rounds, salt, digest = stored.split("$")
    except ValueError:
        return False
    candidate = hashlib.pbkdf2_hmac(
        "sha256", password.encode(), salt.encode(), int(rounds)
    ).hex()
    return hmac.compare_digest(candidate, digest)


# Checked when the username is unknown (or the account disabled), so every failed login
# costs one PBKDF2 run: the response time does not tell which usernames exist.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_agent(
    session: Session,
    username: str,
    display_name: str,
    password: str,
    role: str = "agent",
    max_concurrent: int = 3,
    demo: bool = False,
) -> Agent:
    agent = Agent(
        username=username,
        display_name=display_name,
        password_hash=hash_password(password),
        role=role,
        max_concurrent=max_concurrent,
        demo=demo,
    )
    session.add(agent)
    session.flush()
    return agent


def ensure_demo_agents(session: Session) -> None:
    """Creates the missing demo agents; a demo agent still on its published password
    (a database from before) gets a random one."""
    keep_published = demo_secrets.published()
    for username, name, password, role, capacity in DEMO_AGENTS:
        agent = session.execute(
            select(Agent).where(Agent.username == username)
        ).scalar_one_or_none()
        if keep_published:
            if agent is None:
                create_agent(session, username, name, password, role, capacity, True)
            continue
        if agent is not None and not (
            agent.demo and password_matches(password, agent.password_hash)
        ):
            continue
        secret = demo_secrets.fresh_secret(username)
        if agent is None:
            create_agent(session, username, name, secret, role, capacity, demo=True)
        else:
            agent.password_hash = hash_password(secret)
        demo_secrets.remember(session, demo_secrets.AGENT, username, secret)


def log_in(session: Session, username: str, password: str, now: datetime) -> str:
    agent = session.execute(
        select(Agent).where(Agent.username == username)
    ).scalar_one_or_none()
    # The same answer, after the same work, for an unknown user, a disabled account and
    # a wrong password.
    stored = agent.password_hash if agent is not None else _DUMMY_HASH
    matches = password_matches(password, stored)
    if agent is None or agent.disabled or not matches:
        audit(session, username or "-", "login_failed", "", now)
        raise RuleViolation("LOGIN_FAILED", "用户名或密码错误。", 401)
    token = secrets.token_urlsafe(32)
    session.add(
        AgentSession(
            token_hash=_token_hash(token),
            agent=agent,
            expires_at=now + timedelta(hours=SESSION_HOURS),
        )
    )
    # Offers wait for the workbench's own "online" (POST /api/agent/status): flushing
    # here would hold the database while the login throttle writes.
    agent.status = "online"
    audit(session, agent.username, "login", "", now)
    return token


def _session_of(session: Session, token: str) -> Optional[AgentSession]:
    return session.execute(
        select(AgentSession).where(AgentSession.token_hash == _token_hash(token))
    ).scalar_one_or_none()


def agent_for_token(session: Session, token: Optional[str], now: datetime) -> Agent:
    if token:
        found = _session_of(session, token)
        # A disabled agent's sessions are deleted; the check covers any left behind.
        if found is not None and found.expires_at > now and not found.agent.disabled:
            return found.agent
    raise RuleViolation("AGENT_LOGIN_REQUIRED", "请先登录客服工作台。", 401)


def log_out(session: Session, token: str, now: datetime) -> None:
    found = _session_of(session, token)
    if found is not None:
        found.agent.status = "offline"
        skills.status_changed(session, found.agent)
        audit(session, found.agent.username, "logout", "", now)
        session.delete(found)


def by_username(session: Session, username: str) -> Agent:
    return find_by(
        session, Agent.username, username, "AGENT_NOT_FOUND", "没有这个客服。"
    )


def agent_view(agent: Agent) -> Dict[str, Any]:
    return {
        "username": agent.username,
        "name": agent.display_name,
        "role": agent.role,
        "status": agent.status,
        "max_concurrent": agent.max_concurrent,
    }
