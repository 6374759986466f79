"""HTTP API of tickets for agents: the work queue, assignment, comments, states and
the resolution the customer reads. Every route needs a logged-in agent (X-Agent-Token);
every change is audited. The bot's side is in ticket_bot_routes.py.
"""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field, root_validator
from sqlalchemy.orm import Session

from servicedesk.context import DeskContext
from servicedesk.service import agents, ticket_sla, tickets
from servicedesk.service.audit import audit
from servicedesk.service.models import Agent
from servicedesk.service.rasa_bridge import RasaBridge
from servicedesk.service.views import ticket_view
from servicedesk.shop.customers import customer_by_phone

SKILL_PATTERN = "^(after_sales|invoices|logistics|vip)$"


class TicketCreateIn(BaseModel):
    subject: str = Field(..., max_length=100)
    description: str = Field("", max_length=4000)
    order_no: Optional[str] = Field(None, max_length=32)
    customer_phone: Optional[str] = Field(None, max_length=20)
    contact: str = Field("", max_length=50)


class AssignIn(BaseModel):
    """An agent (`to`, a username) or a skill group (`group`)."""

    to: Optional[str] = Field(None, max_length=50)
    group: Optional[str] = Field(None, regex=SKILL_PATTERN)

    @root_validator(skip_on_failure=True)
    def one_target(cls, values):
        if bool(values.get("to")) == bool(values.get("group")):
            raise ValueError("give either to (an agent) or group (a skill group)")
        return values


class CommentIn(BaseModel):
    text: str = Field(..., max_length=2000)
    public: bool = False


class StateIn(BaseModel):
    state: str = Field(..., max_length=20)


class ResolveIn(BaseModel):
    text: str = Field(..., max_length=2000)


def build_ticket_router(desk: DeskContext, bridge: RasaBridge) -> APIRouter:
    router = APIRouter()
    get_session, clock, auth = desk.get_session, desk.clock, desk.auth
    current_agent = auth.current_agent
    sla_hours = ticket_sla.sla_hours()

    def ticket(ticket_no: str, session: Session = Depends(get_session)):
        return tickets.find(session, ticket_no)

    def full(found) -> dict:
        return ticket_view(found, comments=True, now=clock())

    def deliver(found, agent: Agent) -> bool:
        """The latest public update reaches the conversation the message came from, if
        it is open; the widget also fetches it when it next connects."""
        update = tickets.last_public_update(found)
        if not found.conversation_id or update is None:
            return False
        return bridge.ticket_update(
            found.conversation_id, found.ticket_no, update.id, agent.display_name,
            update.text,
        )  # fmt: skip

    @router.get("/api/agent/tickets")
    def list_tickets(
        state: Optional[str] = Query(None, max_length=20),
        mine: bool = False,
        group: Optional[str] = Query(None, regex=SKILL_PATTERN),
        overdue: bool = False,
        agent: Agent = Depends(current_agent),
        session: Session = Depends(get_session),
    ) -> dict:
        now = clock()
        found = tickets.listing(
            session, agent, state, mine, group=group,
            overdue_at=now if overdue else None,
        )  # fmt: skip
        return {"tickets": [ticket_view(t, now=now) for t in found]}

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
            body.contact, clock(), source="agent", sla_hours=sla_hours,
        )  # fmt: skip
        created.assignee = agent
        audit(session, agent.username, "ticket_create", created.ticket_no, clock())
        session.commit()
        return full(created)

    @router.get("/api/agent/tickets/{ticket_no}")
    def detail(agent: Agent = Depends(current_agent), found=Depends(ticket)) -> dict:
        return full(found)

    @router.get("/api/agent/tickets/{ticket_no}/contact")
    def contact(
        agent: Agent = Depends(current_agent),
        found=Depends(ticket),
        session: Session = Depends(get_session),
    ) -> dict:
        """The contact number in full: the assignee only, and every view audited."""
        phone = tickets.reveal_phone(session, found, agent, clock())
        session.commit()
        return {"ticket_no": found.ticket_no, "contact_phone": phone}

    @router.post("/api/agent/tickets/{ticket_no}/assign")
    def assign(
        body: AssignIn,
        agent: Agent = Depends(current_agent),
        found=Depends(ticket),
        session: Session = Depends(get_session),
    ) -> dict:
        if body.group:
            tickets.assign_group(session, found, agent, body.group, clock())
        else:
            target = agents.by_username(session, body.to)
            tickets.assign(session, found, agent, target, clock())
        session.commit()
        return full(found)

    @router.post("/api/agent/tickets/{ticket_no}/comments")
    def comment(
        body: CommentIn,
        agent: Agent = Depends(current_agent),
        found=Depends(ticket),
        session: Session = Depends(get_session),
    ) -> dict:
        tickets.comment(session, found, agent, body.text, clock(), public=body.public)
        session.commit()
        delivered = body.public and deliver(found, agent)
        return {**full(found), "delivered": delivered}

    @router.post("/api/agent/tickets/{ticket_no}/state")
    def state(
        body: StateIn,
        agent: Agent = Depends(current_agent),
        found=Depends(ticket),
        session: Session = Depends(get_session),
    ) -> dict:
        tickets.set_state(session, found, agent, body.state, clock())
        session.commit()
        return full(found)

    @router.post("/api/agent/tickets/{ticket_no}/resolve")
    def resolve(
        body: ResolveIn,
        agent: Agent = Depends(current_agent),
        found=Depends(ticket),
        session: Session = Depends(get_session),
    ) -> dict:
        tickets.resolve(session, found, agent, body.text, clock())
        session.commit()
        return {**full(found), "delivered": deliver(found, agent)}

    return router
