"""HTTP API of the human handoff: the bot side, the widget side and the agent side.

The action server and the Rasa server (bearer token, like every /api route) queue a
conversation, relay the user's messages and store the rating. The widget reads the
queue state of its own conversation, proven by the signed token the Rasa server issued
with its session id. Agents log in and send `X-Agent-Token`; a customer token never
reaches their routes. What an agent does reaches the user through the Rasa HTTP API
(servicedesk/service/rasa_bridge.py).
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from fastapi import APIRouter, Depends, Header
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from servicedesk import widget_session
from servicedesk.context import DeskContext
from servicedesk.errors import RuleViolation
from servicedesk.service import agents, handoffs
from servicedesk.service.agent_context import context_of
from servicedesk.service.audit import audit
from servicedesk.service.models import Agent, Handoff
from servicedesk.service.rasa_bridge import RasaBridge
from servicedesk.service.views import handoff_view, messages_view
from servicedesk.shop.models import Customer

# Short ids (REST test senders) are not served; socket.io session ids are 32 hex digits.
MIN_WIDGET_ID_LENGTH = 16
# The widget proves it owns a conversation id with the token the Rasa server issued
# with it (servicedesk/widget_session.py).
WIDGET_TOKEN_HEADER = "X-Widget-Session-Token"


class HandoffIn(BaseModel):
    conversation_id: str = Field(..., min_length=1, max_length=255)
    trigger: str = Field(..., max_length=30)
    summary: Dict[str, Any] = Field(default_factory=dict)


class MessageIn(BaseModel):
    text: str = Field(..., max_length=2000)
    note: bool = False


class RatingIn(BaseModel):
    rating: int
    comment: str = Field("", max_length=500)


class TransferIn(BaseModel):
    to: str = Field(..., max_length=50)


class CloseIn(BaseModel):
    resolution: str = Field("solved", regex="^(solved|follow_up|no_response|invalid)$")


def build_handoff_router(desk: DeskContext, bridge: RasaBridge) -> APIRouter:
    router = APIRouter()
    get_session, clock, settings, auth = (
        desk.get_session, desk.clock, desk.settings, desk.auth
    )  # fmt: skip
    bot, current_agent = auth.bot, auth.current_agent

    def conversation(
        conversation_id: str, session: Session = Depends(get_session)
    ) -> Handoff:
        return handoffs.latest_of_conversation(session, conversation_id)

    def widget_conversation(
        conversation_id: str,
        session: Session = Depends(get_session),
        token: str = Header("", alias=WIDGET_TOKEN_HEADER),
    ) -> Handoff:
        # Checked before the lookup, so a refusal says nothing about what exists.
        if not widget_session.is_valid(
            conversation_id, token, settings.widget_session_secret
        ):
            raise RuleViolation("WIDGET_SESSION_INVALID", "会话凭证无效。", 403)
        if len(conversation_id) < MIN_WIDGET_ID_LENGTH:
            raise RuleViolation("HANDOFF_NOT_FOUND", "没有找到转人工记录。", 404)
        return conversation(conversation_id, session)

    def by_number(handoff_no: str, session: Session = Depends(get_session)) -> Handoff:
        return handoffs.by_number(session, handoff_no)

    # -- the bot's side -----------------------------------------------------------

    @router.post("/api/handoffs", dependencies=bot, status_code=201)
    def request_handoff(
        body: HandoffIn,
        customer: Optional[Customer] = Depends(auth.customer),
        session: Session = Depends(get_session),
    ) -> Any:
        if handoffs.open_handoff(session, body.conversation_id) is None:
            reason = handoffs.unavailable_reason(
                session, clock(), settings.service_hours, settings.max_wait_minutes
            )
            if reason:
                # Nobody can take it: the bot offers to leave a message instead.
                return JSONResponse({"state": "unavailable", "reason": reason})
        handoff = handoffs.request_handoff(
            session, body.conversation_id, customer, body.trigger, body.summary, clock()
        )
        session.commit()
        return handoff_view(session, handoff)

    @router.get("/api/handoffs/{conversation_id}", dependencies=bot)
    def handoff_state(
        after: int = 0,
        handoff: Handoff = Depends(conversation),
        session: Session = Depends(get_session),
    ) -> dict:
        return {
            **handoff_view(session, handoff),
            "messages": messages_view(handoff, after),
        }

    @router.post("/api/handoffs/{conversation_id}/messages", dependencies=bot)
    def user_message(
        body: MessageIn,
        handoff: Handoff = Depends(conversation),
        session: Session = Depends(get_session),
    ) -> dict:
        if handoff.state not in handoffs.OPEN_STATES:
            raise RuleViolation("HANDOFF_CLOSED", "人工服务已结束。")
        message = handoffs.add_message(session, handoff, "user", body.text, clock())
        session.commit()
        return {"id": message.id}

    @router.post("/api/handoffs/{conversation_id}/cancel", dependencies=bot)
    def cancel(
        handoff: Handoff = Depends(conversation),
        session: Session = Depends(get_session),
    ) -> dict:
        handoffs.cancel(session, handoff, clock())
        session.commit()
        return {"state": handoff.state}

    @router.post("/api/handoffs/{conversation_id}/rating", dependencies=bot)
    def rating(
        body: RatingIn,
        handoff: Handoff = Depends(conversation),
        session: Session = Depends(get_session),
    ) -> dict:
        handoffs.rate(handoff, body.rating, body.comment)
        session.commit()
        return {"rating": handoff.rating}

    # -- the widget's side ----------------------------------------------------------

    @router.get("/api/widget/handoffs/{conversation_id}")
    def widget_state(
        after: int = 0,
        handoff: Handoff = Depends(widget_conversation),
        session: Session = Depends(get_session),
    ) -> dict:
        """Queue place and wait while queued; the agent's messages a reload missed."""
        return {
            "state": handoff.state,
            "agent": handoff.agent.display_name if handoff.agent else None,
            **handoffs.position(session, handoff),
            "messages": [
                m for m in messages_view(handoff, after) if m["author"] != "user"
            ],
        }

    @router.post("/api/widget/handoffs/{conversation_id}/cancel")
    def widget_cancel(
        handoff: Handoff = Depends(widget_conversation),
        session: Session = Depends(get_session),
    ) -> dict:
        handoffs.cancel(session, handoff, clock())
        session.commit()
        return {
            "state": handoff.state,
            "delivered": bridge.cancelled(handoff.conversation_id),
        }

    # -- the agents' side ---------------------------------------------------------

    @router.get("/api/agent/handoffs/{handoff_no}")
    def detail(
        after: int = 0,
        agent: Agent = Depends(current_agent),
        handoff: Handoff = Depends(by_number),
        session: Session = Depends(get_session),
    ) -> dict:
        handoffs.require_access(handoff, agent)
        return {
            **handoff_view(session, handoff),
            "summary": handoff.summary,
            "context": context_of(session, handoff),
            "messages": messages_view(handoff, after, notes=True),
            "mine": handoff.agent is not None and handoff.agent.id == agent.id,
        }

    @router.post("/api/agent/handoffs/{handoff_no}/claim")
    def claim(
        agent: Agent = Depends(current_agent),
        handoff: Handoff = Depends(by_number),
        session: Session = Depends(get_session),
    ) -> dict:
        handoffs.claim(session, handoff, agent, clock())
        session.commit()
        delivered = bridge.agent_joined(handoff.conversation_id, agent.display_name)
        return {**handoff_view(session, handoff), "delivered": delivered}

    @router.post("/api/agent/handoffs/{handoff_no}/messages")
    def agent_message(
        body: MessageIn,
        agent: Agent = Depends(current_agent),
        handoff: Handoff = Depends(by_number),
        session: Session = Depends(get_session),
    ) -> dict:
        handoffs.require_serving_agent(handoff, agent)
        author = "note" if body.note else "agent"
        message = handoffs.add_message(
            session, handoff, author, body.text, clock(), agent
        )
        audit(session, agent.username, author, handoff.handoff_no, now=clock())
        session.commit()
        delivered = body.note or bridge.agent_message(
            handoff.conversation_id, message.id, agent.display_name, message.text
        )
        return {"id": message.id, "delivered": delivered}

    @router.post("/api/agent/handoffs/{handoff_no}/transfer")
    def transfer(
        body: TransferIn,
        agent: Agent = Depends(current_agent),
        handoff: Handoff = Depends(by_number),
        session: Session = Depends(get_session),
    ) -> dict:
        target = agents.by_username(session, body.to)
        handoffs.transfer(session, handoff, agent, target, clock())
        session.commit()
        delivered = bridge.transferred(handoff.conversation_id, target.display_name)
        return {**handoff_view(session, handoff), "delivered": delivered}

    @router.post("/api/agent/handoffs/{handoff_no}/close")
    def close(
        body: CloseIn,
        agent: Agent = Depends(current_agent),
        handoff: Handoff = Depends(by_number),
        session: Session = Depends(get_session),
    ) -> dict:
        handoffs.close(session, handoff, agent, body.resolution, clock())
        session.commit()
        delivered = bridge.closed(handoff.conversation_id)
        return {**handoff_view(session, handoff), "delivered": delivered}

    return router
