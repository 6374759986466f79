"""Wires privacy into the desk app: conversation links, the erasure API, the schedule."""

from __future__ import annotations

from typing import Optional

from fastapi import Depends, FastAPI

from servicedesk.analytics.service import Analytics
from servicedesk.context import DeskContext
from servicedesk.privacy.links import build_link_recorder
from servicedesk.privacy.retention import purge
from servicedesk.privacy.router import build_privacy_router
from servicedesk.privacy.schedule import RetentionSchedule
from servicedesk.privacy.tracker import TrackerStore


def link_conversations(app: FastAPI, desk: DeskContext) -> None:
    """Call before including the other routers: route dependencies are fixed then."""
    app.router.dependencies.append(Depends(build_link_recorder(desk)))


def install_privacy(
    app: FastAPI, desk: DeskContext, analytics: Optional[Analytics] = None
) -> RetentionSchedule:
    settings = desk.settings
    tracker = TrackerStore(settings.tracker_store_url)
    app.include_router(build_privacy_router(desk, tracker, analytics))
    schedule = RetentionSchedule(
        lambda: purge(
            desk.session_factory,
            tracker,
            desk.clock(),
            settings.retention_days,
            analytics=analytics,
        ),
        interval_s=settings.retention_interval_hours * 3600,
        first_delay_s=settings.retention_first_delay_minutes * 60,
    )
    app.state.retention = schedule
    app.add_event_handler("startup", schedule.start)
    app.add_event_handler("shutdown", schedule.stop)
    return schedule
