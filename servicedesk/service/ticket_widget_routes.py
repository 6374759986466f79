"""The widget's side of tickets: the public updates of messages left in its own
conversation, so an agent's answer reaches the user when they next open the chat.

The widget proves the conversation with the signed session token the Rasa server issued
(servicedesk/widget_session.py), like its handoff routes.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Header, Query
from sqlalchemy import select
from sqlalchemy.orm import Session

from servicedesk import widget_session
from servicedesk.context import DeskContext
from servicedesk.errors import RuleViolation
from servicedesk.service.handoff_routes import MIN_WIDGET_ID_LENGTH, WIDGET_TOKEN_HEADER
from servicedesk.service.models import Ticket, TicketComment
from servicedesk.shop.views import iso_time


def build_ticket_widget_router(desk: DeskContext) -> APIRouter:
    router = APIRouter()
    secret = desk.settings.widget_session_secret

    @router.get("/api/widget/tickets/{conversation_id}")
    def updates(
        conversation_id: str,
        after: int = Query(0, ge=0),
        token: str = Header("", alias=WIDGET_TOKEN_HEADER),
        session: Session = Depends(desk.get_session),
    ) -> dict:
        if not widget_session.is_valid(conversation_id, token, secret):
            raise RuleViolation("WIDGET_SESSION_INVALID", "会话凭证无效。", 403)
        if len(conversation_id) < MIN_WIDGET_ID_LENGTH:
            return {"updates": []}
        rows = session.execute(
            select(TicketComment, Ticket.ticket_no)
            .join(Ticket, TicketComment.ticket_id == Ticket.id)
            .where(
                Ticket.conversation_id == conversation_id,
                TicketComment.public.is_(True),
                TicketComment.id > after,
            )
            .order_by(TicketComment.id)
            .limit(20)
        ).all()
        return {
            "updates": [
                {
                    "id": comment.id,
                    "ticket_no": ticket_no,
                    "agent": comment.author,
                    "text": comment.text,
                    "time": iso_time(comment.created_at),
                }
                for comment, ticket_no in rows
            ]
        }

    return router
