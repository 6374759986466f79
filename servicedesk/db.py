"""Engine and sessions; the schema is created on start."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import sessionmaker

from servicedesk.models import Base


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
