"""Rasa 3.6's SQL event broker, writing the analytics store's copy of every event masked.

Every event the tracker store saves is also published here (Rasa's `stream_events`), one
row per event in the table `events` (id, sender_id, data) that the SQL broker defines;
the service desk derives one row per conversation session from it
(servicedesk/analytics/). Two things are added to Rasa's broker:

- the event is masked exactly as the tracker store masks it (event_masking.py): no phone,
  e-mail, address, ID or bank card a user typed, no customer token, reaches the copy;
- the database is one URL, ANALYTICS_DATABASE_URL over endpoints.yml's `url` over the
  default SQLite file var/analytics.db (the directory is created; SQLite in WAL mode, so
  the desk's reads never block the Rasa server's writes).
"""

from __future__ import annotations

import os
from asyncio import AbstractEventLoop
from typing import Any, Dict, Optional, Text

import sqlalchemy as sa
import sqlalchemy.orm
from rasa.core.brokers.sql import SQLEventBroker
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy import event as sa_event
from sqlalchemy.engine import make_url

from addons.event_masking import mask_event
from addons.tracker_store import _sqlite_pragmas, ensure_sqlite_directory

DEFAULT_URL = "sqlite:///var/analytics.db"
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

    @classmethod
    async def from_endpoint_config(
        cls,
        broker_config: EndpointConfig,
        event_loop: Optional[AbstractEventLoop] = None,
    ) -> MaskedSQLEventBroker:
        return cls(broker_config.url)

    def publish(self, event: Dict[Text, Any]) -> None:
        super().publish(mask_event(event))

    async def close(self) -> None:
        self.engine.dispose()
