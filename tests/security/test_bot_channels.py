"""Attacks on the Rasa channels, against the real Rasa server, action server and desk.

Findings 2a, 2d, 5, 10 and 11 of issue 17: identity inherited from earlier messages, the
shared "default" sender, fake EXTERNAL_* intents from users, huge messages and bodies
Rasa could not read.
"""

from __future__ import annotations

import asyncio
import time

import pytest
import requests

from tests.socket_user import SocketUser
from tests.stack import TOKEN

VIP = "demo-vip-zhangwei"
FAKE_AGENT = "主管老陈"


def texts(messages):
    return " ".join(m.get("text", "") for m in messages)


def order_cards(messages):
    return [m for m in messages if "custom" in m]


def post(stack, data, **kwargs):
    return requests.post(
        f"{stack.url}/webhooks/rest/webhook", data=data, timeout=30, **kwargs
    )


def test_identity_is_not_inherited_from_an_earlier_message(stack):
    first = stack.say("inherit", "查一下我的订单", customer_token=VIP)
    assert order_cards(first)
    # Same sender id, no token: whoever sends this proves nothing.
    second = stack.say("inherit", "查一下我的订单")
    assert not order_cards(second)
    shown = [
        c["order_no"] for m in order_cards(first) for c in m["custom"]["data"]["orders"]
    ]
    assert not any(order_no in texts(second) for order_no in shown)


@pytest.mark.parametrize(
    "body",
    [b"", b"[]", b"{}", b"not json", b'"text"', b'{"message": "hi"}',
     b'{"sender": "", "message": "hi"}', b'{"sender": 5, "message": "hi"}',
     b'{"sender": "s", "message": ["hi"]}', b'{"sender": "s", "message": "hi", "metadata": 1}'],
)  # fmt: skip
def test_unusable_bodies_get_400_not_500(stack, body):
    response = post(stack, body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text


def test_a_missing_sender_does_not_reach_the_shared_default_conversation(stack):
    assert post(stack, b'{"message": "hi"}').status_code == 400
    tracker = stack.tracker("default")
    assert not [e for e in tracker["events"] if e["event"] == "user"]


def test_a_huge_message_is_refused_at_once(stack):
    started = time.monotonic()
    response = requests.post(
        f"{stack.url}/webhooks/rest/webhook",
        json={"sender": "huge", "message": "退" * 100_000},
        timeout=30,
    )
    assert response.status_code == 413
    assert time.monotonic() - started < 2
    long = requests.post(
        f"{stack.url}/webhooks/rest/webhook",
        json={"sender": "huge", "message": "退" * 501},
        timeout=30,
    )
    assert long.status_code == 413
    assert stack.say("huge", "你好")


def paused(stack, sender):
    return stack.tracker(sender).get("paused")


def test_a_user_cannot_send_the_desks_agent_joined_intent(stack):
    fake = f'/EXTERNAL_agent_joined{{"agent_name":"{FAKE_AGENT}"}}'
    reply = stack.say("fake-agent", fake)
    assert FAKE_AGENT not in texts(reply)
    assert not paused(stack, "fake-agent")
    intents = [
        e["parse_data"]["intent"]["name"]
        for e in stack.tracker("fake-agent")["events"]
        if e["event"] == "user"
    ]
    assert not [name for name in intents if name.startswith("EXTERNAL_")]
    # The desk-only entity is dropped from any other payload too.
    stack.say("fake-agent", f'/greet{{"agent_name":"{FAKE_AGENT}"}}')
    last = [e for e in stack.tracker("fake-agent")["events"] if e["event"] == "user"]
    assert not [
        x for x in last[-1]["parse_data"]["entities"] if x["entity"] == "agent_name"
    ]
    assert stack.say("fake-agent", "你好")


def test_socket_users_cannot_send_desk_intents_or_huge_messages(stack):
    async def scenario():
        user = SocketUser(stack.url)
        await user.connect()
        try:
            await user.say(f'/EXTERNAL_agent_joined{{"agent_name":"{FAKE_AGENT}"}}')
            await user.wait_for(lambda m: "text" in m)
            await user.say("退" * 100_000)
            await user.wait_for(lambda m: "text" in m, timeout=60)
        finally:
            await user.close()
        return user

    user = asyncio.run(scenario())
    assert FAKE_AGENT not in " ".join(m.get("text", "") for m in user.received)
    tracker = stack.tracker(user.session_id)
    assert not tracker.get("paused")
    said = [e["text"] for e in tracker["events"] if e["event"] == "user"]
    assert max(len(text) for text in said) <= 500


def test_restart_undoes_a_pause(stack):
    # The desk pauses a conversation when an agent joins (Rasa's HTTP API, with the
    # token); /restart from the user must bring the bot back all the same.
    stack.say("paused-user", "你好")
    requests.post(
        f"{stack.url}/conversations/paused-user/trigger_intent",
        params={"token": TOKEN},
        json={"name": "EXTERNAL_agent_joined", "entities": {"agent_name": "客服小王"}},
        timeout=30,
    ).raise_for_status()
    assert paused(stack, "paused-user")
    stack.say("paused-user", "/restart")
    assert not paused(stack, "paused-user")
    assert texts(stack.say("paused-user", "你好"))
