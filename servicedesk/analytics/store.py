"""The analytics store: the broker's raw events and the rows derived from them.

`events` has the schema of Rasa's SQL event broker (id, sender_id, data as JSON); the
desk declares it too, only so it can read it (and start before the Rasa server made it).
The derived tables carry their day and hour in the shop's time zone as strings, so every
chart is a GROUP BY on an indexed column in SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    String,
    Text,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import declarative_base
from sqlalchemy.pool import QueuePool

AnalyticsBase = declarative_base()


class RawEvent(AnalyticsBase):
    __tablename__ = "events"
    id = Column(Integer, primary_key=True)
    sender_id = Column(String(255), index=True)
    data = Column(Text)


class SessionRow(AnalyticsBase):
    """One conversation session (Rasa's session: session_started to the next one)."""

    __tablename__ = "analytics_sessions"
    session_key = Column(String(300), primary_key=True)  # "<sender_id>#<n>"
    sender_id = Column(String(255), nullable=False, index=True)
    first_event_id = Column(Integer, nullable=False)
    last_event_id = Column(Integer, nullable=False)
    channel = Column(String(40), nullable=False, default="")
    customer_id = Column(Integer, index=True)
    start_at = Column(DateTime, nullable=False)  # UTC
    end_at = Column(DateTime, nullable=False, index=True)  # UTC
    day = Column(String(10), nullable=False)  # shop time zone, YYYY-MM-DD
    hour = Column(String(13), nullable=False)  # YYYY-MM-DD HH
    user_turns = Column(Integer, nullable=False, default=0)
    bot_turns = Column(Integer, nullable=False, default=0)
    agent_turns = Column(Integer, nullable=False, default=0)
    intents = Column(Text, nullable=False, default="")  # space-separated, in order
    tasks_started = Column(Integer, nullable=False, default=0)
    tasks_completed = Column(Integer, nullable=False, default=0)
    fallbacks = Column(Integer, nullable=False, default=0)
    kb_answers = Column(Integer, nullable=False, default=0)
    kb_thumbs_down = Column(Integer, nullable=False, default=0)
    handoffs = Column(Integer, nullable=False, default=0)
    handoff_trigger = Column(String(30))
    queue_wait_s = Column(Float)
    handling_s = Column(Float)
    agent = Column(String(50))
    ticket_no = Column(String(32))
    rating = Column(Integer)
    rating_kind = Column(String(10))  # human / bot
    outcome = Column(String(20), nullable=False)
    demo = Column(Boolean, nullable=False, default=False)
    closed = Column(Boolean, nullable=False, default=False)


Index("ix_sessions_day_channel", SessionRow.day, SessionRow.channel)


class HandoffRow(AnalyticsBase):
    """One handoff of a session (a session may have several), from the desk's table."""

    __tablename__ = "analytics_handoffs"
    handoff_no = Column(String(32), primary_key=True)
    session_key = Column(String(300), nullable=False, index=True)
    channel = Column(String(40), nullable=False, default="")
    day = Column(String(10), nullable=False, index=True)
    hour = Column(String(13), nullable=False)
    trigger = Column(String(30), nullable=False)
    requested_at = Column(DateTime, nullable=False)
    queue_wait_s = Column(Float)
    handling_s = Column(Float)
    agent = Column(String(50))
    state = Column(String(20), nullable=False)
    abandoned = Column(Boolean, nullable=False, default=False)
    rating = Column(Integer)
    demo = Column(Boolean, nullable=False, default=False)


class IntentRow(AnalyticsBase):
    """How often each intent was recognised in a session (top intents)."""

    __tablename__ = "analytics_intents"
    session_key = Column(String(300), primary_key=True)
    intent = Column(String(100), primary_key=True)
    day = Column(String(10), nullable=False, index=True)
    hour = Column(String(13), nullable=False)
    channel = Column(String(40), nullable=False, default="")
    count = Column(Integer, nullable=False)


class Cursor(AnalyticsBase):
    """How far the derivation has read (the last event id), and similar marks."""

    __tablename__ = "analytics_cursor"
    name = Column(String(40), primary_key=True)
    value = Column(Integer, nullable=False)


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_analytics_engine(url: str) -> Engine:
    parsed = make_url(url)
    kwargs = {"future": True}
    sqlite = parsed.get_backend_name() == "sqlite"
    if sqlite:
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # The Rasa server writes the same file: wait for its commits, do not fail.
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        # Kept connections: closing the last one would checkpoint the log each time.
        kwargs["poolclass"] = QueuePool
    engine = create_engine(url, **kwargs)
    if sqlite:
        event.listen(engine, "connect", _sqlite_pragmas)
    AnalyticsBase.metadata.create_all(engine)
    return engine
