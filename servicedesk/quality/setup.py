"""Wires quality inspection into the desk app: word lists, hooks, API, alert watcher."""

from __future__ import annotations

import threading

from fastapi import FastAPI

from servicedesk.context import DeskContext
from servicedesk.quality import engine, hooks
from servicedesk.quality.angry_waiting import AlertWatcher
from servicedesk.quality.inspector import Inspector
from servicedesk.quality.router import build_quality_router
from servicedesk.quality.settings import QualitySettings
from servicedesk.quality.words import seed_words


def install_quality(app: FastAPI, desk: DeskContext) -> Inspector:
    settings = QualitySettings.from_env()
    with desk.session_factory() as session:
        seed_words(session, desk.clock())
        session.commit()
    inspector = Inspector(desk.session_factory, desk.clock)
    hooks.watch(desk.session_factory, inspector)
    app.state.quality = inspector
    app.include_router(build_quality_router(desk, settings))
    watcher = AlertWatcher(
        desk.session_factory,
        desk.clock,
        settings.alert_webhook_url,
        settings.alert_interval_s,
    )
    app.state.quality_alerts = watcher

    def on_start() -> None:
        watcher.start()
        # spaCy and jieba load in the background, so the first reply checked is quick;
        # then any handoff closed while the desk was down is inspected.
        threading.Thread(target=_warm_up, args=(inspector,), daemon=True).start()

    app.add_event_handler("startup", on_start)
    app.add_event_handler("shutdown", watcher.stop)
    return inspector


def _warm_up(inspector: Inspector) -> None:
    engine.pipeline()
    inspector.catch_up()
