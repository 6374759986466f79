"""Callbacks run once for every conversation session the derivation sees closed.

    @app.state.analytics.session_closed.register
    def inspect(session_key: str, turns: list) -> None:
        ...  # each turn: .role ('user' | 'bot' | 'agent'), .text, .at (UTC), .agent

One registry per desk app (Analytics.session_closed), so apps in one process (tests)
do not call each other's callbacks.

A callback that raises is logged and does not stop the others or the derivation; the
session still counts as announced (a callback keeps its own state if it must retry).
"""

from __future__ import annotations

import logging
from typing import Callable, List, Sequence

from servicedesk.analytics.sessions import Turn

logger = logging.getLogger(__name__)

SessionClosed = Callable[[str, List[Turn]], None]


class SessionClosedHooks:
    def __init__(self) -> None:
        self._callbacks: List[SessionClosed] = []

    def register(self, callback: SessionClosed) -> SessionClosed:
        if callback not in self._callbacks:
            self._callbacks.append(callback)
        return callback

    def unregister(self, callback: SessionClosed) -> None:
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def notify(self, session_key: str, turns: Sequence[Turn]) -> None:
        for callback in list(self._callbacks):
            try:
                callback(session_key, list(turns))
            except Exception:  # noqa: BLE001 - one hook must not stop the others
                logger.exception("session-closed hook %r failed", callback)
