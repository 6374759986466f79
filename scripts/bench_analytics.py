"""Analytics benchmark (`make bench-analytics`): ingestion throughput and dashboard query
time over 100,000 generated sessions, on temporary SQLite files.

1. Ingestion through the real path: Rasa's event broker (addons/analytics_broker.py,
   masking included) publishes events one by one, as the Rasa server does.
2. The full history (30 days, --sessions conversations, about nine events each) is
   landed in bulk, masked the same way, with its handoffs, ratings and tickets in the
   desk's database; the derivation turns it into session rows (events per second).
3. Every chart's query of the dashboard runs --repeat times over the 30 days (the hourly
   series over the last 7, the longest an hourly chart may cover is 31): p50 and p95.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select  # noqa: E402

from addons.analytics_broker import MaskedSQLEventBroker  # noqa: E402
from addons.event_masking import mask_event  # noqa: E402
from servicedesk.analytics import kpis  # noqa: E402
from servicedesk.analytics.derive import Deriver  # noqa: E402
from servicedesk.analytics.history import desk_rows, history  # noqa: E402
from servicedesk.analytics.store import RawEvent, make_analytics_engine  # noqa: E402
from servicedesk.db import make_engine, make_session_factory  # noqa: E402
from servicedesk.service.agents import ensure_demo_agents  # noqa: E402
from servicedesk.service.models import Agent  # noqa: E402

END = datetime(2026, 3, 31, 16, 0)  # UTC: the end of 2026-03-31 in the shop
DAYS = 30
BATCH = 5000


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--ingest-events", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    # Each run writes a few hundred MB of SQLite; nothing of it is worth keeping.
    with tempfile.TemporaryDirectory(prefix="bench-analytics-") as tmp:
        measure(args, Path(tmp))


def measure(args: argparse.Namespace, work: Path) -> None:
    analytics_url = f"sqlite:///{work / 'analytics.db'}"
    desk_sessions = make_session_factory(
        make_engine(f"sqlite:///{work / 'servicedesk.db'}")
    )
    with desk_sessions() as session, session.begin():
        ensure_demo_agents(session)
        agents = {a.username: a.id for a in session.execute(select(Agent)).scalars()}

    # 1. The broker, event by event.
    broker = MaskedSQLEventBroker(f"sqlite:///{work / 'ingest.db'}")
    published = 0
    started = time.perf_counter()
    for conv in history(END, DAYS, 2000, seed=1, prefix="ingest"):
        for event in conv.events:
            broker.publish({"sender_id": conv.sender_id, **event})
            published += 1
        if published >= args.ingest_events:
            break
    broker.flush()
    broker_rate = published / (time.perf_counter() - started)
    broker.engine.dispose()

    # 2. The whole history in bulk, then derived.
    engine = make_analytics_engine(analytics_url)
    per_day = args.sessions / DAYS
    batch, events, sessions = [], 0, 0
    started = time.perf_counter()
    with desk_sessions() as desk, engine.begin() as conn:
        for conv in history(END, DAYS, round(per_day), seed=2, prefix="bench"):
            sessions += 1
            for event in conv.events:
                data = mask_event({"sender_id": conv.sender_id, **event})
                batch.append({"sender_id": conv.sender_id, "data": _json(data)})
            desk.add_all(desk_rows(conv, sessions, agents))
            if len(batch) >= BATCH:
                conn.execute(insert(RawEvent.__table__), batch)
                events += len(batch)
                batch = []
                desk.flush()
        if batch:
            conn.execute(insert(RawEvent.__table__), batch)
            events += len(batch)
        desk.commit()
    land_s = time.perf_counter() - started
    deriver = Deriver(engine, desk_sessions, 8.0, 30.0)
    started = time.perf_counter()
    counts = deriver.run(END + timedelta(days=1))
    derive_s = time.perf_counter() - started
    started = time.perf_counter()
    again = deriver.run(END + timedelta(days=1))
    rerun_s = time.perf_counter() - started

    # 3. The dashboard's queries.
    month = kpis.Filter("2026-03-02", "2026-03-31", "day")
    week_hours = kpis.Filter("2026-03-25", "2026-03-31", "hour")
    now_local = END + timedelta(hours=8)
    charts = {
        "summary (KPI cards)": lambda db, desk: kpis.summary(db, month),
        "series by day": lambda db, desk: kpis.series(db, month),
        "series by hour (7 days)": lambda db, desk: kpis.series(db, week_hours),
        "human service by day": lambda db, desk: kpis.service(db, month),
        "handoff triggers": lambda db, desk: kpis.triggers(db, month),
        "top intents": lambda db, desk: kpis.top_intents(db, month),
        "per agent": lambda db, desk: kpis.agents(db, month),
        "unanswered questions": lambda db, desk: kpis.unanswered(desk, month),
        "tickets": lambda db, desk: kpis.tickets(desk, month, now_local),
    }
    timings = {}
    from sqlalchemy.orm import sessionmaker

    analytics_sessions = sessionmaker(bind=engine, future=True)
    for name, run in charts.items():
        times = []
        for _ in range(args.repeat):
            with analytics_sessions() as db, desk_sessions() as desk:
                started = time.perf_counter()
                run(db, desk)
                times.append((time.perf_counter() - started) * 1000)
        timings[name] = times
    size_mb = (work / "analytics.db").stat().st_size / 1e6

    print("\nanalytics benchmark")
    print(
        f"broker ingestion (publish, masked, one commit each): {broker_rate:,.0f} events/s"
    )
    print(
        f"history: {sessions:,} sessions, {events:,} events landed in {land_s:.1f} s; "
        f"store {size_mb:.0f} MB"
    )
    print(
        f"derivation: {counts.sessions:,} sessions from {counts.events:,} events in "
        f"{derive_s:.1f} s = {counts.events / derive_s:,.0f} events/s; "
        f"re-run with nothing new {rerun_s * 1000:.0f} ms ({again.sessions} sessions)"
    )
    print(f"\n| chart query (30 days, {sessions:,} sessions) | p50 ms | p95 ms |")
    print("|---|---|---|")
    for name, times in timings.items():
        print(
            f"| {name} | {statistics.median(times):.0f} | "
            f"{percentile(times, 0.95):.0f} |"
        )
    total = [sum(t[i] for t in timings.values()) for i in range(args.repeat)]
    print(
        f"| whole dashboard (all of the above) | {statistics.median(total):.0f} | "
        f"{percentile(total, 0.95):.0f} |"
    )


def _json(data) -> str:
    import json

    return json.dumps(data)


if __name__ == "__main__":
    main()
