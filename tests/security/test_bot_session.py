"""Finding 2 (b, c) of issue 17: knowing a conversation id must not be enough to take it.

Against the real Rasa server, action server and desk. An attacker who learned a
victim's socket.io session id asks to join it (no token, a forged one, or the token of
their own session) and writes as the victim; then reads and cancels the victim's
handoff on the desk's widget endpoints. Only the holder of the id's token gets in.
"""

from __future__ import annotations

import asyncio

import pytest
import requests

from addons import widget_session as bot_side
from servicedesk import widget_session as desk_side
from tests.servicedesk_process import API_TOKEN
from tests.socket_user import SocketUser, payload

VIP = "demo-vip-zhangwei"
BOT = {"Authorization": f"Bearer {API_TOKEN}"}
HEADER = "X-Widget-Session-Token"
ADDRESS = "北京市朝阳区建国路88号"
FORGED = "0" * 64


@pytest.mark.parametrize("session_id", ["a" * 32, "短", ""])
def test_the_bot_and_the_desk_agree_on_tokens(session_id):
    token = bot_side.token_for(session_id, "s3cret")
    assert token == desk_side.token_for(session_id, "s3cret")
    for check in (bot_side.is_valid, desk_side.is_valid):
        assert check(session_id, token, "s3cret")
        assert not check(session_id, token, "other")
        assert not check(session_id + "x", token, "s3cret")
        assert not check(session_id, "令牌", "s3cret")  # non-ASCII: refused, no error
        assert not check(session_id, None, "s3cret")
        assert not check(session_id, token, "")  # no secret: nothing is valid


def user_texts(stack, session_id):
    events = stack.tracker(session_id)["events"]
    return [e["text"] for e in events if e["event"] == "user"]


async def round_trip(user: SocketUser, text: str = "你好") -> None:
    """A message and its reply: everything sent to this socket before has arrived."""
    before = len(user.received)
    await user.say(text)
    await user.wait_for(lambda m: "text" in m, after=before)


def test_a_session_id_without_its_token_does_not_join_the_conversation(stack):
    async def scenario():
        victim = SocketUser(stack.url, customer_token=VIP)
        await victim.connect()
        attackers = []
        try:
            await victim.say("查一下我的订单")
            await victim.wait_for(payload("order_choices"))
            someone_else = SocketUser(stack.url)
            await someone_else.connect()
            attackers.append(someone_else)
            for token in (None, FORGED, someone_else.session_token):
                attacker = SocketUser(
                    stack.url, session_id=victim.session_id, session_token=token
                )
                await attacker.connect()
                attackers.append(attacker)
                assert attacker.session_id != victim.session_id
                # Writing as the victim from a socket confirmed for another session.
                await attacker.say("攻击者冒充的消息", session_id=victim.session_id)

            # The victim's next reply goes to the victim's room only.
            before = len(victim.received)
            await victim.say("查一下我的订单")
            await victim.wait_for(payload("order_choices"), after=before)
            for attacker in attackers:
                # Messages to one socket arrive in order: after its own reply, anything
                # sent to it for the victim would have arrived too.
                await round_trip(attacker)
                assert not [
                    m for m in attacker.received if payload("order_choices")(m)
                ], attacker.received
            return victim, attackers
        finally:
            for user in [victim, *attackers]:
                await user.close()

    victim, attackers = asyncio.run(scenario())
    assert "攻击者冒充的消息" not in user_texts(stack, victim.session_id)
    for attacker in attackers:
        assert "攻击者冒充的消息" not in user_texts(stack, attacker.session_id)


def test_the_owner_rejoins_with_the_token(stack):
    async def scenario():
        first = SocketUser(stack.url)
        await first.connect()
        await round_trip(first, "你好")
        await first.close()
        again = SocketUser(
            stack.url, session_id=first.session_id, session_token=first.session_token
        )
        await again.connect()
        try:
            assert again.session_id == first.session_id
            assert again.session_token == first.session_token
            await round_trip(again, "谢谢")
        finally:
            await again.close()
        return first.session_id

    session_id = asyncio.run(scenario())
    assert user_texts(stack, session_id)[-2:] == ["你好", "谢谢"]


def widget(stack, session_id, path="", method="get", token=None):
    headers = {HEADER: token} if token is not None else {}
    return requests.request(
        method,
        f"{stack.desk.url}/api/widget/handoffs/{session_id}{path}",
        headers=headers,
        timeout=30,
    )


def desk(stack, method, path, headers, body=None):
    response = requests.request(
        method, f"{stack.desk.url}{path}", json=body, headers=headers, timeout=30
    )
    response.raise_for_status()
    return response.json()


def test_the_widget_endpoints_need_the_session_token(stack, online_agent):
    async def scenario():
        victim = SocketUser(stack.url, customer_token=VIP)
        await victim.connect()
        stranger = SocketUser(stack.url)
        await stranger.connect()
        handoff_no = None
        try:
            await victim.say("转人工")
            await victim.wait_for(payload("handoff", state="queued"))
            wrong_tokens = (None, "", FORGED, stranger.session_token)
            for token in wrong_tokens:
                cancel = widget(stack, victim.session_id, "/cancel", "post", token)
                assert cancel.status_code == 403
            state = desk(stack, "get", f"/api/handoffs/{victim.session_id}", BOT)
            assert state["state"] == "queued"

            handoff_no = state["handoff_no"]
            path = f"/api/agent/handoffs/{handoff_no}"
            desk(stack, "post", f"{path}/claim", online_agent)
            await victim.wait_for(payload("handoff", state="serving"))
            text = f"已为您改到{ADDRESS}"
            desk(stack, "post", f"{path}/messages", online_agent, {"text": text})
            await victim.wait_for(payload("agent_message"))
            for token in wrong_tokens:
                read = widget(stack, victim.session_id, token=token)
                assert read.status_code == 403
                assert ADDRESS not in read.text

            owner = widget(stack, victim.session_id, token=victim.session_token)
            assert owner.status_code == 200
            assert owner.json()["state"] == "serving"
            assert text in [m["text"] for m in owner.json()["messages"]]
            desk(stack, "post", f"{path}/close", online_agent, {"resolution": "solved"})
            await victim.wait_for(payload("rating_request"))
        finally:
            await victim.close()
            await stranger.close()

    asyncio.run(scenario())
