"""The service desk's app factory: settings, database, startup seeding, three routers.

The action server calls the API with a bearer token; agents and browsers come through
the pages and routes each subpackage declares.
"""

from __future__ import annotations

import logging
from typing import Optional

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy.orm import Session

from servicedesk.analytics.setup import build_analytics, install_analytics
from servicedesk.auth import build_auth
from servicedesk.clock import Clock, shifted_clock
from servicedesk.config import Settings
from servicedesk.context import DeskContext
from servicedesk.db import make_engine, make_session_factory, request_sessions
from servicedesk.errors import install_error_handlers
from servicedesk.headers import SecurityHeaders
from servicedesk.knowledge.exchange import seed_kb
from servicedesk.knowledge.router import build_knowledge_router
from servicedesk.pages import add_pages
from servicedesk.privacy.setup import install_privacy, link_conversations
from servicedesk.quality.setup import install_quality
from servicedesk.service.agents import ensure_demo_agents
from servicedesk.service.rasa_bridge import RasaBridge
from servicedesk.service.router import build_service_router
from servicedesk.shop import demo_calendar
from servicedesk.shop.demo_identities import randomize_demo_tokens
from servicedesk.shop.router import build_shop_router
from servicedesk.sms import DemoOutbox, SmsSender
from servicedesk.wechat.routes import build_wechat_router

logger = logging.getLogger(__name__)


def seed_on_start(session: Session, settings: Settings, clock: Clock) -> None:
    # The knowledge base is content, not demo data: an empty one starts from the seed.
    seed_kb(session, clock())
    if settings.demo:
        ensure_demo_agents(session)
        # A demo database from before random demo tokens: replace the published ones.
        if randomize_demo_tokens(session):
            logger.info("demo customers' published tokens replaced by random ones")
        moved = demo_calendar.bring_forward(session, clock())
        if moved:
            logger.info("demo shop dates moved forward by %s", moved)
    session.commit()


def create_app(
    settings: Optional[Settings] = None,
    clock: Optional[Clock] = None,
    bridge: Optional[RasaBridge] = None,
    sms: Optional[SmsSender] = None,
) -> FastAPI:
    """`sms` delivers one-time order codes; by default the demo outbox in demo mode
    and none otherwise (then anonymous write actions need a login)."""
    settings = settings or Settings.from_env()
    clock = clock or shifted_clock(settings.clock_offset_days)
    bridge = bridge or RasaBridge(settings.rasa_url, settings.rasa_token)
    if not settings.api_token:
        raise ValueError("SERVICEDESK_API_TOKEN must be set")
    session_factory = make_session_factory(make_engine(settings.database_url))
    app = FastAPI(title="Service desk API", version="1.0.0")
    app.state.session_factory = session_factory
    with session_factory() as session:
        seed_on_start(session, settings, clock)
    install_error_handlers(app)
    get_session = request_sessions(session_factory)
    auth = build_auth(settings, clock, get_session)
    desk = DeskContext(settings, clock, session_factory, get_session, auth)
    link_conversations(app, desk)
    app.include_router(build_service_router(desk, bridge))
    app.include_router(build_knowledge_router(desk))
    if sms is None and settings.demo:
        sms = DemoOutbox(clock)
    app.include_router(build_shop_router(desk, sms))
    app.include_router(build_wechat_router(desk, sms))
    analytics = build_analytics(settings.database_url, session_factory, clock)
    install_analytics(app, desk, analytics)
    install_privacy(app, desk, analytics)
    quality = install_quality(app, desk)
    # Every conversation is inspected as soon as analytics sees it closed.
    analytics.session_closed.register(quality.inspect_closed_session)
    add_pages(app, settings)
    # Only listed origins get Access-Control-Allow-Origin, and never with credentials:
    # the widget's calls carry no cookies, and the workbench is same-origin only.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.cors_origins),
        allow_methods=["GET", "POST"],
        allow_headers=["Content-Type", "X-Widget-Session-Token"],
        allow_credentials=False,
        max_age=600,
    )
    # Added last, so it is the outermost: every answer gets the headers, errors too.
    app.add_middleware(SecurityHeaders, widget_socket_url=settings.widget_socket_url)
    return app
