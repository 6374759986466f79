"""Finding 1: guessing an order's phone (last four digits) is stopped in the desk.

The old lock lived in the conversation's slots, so a new sender id or `/restart` gave
three more tries. Now the desk counts failures per order (and per end user), so a sweep
is stopped however the attempts are spread over conversations.
"""

from datetime import datetime

import pytest

from tests.security.desk_clock import ManualClock
from tests.servicedesk.seeded_app import seeded_client

NOW = datetime(2026, 11, 21, 12, 0)
TOKEN = "test-api-token"
BOT = {"Authorization": f"Bearer {TOKEN}"}
RIGHT = "8000"  # the last four digits of demo-vip-zhangwei's phone


@pytest.fixture
def clock():
    return ManualClock(NOW)


@pytest.fixture
def client(tmp_path, clock):
    return seeded_client(tmp_path, TOKEN, NOW, clock=clock)


@pytest.fixture
def order_no(client):
    customers = client.get("/api/demo/customers").json()["customers"]
    zhangwei = next(c for c in customers if c["token"] == "demo-vip-zhangwei")
    return zhangwei["orders"][0]["order_no"]


def sweep(client, clock, order_no, candidates, pause_seconds):
    """Tries each candidate as a new conversation would; the answers' codes in order."""
    codes = []
    for attempt, digits in enumerate(candidates):
        person = {"X-End-User": f"sender-{attempt}"}
        if attempt % 2:
            response = client.post(
                f"/api/orders/{order_no}/verify",
                json={"phone_last4": digits},
                headers={**BOT, **person},
            )
        else:
            response = client.get(
                f"/api/orders/{order_no}",
                headers={**BOT, **person, "X-Order-Phone-Last4": digits},
            )
        codes.append(
            "OK" if response.status_code == 200 else response.json()["error"]["code"]
        )
        clock.advance(seconds=pause_seconds)
    return codes


@pytest.mark.parametrize("pause_seconds", [0, 30])
def test_a_sweep_across_new_conversations_is_stopped(
    client, clock, order_no, pause_seconds
):
    # The right value comes 12th: the old slot lock let a new sender id reach it.
    candidates = [f"{n:04d}" for n in range(7989, 8000)] + [RIGHT]
    codes = sweep(client, clock, order_no, candidates, pause_seconds)
    assert "OK" not in codes
    compared = [c for c in codes if c == "VERIFICATION_FAILED"]
    assert len(compared) <= 5
    assert codes.index("VERIFY_LOCKED") < 10
    assert codes[-1] == "VERIFY_LOCKED"


def test_a_locked_order_refuses_the_right_digits_then_lets_the_owner_in(
    client, clock, order_no
):
    sweep(client, clock, order_no, ["0001", "0002", "0003", "0004", "0005"], 30)
    locked = client.post(
        f"/api/orders/{order_no}/verify", json={"phone_last4": RIGHT}, headers=BOT
    )
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "VERIFY_LOCKED"

    clock.advance(minutes=16)
    opened = client.post(
        f"/api/orders/{order_no}/verify", json={"phone_last4": RIGHT}, headers=BOT
    )
    assert opened.status_code == 200
    detail = client.get(
        f"/api/orders/{order_no}", headers={**BOT, "X-Order-Phone-Last4": RIGHT}
    )
    assert detail.status_code == 200


def test_backoff_slows_each_further_failure(client, clock, order_no):
    verify = f"/api/orders/{order_no}/verify"
    for digits in ("0001", "0002"):
        response = client.post(verify, json={"phone_last4": digits}, headers=BOT)
        assert response.json()["error"]["code"] == "VERIFICATION_FAILED"
    # After the second failure the next try waits; even the right digits.
    waiting = client.post(verify, json={"phone_last4": RIGHT}, headers=BOT)
    assert waiting.json()["error"]["code"] == "VERIFY_LOCKED"
    clock.advance(seconds=3)
    assert (
        client.post(verify, json={"phone_last4": RIGHT}, headers=BOT).status_code == 200
    )


def test_unknown_order_numbers_count_too(client, clock):
    codes = sweep(client, clock, "2026112599999", ["1234"] * 8, 30)
    assert codes[:5] == ["ORDER_NOT_FOUND"] * 5
    assert set(codes[5:]) == {"VERIFY_LOCKED"}


def test_a_signed_in_owner_is_never_locked_out(client, clock, order_no):
    sweep(client, clock, order_no, ["0001", "0002", "0003", "0004", "0005"], 30)
    mine = client.get(
        f"/api/orders/{order_no}",
        headers={**BOT, "X-Customer-Token": "demo-vip-zhangwei"},
    )
    assert mine.status_code == 200
