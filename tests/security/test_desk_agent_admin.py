"""Agent administration: supervisors create, disable, reset and set roles; a disabled
agent's sessions end at once; other agents are refused; every change is audited."""

from datetime import datetime

import pytest

from tests.security.desk_clock import ManualClock
from tests.servicedesk.seeded_app import seeded_client

NOW = datetime(2026, 11, 21, 12, 0)
TOKEN = "test-api-token"
ADMIN = "/api/agent/admin/agents"
NEW = {"username": "agent9", "name": "客服小周", "password": "a-long-secret-9"}


def login(client, username, password=None):
    return client.post(
        "/api/agent/login",
        json={"username": username, "password": password or f"{username}-demo"},
    )


def headers(client, username, password=None):
    return {"X-Agent-Token": login(client, username, password).json()["token"]}


@pytest.fixture
def clock():
    return ManualClock(NOW)


@pytest.fixture
def client(tmp_path, clock):
    return seeded_client(tmp_path, TOKEN, NOW, clock=clock)


@pytest.fixture
def lead(client):
    return headers(client, "lead")


def test_agents_cannot_administer_agents(client):
    agent1 = headers(client, "agent1")
    attempts = [
        client.get(ADMIN, headers=agent1),
        client.post(ADMIN, json={**NEW, "role": "supervisor"}, headers=agent1),
        client.post(f"{ADMIN}/agent2/disable", headers=agent1),
        client.post(
            f"{ADMIN}/agent1/role", json={"role": "supervisor"}, headers=agent1
        ),
        client.post(
            f"{ADMIN}/agent2/password", json={"password": "x" * 12}, headers=agent1
        ),
    ]
    assert [r.status_code for r in attempts] == [403] * 5
    assert client.get("/api/agent/me", headers=agent1).json()["role"] == "agent"
    assert client.post(f"{ADMIN}/agent2/disable").status_code == 401


def test_a_supervisor_creates_an_agent_who_can_log_in(client, lead):
    created = client.post(ADMIN, json=NEW, headers=lead)
    assert created.status_code == 201
    assert login(client, "agent9", NEW["password"]).status_code == 200
    again = client.post(ADMIN, json=NEW, headers=lead)
    assert again.json()["error"]["code"] == "AGENT_EXISTS"
    weak = client.post(ADMIN, json={**NEW, "username": "agent8", "password": "123"})
    assert weak.status_code == 401  # no agent token at all
    weak = client.post(
        ADMIN, json={**NEW, "username": "agent8", "password": "123"}, headers=lead
    )
    assert weak.json()["error"]["code"] == "WEAK_PASSWORD"


def test_disabling_revokes_sessions_at_once(client, clock, lead):
    agent2 = headers(client, "agent2")
    assert client.get("/api/agent/me", headers=agent2).status_code == 200
    assert client.post(f"{ADMIN}/agent2/disable", headers=lead).json()["disabled"]
    assert client.get("/api/agent/me", headers=agent2).status_code == 401
    refused = login(client, "agent2")
    unknown = login(client, "nobody", "agent2-demo")
    assert refused.status_code == 401 and refused.json() == unknown.json()
    client.post(f"{ADMIN}/agent2/enable", headers=lead)
    clock.advance(seconds=5)  # past the login backoff the two failures started
    assert login(client, "agent2").status_code == 200


def test_a_reset_password_ends_old_sessions(client, lead):
    agent1 = headers(client, "agent1")
    reset = client.post(
        f"{ADMIN}/agent1/password", json={"password": "new-secret-123"}, headers=lead
    )
    assert reset.status_code == 200
    assert client.get("/api/agent/me", headers=agent1).status_code == 401
    assert login(client, "agent1").status_code == 401
    assert login(client, "agent1", "new-secret-123").status_code == 200


def test_roles_change_and_every_action_is_audited(client, lead):
    client.post(ADMIN, json=NEW, headers=lead)
    promoted = client.post(
        f"{ADMIN}/agent9/role", json={"role": "supervisor"}, headers=lead
    )
    assert promoted.json()["role"] == "supervisor"
    nine = headers(client, "agent9", NEW["password"])
    assert client.get(ADMIN, headers=nine).status_code == 200
    client.post(f"{ADMIN}/agent1/disable", headers=lead)
    client.post(f"{ADMIN}/agent1/enable", headers=lead)
    client.post(f"{ADMIN}/agent2/password", json={"password": "x" * 12}, headers=lead)
    self_demotion = client.post(
        f"{ADMIN}/lead/role", json={"role": "agent"}, headers=lead
    )
    assert self_demotion.status_code == 409
    entries = client.get("/api/agent/audit", headers=lead).json()["entries"]
    done = {(e["actor"], e["action"], e["target"]) for e in entries}
    assert {
        ("lead", "agent_create", "agent9"),
        ("lead", "agent_role", "agent9"),
        ("lead", "agent_disable", "agent1"),
        ("lead", "agent_enable", "agent1"),
        ("lead", "agent_reset", "agent2"),
    } <= done
