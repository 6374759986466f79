"""Real customers' requests over HTTP (the real Rasa server, action server and desk):
policy questions answered rather than starting a form, questions inside a form, a
product named instead of an order number, off-topic requests and gibberish."""

from __future__ import annotations

import pytest
import requests

from tests.servicedesk_process import API_TOKEN
from tests.test_server import action_names, texts

VIP = "demo-vip-zhangwei"
WHICH_ORDER = ("哪个订单", "是哪一个")
POLICY_QUESTIONS = [
    "下单后一般多久发货啊",
    "发票可以开公司抬头吗",
    "七天内不想要了还能退吗",
]
OFF_TOPIC = [
    "放首周杰伦的歌",
    "帮我打开微信",
    "茅台股价现在多少",
    "帮我翻译一下hello world",
]
GIBBERISH = ["asdfghjkl", "啊啊啊哦哦哦嗯嗯", "sdfj lkwe"]
# Policy questions sharing few words with their entry, and a phrase of its answer.
KB_PARAPHRASES = [
    ("收到东西以后再付现金行不行", "暂不支持货到付款"),
    ("刚买完就降了五十能补差价吗", "7 天价保"),
    ("能不能寄到香港", "中国大陆地区全部可以配送"),
    ("我在新疆邮费要加多少", "偏远地区另加"),
    ("衣服洗了一次缩水了还能退吗", "不影响二次销售"),
]


def business_flow_started(tracker) -> bool:
    return "order_form" in action_names(tracker)


@pytest.fixture(scope="module")
def power_bank_order(stack):
    """The VIP's only order with a power bank in it."""
    headers = {"Authorization": f"Bearer {API_TOKEN}", "X-Customer-Token": VIP}
    found = requests.get(
        f"{stack.desk.url}/api/customers/me/orders",
        params={"product": "充电宝"},
        headers=headers,
        timeout=10,
    ).json()
    assert found["matched"] == 1
    return found["orders"][0]["order_no"]


@pytest.mark.parametrize("number", range(len(POLICY_QUESTIONS)))
def test_a_policy_question_is_answered_without_asking_which_order(stack, number):
    sender = f"policy-{number}"
    reply = texts(stack.say(sender, POLICY_QUESTIONS[number], customer_token=VIP))
    assert not any(words in reply for words in WHICH_ORDER)
    tracker = stack.tracker(sender)
    assert "action_kb_answer" in action_names(tracker)
    assert not business_flow_started(tracker)


@pytest.mark.parametrize("number", range(len(KB_PARAPHRASES)))
def test_a_paraphrased_policy_question_gets_its_entrys_answer(stack, number):
    question, answer = KB_PARAPHRASES[number]
    reply = texts(stack.say(f"kb-paraphrase-{number}", question))
    assert answer in reply


def test_a_question_inside_the_return_form_is_answered_then_asked_again(stack):
    me = {"customer_token": VIP}
    asked = texts(stack.say("return-faq", "我要退货", **me))
    assert any(words in asked for words in WHICH_ORDER)
    answer = stack.say("return-faq", "下单后多久发货", **me)
    assert "不是订单号" not in texts(answer)
    assert "发货" in texts(answer)
    assert any(words in texts(answer[-2:]) for words in WHICH_ORDER)
    tracker = stack.tracker("return-faq")
    assert tracker["active_loop"].get("name") == "order_form"
    assert tracker["slots"]["requested_slot"] == "order_no"


def test_a_product_bought_once_is_that_order_without_a_question(
    stack, power_bank_order
):
    reply = texts(stack.say("power-bank", "我上周买的充电宝到哪了", customer_token=VIP))
    assert power_bank_order in reply
    assert not any(words in reply for words in WHICH_ORDER)


def test_naming_the_product_answers_which_order(stack, power_bank_order):
    me = {"customer_token": VIP}
    stack.say("named", "帮我查下物流", **me)
    reply = texts(stack.say("named", "充电宝那个", **me))
    assert power_bank_order in reply


def test_the_app_card_in_front_of_a_question_is_read(stack):
    parsed = stack.parse(
        "你好 咨询订单号:2026112800003 商品ID:100023 我想问下这个什么时候能到 着急用"
    )
    assert parsed["intent"]["name"] == "query_logistics"
    orders = [e["value"] for e in parsed["entities"] if e["entity"] == "order_no"]
    assert orders == ["2026112800003"]


@pytest.mark.parametrize("number", range(len(OFF_TOPIC)))
def test_an_off_topic_request_gets_the_out_of_scope_reply_and_the_menu(stack, number):
    sender = f"off-topic-{number}"
    messages = stack.say(sender, OFF_TOPIC[number])
    assert "超出了我的服务范围" in texts(messages)
    payloads = [b["payload"] for m in messages for b in m.get("buttons", [])]
    assert "/query_order" in payloads
    assert not business_flow_started(stack.tracker(sender))


@pytest.mark.parametrize("number", range(len(GIBBERISH)))
def test_gibberish_starts_nothing(stack, number):
    # Keyboard mash falls back ("没看懂，换个说法？"): the user may have mistyped,
    # while the out-of-scope reply is for a request that was understood and declined.
    sender = f"gibberish-{number}"
    stack.say(sender, GIBBERISH[number])
    actions = action_names(stack.tracker(sender))
    assert "action_kb_fallback" in actions
    assert "utter_out_of_scope" not in actions
    assert not business_flow_started(stack.tracker(sender))
