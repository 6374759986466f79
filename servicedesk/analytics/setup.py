"""Wires analytics into the desk app: the store, its API, the derivation schedule."""

from __future__ import annotations

from dataclasses import replace

from fastapi import FastAPI
from sqlalchemy.orm import sessionmaker

from servicedesk.analytics.router import build_analytics_router
from servicedesk.analytics.schedule import AnalyticsSchedule
from servicedesk.analytics.service import Analytics, analytics_url
from servicedesk.analytics.settings import AnalyticsSettings
from servicedesk.clock import Clock
from servicedesk.context import DeskContext


def build_analytics(database_url: str, desk_sessions: sessionmaker, clock: Clock):
    settings = AnalyticsSettings.from_env()
    settings = replace(settings, database_url=analytics_url(database_url))
    return Analytics(settings, desk_sessions, clock)


def install_analytics(app: FastAPI, desk: DeskContext, analytics: Analytics) -> None:
    app.include_router(build_analytics_router(desk, analytics))
    schedule = AnalyticsSchedule(analytics.tick, analytics.settings.interval_s)
    app.state.analytics = analytics
    app.add_event_handler("startup", schedule.start)
    app.add_event_handler("shutdown", schedule.stop)
