"""HTTP API of tickets for the bot (bearer token): leaving a message, and progress.

A known customer is named by X-Customer-Token; an anonymous user proves a ticket with
X-Order-Phone-Last4 (the last four digits of the contact number left with it), counted
against guessing per ticket and per X-End-User.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Dict, Optional

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from servicedesk.auth import Caller, caller, end_user
from servicedesk.context import DeskContext
from servicedesk.masking import mask_text
from servicedesk.service import contact_phone, ticket_progress, ticket_sla, tickets
from servicedesk.service.ticket_progress import TicketCheck, progress_view
from servicedesk.shop.models import Customer
from servicedesk.throttle import Policy


class TicketIn(BaseModel):
    subject: str = Field(..., max_length=100)
    description: str = Field("", max_length=4000)
    contact: str = Field("", max_length=50)
    order_no: Optional[str] = Field(None, max_length=32)
    # A left message: the user's words, a number to call (anonymous users), when.
    message: str = Field("", max_length=1000)
    contact_phone: Optional[str] = Field(None, max_length=20)
    callback_time: Optional[str] = Field(None, max_length=30)
    conversation_id: Optional[str] = Field(None, max_length=255)
    summary: Dict[str, Any] = Field(default_factory=dict)


class PhoneIn(BaseModel):
    phone: str = Field(..., max_length=20)


def build_ticket_bot_router(desk: DeskContext) -> APIRouter:
    router = APIRouter(dependencies=desk.auth.bot)
    get_session, clock, settings = desk.get_session, desk.clock, desk.settings
    sla_hours = ticket_sla.sla_hours()
    check = TicketCheck(
        desk.session_factory,
        clock,
        Policy(
            max_failures=settings.verify_max_failures,
            window=timedelta(minutes=15),
            lockout=timedelta(minutes=settings.verify_lock_minutes),
        ),
    )

    @router.post("/api/tickets", status_code=201)
    def create_ticket(
        body: TicketIn,
        customer: Optional[Customer] = Depends(desk.auth.customer),
        session: Session = Depends(get_session),
    ) -> dict:
        phone = tickets.valid_phone(body.contact_phone) if body.contact_phone else None
        created = tickets.create_ticket(
            session, customer, body.order_no, body.subject, body.description,
            body.contact, clock(), summary=body.summary, sla_hours=sla_hours,
            conversation_id=body.conversation_id,
        )  # fmt: skip
        created.message = mask_text(body.message.strip())[:1000] or None
        created.contact_phone = contact_phone.seal(phone)
        created.callback_time = (body.callback_time or "").strip() or None
        session.commit()
        return {
            "ticket_no": created.ticket_no,
            "state": created.state,
            "due_at": progress_view(created)["due_at"],
        }

    @router.post("/api/tickets/check-phone")
    def check_phone(body: PhoneIn) -> dict:
        """Whether a number is one a message can be left with (nothing is stored)."""
        return {"phone": tickets.valid_phone(body.phone)}

    @router.get("/api/tickets/mine")
    def mine(
        conversation_id: Optional[str] = None,
        customer: Optional[Customer] = Depends(desk.auth.customer),
        session: Session = Depends(get_session),
    ) -> dict:
        """A known customer's tickets; without a token, those left in this conversation
        (the bot names its own sender id)."""
        if customer is not None:
            found = ticket_progress.own_tickets(session, customer)
        elif conversation_id:
            found = ticket_progress.of_conversation(session, conversation_id)
        else:
            found = []
        return {"tickets": [progress_view(t) for t in found]}

    @router.get("/api/tickets/{ticket_no}/progress")
    def progress(
        ticket_no: str,
        who: Caller = Depends(caller),
        person: Optional[str] = Depends(end_user),
        customer: Optional[Customer] = Depends(desk.auth.customer),
        session: Session = Depends(get_session),
    ) -> dict:
        found = check.authorize(session, ticket_no, customer, who[1], person)
        return progress_view(found)

    return router
