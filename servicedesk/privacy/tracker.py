"""Deleting conversations from Rasa's SQL tracker store (table `events`, `sender_id`).

The desk reaches the tracker database by TRACKER_STORE_URL, the URL the Rasa server's
store uses (addons/tracker_store.py), so deleting a conversation needs no Rasa API.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterable, List, Optional

from sqlalchemy import bindparam, create_engine, inspect, text
from sqlalchemy.engine import Engine

from servicedesk.privacy.sqlite_scrub import is_sqlite, scrub

EVENTS = "events"
CHUNK = 500


class TrackerStore:
    def __init__(self, url: str, engine: Optional[Engine] = None) -> None:
        self.url = url
        self._engine = engine

    @property
    def engine(self) -> Engine:
        # Created on first use: a desk without a tracker database still starts.
        if self._engine is None:
            kwargs = {"future": True}
            if self.url.startswith("sqlite"):
                # Waits for the Rasa server's writes instead of failing at once.
                kwargs["connect_args"] = {"timeout": 30}
            self._engine = create_engine(self.url, **kwargs)
        return self._engine

    def _has_events(self) -> bool:
        try:
            return inspect(self.engine).has_table(EVENTS)
        except Exception:  # noqa: BLE001 - an SQLite path that does not exist yet
            return False

    def delete_conversations(self, sender_ids: Iterable[str]) -> int:
        """Deletes every event of these conversations; returns how many."""
        ids = sorted(set(sender_ids))
        if not ids or not self._has_events():
            return 0
        statement = text(f"DELETE FROM {EVENTS} WHERE sender_id IN :ids").bindparams(
            bindparam("ids", expanding=True)
        )
        deleted = 0
        with self.engine.begin() as conn:
            if is_sqlite(self.engine):
                # Zeroes deleted content in pages that VACUUM may not rewrite at once.
                conn.execute(text("PRAGMA secure_delete=ON"))
            # Chunks stay below every database's limit on bound parameters.
            for start in range(0, len(ids), CHUNK):
                chunk = ids[start : start + CHUNK]
                deleted += conn.execute(statement, {"ids": chunk}).rowcount
        return deleted

    def idle_since(self, cutoff: datetime) -> List[str]:
        """Conversations whose latest event is older than `cutoff` (local time, like
        Rasa's event timestamps)."""
        if not self._has_events():
            return []
        statement = text(
            f"SELECT sender_id FROM {EVENTS} GROUP BY sender_id "
            "HAVING MAX(timestamp) < :cutoff"
        )
        with self.engine.connect() as conn:
            rows = conn.execute(statement, {"cutoff": cutoff.timestamp()})
            return [row[0] for row in rows]

    def scrub(self) -> None:
        scrub(self.engine)
