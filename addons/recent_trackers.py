"""The unmasked events of recent conversations, kept in memory only.

The tracker store saves events masked, and Rasa re-reads a conversation from the store
on every message; a running form would then see placeholders where the user's address
or e-mail was. So the store also keeps each conversation's current session here, as it
was before masking, and uses it while the database holds nothing newer (compared by the
id of the conversation's last stored row). Bounded by count (least recently used goes
first) and age; after a restart or on another server the masked database is all there
is, and a form asks again for what it lost.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from typing import Callable, List, NamedTuple, Optional, Text

from rasa.shared.core.events import Event

DEFAULT_SIZE = 10_000
# As long as a conversation session lasts (session_expiration_time in domain.yml).
DEFAULT_TTL_SECONDS = 120 * 60


class Entry(NamedTuple):
    events: List[Event]
    last_row: Optional[int]
    stored_at: float


class RecentTrackers:
    def __init__(
        self,
        size: int = DEFAULT_SIZE,
        ttl_seconds: float = DEFAULT_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.size = size
        self.ttl_seconds = ttl_seconds
        self.clock = clock
        self._entries: OrderedDict[Text, Entry] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def from_env(cls) -> RecentTrackers:
        return cls(
            int(os.environ.get("TRACKER_CACHE_SIZE", DEFAULT_SIZE)),
            float(os.environ.get("TRACKER_CACHE_TTL_SECONDS", DEFAULT_TTL_SECONDS)),
        )

    def put(
        self, sender_id: Text, events: List[Event], last_row: Optional[int]
    ) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._entries[sender_id] = Entry(list(events), last_row, self.clock())
            self._entries.move_to_end(sender_id)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def get(self, sender_id: Text, last_row: Optional[int]) -> Optional[List[Event]]:
        """The events kept for the conversation if the database has nothing newer."""
        with self._lock:
            entry = self._entries.get(sender_id)
            if entry is None:
                return None
            if self.clock() - entry.stored_at > self.ttl_seconds:
                del self._entries[sender_id]
                return None
            if last_row is None or entry.last_row != last_row:
                # Written elsewhere since, or erased: the database is the truth.
                del self._entries[sender_id]
                return None
            self._entries.move_to_end(sender_id)
            return list(entry.events)

    def forget(self, sender_id: Text) -> None:
        with self._lock:
            self._entries.pop(sender_id, None)
