"""A service desk app on a freshly seeded SQLite database, for API tests in-process."""

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Callable, Optional

from fastapi.testclient import TestClient

from servicedesk.app import create_app
from servicedesk.config import Settings
from servicedesk.db import make_engine, make_session_factory
from servicedesk.shop.seed import seed
from tests.stack import free_port

# Widget endpoints serve a conversation id only with its token under this secret.
WIDGET_SECRET = "test-widget-secret"


def seeded_client(
    directory: Path,
    token: str,
    now: datetime,
    clock: Optional[Callable[[], datetime]] = None,
    **settings_changes,
) -> TestClient:
    """`clock` (default: always `now`) lets a test move time; `settings_changes`
    override Settings fields."""
    url = f"sqlite:///{directory / 'servicedesk.db'}"
    with make_session_factory(make_engine(url))() as session, session.begin():
        seed(session, now=now)
    # No Rasa server behind this port: agent actions are stored, not delivered.
    settings = Settings(
        database_url=url,
        api_token=token,
        demo=True,
        rasa_url=f"http://127.0.0.1:{free_port()}",
        widget_session_secret=WIDGET_SECRET,
    )
    settings = replace(settings, **settings_changes)
    return TestClient(create_app(settings, clock=clock or (lambda: now)))
