"""End to end: the real Rasa server and action server over HTTP, as a client."""

from __future__ import annotations

import re

import pytest
import requests

from tests.stack import Stack

CJK = re.compile(r"[\u4e00-\u9fff]")
# Vague messages the NLU is unsure about: they start the two-stage fallback.
VAGUE = "我想问一下那个东西"
VAGUE_AGAIN = "嗯……怎么说呢"


def texts(messages):
    return " ".join(m.get("text", "") for m in messages)


def action_names(tracker):
    return [e.get("name") for e in tracker["events"] if e["event"] == "action"]


@pytest.fixture(scope="module")
def stack(tmp_path_factory, trained_model):
    stack = Stack(tmp_path_factory.mktemp("stack"), trained_model)
    try:
        stack.start_actions()
        stack.start_rasa()
        yield stack
    finally:
        stack.stop()


def test_greeting_is_chinese_and_mentions_the_human_agent(stack):
    messages = stack.say("greeter", "你好")
    assert CJK.search(texts(messages))
    assert "转人工" in texts(messages)
    buttons = [b["payload"] for m in messages for b in m.get("buttons", [])]
    assert "/request_human" in buttons


def test_colloquial_refund_is_understood(stack):
    parsed = stack.parse("我要退钱")
    assert parsed["intent"]["name"] == "request_refund"
    values = {(e["entity"], e["value"]) for e in parsed["entities"]}
    assert ("aftersale_type", "退款") in values


def test_order_number_is_extracted_once(stack):
    parsed = stack.parse("订单号 2024112100123 到哪了")
    orders = [e for e in parsed["entities"] if e["entity"] == "order_no"]
    assert [e["value"] for e in orders] == ["2024112100123"]


def test_http_api_needs_the_token(stack):
    response = requests.get(f"{stack.url}/conversations/greeter/tracker", timeout=30)
    assert response.status_code == 401


def test_two_stage_fallback_runs_through_the_action_server(stack):
    first = stack.say("lost", VAGUE)
    assert "您是想" in texts(first)
    assert "action_suggest_intent" in action_names(stack.tracker("lost"))
    assert stack.tracker("lost")["slots"]["suggested_intent"]
    payloads = [b["payload"] for m in first for b in m.get("buttons", [])]
    assert "/deny" in payloads and len(payloads) == 2
    rephrase = stack.say("lost", "/deny")
    assert "换个说法" in texts(rephrase)
    give_up = stack.say("lost", VAGUE_AGAIN)
    assert "人工" in texts(give_up)
    buttons = [b["payload"] for m in give_up for b in m.get("buttons", [])]
    assert "/request_human" in buttons


def test_known_customer_sees_their_single_order(stack):
    reply = texts(stack.say("wf", "查一下我的订单", customer_token="demo-new-wangfang"))
    assert "待发货" in reply and "元" in reply


def test_choosing_an_order_card_shows_its_parcel(stack):
    first = stack.say("zw", "我的快递到哪了", customer_token="demo-vip-zhangwei")
    cards = next(m["custom"]["orders"] for m in first if "custom" in m)
    assert "哪个订单" in texts(first)
    shipped = next(c for c in cards if c["status"] == "shipped")
    reply = texts(stack.say("zw", shipped["payload"]))
    assert shipped["order_no"] in reply and "运单号" in reply


def test_cancelling_asks_first_then_cancels(stack):
    me = {"customer_token": "demo-new-wangfang"}
    question = stack.say("cancel", "帮我取消订单", **me)
    assert "确认要取消订单" in texts(question)
    payloads = [b["payload"] for m in question for b in m.get("buttons", [])]
    assert payloads == ["/affirm", "/deny"]
    assert "已为您取消" in texts(stack.say("cancel", "/affirm", **me))
    assert "已经取消了" in texts(stack.say("cancel", "取消订单", **me))


def test_anonymous_user_cannot_see_an_order(stack):
    reply = texts(stack.say("anon", "查一下订单2026112000010"))
    assert "登录" in reply and "元" not in reply


@pytest.mark.parametrize("message", ["   ", "退" * 5000, "<script>alert(1)</script>"])
def test_odd_input_gets_an_answer_and_the_server_stays_up(stack, message):
    stack.say("odd", message)
    assert stack.say("odd", "你好")


def test_conversation_survives_a_restart(stack):
    vip = {"customer_token": "demo-vip-zhangwei"}
    stack.say("restart-user", "你好", **vip)
    first = stack.say("restart-user", "帮我查一下物流", **vip)
    cards = next(m["custom"]["orders"] for m in first if "custom" in m)
    shipped = next(c for c in cards if c["status"] == "shipped")
    before = stack.tracker("restart-user")
    assert before["slots"]["task"] == "query_logistics"

    stack.stop_rasa()
    stack.start_rasa()

    after = stack.tracker("restart-user")
    assert after["events"][: len(before["events"])] == before["events"]
    # The request made before the restart is continued after it: an order number
    # alone now answers with that order's parcel.
    reply = texts(stack.say("restart-user", f"订单号{shipped['order_no']}"))
    assert shipped["order_no"] in reply and "运单号" in reply
