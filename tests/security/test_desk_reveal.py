"""Masked fields in a conversation's context are revealed only to the agent serving it
and to supervisors, each reveal audited; other agents and strangers learn nothing."""

from datetime import datetime

import pytest

from tests.servicedesk.seeded_app import seeded_client

NOW = datetime(2026, 11, 21, 12, 0)
TOKEN = "test-api-token"
BOT = {"Authorization": f"Bearer {TOKEN}"}


def login(client, username):
    response = client.post(
        "/api/agent/login", json={"username": username, "password": f"{username}-demo"}
    )
    return {"X-Agent-Token": response.json()["token"]}


@pytest.fixture
def client(tmp_path):
    return seeded_client(tmp_path, TOKEN, NOW)


@pytest.fixture
def agents(client):
    return {u: login(client, u) for u in ("agent1", "agent2", "lead")}


@pytest.fixture
def handoff_path(client, agents):
    handoff = client.post(
        "/api/handoffs",
        json={"conversation_id": "r" * 32, "trigger": "complaint", "summary": {}},
        headers={**BOT, "X-Customer-Token": "demo-vip-zhangwei"},
    ).json()
    return f"/api/agent/handoffs/{handoff['handoff_no']}"


def first_order(client, path, headers):
    order = client.get(path, headers=headers).json()["context"]["orders"][0]
    return order


def reveal_entries(client, lead):
    entries = client.get("/api/agent/audit", headers=lead).json()["entries"]
    return [e for e in entries if e["action"] == "reveal"]


def test_the_serving_agent_reveals_the_shipping_fields_and_it_is_audited(
    client, agents, handoff_path
):
    agent1 = agents["agent1"]
    client.post(f"{handoff_path}/claim", headers=agent1).raise_for_status()
    order = first_order(client, handoff_path, agent1)
    # Masked in the context...
    assert "*" in order["shipping"]["consignee"] and "*" in order["shipping"]["address"]
    assert order["shipping"]["phone"] == "138****8000"
    revealed = client.post(
        f"{handoff_path}/reveal", json={"order_no": order["order_no"]}, headers=agent1
    )
    assert revealed.status_code == 200
    fields = revealed.json()["fields"]
    # ...in full on request.
    assert fields["consignee"] == "张伟"
    assert "*" not in fields["address"]
    assert fields["address"].startswith(order["shipping"]["address"].rstrip("*"))
    entries = reveal_entries(client, agents["lead"])
    assert len(entries) == 1
    assert entries[0]["actor"] == "agent1"
    assert entries[0]["target"] == handoff_path.rsplit("/", 1)[1]
    assert entries[0]["detail"] == {
        "order_no": order["order_no"],
        "fields": ["consignee", "address"],
    }


def test_a_supervisor_may_reveal_too(client, agents, handoff_path):
    client.post(f"{handoff_path}/claim", headers=agents["agent1"]).raise_for_status()
    order = first_order(client, handoff_path, agents["lead"])
    revealed = client.post(
        f"{handoff_path}/reveal",
        json={"order_no": order["order_no"], "fields": ["address"]},
        headers=agents["lead"],
    )
    assert revealed.status_code == 200
    assert set(revealed.json()["fields"]) == {"address"}
    assert reveal_entries(client, agents["lead"])[0]["actor"] == "lead"


def test_another_agent_a_queued_item_and_strangers_reveal_nothing(
    client, agents, handoff_path
):
    order_no = first_order(client, handoff_path, agents["agent1"])["order_no"]
    body = {"order_no": order_no}
    # Queued: open to read, not to reveal (nobody serves it yet).
    queued = client.post(f"{handoff_path}/reveal", json=body, headers=agents["agent2"])
    assert queued.status_code == 403
    client.post(f"{handoff_path}/claim", headers=agents["agent1"]).raise_for_status()
    other = client.post(f"{handoff_path}/reveal", json=body, headers=agents["agent2"])
    assert other.status_code == 404  # the served conversation is not theirs to see
    assert "张伟" not in other.text
    assert client.post(f"{handoff_path}/reveal", json=body).status_code == 401
    assert client.post(
        f"{handoff_path}/reveal", json=body, headers=BOT
    ).status_code == (401)
    assert reveal_entries(client, agents["lead"]) == []


def test_only_orders_of_the_conversation_and_known_fields(client, agents, handoff_path):
    agent1 = agents["agent1"]
    client.post(f"{handoff_path}/claim", headers=agent1).raise_for_status()
    customers = client.get("/api/demo/customers").json()["customers"]
    lina = next(c for c in customers if c["token"] == "demo-lina")
    someone_elses = lina["orders"][0]["order_no"]
    refused = client.post(
        f"{handoff_path}/reveal", json={"order_no": someone_elses}, headers=agent1
    )
    assert refused.status_code == 404
    assert refused.json()["error"]["code"] == "ORDER_NOT_IN_CONTEXT"
    order_no = first_order(client, handoff_path, agent1)["order_no"]
    for fields in (["phone"], ["password"], [], ["address"] * 3):
        bad = client.post(
            f"{handoff_path}/reveal",
            json={"order_no": order_no, "fields": fields},
            headers=agent1,
        )
        assert bad.status_code == 422
    missing = client.post(
        "/api/agent/handoffs/H999/reveal", json={"order_no": order_no}, headers=agent1
    )
    assert missing.status_code == 404
    assert reveal_entries(client, agents["lead"]) == []
