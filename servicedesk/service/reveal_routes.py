"""`POST /api/agent/handoffs/{no}/reveal`: the agent serving the conversation, or a
supervisor, sees an order's shipping fields in full; audited (service/reveal.py).
Other agents get 403, callers without an agent token 401."""

from __future__ import annotations

from typing import List

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field, constr
from sqlalchemy.orm import Session

from servicedesk.context import DeskContext
from servicedesk.service import handoffs
from servicedesk.service.models import Agent
from servicedesk.service.reveal import reveal


class RevealIn(BaseModel):
    order_no: str = Field(..., min_length=1, max_length=32)
    fields: List[constr(regex="^(consignee|address)$")] = Field(  # noqa: F722
        ["consignee", "address"],
        min_items=1,
        max_items=2,
        unique_items=True,
    )


def build_reveal_router(desk: DeskContext) -> APIRouter:
    router = APIRouter()

    @router.post("/api/agent/handoffs/{handoff_no}/reveal")
    def reveal_fields(
        handoff_no: str,
        body: RevealIn,
        agent: Agent = Depends(desk.auth.current_agent),
        session: Session = Depends(desk.get_session),
    ) -> dict:
        handoff = handoffs.by_number(session, handoff_no)
        # Someone who may not even read the conversation learns nothing about it.
        handoffs.require_access(handoff, agent)
        values = reveal(
            session, handoff, agent, body.order_no, body.fields, desk.clock()
        )
        session.commit()
        return {"order_no": body.order_no, "fields": values}

    return router
