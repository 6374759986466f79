"""The tracker store keeps personal data masked at rest and in the clear only in memory."""

from __future__ import annotations

import asyncio
import json
import sqlite3

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from addons.event_masking import mask_event
from addons.handoff_relay import HandoffRelayTrackerStore
from addons.recent_trackers import RecentTrackers
from addons.tracker_store import UrlSQLTrackerStore

DOMAIN = Domain.from_dict(
    {
        "slots": {
            name: {"type": "text", "mappings": [{"type": "custom"}]}
            for name in ("modify_value", "email", "order_no", "reason")
        }
    }
)
ADDRESS = "上海市浦东新区张江路88号3栋1202室"
MAIL = "wang.wu@example.org"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.delenv("TRACKER_STORE_URL", raising=False)
    return tmp_path / "tracker.db"


def store_on(db, store_class=UrlSQLTrackerStore):
    return store_class(domain=DOMAIN, host=f"sqlite:///{db}")


def stored_rows(db) -> str:
    """Every stored event as readable text (Rasa writes JSON with \\u escapes)."""
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT data FROM events").fetchall()
    return "\n".join(json.dumps(json.loads(d), ensure_ascii=False) for (d,) in rows)


def address_turn(tracker: DialogueStateTracker) -> None:
    tracker.update(ActiveLoop("order_form"))
    tracker.update(
        UserUttered(
            f"改成{ADDRESS}",
            intent={"name": "inform", "confidence": 0.9},
            entities=[{"entity": "address", "value": ADDRESS, "start": 2, "end": 20}],
            metadata={"customer_token": "demo-lina", "channel": "widget"},
        )
    )
    tracker.update(SlotSet("modify_value", ADDRESS))
    tracker.update(SlotSet("reason", f"联系 {MAIL}"))
    tracker.update(SlotSet("order_no", "6274225580362"))
    tracker.update(BotUttered(f"确认改为「{ADDRESS}」吗？"))


def test_events_are_masked_at_rest_and_a_running_form_keeps_its_values(db):
    async def scenario():
        store = store_on(db)
        tracker = DialogueStateTracker("u-form", DOMAIN.slots)
        tracker.update(SessionStarted())
        address_turn(tracker)
        await store.save(tracker)

        # The next turn of the same server continues with the real address.
        again = await store.retrieve("u-form")
        assert again.get_slot("modify_value") == ADDRESS
        assert again.latest_message.text == f"改成{ADDRESS}"
        assert again.latest_message.metadata["customer_token"] == "demo-lina"
        again.update(UserUttered("确认", intent={"name": "affirm"}))
        again.update(ActionExecuted("action_listen"))
        await store.save(again)
        assert (await store.retrieve("u-form")).get_slot("modify_value") == ADDRESS

    asyncio.run(scenario())
    rows = stored_rows(db)
    for secret in ("张江路88号", "1202", MAIL, "demo-lina"):
        assert secret not in rows
    assert "[地址]" in rows and "[邮箱]" in rows and "6274225580362" in rows


def test_after_a_restart_the_masked_tracker_has_no_personal_slot_values(db):
    async def first_server():
        tracker = DialogueStateTracker("u-restart", DOMAIN.slots)
        tracker.update(SessionStarted())
        address_turn(tracker)
        await store_on(db).save(tracker)

    asyncio.run(first_server())
    restarted = asyncio.run(store_on(db).retrieve("u-restart"))
    # Asked again rather than submitting a placeholder.
    assert restarted.get_slot("modify_value") is None
    assert restarted.get_slot("order_no") == "6274225580362"
    assert restarted.get_slot("reason") == "联系 [邮箱]"
    assert restarted.latest_message.text == "改成[地址]"
    assert restarted.latest_message.entities[0]["value"] == "[地址]"
    assert "customer_token" not in restarted.latest_message.metadata
    assert restarted.active_loop_name == "order_form"
    # Every event is there, so Rasa appends the next ones after them.
    assert len(restarted.events) == 7


def test_another_server_writing_makes_the_memory_stale(db):
    async def scenario():
        mine, other = store_on(db), store_on(db)
        tracker = DialogueStateTracker("u-two", DOMAIN.slots)
        address_turn(tracker)
        await mine.save(tracker)
        elsewhere = await other.retrieve("u-two")
        elsewhere.update(UserUttered("还在吗"))
        await other.save(elsewhere)
        return await mine.retrieve("u-two")

    latest = asyncio.run(scenario())
    assert latest.latest_message.text == "还在吗"
    assert latest.get_slot("modify_value") is None


def test_full_tracker_and_relay_store_read_the_masked_database(db):
    async def scenario():
        store = store_on(db, HandoffRelayTrackerStore)
        tracker = DialogueStateTracker("u-full", DOMAIN.slots)
        address_turn(tracker)
        await store.save(tracker)
        return await store.retrieve_full_tracker("u-full")

    full = asyncio.run(scenario())
    assert full.latest_message.text == "改成[地址]"


def test_recent_trackers_are_bounded_by_count_and_age():
    clock = Clock()
    recent = RecentTrackers(size=2, ttl_seconds=60, clock=clock)
    for sender in ("a", "b", "c"):
        recent.put(sender, [SessionStarted()], 1)
    assert recent.get("a", 1) is None  # least recently used went first
    assert recent.get("b", 1) and recent.get("c", 1)
    clock.now = 61
    assert recent.get("b", 1) is None
    recent.put("d", [SessionStarted()], 5)
    assert recent.get("d", 6) is None  # the database has a newer row


def test_personal_slots_are_stored_empty_and_tokens_dropped():
    assert (
        mask_event({"event": "slot", "name": "email", "value": MAIL})["value"] is None
    )
    user = mask_event(
        {
            "event": "user",
            "text": "13812345678",
            "metadata": {"customer_token": "t", "session_token": "s", "lang": "zh"},
        }
    )
    assert user["text"] == "[手机号]"
    assert user["metadata"] == {
        "lang": "zh",
        "redacted": ["customer_token", "session_token"],
    }
