"""SQL tracker store configured by a single database URL.

Rasa's SQLTrackerStore already accepts a full URL; this subclass adds what a fresh
checkout needs: an environment override (TRACKER_STORE_URL) so one endpoints.yml serves
SQLite in development and PostgreSQL in production, and creation of the SQLite file's
directory, which SQLite itself will not do, and write-ahead logging for SQLite so that a
commit does not wait for a full disk sync (the last turns could be lost on a power cut,
never on a crash of the server) and readers do not block the writer.

Events are stored masked (event_masking.py): no phone number, e-mail, address, ID or
bank card a user typed, and no customer token, reaches the database. What a running form
needs in the clear stays in memory only (recent_trackers.py).

The database work of a turn (reading the last row, writing the new events) runs in a
worker thread, not on the event loop: a conversation waiting for its commit does not
hold up every other conversation's turn (make bench). Rasa's lock store already keeps
one conversation's turns in order. The new events are published to the event broker
from the same diff that is written, instead of Rasa's second read of the tracker.

Creating the store also installs our speed-ups of Rasa internals (rasa_patches.py): the
store is what endpoints.yml names, so the Rasa server always creates it.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any, List, Optional, Text, Tuple

import sqlalchemy as sa
import sqlalchemy.orm
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import event
from sqlalchemy.engine import make_url

from addons import rasa_patches
from addons.event_masking import mask_event
from addons.recent_trackers import RecentTrackers

DEFAULT_URL = "sqlite:///var/tracker.db"
URL_ENV = "TRACKER_STORE_URL"


def resolve_url(configured: Optional[Text]) -> Text:
    """The URL in force: the environment first, then endpoints.yml, then the default."""
    return os.environ.get(URL_ENV) or configured or DEFAULT_URL


def ensure_sqlite_directory(url: Text) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def current_session(tracker: DialogueStateTracker) -> List[Event]:
    """The events from the latest session start on, as retrieve() returns them."""
    events = list(tracker.events)
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], SessionStarted):
            return events[index:]
    return events


class UrlSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose only setting is the database URL; stores events masked."""

    def __init__(
        self,
        domain: Optional[Domain] = None,
        host: Optional[Text] = None,
        event_broker: Optional[EventBroker] = None,
        **kwargs: Any,
    ) -> None:
        rasa_patches.install()
        url = resolve_url(host)
        ensure_sqlite_directory(url)
        super().__init__(domain=domain, host=url, event_broker=event_broker, **kwargs)
        self.recent = RecentTrackers.from_env()
        if make_url(url).get_backend_name() == "sqlite":
            self._pool_sqlite(url)

    def _pool_sqlite(self, url: Text) -> None:
        # SQLAlchemy 1.4 opens and closes an SQLite file per session, and closing the
        # last connection checkpoints the write-ahead log with a disk sync: a few kept
        # connections, shared by the worker threads, make a turn's write an append.
        self.engine.dispose()
        self.engine = sa.create_engine(
            url,
            connect_args={"timeout": 30, "check_same_thread": False},
            poolclass=sa.pool.QueuePool,
            pool_size=4,
            max_overflow=4,
        )
        event.listen(self.engine, "connect", _sqlite_pragmas)
        self.sessionmaker = sa.orm.sessionmaker(bind=self.engine)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """SQLTrackerStore.save with each event masked before it is written."""
        new_events, last_row = await asyncio.to_thread(self._write, tracker)
        if self.event_broker is not None:
            for new in new_events:
                self.event_broker.publish(
                    {"sender_id": tracker.sender_id, **new.as_dict()}
                )
        self.recent.put(tracker.sender_id, current_session(tracker), last_row)

    def _write(
        self, tracker: DialogueStateTracker
    ) -> Tuple[List[Event], Optional[int]]:
        """Stores the events the database lacks; returns them and the last row id."""
        with self.session_scope() as session:
            new_events = list(self._additional_events(session, tracker))
            rows = []
            for new in new_events:
                data = new.as_dict()
                intent = (data.get("parse_data") or {}).get("intent") or {}
                row = self.SQLEvent(
                    sender_id=tracker.sender_id,
                    type_name=new.type_name,
                    timestamp=data.get("timestamp"),
                    intent_name=intent.get(INTENT_NAME_KEY),
                    action_name=data.get("name"),
                    data=json.dumps(mask_event(data)),
                )
                session.add(row)
                rows.append(row)
            session.flush()
            last_row = max((r.id for r in rows), default=None)
            if last_row is None:
                last_row = self._last_row(session, tracker.sender_id)
            session.commit()
        return new_events, last_row

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """The unmasked tracker kept in memory while the database has nothing newer."""
        if self.domain is not None:
            kept = await asyncio.to_thread(self._recent_events, sender_id)
            if kept:
                return DialogueStateTracker.from_events(
                    sender_id, kept, self.domain.slots
                )
        return await asyncio.to_thread(self._stored_tracker, sender_id, False)

    async def retrieve_full_tracker(
        self, conversation_id: Text
    ) -> Optional[DialogueStateTracker]:
        return await asyncio.to_thread(self._stored_tracker, conversation_id, True)

    def _recent_events(self, sender_id: Text) -> Optional[List[Event]]:
        with self.session_scope() as session:
            return self.recent.get(sender_id, self._last_row(session, sender_id))

    def _stored_tracker(
        self, sender_id: Text, all_sessions: bool
    ) -> Optional[DialogueStateTracker]:
        # Rasa's _retrieve is a coroutine that never awaits: run it to completion here,
        # in the worker thread, on a loop of the thread's own.
        return asyncio.run(self._retrieve(sender_id, all_sessions))

    def _last_row(self, session: Any, sender_id: Text) -> Optional[int]:
        return (
            session.query(sa.func.max(self.SQLEvent.id))
            .filter(self.SQLEvent.sender_id == sender_id)
            .scalar()
        )


def _sqlite_pragmas(connection: Any, _: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
