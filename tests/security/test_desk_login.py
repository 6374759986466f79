"""Finding 12: agent login had no lockout, and an unknown username answered faster.

Failures are counted per username and per client address in the desk's database; an
unknown username runs the password hash too and gets the very same answer. (No timing
is asserted: the same code path is what makes the time alike.)
"""

from datetime import datetime

import pytest

from servicedesk.service import agents
from tests.security.desk_clock import ManualClock
from tests.servicedesk.seeded_app import seeded_client

NOW = datetime(2026, 11, 21, 12, 0)
TOKEN = "test-api-token"


@pytest.fixture
def clock():
    return ManualClock(NOW)


@pytest.fixture
def client(tmp_path, clock):
    return seeded_client(tmp_path, TOKEN, NOW, clock=clock)


def log_in(client, username, password):
    return client.post(
        "/api/agent/login", json={"username": username, "password": password}
    )


def test_guessing_a_password_is_locked_out(client, clock):
    codes = []
    for attempt in range(10):
        codes.append(
            log_in(client, "agent1", f"guess-{attempt}").json()["error"]["code"]
        )
        clock.advance(seconds=30)  # past every backoff, inside the 15-minute window
    assert codes[:5] == ["LOGIN_FAILED"] * 5
    assert set(codes[5:]) == {"LOGIN_LOCKED"}
    # Even the right password waits for the lock to end; then it works.
    assert log_in(client, "agent1", "agent1-demo").status_code == 429
    clock.advance(minutes=16)
    assert log_in(client, "agent1", "agent1-demo").status_code == 200


def test_one_address_spraying_usernames_is_locked_out(client, clock):
    codes = []
    for attempt in range(8):
        response = log_in(client, f"user{attempt}", "123456")
        codes.append(response.json()["error"]["code"])
        clock.advance(seconds=30)
    assert codes[:5] == ["LOGIN_FAILED"] * 5
    assert set(codes[5:]) == {"LOGIN_LOCKED"}


def test_unknown_user_and_wrong_password_answer_alike(client):
    unknown = log_in(client, "nobody-here", "wrong-password")
    wrong = log_in(client, "agent2", "wrong-password")
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()
    assert unknown.headers.get("content-length") == wrong.headers.get("content-length")


def test_an_unknown_user_costs_a_password_hash(monkeypatch, client):
    # The timing leak was the skipped hash: count the hash runs of each kind of failure.
    runs = []
    real = agents.password_matches
    monkeypatch.setattr(
        agents, "password_matches", lambda *args: runs.append(1) or real(*args)
    )
    log_in(client, "nobody-at-all", "x")
    log_in(client, "agent2", "x")
    assert len(runs) == 2
