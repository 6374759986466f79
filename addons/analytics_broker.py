"""Rasa 3.6's SQL event broker, writing the analytics store's copy of every event masked.

Every event the tracker store saves is also published here (Rasa's `stream_events`), one
row per event in the table `events` (id, sender_id, data) that the SQL broker defines;
the service desk derives one row per conversation session from it
(servicedesk/analytics/). Two things are added to Rasa's broker:

- the event is masked exactly as the tracker store masks it (event_masking.py): no phone,
  e-mail, address, ID or bank card a user typed, no customer token, reaches the copy;
- the database is one URL, ANALYTICS_DATABASE_URL over endpoints.yml's `url` over the
  default SQLite file var/analytics.db (the directory is created; SQLite in WAL mode, so
  the desk's reads never block the Rasa server's writes);
- the writes happen in a thread of the broker's own, a batch per transaction, so a turn
  only queues its events and never waits for the analytics database (make bench). The
  queue is flushed when the server stops.
"""

from __future__ import annotations

import asyncio
import atexit
import json
import logging
import os
import queue
import threading
from asyncio import AbstractEventLoop
from typing import Any, Dict, List, Optional, Text

import sqlalchemy as sa
import sqlalchemy.orm
from rasa.core.brokers.sql import SQLEventBroker
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy import event as sa_event
from sqlalchemy.engine import make_url

from addons.event_masking import mask_event
from addons.tracker_store import _sqlite_pragmas, ensure_sqlite_directory

logger = logging.getLogger(__name__)

DEFAULT_URL = "sqlite:///var/analytics.db"
BATCH = 500
_STOP = object()
URL_ENV = "ANALYTICS_DATABASE_URL"


def resolve_url(configured: Optional[Text]) -> Text:
    return os.environ.get(URL_ENV) or configured or DEFAULT_URL


class MaskedSQLEventBroker(SQLEventBroker):
    """SQLEventBroker configured by one URL, storing each event masked."""

    def __init__(self, url: Optional[Text] = None) -> None:  # noqa: D107
        # Rasa's constructor builds its URL from dialect/host/db parts; ours is whole.
        url = resolve_url(url)
        ensure_sqlite_directory(url)
        sqlite = make_url(url).get_backend_name() == "sqlite"
        # SQLAlchemy 1.4 opens and closes an SQLite file per session by default, and
        # closing the last connection checkpoints the log: one kept connection makes a
        # publish a plain append (about 50 times faster).
        self.engine = sa.create_engine(
            url,
            **(
                {
                    "connect_args": {"timeout": 30, "check_same_thread": False},
                    "poolclass": sa.pool.QueuePool,
                    "pool_size": 1,
                }
                if sqlite
                else {"pool_pre_ping": True}
            ),
        )
        if sqlite:
            sa_event.listen(self.engine, "connect", _sqlite_pragmas)
        self.Base.metadata.create_all(self.engine)
        with self.engine.begin() as connection:
            # The desk derives sessions per conversation: it reads by sender.
            connection.execute(
                sa.text(
                    "CREATE INDEX IF NOT EXISTS ix_events_sender_id "
                    "ON events (sender_id)"
                )
            )
        self.sessionmaker = sqlalchemy.orm.sessionmaker(bind=self.engine)
        self._queue: queue.Queue = queue.Queue()
        self._writer = threading.Thread(
            target=self._write_forever, name="analytics-broker", daemon=True
        )
        self._writer.start()
        atexit.register(self.flush)

    @classmethod
    async def from_endpoint_config(
        cls,
        broker_config: EndpointConfig,
        event_loop: Optional[AbstractEventLoop] = None,
    ) -> MaskedSQLEventBroker:
        return cls(broker_config.url)

    def publish(self, event: Dict[Text, Any]) -> None:
        self._queue.put(event)

    def flush(self) -> None:
        """Waits until every event published so far is written."""
        if self._writer.is_alive():
            self._queue.join()

    async def close(self) -> None:
        await asyncio.to_thread(self.flush)
        self._queue.put(_STOP)
        self.engine.dispose()

    def _write_forever(self) -> None:
        while True:
            batch = [self._queue.get()]
            while len(batch) < BATCH:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            events = [e for e in batch if e is not _STOP]
            try:
                if events:
                    self._write(events)
            except Exception:  # noqa: BLE001 - the writer must outlive a bad batch
                logger.exception("analytics events lost: %d", len(events))
            finally:
                for _ in batch:
                    self._queue.task_done()
            if len(events) < len(batch):
                return

    def _write(self, events: List[Dict[Text, Any]]) -> None:
        with self.session_scope() as session:
            for event in events:
                masked = mask_event(event)
                session.add(
                    self.SQLBrokerEvent(
                        sender_id=masked.get("sender_id"), data=json.dumps(masked)
                    )
                )
            session.commit()
