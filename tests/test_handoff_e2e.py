"""The whole human handoff with the real Rasa server, action server and service desk.

The user talks over socket.io like the widget; the agent uses the workbench's HTTP API.
"""

from __future__ import annotations

import asyncio
import time

import requests

from tests.servicedesk_process import API_TOKEN
from tests.socket_user import SocketUser, payload, text_containing
from tests.stack import TOKEN

BOT = {"Authorization": f"Bearer {API_TOKEN}"}


def desk_get(stack, path, headers):
    response = requests.get(f"{stack.desk.url}{path}", headers=headers, timeout=10)
    response.raise_for_status()
    return response.json()


def desk_post(stack, path, headers, body=None):
    response = requests.post(
        f"{stack.desk.url}{path}", json=body or {}, headers=headers, timeout=30
    )
    response.raise_for_status()
    return response.json()


async def eventually(check, timeout=15.0):
    # Sleeps on the event loop, so the socket.io client keeps sending meanwhile.
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        await asyncio.sleep(0.3)


def test_user_agent_round_trip_with_rating(stack, online_agent):
    # An ordinary anonymous user asked first; the VIP must still be served first.
    assert "排队" in " ".join(
        m.get("text", "") for m in stack.say("plain-user-e2e", "转人工")
    )

    async def scenario():
        user = SocketUser(stack.url, customer_token="demo-vip-zhangwei")
        await user.connect()
        try:
            await user.say("我的快递好几天没动了")
            await user.wait_for(lambda m: "text" in m)
            await user.say("转人工")
            queued = await user.wait_for(payload("handoff", state="queued"))
            assert queued["position"] == "1"

            queue = desk_get(stack, "/api/agent/queue", online_agent)["queued"]
            assert [h["conversation_id"] for h in queue][:2] == [
                user.session_id,
                "plain-user-e2e",
            ]
            assert queue[0]["priority"] > queue[1]["priority"]
            handoff_no = queue[0]["handoff_no"]
            path = f"/api/agent/handoffs/{handoff_no}"
            detail = desk_get(stack, path, online_agent)
            said = [t["text"] for t in detail["summary"]["transcript"]]
            assert "我的快递好几天没动了" in said
            assert detail["context"]["customer"]["level"] == "vip"
            assert detail["context"]["orders"], "the agent sees the customer's orders"

            claimed = desk_post(stack, f"{path}/claim", online_agent)
            assert claimed["delivered"] is True
            joined = await user.wait_for(payload("handoff", state="serving"))
            assert joined["agent"] == "客服小王"
            await user.wait_for(text_containing("客服小王已接入"))

            # The bot is paused: the user's words go to the agent, not to the NLU.
            before = len(user.received)
            await user.say("单号是多少能告诉我吗")
            relayed = await eventually(
                lambda: [
                    m
                    for m in desk_get(stack, path, online_agent)["messages"]
                    if m["author"] == "user"
                ]
            )
            assert relayed and relayed[0]["text"] == "单号是多少能告诉我吗"
            await asyncio.sleep(1)
            assert len(user.received) == before, "the bot must stay quiet"

            sent = desk_post(
                stack, f"{path}/messages", online_agent, {"text": "您好，我帮您查一下"}
            )
            assert sent["delivered"] is True
            reply = await user.wait_for(payload("agent_message"))
            assert reply["text"] == "您好，我帮您查一下"
            assert reply["agent"] == "客服小王"

            closed = desk_post(
                stack, f"{path}/close", online_agent, {"resolution": "solved"}
            )
            assert closed["delivered"] is True
            await user.wait_for(payload("handoff", state="closed"))
            await user.wait_for(payload("rating_request"))

            await user.say('/rate_service{"rating":"5","rating_comment":"很耐心"}')
            await user.wait_for(text_containing("感谢您的评价"))
        finally:
            await user.close()
        return user.session_id

    session_id = asyncio.run(scenario())
    stored = desk_get(stack, f"/api/handoffs/{session_id}", BOT)
    assert stored["state"] == "closed"
    assert (stored["rating"], stored["rating_comment"]) == (5, "很耐心")
    tracker = requests.get(
        f"{stack.url}/conversations/{session_id}/tracker",
        params={"token": TOKEN},
        timeout=10,
    ).json()
    assert tracker["latest_message"]["intent"]["name"] == "rate_service"
    assert not any(e["event"] == "pause" for e in tracker["events"][-5:])
    desk_post(stack, "/api/handoffs/plain-user-e2e/cancel", BOT)


def test_a_typed_score_after_the_question_is_stored(stack, online_agent):
    async def scenario():
        user = SocketUser(stack.url)
        await user.connect()
        try:
            await user.say("人工客服")
            await user.wait_for(payload("handoff", state="queued"))
            queue = desk_get(stack, "/api/agent/queue", online_agent)["queued"]
            handoff_no = next(
                h["handoff_no"]
                for h in queue
                if h["conversation_id"] == user.session_id
            )
            path = f"/api/agent/handoffs/{handoff_no}"
            desk_post(stack, f"{path}/claim", online_agent)
            await user.wait_for(payload("handoff", state="serving"))
            desk_post(stack, f"{path}/close", online_agent, {"resolution": "solved"})
            await user.wait_for(payload("rating_request"))
            await user.say("4分吧，回复有点慢")
            await user.wait_for(text_containing("感谢您的评价"))
        finally:
            await user.close()
        return user.session_id

    session_id = asyncio.run(scenario())
    stored = desk_get(stack, f"/api/handoffs/{session_id}", BOT)
    assert stored["rating"] == 4
    assert stored["rating_comment"] == "4分吧，回复有点慢"


def test_leaving_the_queue_returns_to_the_bot(stack, online_agent):
    async def scenario():
        user = SocketUser(stack.url, customer_token="demo-lina")
        await user.connect()
        try:
            await user.say("转人工")
            await user.wait_for(payload("handoff", state="queued"))
            cancelled = requests.post(
                f"{stack.desk.url}/api/widget/handoffs/{user.session_id}/cancel",
                headers={"X-Widget-Session-Token": user.session_token},
                timeout=30,
            ).json()
            assert cancelled == {"state": "cancelled", "delivered": True}
            await user.wait_for(payload("handoff", state="cancelled"))
            await user.say("你好")
            await user.wait_for(text_containing("您好"))
        finally:
            await user.close()

    asyncio.run(scenario())
