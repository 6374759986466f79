"""One-time tickets that open the workbench's event stream.

EventSource cannot send headers, so whatever opens the stream travels in the URL, and
URLs end up in access logs and proxies. The agent token therefore never does: the page
trades it (in a header) for a random ticket that opens one stream, once, within a minute.
Kept in memory: the desk runs as one process, and a lost ticket only means a new one.
"""

from __future__ import annotations

import secrets
import threading
from datetime import datetime, timedelta
from typing import Dict, Optional, Tuple

TICKET_LIFETIME = timedelta(seconds=60)


class StreamTickets:
    def __init__(self, lifetime: timedelta = TICKET_LIFETIME) -> None:
        self.lifetime = lifetime
        self._tickets: Dict[str, Tuple[str, datetime]] = {}
        self._lock = threading.Lock()

    def issue(self, agent_token: str, now: datetime) -> str:
        ticket = secrets.token_urlsafe(24)
        with self._lock:
            self._forget_expired(now)
            self._tickets[ticket] = (agent_token, now + self.lifetime)
        return ticket

    def redeem(self, ticket: str, now: datetime) -> Optional[str]:
        """The agent token behind a valid ticket, which is used up; None otherwise."""
        with self._lock:
            self._forget_expired(now)
            entry = self._tickets.pop(ticket, None)
        return entry[0] if entry else None

    def _forget_expired(self, now: datetime) -> None:
        for key in [k for k, (_, until) in self._tickets.items() if until <= now]:
            del self._tickets[key]
