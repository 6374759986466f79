"""The knowledge-base actions against a real service desk."""

import json

import pytest
import requests
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import backend
from actions.knowledge_base import ActionKbAnswer, ActionKbCheck, ActionKbFeedback
from actions.servicedesk_client import ServiceDeskClient
from tests.servicedesk_process import API_TOKEN, free_port

pytestmark = pytest.mark.usefixtures("desk_client")


def tracker(text, entities=(), selector=None, earlier=(), slots=None, token=None):
    latest = {
        "text": text,
        "intent": {"name": "faq"},
        "entities": list(entities),
        "response_selector": selector or {},
    }
    events = [*earlier, {"event": "user", "text": text, "parse_data": latest,
                         "metadata": {"customer_token": token} if token else {}}]  # fmt: skip
    return Tracker(
        "kb-user", slots or {}, latest, events, False, None, {}, "action_listen"
    )


def staff_misses(desk):
    """The questions staff see as unanswered or unhelpful in the workbench."""
    login = requests.post(
        f"{desk.url}/api/agent/login",
        json={"username": "lead", "password": "lead-demo"},
        timeout=10,
    ).json()
    return requests.get(
        f"{desk.url}/api/agent/kb/misses",
        headers={"X-Agent-Token": login["token"]},
        timeout=10,
    ).json()["misses"]


def run(action, t):
    return {e["name"]: e["value"] for e in action.run(CollectingDispatcher(), t, {})}


def test_a_paraphrase_is_answered_from_the_knowledge_base():
    slots = run(ActionKbAnswer(), tracker("退款一般要几天才能到账"))
    assert slots["kb_result"] == "answer"
    assert "原路退回" in slots["kb_answer"] and slots["kb_entry"]


def test_the_nlu_sub_intent_routes_to_its_entry_and_vip_gets_their_answer():
    selector = {"faq": {"response": {"intent_response_key": "faq/shipping_fee",
                                     "confidence": 0.97}}}  # fmt: skip
    slots = run(
        ActionKbAnswer(),
        tracker("包邮吗", selector=selector, token="demo-vip-zhangwei"),
    )
    assert slots["kb_answer"].startswith("张*您好，您是 VIP 会员")


def test_unsure_questions_get_suggestion_buttons_and_a_click_answers():
    slots = run(ActionKbAnswer(), tracker("积分"))
    assert slots["kb_result"] == "suggest"
    assert 1 <= int(slots["kb_suggestions"]) <= 3
    payload = slots["kb_s1_payload"]
    chosen = json.loads(payload[len("/faq") :])["kb_entry"]
    clicked = tracker(payload, entities=[{"entity": "kb_entry", "value": chosen}])
    answered = run(ActionKbAnswer(), clicked)
    assert answered["kb_result"] == "answer" and answered["kb_entry"] == chosen


def test_nothing_found_twice_offers_a_human_and_is_recorded(desk):
    first = run(ActionKbAnswer(), tracker("火星上有水吗"))
    assert first == {"kb_result": "none"}
    earlier = [
        {"event": "user", "text": "火星上有水吗"},
        {"event": "slot", "name": "kb_result", "value": "none"},
        {"event": "bot", "text": "抱歉"},
    ]
    second = run(ActionKbAnswer(), tracker("帮我写一篇作文吧", earlier=earlier))
    assert second == {"kb_result": "none_again"}

    misses = staff_misses(desk)
    assert {"火星上有水吗", "帮我写一篇作文吧"} <= {m["text"] for m in misses}

    feedback = tracker(
        '/rate_service{"kb_helpful":"no"}',
        earlier=[{"event": "user", "text": "运费怎么算的"}],
        slots={"kb_entry": "1"},
    )
    assert run(ActionKbFeedback(), feedback) == {}
    misses = staff_misses(desk)
    assert any(m["kind"] == "unhelpful" and m["text"] == "运费怎么算的" for m in misses)


def test_knowledge_base_down_is_an_outcome(monkeypatch):
    down = ServiceDeskClient(f"http://127.0.0.1:{free_port()}", API_TOKEN)
    monkeypatch.setattr(backend, "client", down)
    assert run(ActionKbAnswer(), tracker("运费")) == {"kb_result": "unavailable"}


def test_small_talk_takes_only_a_confident_answer_and_records_nothing(desk):
    assert run(ActionKbCheck(), tracker("你叫什么名字呀")) == {"kb_result": "none"}
    assert run(ActionKbCheck(), tracker("积分")) == {"kb_result": "none"}
    answered = run(ActionKbCheck(), tracker("退款一般要几天才能到账"))
    assert answered["kb_result"] == "answer"
    misses = staff_misses(desk)
    assert "你叫什么名字呀" not in {m["text"] for m in misses}
