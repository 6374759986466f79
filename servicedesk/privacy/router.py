"""HTTP API of privacy (supervisors only): erase a customer on request."""

from __future__ import annotations

from dataclasses import asdict
from typing import Optional

from fastapi import APIRouter, Depends, Path
from sqlalchemy.orm import Session

from servicedesk.analytics.service import Analytics
from servicedesk.context import DeskContext
from servicedesk.errors import RuleViolation
from servicedesk.privacy.erasure import erase_and_scrub
from servicedesk.privacy.tracker import TrackerStore
from servicedesk.service.models import Agent

MAX_ID = 2**31 - 1


def build_privacy_router(
    desk: DeskContext, tracker: TrackerStore, analytics: Optional[Analytics] = None
) -> APIRouter:
    router = APIRouter(prefix="/api/agent/admin")

    def supervisor(agent: Agent = Depends(desk.auth.current_agent)) -> Agent:
        if agent.role != "supervisor":
            raise RuleViolation("FORBIDDEN", "只有主管可以删除客户数据。", 403)
        return agent

    @router.post("/customers/{customer_id}/erase")
    def erase(
        customer_id: int = Path(..., ge=1, le=MAX_ID),
        actor: Agent = Depends(supervisor),
        session: Session = Depends(desk.get_session),
    ) -> dict:
        counts = erase_and_scrub(
            session, tracker, customer_id, actor.username, desk.clock(), analytics
        )
        return {"customer_id": customer_id, "erased": asdict(counts)}

    return router
