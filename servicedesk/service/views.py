"""JSON views of human service: tickets, handoffs and what was said in them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, Optional

from sqlalchemy.orm import Session

from servicedesk.masking import mask_phone
from servicedesk.service import contact_phone, handoffs, ticket_sla
from servicedesk.service.models import Handoff, Ticket
from servicedesk.shop.views import customer_view, iso_time

TICKET_STATE_LABELS = {
    "open": "待处理",
    "in_progress": "处理中",
    "resolved": "已解决",
    "closed": "已关闭",
}


def ticket_view(
    ticket: Ticket, comments: bool = False, now: Optional[datetime] = None
) -> Dict[str, Any]:
    view = {
        "ticket_no": ticket.ticket_no,
        "subject": ticket.subject,
        "order_no": ticket.order_no,
        "state": ticket.state,
        "state_label": TICKET_STATE_LABELS.get(ticket.state, ticket.state),
        "source": ticket.source or "message",
        "customer": customer_view(ticket.customer) if ticket.customer else None,
        "assignee": ticket.assignee.display_name if ticket.assignee else None,
        "assignee_username": ticket.assignee.username if ticket.assignee else None,
        "created_at": iso_time(ticket.created_at),
        "updated_at": iso_time(ticket.updated_at or ticket.created_at),
        "category": ticket.category or "other",
        "priority": ticket.priority or 0,
        "priority_reasons": ticket.priority_reasons or [],
        "skill_group": ticket.skill_group,
        "due_at": iso_time(ticket.due_at) if ticket.due_at else None,
        "sla": ticket_sla.flag(ticket.state, ticket.created_at, ticket.due_at, now)
        if now is not None
        else None,
    }
    if comments:
        view["description"] = ticket.description
        view["contact"] = ticket.contact
        view["message"] = ticket.message
        view["callback_time"] = ticket.callback_time
        # In full only through the audited contact endpoint, for the assignee.
        view["contact_phone"] = mask_phone(contact_phone.unseal(ticket.contact_phone))
        view["resolution"] = ticket.resolution
        view["comments"] = [
            {
                "author": c.author,
                "text": c.text,
                "time": iso_time(c.created_at),
                "public": bool(c.public),
            }
            for c in ticket.comments
        ]
    return view


def handoff_view(
    session: Session, handoff: Handoff, state: Optional[handoffs.QueueState] = None
) -> Dict[str, Any]:
    return {
        "handoff_no": handoff.handoff_no,
        "conversation_id": handoff.conversation_id,
        "state": handoff.state,
        "trigger": handoff.trigger,
        "urgent": handoff.urgent,
        "priority": handoff.priority,
        "customer": customer_view(handoff.customer) if handoff.customer else None,
        "agent": handoff.agent.display_name if handoff.agent else None,
        "created_at": handoff.created_at.isoformat(timespec="seconds"),
        "resolution": handoff.resolution,
        "rating": handoff.rating,
        "rating_comment": handoff.rating_comment,
        "skill_group": handoff.skill_group,
        "offered_to": handoff.offered_agent.username if handoff.offered_agent else None,
        **handoffs.position(session, handoff, state),
    }


def messages_view(handoff: Handoff, after: int = 0, notes: bool = False) -> list:
    return [
        {
            "id": m.id,
            "author": m.author,
            "agent": m.agent.display_name if m.agent else None,
            "text": m.text,
            "time": m.created_at.isoformat(timespec="seconds"),
        }
        for m in handoff.messages
        if m.id > after and (notes or m.author != "note")
    ]
