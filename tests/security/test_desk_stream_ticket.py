"""Finding 6: the workbench opened its event stream with `/api/agent/events?token=…`, so
agent tokens landed in the run log. Now a one-time ticket opens it, and the access log
keeps no query strings at all."""

from datetime import datetime

import pytest
import requests

from tests.security.desk_clock import ManualClock
from tests.servicedesk.seeded_app import seeded_client
from tests.servicedesk_process import ServiceDeskProcess

NOW = datetime(2026, 11, 21, 12, 0)


@pytest.fixture()
def clock():
    return ManualClock(NOW)


@pytest.fixture()
def client(tmp_path, clock):
    return seeded_client(tmp_path, "test-token", NOW, clock=clock)


def login(client, username="agent2", password="agent2-demo"):
    body = {"username": username, "password": password}
    return client.post("/api/agent/login", json=body).json()["token"]


def ticket_for(client, token):
    response = client.post("/api/agent/events/ticket", headers={"X-Agent-Token": token})
    assert response.status_code == 200
    return response.json()["ticket"]


def test_the_agent_token_no_longer_opens_the_stream(client):
    token = login(client)
    assert client.get(f"/api/agent/events?token={token}").status_code == 422
    assert client.get(f"/api/agent/events?ticket={token}").status_code == 401


def test_a_ticket_needs_an_agent_login(client):
    for headers in ({}, {"X-Agent-Token": "forged"}):
        response = client.post("/api/agent/events/ticket", headers=headers)
        assert response.status_code in (401, 422)


def test_a_ticket_opens_one_stream_once(client):
    from servicedesk.service.stream_tickets import StreamTickets

    tickets = StreamTickets()
    ticket = tickets.issue("agent-token", NOW)
    assert tickets.redeem(ticket, NOW) == "agent-token"
    assert tickets.redeem(ticket, NOW) is None


def test_a_ticket_expires_after_a_minute(client, clock):
    ticket = ticket_for(client, login(client))
    clock.advance(seconds=61)
    assert client.get(f"/api/agent/events?ticket={ticket}").status_code == 401


def test_a_logged_out_agents_ticket_is_refused(client):
    token = login(client)
    ticket = ticket_for(client, token)
    client.post("/api/agent/logout", headers={"X-Agent-Token": token})
    assert client.get(f"/api/agent/events?ticket={ticket}").status_code == 401


def test_the_access_log_keeps_no_query_strings(tmp_path):
    desk = ServiceDeskProcess(tmp_path, {"KB_DENSE": "0"})
    desk.start()
    try:
        token = requests.post(
            f"{desk.url}/api/agent/login",
            json={"username": "agent2", "password": "agent2-demo"},
            timeout=10,
        ).json()["token"]
        # A careless client still puts the token into a URL: the log must not keep it.
        requests.get(f"{desk.url}/api/health?token={token}", timeout=10)
        ticket = requests.post(
            f"{desk.url}/api/agent/events/ticket",
            headers={"X-Agent-Token": token},
            timeout=10,
        ).json()["ticket"]
        with requests.get(
            f"{desk.url}/api/agent/events?ticket={ticket}", stream=True, timeout=10
        ) as stream:
            assert stream.status_code == 200
            assert next(stream.iter_lines()).startswith(b"retry:")
    finally:
        desk.stop()
    log = (tmp_path / "servicedesk.log").read_text(encoding="utf-8")
    assert "GET /api/health?… HTTP" in log
    assert token not in log
    assert ticket not in log
