"""KPIs on a fixed event history (tests/analytics/fixture_events.py), against answers
computed by hand; the derivation is incremental and idempotent; hooks fire once."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from addons.analytics_broker import MaskedSQLEventBroker
from servicedesk.analytics.store import (
    AnalyticsBase,
    Cursor,
    HandoffRow,
    IntentRow,
    SessionRow,
)
from servicedesk.quality.models import QualityInspection
from tests.analytics import fixture_events as fx
from tests.security.desk_clock import ManualClock
from tests.security.privacy_helpers import TOKEN, agent, bot
from tests.servicedesk.seeded_app import seeded_client

AFTER = datetime(2026, 3, 12, 0, 0)  # UTC: every session idle long enough to close
RANGE = {"from": "2026-03-10", "to": "2026-03-11"}


@pytest.fixture
def client(tmp_path, monkeypatch):
    monkeypatch.delenv("ANALYTICS_DATABASE_URL", raising=False)
    monkeypatch.setenv("ANALYTICS_UTC_OFFSET_HOURS", "8")
    clock = ManualClock(fx.desk_time("2026-03-10 02:03:00"))
    client = seeded_client(tmp_path, TOKEN, clock.now, clock=clock, kb_dense=False)
    client.clock = clock
    return client


@pytest.fixture
def landed(client, tmp_path):
    analytics = client.app.state.analytics
    assert analytics.settings.database_url == f"sqlite:///{tmp_path / 'analytics.db'}"
    broker = MaskedSQLEventBroker(analytics.settings.database_url)
    fx.land(broker, fx.CONVERSATIONS)
    fx.land(broker, fx.LATER)
    fx.add_handoffs(analytics.desk_sessions)
    rated = client.post(
        "/api/bot-ratings",
        json={"conversation_id": "a-self", "rating": 5, "comment": "很快"},
        headers=bot(),
    )
    assert rated.status_code == 201, rated.text
    yield analytics
    broker.flush()
    broker.engine.dispose()


def snapshot(analytics):
    with analytics.sessions() as db:
        out = {}
        for table in (SessionRow, HandoffRow, IntentRow):
            rows = db.execute(select(table)).scalars().all()
            columns = [c.name for c in table.__table__.columns]
            out[table.__tablename__] = sorted(
                tuple(getattr(r, c) for c in columns) for r in rows
            )
        return out


def dashboard(client, **params):
    lead = agent(client, "lead")
    response = client.get(
        "/api/agent/analytics/dashboard", params={**RANGE, **params}, headers=lead
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_each_closed_bot_session_is_quality_inspected_once(landed):
    landed.deriver().run(AFTER)
    landed.deriver().run(AFTER)
    with landed.desk_sessions() as desk:
        keys = sorted(
            desk.execute(select(QualityInspection.session_key)).scalars().all()
        )
    senders = [key.split("#")[0] for key in keys]
    # Bot-only sessions, once each; c-two had agents: its handoffs are inspected
    # from their own transcripts when they close.
    assert "a-self" in senders and "b-midnight" in senders
    assert "c-two" not in senders
    assert len(keys) == len(set(keys))


def test_session_rows_hold_the_facts(landed):
    landed.deriver().run(AFTER)
    with landed.sessions() as db:
        found = db.execute(select(SessionRow)).scalars().all()
        rows = {f"{r.sender_id}@{r.day}": r for r in found}
    assert sorted(rows) == [
        "a-self@2026-03-10", "a-self@2026-03-11", "b-midnight@2026-03-10",
        "c-two@2026-03-11", "d-left@2026-03-11", "e-ticket@2026-03-11",
    ]  # fmt: skip
    a = rows["a-self@2026-03-10"]
    assert (a.channel, a.outcome, a.user_turns, a.bot_turns) == (
        "socketio", "self_served", 3, 3,
    )  # fmt: skip
    assert a.intents == "greet query_order goodbye"
    assert (a.tasks_started, a.tasks_completed) == (1, 1)
    assert (a.rating, a.rating_kind) == (5, "bot")
    # Spans midnight in the shop's time zone: counted on the day it started.
    b = rows["b-midnight@2026-03-10"]
    assert (b.hour, b.outcome, b.fallbacks, b.user_turns) == (
        "2026-03-10 23", "abandoned", 2, 4,
    )  # fmt: skip
    assert (b.kb_answers, b.kb_thumbs_down) == (1, 1)
    c = rows["c-two@2026-03-11"]
    assert (c.handoffs, c.handoff_trigger, c.outcome) == (
        2,
        "user_request",
        "handed_over",
    )
    assert (c.queue_wait_s, c.handling_s, c.agent) == (20.0, 420.0, "agent2")
    assert (c.rating, c.rating_kind, c.agent_turns) == (2, "human", 2)
    d = rows["d-left@2026-03-11"]
    assert (d.outcome, d.handoffs, d.queue_wait_s) == ("abandoned", 1, None)
    e = rows["e-ticket@2026-03-11"]
    assert (e.outcome, e.ticket_no) == ("ticket", "TK20260311000001")
    assert all(r.closed for r in rows.values())


def test_kpis_by_day_match_the_hand_computed_answers(client, landed):
    landed.deriver().run(AFTER)
    body = dashboard(client)
    s = body["summary"]
    assert s["sessions"] == 6
    assert s["resolution_rate"] == round(2 / 6, 4)
    assert s["fallback_rate"] == round(2 / 14, 4)
    assert s["handoff_rate"] == round(2 / 6, 4)
    assert s["handoffs"] == 3 and s["abandoned_queues"] == 1
    assert s["avg_first_response_s"] == 40.0
    assert s["first_response_within_target"] == 0.5
    assert s["avg_handling_s"] == 210.0
    assert (s["human_csat"], s["human_ratings"]) == (0.5, 2)
    assert (s["bot_csat"], s["bot_ratings"]) == (1.0, 1)
    series = {r["bucket"]: r for r in body["tables"]["series"]}
    assert series["2026-03-10"]["sessions"] == 2
    assert series["2026-03-10"]["resolution_rate"] == 0.5
    assert series["2026-03-10"]["fallback_rate"] == round(2 / 7, 4)
    day2 = series["2026-03-11"]
    assert (day2["sessions"], day2["self_served"], day2["handed_over"]) == (4, 1, 1)
    assert (day2["ticket"], day2["abandoned"], day2["fallback_rate"]) == (1, 1, 0.0)
    service = {r["bucket"]: r for r in body["tables"]["service"]}
    assert service["2026-03-11"]["handoffs"] == 3
    assert service["2026-03-11"]["abandoned"] == 1
    triggers = {r["trigger"]: r for r in body["tables"]["triggers"]}
    assert triggers["user_request"] == {
        "trigger": "user_request", "handoffs": 2, "rate": round(2 / 6, 4),
    }  # fmt: skip
    assert triggers["complaint"]["rate"] == round(1 / 6, 4)
    agents = {r["agent"]: r for r in body["tables"]["agents"]}
    assert agents["agent1"] == {
        "agent": "agent1", "conversations": 1, "avg_first_response_s": 20.0,
        "avg_handling_s": 300.0, "ratings": 1, "csat": 1.0,
    }  # fmt: skip
    assert (agents["agent2"]["avg_first_response_s"], agents["agent2"]["csat"]) == (
        60.0, 0.0,
    )  # fmt: skip
    intents = {r["intent"]: r["count"] for r in body["tables"]["intents"]}
    assert intents["request_human"] == 3 and intents["greet"] == 2
    assert intents["nlu_fallback"] == 2
    assert body["targets"] == {
        "first_response_s": 30.0, "resolution_rate": 0.9, "satisfaction": 0.85,
    }  # fmt: skip


def test_filters_hour_buckets_and_channel(client, landed):
    landed.deriver().run(AFTER)
    hourly = dashboard(client, bucket="hour")["tables"]["series"]
    assert {r["bucket"] for r in hourly} == {
        "2026-03-10 10", "2026-03-10 23", "2026-03-11 09", "2026-03-11 11",
        "2026-03-11 12", "2026-03-11 14",
    }  # fmt: skip
    rest = dashboard(client, channel="rest")
    assert rest["summary"]["sessions"] == 2
    assert rest["summary"]["resolution_rate"] == 0.0
    assert [r["trigger"] for r in rest["tables"]["triggers"]] == ["complaint"]
    one_day = dashboard(client, **{"from": "2026-03-11", "to": "2026-03-11"})
    assert one_day["summary"]["sessions"] == 4


def test_derivation_is_incremental_and_idempotent(client, landed):
    first = landed.deriver().run(AFTER)
    assert first.sessions == 6 and first.closed == 6
    once = snapshot(landed)
    again = landed.deriver().run(AFTER)
    assert (again.events, again.conversations, again.closed) == (0, 0, 0)
    assert snapshot(landed) == once
    # From scratch (cursor reset, derived rows dropped): the same rows again.
    with landed.sessions() as db:
        for table in (IntentRow, HandoffRow, SessionRow, Cursor):
            db.query(table).delete()
        db.commit()
    landed.deriver().run(AFTER)
    assert snapshot(landed) == once
    assert AnalyticsBase.metadata.tables["events"] is not None


def test_new_events_extend_only_their_conversation(client, landed):
    landed.deriver().run(datetime(2026, 3, 10, 2, 5))  # a-self still open
    with landed.sessions() as db:
        a = db.execute(
            select(SessionRow).where(SessionRow.sender_id == "a-self")
        ).scalars()
        assert not any(r.closed for r in a if r.day == "2026-03-11")
    broker = MaskedSQLEventBroker(landed.settings.database_url)
    more = {"a-self": [fx.user("还在吗", "greet", "2026-03-11 06:05:00", "socketio")]}
    fx.land(broker, more)
    counts = landed.deriver().run(AFTER)
    assert counts.events == 1
    with landed.sessions() as db:
        later = db.execute(
            select(SessionRow).where(
                SessionRow.sender_id == "a-self", SessionRow.day == "2026-03-11"
            )
        ).scalar_one()
    assert later.user_turns == 2 and later.closed
    broker.flush()
    broker.engine.dispose()


def test_session_closed_hooks_get_each_session_once(client, landed):
    seen = []

    def hook(session_key, turns):
        seen.append((session_key, turns))

    landed.session_closed.register(hook)
    try:
        landed.deriver().run(AFTER)
        landed.deriver().run(AFTER)
    finally:
        landed.session_closed.unregister(hook)
    keys = [key for key, _ in seen]
    assert len(keys) == len(set(keys)) == 6
    turns = dict(seen)[next(k for k in keys if k.startswith("c-two#"))]
    assert [(t.role, t.agent) for t in turns] == [
        ("user", None), ("agent", "agent1"), ("user", None), ("user", None),
        ("agent", "agent2"),
    ]  # fmt: skip
    assert turns[1].text == "您好，我是小王"
    assert turns[1].at == datetime(2026, 3, 11, 1, 0, 40)


def test_csv_export_of_every_table(client, landed):
    landed.deriver().run(AFTER)
    lead = agent(client, "lead")
    for table in ("series", "service", "triggers", "intents", "unanswered",
                  "tickets", "agents"):  # fmt: skip
        response = client.get(
            f"/api/agent/analytics/export/{table}", params=RANGE, headers=lead
        )
        assert response.status_code == 200, table
        assert response.headers["content-type"].startswith("text/csv")
        assert "attachment" in response.headers["content-disposition"]
    agents_csv = client.get(
        "/api/agent/analytics/export/agents", params=RANGE, headers=lead
    ).text
    lines = agents_csv.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("agent,conversations,")
    assert lines[1].startswith("agent1,1,20.0,300.0,1,1.0")
    missing = client.get("/api/agent/analytics/export/nope", headers=lead)
    assert missing.status_code == 404
