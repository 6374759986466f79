"""`make run` on an empty analytics store, in demo mode: 30 days of plausible service
history, so the supervisor's dashboard has something to show.

The conversations go through the same path as real ones: Rasa's event broker
(addons/analytics_broker.py, masked) into the analytics store; their handoffs, ratings
and tickets into the desk's tables. Every session is marked as demo data (its user
events carry metadata.demo; handoffs HODEMO…, tickets TKDEMO…). Does nothing outside
demo mode or when the store already holds events.
"""

from __future__ import annotations

import logging
import os
import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from addons.analytics_broker import MaskedSQLEventBroker  # noqa: E402
from servicedesk.analytics.history import desk_rows, history  # noqa: E402
from servicedesk.config import Settings  # noqa: E402
from servicedesk.db import make_engine, make_session_factory  # noqa: E402
from servicedesk.service.agents import ensure_demo_agents  # noqa: E402
from servicedesk.service.models import Agent  # noqa: E402

DAYS = 30
PER_DAY = 60


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    settings = Settings.from_env()
    if not settings.demo:
        return 0
    broker = MaskedSQLEventBroker(os.environ.get("ANALYTICS_DATABASE_URL"))
    with broker.engine.connect() as conn:
        if conn.execute(
            select(func.count()).select_from(broker.SQLBrokerEvent.__table__)
        ).scalar():
            return 0
    desk = make_session_factory(make_engine(settings.database_url))
    with desk() as session, session.begin():
        ensure_demo_agents(session)
    with desk() as session, session.begin():
        agents = {a.username: a.id for a in session.execute(select(Agent)).scalars()}
        events = sessions = 0
        for conv in history(datetime.utcnow(), DAYS, PER_DAY):
            sessions += 1
            for event in conv.events:
                broker.publish({"sender_id": conv.sender_id, **event})
                events += 1
            session.add_all(desk_rows(conv, sessions, agents))
    broker.flush()
    logging.info(
        "demo analytics history: %s conversations, %s events over %s days",
        sessions,
        events,
        DAYS,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
