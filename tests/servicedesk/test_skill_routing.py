"""Skill groups: supervisors edit them, a handoff is offered to the least-loaded online
agent with its task's skill, manual claims stay possible, and the wait estimate uses
the group's measured handling time."""

from datetime import datetime, timedelta

import pytest

from servicedesk.service.skills import DEFAULT_HANDLING_MINUTES
from tests.servicedesk.seeded_app import seeded_client

NOW = datetime(2026, 11, 21, 12, 0)
TOKEN = "test-api-token"
BOT = {"Authorization": f"Bearer {TOKEN}"}
INVOICE = {"intents": ["request_invoice", "request_human"], "slots": {}}
LOGISTICS = {"intents": ["query_logistics"], "slots": {"task": "query_logistics"}}


class MovableClock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock():
    return MovableClock()


@pytest.fixture
def client(tmp_path, clock):
    # A fresh desk per test: routing depends on who is online and busy.
    return seeded_client(tmp_path, TOKEN, NOW, clock=clock)


def login(client, username):
    response = client.post(
        "/api/agent/login", json={"username": username, "password": f"{username}-demo"}
    )
    return {"X-Agent-Token": response.json()["token"]}


def set_skills(client, lead, username, skills):
    response = client.post(
        f"/api/agent/admin/agents/{username}/skills",
        json={"skills": skills},
        headers=lead,
    )
    assert response.status_code == 200, response.text
    return response.json()


def hand_over(client, conversation_id, summary):
    response = client.post(
        "/api/handoffs",
        json={
            "conversation_id": conversation_id,
            "trigger": "user_request",
            "summary": summary,
        },
        headers=BOT,
    )
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
def team(client):
    """agent1 and agent2 online (logging in sets them online); the lead offline."""
    lead = login(client, "lead")
    client.post("/api/agent/status", json={"status": "offline"}, headers=lead)
    return {
        "agent1": login(client, "agent1"),
        "agent2": login(client, "agent2"),
        "lead": lead,
    }


def test_only_supervisors_edit_skills(client, team):
    refused = client.post(
        "/api/agent/admin/agents/agent1/skills",
        json={"skills": ["vip"]},
        headers=team["agent1"],
    )
    assert refused.status_code == 403
    anonymous = client.post(
        "/api/agent/admin/agents/agent1/skills", json={"skills": ["vip"]}, headers=BOT
    )
    assert anonymous.status_code == 401
    unknown = client.post(
        "/api/agent/admin/agents/agent1/skills",
        json={"skills": ["cooking"]},
        headers=team["lead"],
    )
    assert unknown.status_code == 422
    saved = set_skills(client, team["lead"], "agent1", ["vip", "invoices", "invoices"])
    assert saved["skills"] == ["invoices", "vip"]
    listed = client.get("/api/agent/skills", headers=team["agent2"]).json()
    assert {a["username"]: a["skills"] for a in listed["agents"]}["agent1"] == [
        "invoices",
        "vip",
    ]
    assert client.get("/api/agent/skills").status_code == 401
    entries = client.get("/api/agent/audit", headers=team["lead"]).json()["entries"]
    assert any(
        e["action"] == "agent_skills" and e["target"] == "agent1" for e in entries
    )


def test_an_invoice_handoff_goes_to_the_invoice_agent(client, team):
    set_skills(client, team["lead"], "agent1", ["logistics"])
    set_skills(client, team["lead"], "agent2", ["invoices"])
    invoice = hand_over(client, "route-invoice", INVOICE)
    assert (invoice["skill_group"], invoice["offered_to"]) == ("invoices", "agent2")
    logistics = hand_over(client, "route-logistics", LOGISTICS)
    assert (logistics["skill_group"], logistics["offered_to"]) == (
        "logistics",
        "agent1",
    )
    # Claiming by hand stays possible for anyone with room.
    claimed = client.post(
        f"/api/agent/handoffs/{invoice['handoff_no']}/claim", headers=team["agent1"]
    )
    assert claimed.status_code == 200 and claimed.json()["agent"] == "客服小王"


def test_with_both_skilled_the_least_loaded_agent_gets_it(client, team):
    set_skills(client, team["lead"], "agent1", ["invoices"])
    set_skills(client, team["lead"], "agent2", ["invoices"])
    first = hand_over(client, "load-1", INVOICE)
    assert first["offered_to"] == "agent1"  # equal load: the first by id
    client.post(
        f"/api/agent/handoffs/{first['handoff_no']}/claim", headers=team["agent1"]
    )
    second = hand_over(client, "load-2", INVOICE)
    assert second["offered_to"] == "agent2"
    third = hand_over(client, "load-3", INVOICE)
    # agent1 serves one, agent2 has one offered: equal again, the first by id.
    assert third["offered_to"] == "agent1"
    # Nobody online with the skill: the handoff waits for anyone.
    client.post("/api/agent/status", json={"status": "away"}, headers=team["agent2"])
    nobody = hand_over(client, "load-4", LOGISTICS)
    assert nobody["offered_to"] is None


def test_the_wait_uses_the_groups_measured_handling_time(client, clock, team):
    set_skills(client, team["lead"], "agent1", ["invoices"])
    client.post("/api/agent/status", json={"status": "away"}, headers=team["agent2"])
    waiting = []
    # One conversation of 10 minutes measured for the invoice group.
    done = hand_over(client, "measure-1", INVOICE)
    path = f"/api/agent/handoffs/{done['handoff_no']}"
    client.post(f"{path}/claim", headers=team["agent1"])
    clock.now = NOW + timedelta(minutes=10)
    client.post(f"{path}/close", json={"resolution": "solved"}, headers=team["agent1"])
    # agent1 (3 at a time) is made busy, so new ones queue.
    for index in range(3):
        busy = hand_over(client, f"busy-{index}", LOGISTICS)
        client.post(
            f"/api/agent/handoffs/{busy['handoff_no']}/claim", headers=team["agent1"]
        )
    waiting.append(hand_over(client, "wait-invoice", INVOICE))
    waiting.append(hand_over(client, "wait-logistics", LOGISTICS))
    assert waiting[0]["position"] == 1
    assert waiting[0]["estimated_wait_minutes"] == 10  # measured, one online agent
    assert waiting[1]["estimated_wait_minutes"] == 2 * DEFAULT_HANDLING_MINUTES


def offered_to(client, lead, handoff_no):
    response = client.get(f"/api/agent/handoffs/{handoff_no}", headers=lead)
    assert response.status_code == 200, response.text
    return response.json()["offered_to"]


def test_an_offer_follows_who_is_online(client, team):
    set_skills(client, team["lead"], "agent1", ["invoices"])
    set_skills(client, team["lead"], "agent2", ["invoices"])
    waiting = hand_over(client, "follow-1", INVOICE)["handoff_no"]
    assert offered_to(client, team["lead"], waiting) == "agent1"
    # agent1 steps away: the offer moves to the colleague with the skill.
    client.post("/api/agent/status", json={"status": "away"}, headers=team["agent1"])
    assert offered_to(client, team["lead"], waiting) == "agent2"
    # agent2 logs out: nobody with the skill is online, anyone may claim it.
    client.post("/api/agent/logout", headers=team["agent2"])
    assert offered_to(client, team["lead"], waiting) is None
    # agent1 is back: the waiting conversation is offered to them again.
    client.post("/api/agent/status", json={"status": "online"}, headers=team["agent1"])
    assert offered_to(client, team["lead"], waiting) == "agent1"
