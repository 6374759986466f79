"""HTTP API of the agents themselves: log in and out, status, colleagues, the queue, the
live event stream and, for supervisors, the audit log."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from servicedesk import demo_secrets
from servicedesk.context import DeskContext
from servicedesk.errors import RuleViolation
from servicedesk.service import agents, handoffs, live, skills
from servicedesk.service.audit import audit, recent_entries
from servicedesk.service.models import Agent, Handoff
from servicedesk.service.stream_tickets import StreamTickets
from servicedesk.service.views import handoff_view
from servicedesk.throttle import Policy, Throttle

LOGIN_LOCKED = RuleViolation(
    "LOGIN_LOCKED", "登录失败次数过多，请稍后再试或联系主管。", 429
)


class LoginIn(BaseModel):
    username: str = Field(..., max_length=50)
    password: str = Field(..., max_length=200)


class StatusIn(BaseModel):
    status: str = Field(..., regex="^(online|away|offline)$")


def build_agent_router(desk: DeskContext) -> APIRouter:
    router = APIRouter()
    get_session, session_factory, clock = (
        desk.get_session, desk.session_factory, desk.clock
    )  # fmt: skip
    current_agent = desk.auth.current_agent
    stream_tickets = StreamTickets()

    login_throttle = Throttle(
        session_factory,
        clock,
        Policy(
            max_failures=desk.settings.login_max_failures,
            lockout=timedelta(minutes=desk.settings.login_lock_minutes),
        ),
        LOGIN_LOCKED,
    )

    @router.post("/api/agent/login")
    def login(
        body: LoginIn, request: Request, session: Session = Depends(get_session)
    ) -> dict:
        # Counted per username (known or not: the answers stay alike) and per address.
        keys = [f"login-user:{body.username.strip().lower()}"]
        if request.client is not None:
            keys.append(f"login-addr:{request.client.host}")
        try:
            token = login_throttle.attempt(
                keys,
                lambda: agents.log_in(session, body.username, body.password, clock()),
                lambda exc: exc.code == "LOGIN_FAILED",
            )
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
        skills.status_changed(session, agent)
        audit(session, agent.username, "status", "", clock(), status=body.status)
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

    @router.post("/api/agent/events/ticket")
    def event_ticket(
        token: str = Header(..., alias="X-Agent-Token"),
        agent: Agent = Depends(current_agent),
    ) -> dict:
        # The agent token stays in a header; the URL of the stream gets a one-time ticket.
        ticket = stream_tickets.issue(token, clock())
        return {
            "ticket": ticket,
            "expires_in": int(stream_tickets.lifetime.total_seconds()),
        }

    @router.get("/api/agent/events")
    def agent_events(
        request: Request,
        ticket: str = Query(..., max_length=100),
    ) -> StreamingResponse:
        # EventSource cannot send headers: a one-time ticket (POST …/events/ticket) opens
        # the stream, so no lasting secret is ever in a URL or an access log.
        token = stream_tickets.redeem(ticket, clock())
        if token is None:
            raise RuleViolation("UNAUTHORIZED", "实时连接凭证无效或已过期。", 401)
        # Its own short session: one held for the whole stream would keep a read
        # transaction open for hours.
        with session_factory() as session:
            agents.agent_for_token(session, token, clock())
        return StreamingResponse(
            live.changes(request, session_factory),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    @router.get("/api/demo/agents")
    def demo_agents(session: Session = Depends(get_session)) -> dict:
        """Public in demo mode only: the demo agents and this install's passwords."""
        if not desk.settings.demo:
            raise RuleViolation("NOT_FOUND", "演示模式未开启。", 404)
        passwords = demo_secrets.stored(session, demo_secrets.AGENT)
        if demo_secrets.published():
            passwords.update({a[0]: a[2] for a in agents.DEMO_AGENTS})
        demo = session.execute(
            select(Agent).where(Agent.demo.is_(True)).order_by(Agent.id)
        ).scalars()
        return {
            "notice": "演示账号：密码每次安装随机生成，仅在演示模式下显示。",
            "agents": [
                {**agents.agent_view(a), "password": passwords.get(a.username)}
                for a in demo
                if not a.disabled
            ],
        }

    @router.get("/api/agent/audit")
    def audit_log(
        limit: int = Query(100, ge=1, le=500),
        agent: Agent = Depends(current_agent),
        session: Session = Depends(get_session),
    ) -> dict:
        if agent.role != "supervisor":
            raise RuleViolation("FORBIDDEN", "只有主管可以查看操作记录。", 403)
        return {"entries": recent_entries(session, limit)}

    return router
