"""The human service's HTTP API in one router: agents, handoffs and tickets."""

from __future__ import annotations

from fastapi import APIRouter

from servicedesk.context import DeskContext
from servicedesk.service.agent_admin_routes import build_agent_admin_router
from servicedesk.service.agent_routes import build_agent_router
from servicedesk.service.handoff_routes import build_handoff_router
from servicedesk.service.rasa_bridge import RasaBridge
from servicedesk.service.reveal_routes import build_reveal_router
from servicedesk.service.skill_routes import build_skill_router
from servicedesk.service.ticket_bot_routes import build_ticket_bot_router
from servicedesk.service.ticket_routes import build_ticket_router
from servicedesk.service.ticket_widget_routes import build_ticket_widget_router


def build_service_router(desk: DeskContext, bridge: RasaBridge) -> APIRouter:
    router = APIRouter()
    router.include_router(build_handoff_router(desk, bridge))
    router.include_router(build_agent_router(desk))
    router.include_router(build_agent_admin_router(desk))
    router.include_router(build_ticket_router(desk, bridge))
    router.include_router(build_reveal_router(desk))
    router.include_router(build_ticket_bot_router(desk))
    router.include_router(build_skill_router(desk))
    router.include_router(build_ticket_widget_router(desk))
    return router
