"""Leaves no deleted row readable in an SQLite file.

SQLite keeps deleted rows in free pages and in the write-ahead log until they are
overwritten, so erasure compacts the file (VACUUM) and empties the log into it
(wal_checkpoint TRUNCATE). Other databases are left to their own vacuum.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Engine


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def scrub(engine: Engine) -> None:
    if not is_sqlite(engine) or engine.url.database in (None, "", ":memory:"):
        return
    # VACUUM cannot run inside a transaction: autocommit on a connection of its own.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        conn.execute(text("VACUUM"))
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
