"""Finding 4: any agent could read any conversation, internal notes included.

The detail view (summary, customer context, transcript, notes) is for queued items,
the agent serving the conversation and supervisors; another agent gets a 404, the same
as for a missing handoff.
"""

from datetime import datetime

import pytest

from tests.servicedesk.seeded_app import seeded_client

NOW = datetime(2026, 11, 21, 12, 0)
TOKEN = "test-api-token"
BOT = {"Authorization": f"Bearer {TOKEN}"}
NOTE = "客户情绪激动，内部备注"


def login(client, username):
    response = client.post(
        "/api/agent/login", json={"username": username, "password": f"{username}-demo"}
    )
    return {"X-Agent-Token": response.json()["token"]}


@pytest.fixture
def client(tmp_path):
    return seeded_client(tmp_path, TOKEN, NOW)


@pytest.fixture
def logged_in(client):
    """Every demo agent, logged in (and so online: the queue takes handoffs)."""
    return {u: login(client, u) for u in ("agent1", "agent2", "lead")}


@pytest.fixture
def handoff_path(client, logged_in):
    handoff = client.post(
        "/api/handoffs",
        json={"conversation_id": "c" * 32, "trigger": "complaint", "summary": {}},
        headers={**BOT, "X-Customer-Token": "demo-vip-zhangwei"},
    ).json()
    return f"/api/agent/handoffs/{handoff['handoff_no']}"


def test_a_queued_conversation_is_open_to_every_agent(client, logged_in, handoff_path):
    assert client.get(handoff_path, headers=logged_in["agent2"]).status_code == 200


def test_another_agent_cannot_read_a_served_conversation_or_its_notes(
    client, logged_in, handoff_path
):
    agent1, agent2, lead = logged_in.values()
    assert client.post(f"{handoff_path}/claim", headers=agent1).status_code == 200
    note = {"text": NOTE, "note": True}
    client.post(f"{handoff_path}/messages", json=note, headers=agent1)

    other = client.get(handoff_path, headers=agent2)
    assert other.status_code == 404
    assert other.json()["error"]["code"] == "HANDOFF_NOT_FOUND"
    assert NOTE not in other.text
    later = client.get(f"{handoff_path}?after=0", headers=agent2)
    assert later.status_code == 404

    for allowed in (agent1, lead):
        detail = client.get(handoff_path, headers=allowed)
        assert detail.status_code == 200
        assert NOTE in [m["text"] for m in detail.json()["messages"]]


def test_access_follows_a_transfer(client, logged_in, handoff_path):
    agent1, agent2 = logged_in["agent1"], logged_in["agent2"]
    client.post(f"{handoff_path}/claim", headers=agent1)
    moved = client.post(
        f"{handoff_path}/transfer", json={"to": "agent2"}, headers=agent1
    )
    assert moved.status_code == 200
    assert client.get(handoff_path, headers=agent2).status_code == 200
    assert client.get(handoff_path, headers=agent1).status_code == 404
