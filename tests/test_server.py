"""End to end: the real Rasa server and action server over HTTP, as a client."""

from __future__ import annotations

import re

import pytest
import requests

from tests.servicedesk_process import API_TOKEN

CJK = re.compile(r"[\u4e00-\u9fff]")
# Vague messages the NLU is unsure about: they start the two-stage fallback.
VAGUE = "然后呢"
VAGUE_AGAIN = "那然后呢"


@pytest.fixture(scope="module")
def lina_to_ship(stack):
    """demo-lina's order waiting for shipment (the phone on it ends in 5678), looked up
    through the desk: the demo data is laid out from the day it is seeded."""
    customers = requests.get(f"{stack.desk.url}/api/demo/customers", timeout=10)
    lina = next(c for c in customers.json()["customers"] if c["token"] == "demo-lina")
    return next(o["order_no"] for o in lina["orders"] if o["status"] == "to_ship")


@pytest.fixture(scope="module")
def vip_to_ship(stack):
    """An order only the guessing test uses: the desk counts its failures per order."""
    customers = requests.get(f"{stack.desk.url}/api/demo/customers", timeout=10)
    vip = next(
        c for c in customers.json()["customers"] if c["token"] == "demo-vip-zhangwei"
    )
    return next(o["order_no"] for o in vip["orders"] if o["status"] == "to_ship")


def texts(messages):
    return " ".join(m.get("text", "") for m in messages)


def action_names(tracker):
    return [e.get("name") for e in tracker["events"] if e["event"] == "action"]


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
    assert "action_suggest_intent" in action_names(stack.tracker("lost"))
    if "您是想" in texts(first):
        # A likely intent is offered as a yes/no; "no" asks to rephrase.
        assert stack.tracker("lost")["slots"]["suggested_intent"]
        payloads = [b["payload"] for m in first for b in m.get("buttons", [])]
        assert "/deny" in payloads and len(payloads) == 2
        assert "换个说法" in texts(stack.say("lost", "/deny"))
    else:
        # Nothing worth offering: the first stage asks to rephrase at once.
        assert "换个说法" in texts(first)
    give_up = stack.say("lost", VAGUE_AGAIN)
    assert "人工" in texts(give_up)
    # Two misunderstandings in a row hand over at once; with nobody online that is
    # the offer to leave a message.
    assert "action_handoff" in action_names(stack.tracker("lost"))
    buttons = [b["payload"] for m in give_up for b in m.get("buttons", [])]
    assert buttons == ["/affirm", "/deny"]


def test_known_customer_sees_their_single_order(stack):
    reply = texts(stack.say("wf", "查一下我的订单", customer_token="demo-new-wangfang"))
    assert "待发货" in reply and "元" in reply


def test_choosing_an_order_card_shows_its_parcel(stack):
    first = stack.say("zw", "我的快递到哪了", customer_token="demo-vip-zhangwei")
    cards = next(m["custom"]["data"]["orders"] for m in first if "custom" in m)
    assert "是哪一个" in texts(first)
    shipped = next(c for c in cards if c["status"] == "shipped")
    reply = texts(
        stack.say("zw", shipped["payload"], customer_token="demo-vip-zhangwei")
    )
    assert shipped["order_no"] in reply and "运单号" in reply


def test_cancelling_asks_first_then_cancels(stack):
    me = {"customer_token": "demo-new-wangfang"}
    question = stack.say("cancel", "帮我取消订单", **me)
    assert "确认要取消订单" in texts(question)
    payloads = [b["payload"] for m in question for b in m.get("buttons", [])]
    assert payloads == ["/affirm", "/deny"]
    assert "已为您取消" in texts(stack.say("cancel", "/affirm", **me))
    assert "已经取消了" in texts(stack.say("cancel", "取消订单", **me))


def test_anonymous_user_sees_an_order_only_after_the_phone_check(stack, lina_to_ship):
    reply = texts(stack.say("anon", f"查一下订单{lina_to_ship}"))
    assert "后四位" in reply and "元" not in reply
    wrong = texts(stack.say("anon", "1234"))
    assert "不符" in wrong and "元" not in wrong
    shown = texts(stack.say("anon", "5678"))
    assert lina_to_ship in shown and "待发货" in shown


def test_three_wrong_phone_checks_end_the_attempt(stack, vip_to_ship):
    stack.say("guess", f"查一下订单{vip_to_ship}")
    for digits in ("1111", "2222"):
        assert "后四位" in texts(stack.say("guess", digits))
    locked = stack.say("guess", "3333")
    assert "停止" in texts(locked) and "元" not in texts(locked)
    assert "/request_human" in [
        b["payload"] for m in locked for b in m.get("buttons", [])
    ]
    assert "停止" in texts(stack.say("guess", f"查订单{vip_to_ship}"))


def test_a_return_from_order_list_to_request_number(stack):
    """The done-when path: list orders, choose one, see the parcel, apply for a return."""
    me = {"customer_token": "demo-vip-zhangwei"}
    listing = stack.say("ret", "我的订单", **me)
    cards = next(m["custom"]["data"]["orders"] for m in listing if "custom" in m)
    signed = next(c for c in cards if c["status"] == "signed")
    assert signed["order_no"] in texts(stack.say("ret", signed["payload"], **me))
    parcel = texts(stack.say("ret", "物流信息呢", **me))
    assert signed["order_no"] in parcel and "签收" in parcel
    # "退货" already says which kind: the form goes straight to the reason.
    ask_reason = stack.say("ret", "我要退货", **me)
    reasons = [b["payload"] for m in ask_reason for b in m.get("buttons", [])]
    assert '/inform{"reason":"不想要了"}' in reasons
    confirm = stack.say("ret", '/inform{"reason":"不想要了"}', **me)
    assert "确认提交" in texts(confirm)
    done = texts(stack.say("ret", "/affirm", **me))
    request_no = re.search(r"AS\d+", done).group(0)
    assert "1-3个工作日原路退回" in done
    shown = requests.get(
        f"{stack.desk.url}/api/after-sales/{request_no}",
        headers={
            "Authorization": f"Bearer {API_TOKEN}",
            **{"X-Customer-Token": me["customer_token"]},
        },
        timeout=10,
    ).json()
    assert shown["order_no"] == signed["order_no"] and shown["reason"] == "不想要了"


def test_a_policy_question_inside_a_form_then_back(stack, lina_to_ship):
    me = {"customer_token": "demo-lina"}
    stack.say("faq-in-form", "申请退款", **me)
    stack.say("faq-in-form", lina_to_ship, **me)
    answer = stack.say("faq-in-form", "退货运费谁出", **me)
    assert "运费" in texts(answer)
    assert stack.tracker("faq-in-form")["active_loop"].get("name") == "order_form"
    assert "已停止" in texts(stack.say("faq-in-form", "算了", **me))


@pytest.mark.parametrize("message", ["   ", "退" * 500, "<script>alert(1)</script>"])
def test_odd_input_gets_an_answer_and_the_server_stays_up(stack, message):
    stack.say("odd", message)
    assert stack.say("odd", "你好")


def test_conversation_survives_a_restart(stack):
    vip = {"customer_token": "demo-vip-zhangwei"}
    stack.say("restart-user", "你好", **vip)
    first = stack.say("restart-user", "帮我查一下物流", **vip)
    cards = next(m["custom"]["data"]["orders"] for m in first if "custom" in m)
    shipped = next(c for c in cards if c["status"] == "shipped")
    before = stack.tracker("restart-user")
    assert before["slots"]["task"] == "query_logistics"

    stack.stop_rasa()
    stack.start_rasa()

    after = stack.tracker("restart-user")
    assert after["events"][: len(before["events"])] == before["events"]
    # The request made before the restart is continued after it: an order number
    # alone now answers with that order's parcel.
    # The widget sends the token with every message; the stored events no longer hold
    # it (tokens are dropped at rest).
    reply = texts(stack.say("restart-user", f"订单号{shipped['order_no']}", **vip))
    assert shipped["order_no"] in reply and "运单号" in reply


def test_asking_for_a_human_with_nobody_online_leaves_a_message(stack):
    me = {"customer_token": "demo-lina"}
    offer = stack.say("human", "转人工", **me)
    assert "留言" in texts(offer)
    assert [b["payload"] for m in offer for b in m.get("buttons", [])] == [
        "/affirm",
        "/deny",
    ]
    # The message form: the problem, a callback time, the number on file.
    assert "描述您遇到的问题" in texts(stack.say("human", "/affirm", **me))
    assert "什么时间" in texts(stack.say("human", "退款一直没到账", **me))
    assert "139****5678" in texts(stack.say("human", "晚上（18-21点）", **me))
    assert re.search(r"工单号 TK\d+", texts(stack.say("human", "/affirm", **me)))


def test_asking_for_a_human_queues_the_conversation_for_an_agent(stack, online_agent):
    queued = texts(
        stack.say("queued", "我要人工客服", customer_token="demo-vip-zhangwei")
    )
    assert "排队" in queued and "聊天记录" in queued
    assert re.search(r"您目前排在第 \d+ 位，预计等待约 \d+ 分钟", queued), queued
    queue = requests.get(
        f"{stack.desk.url}/api/agent/queue", headers=online_agent, timeout=10
    ).json()["queued"]
    assert any(h["conversation_id"] == "queued" for h in queue)
    requests.post(
        f"{stack.desk.url}/api/handoffs/queued/cancel",
        headers={"Authorization": f"Bearer {API_TOKEN}"},
        timeout=10,
    ).raise_for_status()


def test_policy_answers_come_from_the_knowledge_base_and_feedback_is_kept(stack):
    answer = stack.say("kb-user", "保修期是多长时间")
    assert "保修" in texts(answer)
    buttons = [b["payload"] for m in answer for b in m.get("buttons", [])]
    assert buttons == ["/thank", '/rate_service{"kb_helpful":"no"}']
    sorry = stack.say("kb-user", '/rate_service{"kb_helpful":"no"}')
    assert "记下来" in texts(sorry)
    assert "action_kb_feedback" in action_names(stack.tracker("kb-user"))


def test_small_talk_and_out_of_scope_keep_their_answers(stack):
    assert "小智" in texts(stack.say("talk-user", "你叫什么名字"))
    declined = texts(stack.say("talk-user", "帮我写一篇作文"))
    assert "超出了我的服务范围" in declined
