"""Agents' HTTP API for tickets and, for supervisors, the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Callable, Optional

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from servicedesk import agents, services, tickets, views
from servicedesk.agents import audit
from servicedesk.models import Agent, AuditEntry, Customer
from servicedesk.rules import RuleViolation


class TicketCreateIn(BaseModel):
    subject: str = Field(..., max_length=100)
    description: str = Field("", max_length=4000)
    order_no: Optional[str] = Field(None, max_length=32)
    customer_phone: Optional[str] = Field(None, max_length=20)
    contact: str = Field("", max_length=50)


class AssignIn(BaseModel):
    to: str = Field(..., max_length=50)


class CommentIn(BaseModel):
    text: str = Field(..., max_length=2000)


class StateIn(BaseModel):
    state: str = Field(..., max_length=20)


def build_ticket_router(
    get_session: Callable, current_agent: Callable, clock: Callable[[], datetime]
) -> APIRouter:
    router = APIRouter()

    def ticket(ticket_no: str, session: Session = Depends(get_session)):
        return tickets.find(session, ticket_no)

    @router.get("/api/agent/tickets")
    def list_tickets(
        state: Optional[str] = Query(None, max_length=20),
        mine: bool = False,
        agent: Agent = Depends(current_agent),
        session: Session = Depends(get_session),
    ) -> dict:
        found = tickets.listing(session, agent, state, mine)
        return {"tickets": [views.ticket_view(t) for t in found]}

    @router.post("/api/agent/tickets", status_code=201)
    def create(
        body: TicketCreateIn,
        agent: Agent = Depends(current_agent),
        session: Session = Depends(get_session),
    ) -> dict:
        customer = None
        if body.customer_phone:
            customer = session.execute(
                select(Customer).where(
                    Customer.phone_hash
                    == services.phone_hash(
                        "".join(filter(str.isdigit, body.customer_phone))
                    )
                )
            ).scalar_one_or_none()
        created = services.create_ticket(
            session, customer, body.order_no, body.subject, body.description,
            body.contact, clock(), source="agent",
        )  # fmt: skip
        created.assignee = agent
        audit(session, agent.username, "ticket_create", created.ticket_no, clock())
        session.commit()
        return views.ticket_view(created, comments=True)

    @router.get("/api/agent/tickets/{ticket_no}")
    def detail(agent: Agent = Depends(current_agent), found=Depends(ticket)) -> dict:
        return views.ticket_view(found, comments=True)

    @router.post("/api/agent/tickets/{ticket_no}/assign")
    def assign(
        body: AssignIn,
        agent: Agent = Depends(current_agent),
        found=Depends(ticket),
        session: Session = Depends(get_session),
    ) -> dict:
        target = agents.by_username(session, body.to)
        tickets.assign(session, found, agent, target, clock())
        session.commit()
        return views.ticket_view(found, comments=True)

    @router.post("/api/agent/tickets/{ticket_no}/comments")
    def comment(
        body: CommentIn,
        agent: Agent = Depends(current_agent),
        found=Depends(ticket),
        session: Session = Depends(get_session),
    ) -> dict:
        tickets.comment(session, found, agent, body.text, clock())
        session.commit()
        return views.ticket_view(found, comments=True)

    @router.post("/api/agent/tickets/{ticket_no}/state")
    def state(
        body: StateIn,
        agent: Agent = Depends(current_agent),
        found=Depends(ticket),
        session: Session = Depends(get_session),
    ) -> dict:
        tickets.set_state(session, found, agent, body.state, clock())
        session.commit()
        return views.ticket_view(found, comments=True)

    @router.get("/api/agent/audit")
    def audit_log(
        limit: int = Query(100, ge=1, le=500),
        agent: Agent = Depends(current_agent),
        session: Session = Depends(get_session),
    ) -> dict:
        if agent.role != "supervisor":
            raise RuleViolation("FORBIDDEN", "只有主管可以查看操作记录。", 403)
        entries = session.execute(
            select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        ).scalars()
        return {
            "entries": [
                {
                    "actor": e.actor,
                    "action": e.action,
                    "target": e.target,
                    "detail": e.detail,
                    "at": e.at.isoformat(timespec="seconds"),
                }
                for e in entries
            ]
        }

    return router
