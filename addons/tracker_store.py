"""SQL tracker store configured by a single database URL.

Rasa's SQLTrackerStore already accepts a full URL; this subclass adds what a fresh
checkout needs: an environment override (TRACKER_STORE_URL) so one endpoints.yml serves
SQLite in development and PostgreSQL in production, and creation of the SQLite file's
directory, which SQLite itself will not do, and write-ahead logging for SQLite so that a
commit does not wait for a full disk sync (the last turns could be lost on a power cut,
never on a crash of the server) and readers do not block the writer.

Creating the store also installs our speed-ups of Rasa internals (rasa_patches.py): the
store is what endpoints.yml names, so the Rasa server always creates it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Optional, Text

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from sqlalchemy import event
from sqlalchemy.engine import make_url

from addons import rasa_patches

DEFAULT_URL = "sqlite:///var/tracker.db"
URL_ENV = "TRACKER_STORE_URL"


def resolve_url(configured: Optional[Text]) -> Text:
    """The URL in force: the environment first, then endpoints.yml, then the default."""
    return os.environ.get(URL_ENV) or configured or DEFAULT_URL


def ensure_sqlite_directory(url: Text) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


class UrlSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose only setting is the database URL."""

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
        if make_url(url).get_backend_name() == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
            # Connections opened while the tables were created predate the listener.
            self.engine.dispose()


def _sqlite_pragmas(connection: Any, _: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
