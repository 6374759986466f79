"""HTTP API of agent administration (supervisors only): /api/agent/admin/..."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from servicedesk.context import DeskContext
from servicedesk.service import agent_admin, agents
from servicedesk.service.models import Agent

ROLE_PATTERN = "^(agent|supervisor)$"
USERNAME_PATTERN = "^[A-Za-z0-9_.-]{3,50}$"


class AgentIn(BaseModel):
    username: str = Field(..., regex=USERNAME_PATTERN)
    name: str = Field(..., min_length=1, max_length=50)
    password: str = Field(..., max_length=200)
    role: str = Field("agent", regex=ROLE_PATTERN)
    max_concurrent: int = Field(3, ge=1, le=20)


class PasswordIn(BaseModel):
    password: str = Field(..., max_length=200)


class RoleIn(BaseModel):
    role: str = Field(..., regex=ROLE_PATTERN)


def admin_view(agent: Agent) -> dict:
    return {**agents.agent_view(agent), "disabled": bool(agent.disabled)}


def build_agent_admin_router(desk: DeskContext) -> APIRouter:
    router = APIRouter(prefix="/api/agent/admin")
    get_session, clock = desk.get_session, desk.clock

    def supervisor(agent: Agent = Depends(desk.auth.current_agent)) -> Agent:
        agent_admin.require_supervisor(agent)
        return agent

    def target(username: str, session: Session = Depends(get_session)) -> Agent:
        return agents.by_username(session, username)

    @router.get("/agents")
    def list_agents(
        actor: Agent = Depends(supervisor), session: Session = Depends(get_session)
    ) -> dict:
        everyone = session.execute(select(Agent).order_by(Agent.id)).scalars()
        return {"agents": [admin_view(a) for a in everyone]}

    @router.post("/agents", status_code=201)
    def create(
        body: AgentIn,
        actor: Agent = Depends(supervisor),
        session: Session = Depends(get_session),
    ) -> dict:
        agent = agent_admin.create(
            session, actor, body.username, body.name.strip(), body.password,
            body.role, body.max_concurrent, clock(),
        )  # fmt: skip
        session.commit()
        return admin_view(agent)

    @router.post("/agents/{username}/disable")
    def disable(
        actor: Agent = Depends(supervisor),
        agent: Agent = Depends(target),
        session: Session = Depends(get_session),
    ) -> dict:
        agent_admin.set_disabled(session, actor, agent, True, clock())
        session.commit()
        return admin_view(agent)

    @router.post("/agents/{username}/enable")
    def enable(
        actor: Agent = Depends(supervisor),
        agent: Agent = Depends(target),
        session: Session = Depends(get_session),
    ) -> dict:
        agent_admin.set_disabled(session, actor, agent, False, clock())
        session.commit()
        return admin_view(agent)

    @router.post("/agents/{username}/password")
    def reset_password(
        body: PasswordIn,
        actor: Agent = Depends(supervisor),
        agent: Agent = Depends(target),
        session: Session = Depends(get_session),
    ) -> dict:
        agent_admin.reset_password(session, actor, agent, body.password, clock())
        session.commit()
        return admin_view(agent)

    @router.post("/agents/{username}/role")
    def set_role(
        body: RoleIn,
        actor: Agent = Depends(supervisor),
        agent: Agent = Depends(target),
        session: Session = Depends(get_session),
    ) -> dict:
        agent_admin.set_role(session, actor, agent, body.role, clock())
        session.commit()
        return admin_view(agent)

    return router
