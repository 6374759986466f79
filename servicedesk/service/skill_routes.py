"""HTTP API of skill groups: agents read who has which skill; supervisors edit them."""

from __future__ import annotations

from typing import List

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from servicedesk.context import DeskContext
from servicedesk.service import agent_admin, agents, skills
from servicedesk.service.models import Agent
from servicedesk.service.ticket_triage import SKILLS


class SkillsIn(BaseModel):
    skills: List[str] = Field(..., max_items=len(SKILLS))


def skills_view(session: Session) -> dict:
    everyone = session.execute(
        select(Agent).where(Agent.disabled.isnot(True)).order_by(Agent.id)
    ).scalars()
    return {
        "skills": list(SKILLS),
        "agents": [
            {**agents.agent_view(a), "skills": skills.skills_of(a)} for a in everyone
        ],
    }


def build_skill_router(desk: DeskContext) -> APIRouter:
    router = APIRouter()
    get_session, clock = desk.get_session, desk.clock

    @router.get("/api/agent/skills")
    def list_skills(
        agent: Agent = Depends(desk.auth.current_agent),
        session: Session = Depends(get_session),
    ) -> dict:
        return skills_view(session)

    @router.post("/api/agent/admin/agents/{username}/skills")
    def edit(
        username: str,
        body: SkillsIn,
        agent: Agent = Depends(desk.auth.current_agent),
        session: Session = Depends(get_session),
    ) -> dict:
        agent_admin.require_supervisor(agent)
        target = agents.by_username(session, username)
        skills.set_skills(session, agent, target, body.skills, clock())
        session.commit()
        return {**agents.agent_view(target), "skills": skills.skills_of(target)}

    return router
