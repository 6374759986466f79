"""Leaving a message and following it up, through the real Rasa server, action server
and service desk: a known customer and an anonymous user leave a message (the latter
with a mistyped number first), ask for progress, and read an agent's resolution in the
open conversation and when they come back."""

from __future__ import annotations

import asyncio
import re

import pytest
import requests

from tests.servicedesk_process import API_TOKEN
from tests.socket_user import SocketUser, payload, text_containing

BOT = {"Authorization": f"Bearer {API_TOKEN}"}
TICKET = re.compile(r"TK\d{14}")
LINA = {"customer_token": "demo-lina"}


def texts(replies):
    return "\n".join(m.get("text") or "" for m in replies)


def desk(stack, method, path, headers, body=None):
    response = requests.request(
        method, f"{stack.desk.url}{path}", json=body, headers=headers, timeout=30
    )
    response.raise_for_status()
    return response.json()


@pytest.fixture
def desk_agent(stack):
    """agent2's login for the ticket API, offline, so nobody is available for the
    conversations (a login sets the agent online)."""
    login = desk(
        stack, "POST", "/api/agent/login", {},
        {"username": "agent2", "password": "agent2-demo"},
    )  # fmt: skip
    headers = {"X-Agent-Token": login["token"]}
    desk(stack, "POST", "/api/agent/status", headers, {"status": "offline"})
    yield headers
    desk(stack, "POST", "/api/agent/status", headers, {"status": "offline"})


def test_a_known_customer_leaves_a_message_and_is_reminded(stack, desk_agent):
    sender = "tickets-known"
    stack.say(sender, "优惠券领了用不了，一直提示不满足条件", **LINA)
    offer = texts(stack.say(sender, "转人工", **LINA))
    assert "留言" in offer, offer
    draft = texts(stack.say(sender, "/affirm", **LINA))
    assert "「优惠券领了用不了，一直提示不满足条件」，对吗" in draft, draft
    assert "什么时间联系您" in texts(stack.say(sender, "/affirm", **LINA))
    on_file = texts(stack.say(sender, "下午（12-18点）", **LINA))
    assert "139****5678" in on_file, on_file
    left = texts(stack.say(sender, "/affirm", **LINA))
    assert "留言已登记" in left and "前处理" in left, left
    number = TICKET.search(left).group()

    ticket = desk(stack, "GET", f"/api/agent/tickets/{number}", desk_agent)
    assert ticket["message"] == "优惠券领了用不了，一直提示不满足条件"
    assert ticket["callback_time"] == "下午（12-18点）"
    assert ticket["contact_phone"] is None  # the number on file, not a new one
    assert ticket["customer"]["phone"] == "139****5678"

    progress = texts(stack.say(sender, "我的工单进度", **LINA))
    assert f"工单 {number} 当前状态：待处理" in progress, progress
    assert "最新进展：暂无" in progress

    # Back another day (a new conversation): the open ticket comes first.
    again = stack.say("tickets-known-back", "你好", **LINA)
    assert f"您有一个处理中的工单 {number}" in texts(again), texts(again)
    desk(
        stack, "POST", f"/api/agent/tickets/{number}/resolve", desk_agent,
        {"text": "优惠券已为您补发，请在我的优惠券中查看"},
    )  # fmt: skip
    answered = texts(stack.say("tickets-known-later", "你好", **LINA))
    assert f"{number} 已有处理结果：优惠券已为您补发" in answered, answered


def test_an_anonymous_user_leaves_a_number_and_sees_the_resolution(stack, desk_agent):
    async def scenario():
        user = SocketUser(stack.url)
        await user.connect()
        try:
            mark = len(user.received)
            await user.say("转人工")
            await user.wait_for(text_containing("要给客服留言吗"), after=mark)
            mark = len(user.received)
            await user.say("/affirm")
            await user.wait_for(text_containing("描述您遇到的问题"), after=mark)
            mark = len(user.received)
            await user.say("上周买的耳机左边没声音了")
            await user.wait_for(text_containing("什么时间联系您"), after=mark)
            mark = len(user.received)
            await user.say("尽快")
            consent = await user.wait_for(text_containing("手机号"), after=mark)
            assert "仅用于客服就本次留言与您联系" in consent["text"]
            mark = len(user.received)
            await user.say("12345")
            retry = await user.wait_for(text_containing("号码好像不太对"), after=mark)
            assert "11 位手机号" in retry["text"]
            mark = len(user.received)
            await user.say("139 1234 0001")
            left = await user.wait_for(text_containing("留言已登记"), after=mark)
            number = TICKET.search(left["text"]).group()

            ticket = desk(stack, "GET", f"/api/agent/tickets/{number}", desk_agent)
            assert ticket["message"] == "上周买的耳机左边没声音了"
            assert ticket["contact_phone"] == "139****0001"
            assert ticket["customer"] is None

            mark = len(user.received)
            await user.say("查进度")
            status = await user.wait_for(text_containing("当前状态"), after=mark)
            assert f"工单 {number} 当前状态：待处理" in status["text"]

            # The agent's resolution reaches the conversation while it is open.
            mark = len(user.received)
            resolved = desk(
                stack, "POST", f"/api/agent/tickets/{number}/resolve", desk_agent,
                {"text": "已为您安排换新，快递单号稍后短信通知"},
            )  # fmt: skip
            assert resolved["delivered"] is True
            pushed = await user.wait_for(payload("agent_message"), after=mark)
            assert pushed["text"] == "已为您安排换新，快递单号稍后短信通知"
            assert pushed["ticket_no"] == number and pushed["update_id"]
            # A widget opened later fetches the same answer from the desk.
            later = requests.get(
                f"{stack.desk.url}/api/widget/tickets/{user.session_id}",
                headers={"X-Widget-Session-Token": user.session_token},
                timeout=10,
            ).json()["updates"]
            assert [u["id"] for u in later] == [pushed["update_id"]]
            mark = len(user.received)
            await user.say("查进度")
            status = await user.wait_for(text_containing("当前状态"), after=mark)
            assert "已解决" in status["text"]
            assert "已为您安排换新" in status["text"]
        finally:
            await user.close()
        return user.session_id, number

    session_id, number = asyncio.run(scenario())
    # The number never reached the tracker store in the clear.
    tracker = stack.tracker(session_id)
    assert "13912340001" not in str(tracker)
    assert tracker["slots"].get("contact_phone") is None

    # Someone else asking about the ticket proves the number's last four digits.
    other = "tickets-anonymous-other"
    asked = texts(stack.say(other, f"{number} 处理得怎么样了"))
    assert "手机号的后四位" in asked, asked
    assert "不一致" in texts(stack.say(other, "0000"))
    found = texts(stack.say(other, "0001"))
    assert f"工单 {number} 当前状态：已解决" in found, found
