"""Finding 1 (write actions): the last four digits of a phone are not enough to act on
an order. Cancelling, changing the address, after-sales requests and invoices of an
anonymous user need a one-time code sent to the order's phone (the demo outbox here),
and guessing codes counts in the same lockout as guessing the digits.
"""

import re
from datetime import datetime

import pytest

from tests.security.desk_clock import ManualClock
from tests.servicedesk.seeded_app import seeded_client

NOW = datetime(2026, 11, 21, 12, 0)
TOKEN = "test-api-token"
BOT = {"Authorization": f"Bearer {TOKEN}"}
RIGHT = "8000"  # the last four digits of demo-vip-zhangwei's phone
ME = {**BOT, "X-End-User": "code-owner", "X-Order-Phone-Last4": RIGHT}


@pytest.fixture
def clock():
    return ManualClock(NOW)


@pytest.fixture
def client(tmp_path, clock):
    return seeded_client(tmp_path, TOKEN, NOW, clock=clock)


def order_of(client, status):
    customers = client.get("/api/demo/customers").json()["customers"]
    zhangwei = next(c for c in customers if c["token"] == "demo-vip-zhangwei")
    return next(o["order_no"] for o in zhangwei["orders"] if o["status"] == status)


@pytest.fixture
def to_ship(client):
    return order_of(client, "to_ship")


def latest_code(client, order_no):
    outbox = client.get("/api/demo/sms").json()
    assert "演示短信" in outbox["notice"]
    message = next(m for m in outbox["messages"] if m["order_no"] == order_no)
    assert message["mark"] == "演示短信" and message["to"] == "138****8000"
    return re.search(r"\d{6}", message["text"]).group()


def send_code(client, order_no, headers=ME):
    return client.post(f"/api/orders/{order_no}/code", headers=headers)


def verify(client, order_no, code, headers=ME):
    return client.post(
        f"/api/orders/{order_no}/code/verify", json={"code": code}, headers=headers
    )


WRITES = [
    ("post", "/cancel", None),
    ("patch", "/shipping", {"address_detail": "文三路90号"}),
    ("post", "/after-sales", {"kind": "refund", "reason": "不想要了"}),
    ("post", "/invoices", {"kind": "普通", "title": "个人", "email": "a@example.com"}),
]


@pytest.mark.parametrize("method,path,body", WRITES)
def test_a_write_with_only_the_last_four_digits_is_refused(
    client, to_ship, method, path, body
):
    url = f"/api/orders/{to_ship}{path}"
    refused = getattr(client, method)(url, json=body, headers=ME)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "CODE_REQUIRED"
    # Reading and asking first (dry runs) still need only the digits.
    assert client.get(f"/api/orders/{to_ship}", headers=ME).status_code == 200
    if path == "/cancel":
        dry = client.post(f"{url}?dry_run=true", headers=ME)
        assert dry.status_code == 200 and dry.json()["cancellable"]
    assert (
        client.get(f"/api/orders/{to_ship}", headers=ME).json()["status"] == "to_ship"
    )


def test_the_code_goes_to_the_outbox_never_to_the_bot_and_lets_the_write_through(
    client, to_ship
):
    sent = send_code(client, to_ship)
    assert sent.status_code == 200
    answer = sent.json()
    assert answer["sent"] is True and answer["phone"] == "138****8000"
    code = latest_code(client, to_ship)
    assert code not in sent.text
    # Asked again at once: the same code stands, nothing new is sent.
    again = send_code(client, to_ship).json()
    assert again["sent"] is False
    assert len(client.get("/api/demo/sms").json()["messages"]) == 1

    wrong = "000000" if code != "000000" else "111111"
    refused = verify(client, to_ship, wrong)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "CODE_INVALID"
    # Another conversation cannot use the code sent for this one.
    other = {**ME, "X-End-User": "someone-else"}
    assert verify(client, to_ship, code, other).json()["error"]["code"] == (
        "CODE_EXPIRED"
    )
    assert verify(client, to_ship, code).json() == {
        "order_no": to_ship,
        "verified": True,
    }
    # Once used, the code is gone; the conversation is granted writes on the order.
    assert verify(client, to_ship, code).json()["error"]["code"] == "CODE_EXPIRED"
    assert send_code(client, to_ship).json() == {"order_no": to_ship, "verified": True}
    cancelled = client.post(f"/api/orders/{to_ship}/cancel", headers=ME)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    # ...but not another conversation with the same digits.
    other_order = order_of(client, "pending_payment")
    assert client.post(f"/api/orders/{other_order}/cancel", headers=other).json()[
        "error"
    ]["code"] == ("CODE_REQUIRED")


def test_a_code_needs_the_digits_first_and_a_conversation(client, to_ship):
    no_digits = {**BOT, "X-End-User": "x"}
    assert send_code(client, to_ship, no_digits).status_code == 403
    assert send_code(
        client, to_ship, {**no_digits, "X-Order-Phone-Last4": "1111"}
    ).json()["error"]["code"] == ("VERIFICATION_FAILED")
    nobody = {**BOT, "X-Order-Phone-Last4": RIGHT}
    assert send_code(client, to_ship, nobody).status_code == 422
    # Without the bot's token: nobody.
    assert client.post(f"/api/orders/{to_ship}/code").status_code == 401
    assert verify(client, to_ship, "123456", {"X-End-User": "x"}).status_code == 401
    assert verify(client, to_ship, "abc").status_code == 422
    assert client.get("/api/demo/sms").json()["messages"] == []


def test_guessing_codes_is_locked_across_new_conversations_and_new_codes(
    client, clock, to_ship
):
    codes = []
    for attempt in range(12):
        person = {**ME, "X-End-User": f"guesser-{attempt % 3}"}
        if send_code(client, to_ship, person).status_code == 200:
            real = latest_code(client, to_ship)
            guess = "000000" if real != "000000" else "111111"
            codes.append(verify(client, to_ship, guess, person).json()["error"]["code"])
        else:
            codes.append("LOCKED")
        clock.advance(seconds=61)
    assert codes.count("CODE_INVALID") <= 5
    assert codes[-1] == "LOCKED"
    # The lock covers the digits too (one lockout), until it ends.
    assert client.get(f"/api/orders/{to_ship}", headers=ME).status_code == 429
    clock.advance(minutes=16)
    assert client.get(f"/api/orders/{to_ship}", headers=ME).status_code == 200
    # The guesser's five codes also used up the order's hourly sends; after that hour
    # the owner gets a code and in.
    assert send_code(client, to_ship).status_code == 429
    clock.advance(minutes=45)
    assert send_code(client, to_ship).status_code == 200
    assert verify(client, to_ship, latest_code(client, to_ship)).json()["verified"]


def test_a_right_last4_does_not_reset_the_count_of_wrong_codes(client, clock, to_ship):
    outcomes = []
    for attempt in range(8):
        person = {**ME, "X-End-User": f"cycler-{attempt}"}
        # A fresh conversation proves the digits (which clears their own counters)...
        client.post(
            f"/api/orders/{to_ship}/verify", json={"phone_last4": RIGHT}, headers=person
        )
        response = send_code(client, to_ship, person)
        if response.status_code != 200:
            outcomes.append(response.json()["error"]["code"])
        else:
            outcomes.append(
                verify(client, to_ship, "999999", person).json()["error"]["code"]
            )
        clock.advance(seconds=61)
    assert "VERIFY_LOCKED" in outcomes[:6]


def test_codes_expire_and_the_hourly_cap_stops_sms_flooding(client, clock, to_ship):
    send_code(client, to_ship)
    code = latest_code(client, to_ship)
    clock.advance(minutes=6)
    assert verify(client, to_ship, code).json()["error"]["code"] == "CODE_EXPIRED"
    sent = 1
    for attempt in range(6):
        clock.advance(seconds=61)
        person = {**ME, "X-End-User": f"flood-{attempt}"}
        response = send_code(client, to_ship, person)
        if response.status_code == 200:
            sent += 1
        else:
            assert response.json()["error"]["code"] == "VERIFY_LOCKED"
    assert sent == 5


def test_a_signed_in_owner_needs_no_code(client, to_ship):
    mine = {**BOT, "X-Customer-Token": "demo-vip-zhangwei", "X-End-User": "owner"}
    assert send_code(client, to_ship, mine).json()["verified"] is True
    assert client.post(f"/api/orders/{to_ship}/cancel", headers=mine).status_code == 200
    assert client.get("/api/demo/sms").json()["messages"] == []


def test_no_outbox_outside_demo_mode(tmp_path, clock):
    client = seeded_client(tmp_path, TOKEN, NOW, clock=clock, demo=False)
    assert client.get("/api/demo/sms").status_code == 404
    # Without a sender no code goes anywhere: anonymous users log in to act.
    customers = client.get("/api/demo/customers")
    assert customers.status_code == 404
    from sqlalchemy import select

    from servicedesk.shop.models import Order

    with client.app.state.session_factory() as session:
        order = session.execute(select(Order).limit(1)).scalar_one()
        order_no, last4 = order.order_no, order.phone_last4
    headers = {**BOT, "X-End-User": "no-sms", "X-Order-Phone-Last4": last4}
    refused = send_code(client, order_no, headers)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "SMS_UNAVAILABLE"
