"""The workbench's HTTP API: tickets, context, widget state, audit, pages."""

from datetime import datetime

import pytest
from sqlalchemy import create_engine, inspect, text

from servicedesk.db import make_engine
from servicedesk.widget_session import token_for
from tests.servicedesk.seeded_app import WIDGET_SECRET, seeded_client

NOW = datetime(2026, 11, 21, 12, 0)
TOKEN = "test-api-token"
BOT = {"Authorization": f"Bearer {TOKEN}"}
WIDGET_ID = "f" * 32
WIDGET = {"X-Widget-Session-Token": token_for(WIDGET_ID, WIDGET_SECRET)}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return seeded_client(tmp_path_factory.mktemp("wb"), TOKEN, NOW)


def login(client, username):
    response = client.post(
        "/api/agent/login", json={"username": username, "password": f"{username}-demo"}
    )
    return {"X-Agent-Token": response.json()["token"]}


@pytest.fixture(scope="module")
def agent1(client):
    return login(client, "agent1")


@pytest.fixture(scope="module")
def lead(client):
    return login(client, "lead")


def test_ticket_life_cycle(client, agent1, lead):
    left = client.post(
        "/api/tickets",
        json={"subject": "留言：转人工时无客服在线", "description": "{}"},
        headers={**BOT, "X-Customer-Token": "demo-lina"},
    ).json()["ticket_no"]
    listed = client.get("/api/agent/tickets?state=open", headers=agent1).json()
    assert left in [t["ticket_no"] for t in listed["tickets"]]

    path = f"/api/agent/tickets/{left}"
    assigned = client.post(f"{path}/assign", json={"to": "agent2"}, headers=lead).json()
    assert (assigned["assignee_username"], assigned["state"]) == (
        "agent2",
        "in_progress",
    )
    commented = client.post(
        f"{path}/comments", json={"text": "已电话联系客户"}, headers=agent1
    ).json()
    assert commented["comments"][-1] == {
        "author": "客服小王",
        "text": "已电话联系客户",
        "time": NOW.isoformat(),
        "public": False,
    }
    assert (
        client.post(f"{path}/state", json={"state": "resolved"}, headers=agent1).json()[
            "state_label"
        ]
        == "已解决"
    )
    bad = client.post(f"{path}/state", json={"state": "gone"}, headers=agent1)
    assert bad.status_code == 422
    empty = client.post(f"{path}/comments", json={"text": "  "}, headers=agent1)
    assert empty.status_code == 422
    mine = client.get("/api/agent/tickets?mine=true", headers=agent1).json()
    assert left not in [t["ticket_no"] for t in mine["tickets"]]


def test_an_agent_creates_a_ticket_for_a_customer_by_phone(client, agent1):
    created = client.post(
        "/api/agent/tickets",
        json={"subject": "回访", "customer_phone": "139-0000-0001"},
        headers=agent1,
    )
    assert created.status_code == 201
    body = created.json()
    assert body["source"] == "agent" and body["assignee_username"] == "agent1"


def test_audit_log_is_for_supervisors(client, agent1, lead):
    assert client.get("/api/agent/audit", headers=agent1).status_code == 403
    entries = client.get("/api/agent/audit", headers=lead).json()["entries"]
    actions = {e["action"] for e in entries}
    assert {"login", "ticket_assign", "ticket_comment", "ticket_state"} <= actions


def test_agent_routes_need_an_agent_login(client):
    for headers in ({}, BOT, {"X-Agent-Token": "forged"}):
        assert client.get("/api/agent/tickets", headers=headers).status_code == 401
    assert client.get("/api/agent/events?ticket=forged").status_code == 401


def test_context_queue_widget_and_delivery_without_rasa(client, agent1):
    queued = client.post(
        "/api/handoffs",
        json={
            "conversation_id": WIDGET_ID,
            "trigger": "complaint",
            "summary": {"slots": {"order_no": "nope"}, "transcript": []},
        },
        headers={**BOT, "X-Customer-Token": "demo-vip-zhangwei"},
    ).json()
    widget = client.get(f"/api/widget/handoffs/{WIDGET_ID}", headers=WIDGET).json()
    assert (widget["state"], widget["position"]) == ("queued", 1)
    short = {"X-Widget-Session-Token": token_for("short", WIDGET_SECRET)}
    assert client.get("/api/widget/handoffs/short", headers=short).status_code == 404

    path = f"/api/agent/handoffs/{queued['handoff_no']}"
    detail = client.get(path, headers=agent1).json()
    assert detail["context"]["customer"]["level"] == "vip"
    assert len(detail["context"]["orders"]) >= 1
    assert "phone" in detail["context"]["customer"]
    assert "*" in detail["context"]["customer"]["phone"]

    claimed = client.post(f"{path}/claim", headers=agent1).json()
    assert claimed["delivered"] is False  # stored, the agent is told it did not arrive
    sent = client.post(f"{path}/messages", json={"text": "您好"}, headers=agent1)
    assert sent.json()["delivered"] is False
    note = client.post(
        f"{path}/messages", json={"text": "VIP，先安抚", "note": True}, headers=agent1
    ).json()
    widget = client.get(f"/api/widget/handoffs/{WIDGET_ID}", headers=WIDGET).json()
    assert widget["agent"] == "客服小王"
    assert [m["text"] for m in widget["messages"]] == ["joined", "您好"]
    assert note["id"] not in [m["id"] for m in widget["messages"]]
    closed = client.post(f"{path}/close", json={"resolution": "later"}, headers=agent1)
    assert closed.status_code == 422  # resolution codes are a closed list


def test_pages_are_served(client):
    assert "/static/shop/shop.js" in client.get("/").text
    assert "ShopChat.init" in client.get("/static/shop/shop.js").text
    assert "客服工作台" in client.get("/agent").text
    assert client.get("/widget/widget.js").status_code == 200
    assert client.get("/widget/vendor/socket.io.min.js").status_code == 200
    assert client.get("/api/widget/config").json()["socket_url"].startswith("http")


def test_an_older_database_gets_the_new_columns(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    with create_engine(url).begin() as connection:
        connection.execute(
            text(
                "CREATE TABLE tickets (id INTEGER PRIMARY KEY, ticket_no VARCHAR(32),"
                " customer_id INTEGER, order_no VARCHAR(32), subject VARCHAR(100),"
                " description TEXT, contact VARCHAR(50), state VARCHAR(20),"
                " created_at DATETIME)"
            )
        )
    columns = {c["name"] for c in inspect(make_engine(url)).get_columns("tickets")}
    assert {"assignee_id", "source", "updated_at"} <= columns
