"""Retention: conversations idle for longer than the retention period leave the tracker
store and their handoffs' words leave the desk; recent ones stay. Time is moved, never
waited for."""

import os
import subprocess
import sys
from datetime import datetime, timedelta

import pytest
from rasa.shared.core.events import UserUttered
from sqlalchemy import select

from addons.analytics_broker import MaskedSQLEventBroker
from servicedesk.analytics.store import SessionRow
from servicedesk.privacy.retention import purge
from servicedesk.privacy.tracker import TrackerStore
from tests.security.desk_clock import ManualClock
from tests.security.privacy_helpers import TOKEN, agent, bot, found_in
from tests.security.rasa_tracker_db import RasaTrackerDb
from tests.servicedesk.seeded_app import seeded_client
from tests.stack import ROOT

NOW = datetime(2026, 11, 21, 12, 0)
OLD = NOW - timedelta(days=200)
RECENT = NOW - timedelta(days=10)


@pytest.fixture
def tracker(tmp_path):
    db = RasaTrackerDb(tmp_path)
    yield db
    db.close()


@pytest.fixture
def clock():
    return ManualClock(OLD)


@pytest.fixture
def client(tmp_path, clock, tracker, monkeypatch):
    monkeypatch.delenv("ANALYTICS_DATABASE_URL", raising=False)
    return seeded_client(
        tmp_path, TOKEN, OLD, clock=clock, tracker_store_url=tracker.url, kb_dense=False
    )


def served_handoff(client, conversation_id: str, text: str) -> str:
    agent1 = agent(client, "agent1")
    client.post("/api/agent/status", json={"status": "online"}, headers=agent1)
    created = client.post(
        "/api/handoffs",
        json={"conversation_id": conversation_id, "trigger": "user_request"},
        headers=bot(),
    ).json()
    path = f"/api/agent/handoffs/{created['handoff_no']}"
    client.post(f"{path}/claim", headers=agent1)
    client.post(f"{path}/messages", json={"text": text}, headers=agent1)
    client.post(f"{path}/close", json={"resolution": "solved"}, headers=agent1)
    client.post("/api/agent/logout", headers=agent1)
    return created["handoff_no"]


def test_old_conversations_go_and_recent_ones_stay(client, clock, tracker, tmp_path):
    tracker.add("old-chat", OLD, "旧地址是幸福路8号")
    old_no = served_handoff(client, "old-chat", "旧会话的回复 13800001111")
    clock.now = RECENT
    tracker.add("recent-chat", RECENT, "新地址是光明路9号")
    recent_no = served_handoff(client, "recent-chat", "新会话的回复")
    clock.now = NOW

    schedule = client.app.state.retention
    assert schedule.enabled
    schedule.tick()  # what the daily schedule runs, at the desk's (moved) clock

    assert tracker.senders() == ["recent-chat"]
    lead = agent(client, "lead")
    old = client.get(f"/api/agent/handoffs/{old_no}", headers=lead).json()
    recent = client.get(f"/api/agent/handoffs/{recent_no}", headers=lead).json()
    assert {m["text"] for m in old["messages"]} == {"[已删除]"}
    assert old["state"] == "closed" and old["resolution"] == "solved"
    assert "新会话的回复" in [m["text"] for m in recent["messages"]]
    files = [tmp_path / "servicedesk.db", tracker.path]
    assert found_in(files, "幸福路8号", "13800001111") == []
    assert found_in(files, "光明路9号") == ["光明路9号"]


def test_old_conversations_leave_the_analytics_store_too(
    client, clock, tracker, tmp_path
):
    """The broker's copy of an old conversation goes; its derived session row (no
    words) stays for the statistics."""
    analytics = client.app.state.analytics
    assert analytics.settings.database_url == f"sqlite:///{tmp_path / 'analytics.db'}"
    broker = MaskedSQLEventBroker(analytics.settings.database_url)
    for sender, at, text in [
        ("old-chat", OLD, "旧会话的暗号甲乙丙"),
        ("recent-chat", RECENT, "新会话的暗号丁戊己"),
    ]:
        tracker.add(sender, at, text)
        event = UserUttered(text, timestamp=at.timestamp(), input_channel="rest")
        broker.publish({"sender_id": sender, **event.as_dict()})
    broker.flush()
    broker.engine.dispose()
    clock.now = NOW
    analytics.derive()
    client.app.state.retention.tick()

    database = [tmp_path / "analytics.db"]
    assert found_in(database, "甲乙丙", "丁戊己") == ["丁戊己"]
    with analytics.sessions() as db:
        derived = sorted(db.execute(select(SessionRow.sender_id)).scalars())
    assert derived == ["old-chat", "recent-chat"]


def test_a_second_purge_changes_nothing(client, clock, tracker):
    tracker.add("old-chat", OLD, "你好")
    clock.now = NOW
    factory = client.app.state.session_factory
    store = TrackerStore(tracker.url)
    first = purge(factory, store, NOW, days=180)
    assert first.conversations == 1 and first.tracker_events > 0
    assert not purge(factory, store, NOW, days=180).anything


def test_the_schedule_can_be_turned_off(tmp_path, tracker):
    off = seeded_client(
        tmp_path, TOKEN, NOW, tracker_store_url=tracker.url, retention_interval_hours=0
    )
    assert not off.app.state.retention.enabled


def test_the_purge_command(tmp_path, tracker):
    # Dates far apart, so the command's real clock cannot change the outcome.
    tracker.add("ancient-chat", datetime(2001, 1, 1), "很久以前")
    tracker.add("future-chat", datetime(2099, 1, 1), "很久以后")
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SERVICEDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'desk.db'}",
        "TRACKER_STORE_URL": tracker.url,
    }
    done = subprocess.run(
        [sys.executable, "-m", "servicedesk", "purge", "--days", "1"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert '"conversations": 1' in done.stdout
    assert tracker.senders() == ["future-chat"]


def left_message(client, text: str, phone: str) -> str:
    response = client.post(
        "/api/tickets",
        json={"subject": "留言", "message": text, "contact_phone": phone},
        headers=bot(),
    )
    assert response.status_code == 201, response.text
    return response.json()["ticket_no"]


def resolved(client, ticket_no: str, answer: str) -> None:
    lead = agent(client, "lead")
    response = client.post(
        f"/api/agent/tickets/{ticket_no}/resolve", json={"text": answer}, headers=lead
    )
    assert response.status_code == 200, response.text


def test_old_finished_tickets_lose_their_words_and_number(client, clock, tmp_path):
    old_done = left_message(client, "旧留言甲乙丙请回电", "13911112222")
    resolved(client, old_done, "旧答复丁戊己")
    old_open = left_message(client, "旧留言还没处理庚辛", "13933334444")
    clock.now = RECENT
    recent_done = left_message(client, "新留言壬癸子请回电", "13955556666")
    resolved(client, recent_done, "新答复丑寅卯")
    clock.now = NOW

    client.app.state.retention.tick()

    lead = agent(client, "lead")
    tickets = {
        no: client.get(f"/api/agent/tickets/{no}", headers=lead).json()
        for no in (old_done, old_open, recent_done)
    }
    assert tickets[old_done]["state"] == "resolved"
    assert tickets[old_done]["subject"] == "[已删除]"
    assert tickets[old_open]["message"] == "旧留言还没处理庚辛"
    assert tickets[recent_done]["resolution"] == "新答复丑寅卯"
    files = [tmp_path / "servicedesk.db"]
    assert found_in(files, "甲乙丙", "丁戊己", "庚辛", "丑寅卯") == ["庚辛", "丑寅卯"]
