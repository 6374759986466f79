"""HTTP API of tickets: the bot leaves a user's message, agents work through them."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from servicedesk.context import DeskContext
from servicedesk.service import agents, tickets
from servicedesk.service.audit import audit
from servicedesk.service.models import Agent
from servicedesk.service.views import ticket_view
from servicedesk.shop.customers import customer_by_phone
from servicedesk.shop.models import Customer


class TicketIn(BaseModel):
    subject: str = Field(..., max_length=100)
    description: str = Field("", max_length=4000)
    contact: str = Field("", max_length=50)
    order_no: Optional[str] = Field(None, max_length=32)


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


def build_ticket_router(desk: DeskContext) -> APIRouter:
    router = APIRouter()
    get_session, clock, auth = desk.get_session, desk.clock, desk.auth
    current_agent = auth.current_agent

    def ticket(ticket_no: str, session: Session = Depends(get_session)):
        return tickets.find(session, ticket_no)

    @router.post("/api/tickets", dependencies=auth.bot, status_code=201)
    def create_ticket(
        body: TicketIn,
        customer: Optional[Customer] = Depends(auth.customer),
        session: Session = Depends(get_session),
    ) -> dict:
        created = tickets.create_ticket(
            session, customer, body.order_no, body.subject, body.description,
            body.contact, clock(),
        )  # fmt: skip
        session.commit()
        return {"ticket_no": created.ticket_no, "state": created.state}

    @router.get("/api/agent/tickets")
    def list_tickets(
        state: Optional[str] = Query(None, max_length=20),
        mine: bool = False,
        agent: Agent = Depends(current_agent),
        session: Session = Depends(get_session),
    ) -> dict:
        found = tickets.listing(session, agent, state, mine)
        return {"tickets": [ticket_view(t) for t in found]}

    @router.post("/api/agent/tickets", status_code=201)
    def create(
        body: TicketCreateIn,
        agent: Agent = Depends(current_agent),
        session: Session = Depends(get_session),
    ) -> dict:
        customer = None
        if body.customer_phone:
            customer = customer_by_phone(session, body.customer_phone)
        created = tickets.create_ticket(
            session, customer, body.order_no, body.subject, body.description,
            body.contact, clock(), source="agent",
        )  # fmt: skip
        created.assignee = agent
        audit(session, agent.username, "ticket_create", created.ticket_no, clock())
        session.commit()
        return ticket_view(created, comments=True)

    @router.get("/api/agent/tickets/{ticket_no}")
    def detail(agent: Agent = Depends(current_agent), found=Depends(ticket)) -> dict:
        return ticket_view(found, comments=True)

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
        return ticket_view(found, comments=True)

    @router.post("/api/agent/tickets/{ticket_no}/comments")
    def comment(
        body: CommentIn,
        agent: Agent = Depends(current_agent),
        found=Depends(ticket),
        session: Session = Depends(get_session),
    ) -> dict:
        tickets.comment(session, found, agent, body.text, clock())
        session.commit()
        return ticket_view(found, comments=True)

    @router.post("/api/agent/tickets/{ticket_no}/state")
    def state(
        body: StateIn,
        agent: Agent = Depends(current_agent),
        found=Depends(ticket),
        session: Session = Depends(get_session),
    ) -> dict:
        tickets.set_state(session, found, agent, body.state, clock())
        session.commit()
        return ticket_view(found, comments=True)

    return router
