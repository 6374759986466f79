"""Erasure on request: the desk links a customer's conversations, a supervisor erases
the customer, and neither database file holds their phone, name or token afterwards.

The end-to-end version with the real Rasa server and a real chat is
test_privacy_erasure_e2e.py; this one runs in-process on a real Rasa tracker store."""

from datetime import datetime

import pytest
from rasa.shared.core.events import UserUttered
from sqlalchemy import select

from addons.analytics_broker import MaskedSQLEventBroker
from servicedesk.analytics.store import RawEvent, SessionRow
from servicedesk.knowledge.models import KbMiss
from servicedesk.privacy.models import CustomerConversation
from servicedesk.service.models import AuditEntry
from servicedesk.shop.customer_tokens import token_hash
from servicedesk.shop.models import Customer
from tests.security.desk_clock import ManualClock
from tests.security.privacy_helpers import LINA, TOKEN, agent, bot, found_in
from tests.security.rasa_tracker_db import RasaTrackerDb
from tests.servicedesk.seeded_app import seeded_client

NOW = datetime(2026, 11, 21, 12, 0)


@pytest.fixture
def clock():
    return ManualClock(NOW)


@pytest.fixture
def tracker(tmp_path):
    db = RasaTrackerDb(tmp_path)
    yield db
    db.close()


@pytest.fixture
def client(tmp_path, clock, tracker, monkeypatch):
    # The analytics store is analytics.db beside the desk's database.
    monkeypatch.delenv("ANALYTICS_DATABASE_URL", raising=False)
    return seeded_client(
        tmp_path, TOKEN, NOW, clock=clock, tracker_store_url=tracker.url, kb_dense=False
    )


def land_in_analytics(client, *conversations):
    """What the Rasa server's event broker publishes for the tracker's conversations."""
    broker = MaskedSQLEventBroker(client.app.state.analytics.settings.database_url)
    for sender, texts in conversations:
        for text in texts:
            event = UserUttered(text, timestamp=NOW.timestamp(), input_channel="rest")
            broker.publish({"sender_id": sender, **event.as_dict()})
    broker.flush()
    broker.engine.dispose()


def sessions(client):
    return client.app.state.session_factory


def lina_id(client) -> int:
    with sessions(client)() as session:
        return session.execute(
            select(Customer.id).where(Customer.token_hash == token_hash(LINA["token"]))
        ).scalar_one()


def links(client):
    with sessions(client)() as session:
        rows = session.execute(select(CustomerConversation)).scalars().all()
        return {(r.customer_id, r.conversation_id): r for r in rows}


def erase_url(customer_id) -> str:
    return f"/api/agent/admin/customers/{customer_id}/erase"


def test_bot_calls_link_conversations_and_browsers_cannot(client, clock):
    me = client.get("/api/customers/me", headers=bot(LINA["token"], "lina-chat"))
    assert me.status_code == 200
    # Without the bearer token (a browser) nothing is linked, even with a real token.
    client.get(
        "/api/customers/me",
        headers={"X-Customer-Token": LINA["token"], "X-End-User": "victim-chat"},
    )
    # An anonymous call names no customer; an unknown token links nothing either.
    client.get("/api/customers/me", headers=bot("", "anonymous-chat"))
    client.get("/api/customers/me", headers=bot("no-such-token", "forged-chat"))
    lina = lina_id(client)
    assert set(links(client)) == {(lina, "lina-chat")}

    clock.advance(minutes=5)
    client.get("/api/customers/me/orders", headers=bot(LINA["token"], "lina-chat"))
    link = links(client)[(lina, "lina-chat")]
    assert (link.first_seen, link.last_seen) == (NOW, clock.now)


def test_only_supervisors_erase(client):
    lina = lina_id(client)
    assert client.post(erase_url(lina)).status_code == 401
    refused = client.post(erase_url(lina), headers=agent(client, "agent1"))
    assert refused.status_code == 403
    lead = agent(client, "lead")
    assert client.post(erase_url(999999), headers=lead).status_code == 404
    assert client.post(erase_url(2**70), headers=lead).status_code == 422
    me = client.get("/api/customers/me", headers=bot(LINA["token"]))
    assert me.json()["name"].startswith("李"), "nothing was erased"


def chat_and_hand_off(client, tracker):
    """Lina chats in two conversations, talks to an agent and leaves a ticket; someone
    else chats too."""
    typed = f"我叫{LINA['name']}，手机{LINA['phone']}"
    tracker.add("lina-chat", NOW, typed, "我的快递到哪了", customer_token=LINA["token"])
    tracker.add("lina-handoff", NOW, "转人工", typed, customer_token=LINA["token"])
    tracker.add(
        "someone-else", NOW, "我的快递到哪了", customer_token="demo-vip-zhangwei"
    )
    land_in_analytics(
        client,
        ("lina-chat", [typed, "我的快递到哪了"]),
        ("lina-handoff", ["转人工", typed]),
        ("someone-else", ["我的快递到哪了"]),
    )
    rated = client.post(
        "/api/bot-ratings",
        json={
            "conversation_id": "lina-chat",
            "rating": 5,
            "comment": f"{LINA['name']}很满意",
        },
        headers=bot(),
    )
    assert rated.status_code == 201, rated.text
    client.get("/api/customers/me/orders", headers=bot(LINA["token"], "lina-chat"))
    agent1 = agent(client, "agent1")
    client.post("/api/agent/status", json={"status": "online"}, headers=agent1)
    # The handoff alone links its conversation: the request names no end user.
    summary = {"transcript": [{"role": "user", "text": typed}]}
    created = client.post(
        "/api/handoffs",
        json={
            "conversation_id": "lina-handoff",
            "trigger": "user_request",
            "summary": summary,
        },
        headers=bot(LINA["token"]),
    )
    assert created.status_code == 201, created.text
    handoff_no = created.json()["handoff_no"]
    path = f"/api/agent/handoffs/{handoff_no}"
    assert client.post(f"{path}/claim", headers=agent1).status_code == 200
    client.post(
        "/api/handoffs/lina-handoff/messages", json={"text": typed}, headers=bot()
    )
    for text, note in [(f"{LINA['name']}您好", False), (LINA["phone"], True)]:
        sent = client.post(
            f"{path}/messages", json={"text": text, "note": note}, headers=agent1
        )
        assert sent.status_code == 200, sent.text
    ticket = client.post(
        "/api/tickets",
        json={
            "subject": f"{LINA['name']}的留言",
            "description": typed,
            "contact": LINA["phone"],
        },
        headers=bot(LINA["token"]),
    )
    assert ticket.status_code == 201, ticket.text
    # A message left anonymously with her number (the message form's contact).
    left = client.post(
        "/api/tickets",
        json={"subject": "留言", "message": "请回电", "contact_phone": LINA["phone"]},
        headers=bot(),
    )
    assert left.status_code == 201, left.text
    # A miss stored before misses were masked: erasure finds it by the phone's hash.
    with sessions(client)() as session, session.begin():
        session.add(
            KbMiss(
                text=f"{LINA['phone']} 能改吗",
                kind="unanswered",
                first_at=NOW,
                last_at=NOW,
            )
        )
    return handoff_no


def test_erasure_leaves_nothing_in_either_database(client, tracker, tmp_path):
    handoff_no = chat_and_hand_off(client, tracker)
    desk_db = tmp_path / "servicedesk.db"
    analytics_db = tmp_path / "analytics.db"
    client.app.state.analytics.derive()
    secrets = (LINA["phone"], LINA["name"], LINA["token"])
    assert found_in([tracker.path], *secrets) == list(secrets), "the test saw the data"
    # The broker's copy is masked (no phone, no token) but holds what she typed.
    assert found_in([analytics_db], *secrets) == [LINA["name"]]
    assert analytics_senders(client) == ["lina-chat", "lina-handoff", "someone-else"]

    lina = lina_id(client)
    lead = agent(client, "lead")
    erased = client.post(erase_url(lina), headers=lead)
    assert erased.status_code == 200, erased.text
    counts = erased.json()["erased"]
    assert counts["conversations"] == 2 and counts["tracker_events"] > 0
    assert counts["handoffs"] == 1 and counts["tickets"] == 2
    assert counts["kb_misses"] == 1 and counts["orders"] == 3

    assert found_in([desk_db, tracker.path, analytics_db], *secrets) == []
    assert tracker.senders() == ["someone-else"]
    assert counts["analytics_events"] == 4
    assert analytics_senders(client) == ["someone-else"]
    assert (
        client.get("/api/customers/me", headers=bot(LINA["token"])).status_code == 401
    )
    # Aggregates stay: the handoff, its outcome and the number of messages.
    detail = client.get(f"/api/agent/handoffs/{handoff_no}", headers=lead).json()
    assert detail["state"] == "cancelled"
    assert {m["text"] for m in detail["messages"]} == {"[已删除]"}
    with sessions(client)() as session:
        entry = session.execute(
            select(AuditEntry).where(AuditEntry.action == "customer_erase")
        ).scalar_one()
    assert (entry.actor, entry.target) == ("lead", str(lina))
    assert entry.detail["tracker_events"] == counts["tracker_events"]
    assert not links(client)


def analytics_senders(client):
    """Conversations left in the analytics store: raw events and derived sessions."""
    analytics = client.app.state.analytics
    with analytics.sessions() as db:
        raw = set(db.execute(select(RawEvent.sender_id)).scalars())
        derived = set(db.execute(select(SessionRow.sender_id)).scalars())
    assert derived <= raw
    return sorted(raw)


def test_erasing_twice_is_harmless(client, tracker):
    chat_and_hand_off(client, tracker)
    lead = agent(client, "lead")
    lina = lina_id(client)
    assert client.post(erase_url(lina), headers=lead).status_code == 200
    again = client.post(erase_url(lina), headers=lead)
    assert again.status_code == 200
    assert again.json()["erased"]["tracker_events"] == 0
