"""What a customer may read about their tickets, and who may read it.

A known customer (customer token) reads their own tickets. An anonymous user proves a
ticket with the last four digits of the contact number they left: failures count in the
desk's throttle per ticket and per end user, like the phone check of an order.
"""

from __future__ import annotations

import hmac
from typing import Any, Dict, List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from servicedesk.clock import Clock
from servicedesk.errors import RuleViolation
from servicedesk.service import contact_phone, tickets
from servicedesk.service.models import Ticket
from servicedesk.service.views import TICKET_STATE_LABELS
from servicedesk.shop.models import Customer
from servicedesk.shop.views import iso_time
from servicedesk.throttle import Policy, Throttle

COUNTED = {"VERIFICATION_FAILED", "TICKET_NOT_FOUND"}
LOCKED = RuleViolation(
    "VERIFY_LOCKED", "手机号后四位验证失败次数过多，请稍后再试或登录账号。", 429
)
OPEN_STATES = ("open", "in_progress")


def progress_view(ticket: Ticket) -> Dict[str, Any]:
    update = tickets.last_public_update(ticket)
    return {
        "ticket_no": ticket.ticket_no,
        "state": ticket.state,
        "state_label": TICKET_STATE_LABELS.get(ticket.state, ticket.state),
        "created_at": iso_time(ticket.created_at),
        "due_at": iso_time(ticket.due_at) if ticket.due_at else None,
        "last_update": update.text if update else None,
        "last_update_at": iso_time(update.created_at) if update else None,
        "resolution": ticket.resolution,
    }


def own_tickets(session: Session, customer: Customer) -> List[Ticket]:
    return tickets.of_customer(session, customer)


def of_conversation(session: Session, conversation_id: str) -> List[Ticket]:
    return list(
        session.execute(
            select(Ticket)
            .where(Ticket.conversation_id == conversation_id)
            .order_by(Ticket.id.desc())
            .limit(5)
        ).scalars()
    )


def _matches(ticket: Ticket, last4: str) -> bool:
    on_file = (contact_phone.unseal(ticket.contact_phone) or "")[-4:]
    return bool(on_file) and hmac.compare_digest(on_file, (last4 or "").strip())


class TicketCheck:
    def __init__(self, session_factory: sessionmaker, clock: Clock, policy: Policy):
        self.throttle = Throttle(session_factory, clock, policy, LOCKED)

    def authorize(
        self,
        session: Session,
        ticket_no: str,
        customer: Optional[Customer],
        phone_last4: Optional[str],
        end_user: Optional[str],
    ) -> Ticket:
        ticket_no = (ticket_no or "").strip().upper()
        if customer is not None:
            found = tickets.find(session, ticket_no)
            if found.customer_id != customer.id:
                # Somebody else's ticket looks like no ticket at all.
                raise RuleViolation(*tickets.TICKET_NOT_FOUND, 404)
            return found

        def check() -> Ticket:
            found = tickets.find(session, ticket_no)
            if not _matches(found, phone_last4 or ""):
                raise RuleViolation("VERIFICATION_FAILED", "手机号后四位不正确。", 403)
            return found

        keys = [f"verify-ticket:{ticket_no}"]
        if end_user and end_user.strip():
            keys.append(f"verify-user:{end_user.strip()}")
        return self.throttle.attempt(keys, check, lambda exc: exc.code in COUNTED)
