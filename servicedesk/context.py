"""What every router of the desk is built from: settings, clock, sessions, who is calling."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from sqlalchemy.orm import sessionmaker

from servicedesk.auth import Auth
from servicedesk.clock import Clock
from servicedesk.config import Settings


@dataclass(frozen=True)
class DeskContext:
    settings: Settings
    clock: Clock
    session_factory: sessionmaker
    # The FastAPI dependency that gives a request its session (db.request_sessions).
    get_session: Callable
    auth: Auth
