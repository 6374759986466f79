"""HTTP API of the human handoff: the bot side, the widget side and the agent side.

The action server and the Rasa server (bearer token, like every /api route) queue a
conversation, relay the user's messages and store the rating. The widget reads the
queue state of its own conversation, known by its unguessable session id. Agents log in
and send `X-Agent-Token`; a customer token never reaches their routes. What an agent
does reaches the user through the Rasa HTTP API (servicedesk/rasa_bridge.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, Dict, Optional

from fastapi import APIRouter, Depends, Header
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from servicedesk import agents, handoffs, services, views
from servicedesk.agent_context import context_of
from servicedesk.config import Settings
from servicedesk.models import Agent, Handoff
from servicedesk.rasa_bridge import RasaBridge
from servicedesk.rules import RuleViolation

# The widget proves nothing but knowing the conversation id; socket.io session ids are
# 32 random hex digits, short ids (REST test senders) are not served.
MIN_WIDGET_ID_LENGTH = 16


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


class LoginIn(BaseModel):
    username: str = Field(..., max_length=50)
    password: str = Field(..., max_length=200)


class StatusIn(BaseModel):
    status: str = Field(..., regex="^(online|away|offline)$")


class TransferIn(BaseModel):
    to: str = Field(..., max_length=50)


class CloseIn(BaseModel):
    resolution: str = Field("solved", regex="^(solved|follow_up|no_response|invalid)$")


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
        "customer": views.customer_view(handoff.customer) if handoff.customer else None,
        "agent": handoff.agent.display_name if handoff.agent else None,
        "created_at": handoff.created_at.isoformat(timespec="seconds"),
        "resolution": handoff.resolution,
        "rating": handoff.rating,
        "rating_comment": handoff.rating_comment,
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


def build_router(
    get_session: Callable,
    require_token: Callable,
    current_agent: Callable,
    clock: Callable[[], datetime],
    settings: Settings,
    bridge: RasaBridge,
) -> APIRouter:
    router = APIRouter()
    bot = [Depends(require_token)]

    def conversation(
        conversation_id: str, session: Session = Depends(get_session)
    ) -> Handoff:
        found = session.execute(
            select(Handoff)
            .where(Handoff.conversation_id == conversation_id)
            .order_by(Handoff.id.desc())
        ).first()
        if found is None:
            raise RuleViolation("HANDOFF_NOT_FOUND", "没有找到转人工记录。", 404)
        return found[0]

    def widget_conversation(
        conversation_id: str, session: Session = Depends(get_session)
    ) -> Handoff:
        if len(conversation_id) < MIN_WIDGET_ID_LENGTH:
            raise RuleViolation("HANDOFF_NOT_FOUND", "没有找到转人工记录。", 404)
        return conversation(conversation_id, session)

    def by_number(handoff_no: str, session: Session = Depends(get_session)) -> Handoff:
        found = session.execute(
            select(Handoff).where(Handoff.handoff_no == handoff_no)
        ).scalar_one_or_none()
        if found is None:
            raise RuleViolation("HANDOFF_NOT_FOUND", "没有找到该会话。", 404)
        return found

    # -- the bot's side -----------------------------------------------------------

    @router.post("/api/handoffs", dependencies=bot, status_code=201)
    def request_handoff(
        body: HandoffIn,
        customer_token: Optional[str] = Header(None, alias="X-Customer-Token"),
        session: Session = Depends(get_session),
    ) -> Any:
        customer = services.customer_by_token(session, customer_token)
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

    @router.post("/api/agent/login")
    def login(body: LoginIn, session: Session = Depends(get_session)) -> dict:
        try:
            token = agents.log_in(session, body.username, body.password, clock())
        finally:
            session.commit()  # failed attempts are audited too
        agent = agents.agent_for_token(session, token, clock())
        return {"token": token, "agent": agents.agent_view(agent)}

    @router.post("/api/agent/logout")
    def logout(
        token: str = Header(..., alias="X-Agent-Token"),
        session: Session = Depends(get_session),
    ) -> dict:
        agents.log_out(session, token, clock())
        session.commit()
        return {"ok": True}

    @router.get("/api/agent/me")
    def me(agent: Agent = Depends(current_agent)) -> dict:
        return agents.agent_view(agent)

    @router.post("/api/agent/status")
    def set_status(
        body: StatusIn,
        agent: Agent = Depends(current_agent),
        session: Session = Depends(get_session),
    ) -> dict:
        agent.status = body.status
        agents.audit(session, agent.username, "status", "", clock(), status=body.status)
        session.commit()
        return agents.agent_view(agent)

    @router.get("/api/agent/agents")
    def colleagues(
        agent: Agent = Depends(current_agent),
        session: Session = Depends(get_session),
    ) -> dict:
        """Who a conversation can be transferred to (online, with room) and who is on."""
        with_room = {a.id for a in handoffs.agents_with_room(session)}
        everyone = session.execute(select(Agent).order_by(Agent.id)).scalars()
        return {
            "agents": [
                {**agents.agent_view(a), "has_room": a.id in with_room}
                for a in everyone
            ]
        }

    @router.get("/api/agent/queue")
    def agent_queue(
        agent: Agent = Depends(current_agent),
        session: Session = Depends(get_session),
    ) -> dict:
        mine = session.execute(
            select(Handoff).where(Handoff.state == "serving").order_by(Handoff.id)
        ).scalars()
        serving = [
            h
            for h in mine
            if agent.role == "supervisor" or (h.agent and h.agent.id == agent.id)
        ]
        state = handoffs.queue_state(session)
        return {
            "queued": [handoff_view(session, h, state) for h in state.waiting],
            "serving": [handoff_view(session, h, state) for h in serving],
        }

    @router.get("/api/agent/handoffs/{handoff_no}")
    def detail(
        after: int = 0,
        agent: Agent = Depends(current_agent),
        handoff: Handoff = Depends(by_number),
        session: Session = Depends(get_session),
    ) -> dict:
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
        agents.audit(session, agent.username, author, handoff.handoff_no, now=clock())
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
