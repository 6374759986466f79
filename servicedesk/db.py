"""Engine and sessions; the schema is created on start."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterator, Optional, TypeVar

from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import Select

# Every model module registers its tables on Base when imported: all of them before
# create_all, and before a session maps a relationship named across the subpackages.
from servicedesk import demo_secrets as _demo_models  # noqa: F401
from servicedesk import throttle as _throttle_models  # noqa: F401
from servicedesk.analytics import models as _analytics_models  # noqa: F401
from servicedesk.errors import RuleViolation
from servicedesk.knowledge import models as _knowledge_models  # noqa: F401
from servicedesk.model_base import Base
from servicedesk.privacy import models as _privacy_models  # noqa: F401
from servicedesk.privacy.sqlite_scrub import scrub
from servicedesk.quality import models as _quality_models  # noqa: F401
from servicedesk.service import models as _service_models  # noqa: F401
from servicedesk.shop import models as _shop_models  # noqa: F401
from servicedesk.shop import order_code_models as _code_models  # noqa: F401
from servicedesk.shop.customer_tokens import hash_plaintext_tokens
from servicedesk.wechat import models as _wechat_models  # noqa: F401

Found = TypeVar("Found")


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    kwargs = {"future": True}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # The API serves requests from a thread pool.
        kwargs["connect_args"] = {"check_same_thread": False}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    Base.metadata.create_all(engine)
    upgrade(engine)
    with engine.begin() as connection:
        hashed = hash_plaintext_tokens(connection)
    if hashed:
        # The replaced clear tokens would stay readable in the file's free pages.
        scrub(engine)
    return engine


def upgrade(engine: Engine) -> None:
    """Adds columns newer than an existing database (create_all only adds tables).

    Only nullable columns are ever added this way, so rows already there stay valid.
    """
    inspector = inspect(engine)
    with engine.begin() as connection:
        for table in Base.metadata.sorted_tables:
            present = {c["name"] for c in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name not in present and column.nullable:
                    kind = column.type.compile(engine.dialect)
                    connection.execute(
                        text(
                            f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind}'
                        )
                    )


def make_session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)


def request_sessions(session_factory: sessionmaker) -> Callable[[], Iterator[Session]]:
    """The FastAPI dependency that gives each request its session."""

    def get_session() -> Iterator[Session]:
        # Endpoints that change data commit before they return: the exit code of a
        # yield dependency runs only after the response has been sent.
        session = session_factory()
        try:
            yield session
        finally:
            session.close()

    return get_session


def found(value: Optional[Found], code: str, message: str) -> Found:
    """`value`, or the 404 a lookup by number or id answers when nothing is there."""
    if value is None:
        raise RuleViolation(code, message, 404)
    return value


def first_or_404(session: Session, statement: Select, code: str, message: str):
    """The first row `statement` selects, or a 404 RuleViolation with code and message."""
    return found(session.execute(statement).scalars().first(), code, message)


def find_by(session: Session, column: Any, value: Any, code: str, message: str):
    """The row whose unique `column` (Ticket.ticket_no...) is `value`, or a 404."""
    return first_or_404(
        session, select(column.class_).where(column == value), code, message
    )
