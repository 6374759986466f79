"""Handoff actions against a real service desk: summary, queue, leave a message."""

import pytest
import requests
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import backend
from actions.handoff import (
    ActionHandoff,
    ActionLeaveMessage,
    comment_of,
    rating_of,
    summary_of,
    trigger_of,
)
from actions.servicedesk_client import ServiceDeskClient
from tests.servicedesk_process import API_TOKEN, free_port

pytestmark = pytest.mark.usefixtures("desk_client")
VIP = "demo-vip-zhangwei"


def conversation(sender, token=VIP, intent="request_human"):
    events = [
        {"event": "user", "text": "查一下订单", "metadata": {"customer_token": token},
         "parse_data": {"intent": {"name": "query_order"}}},
        {"event": "action", "name": "order_form"},
        {"event": "bot", "text": "请问是哪个订单？"},
        {"event": "user", "text": "转人工", "metadata": {"customer_token": token},
         "parse_data": {"intent": {"name": intent}}},
    ]  # fmt: skip
    return Tracker(
        sender_id=sender,
        slots={"order_no": "2026112100001", "task": "query_order"},
        latest_message={"text": "转人工", "intent": {"name": intent}, "entities": []},
        events=events,
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def slots_after(action, tracker):
    events = action.run(CollectingDispatcher(), tracker, {})
    return {e["name"]: e["value"] for e in events}


def test_summary_has_what_the_agent_needs():
    summary = summary_of(conversation("s"), "user_request")
    assert summary["intents"] == ["query_order", "request_human"]
    assert summary["slots"]["order_no"] == "2026112100001"
    assert summary["transcript"][1] == {"from": "bot", "text": "请问是哪个订单？"}


def test_nobody_online_offers_a_message_that_becomes_a_ticket(desk):
    assert slots_after(ActionHandoff(), conversation("alone")) == {
        "handoff_result": "no_agent"
    }
    slots = slots_after(ActionLeaveMessage(), conversation("alone"))
    assert slots["ticket_result"] == "created" and slots["ticket_no"].startswith("TK")


def test_with_an_agent_online_the_vip_is_queued_first(desk):
    login = requests.post(
        f"{desk.url}/api/agent/login",
        json={"username": "agent2", "password": "agent2-demo"},
        timeout=10,
    ).json()
    agent = {"X-Agent-Token": login["token"]}
    normal = slots_after(ActionHandoff(), conversation("n1", token="demo-lina"))
    vip = slots_after(ActionHandoff(), conversation("v1"))
    assert normal["handoff_result"] == vip["handoff_result"] == "queued"
    queue = requests.get(
        f"{desk.url}/api/agent/queue", headers=agent, timeout=10
    ).json()["queued"]
    assert [h["conversation_id"] for h in queue[:2]] == ["v1", "n1"]
    assert queue[0]["priority"] == 100
    detail = requests.get(
        f"{desk.url}/api/agent/handoffs/{queue[0]['handoff_no']}",
        headers=agent,
        timeout=10,
    ).json()
    assert detail["summary"]["slots"]["order_no"] == "2026112100001"
    assert detail["customer"]["level"] == "vip"


def test_complaints_are_urgent(desk):
    slots = slots_after(ActionHandoff(), conversation("angry", intent="complain"))
    assert slots["handoff_result"] in ("queued", "no_agent")


def test_backend_down_is_a_polite_answer(monkeypatch):
    monkeypatch.setattr(
        backend,
        "client",
        ServiceDeskClient(f"http://127.0.0.1:{free_port()}", API_TOKEN),
    )
    assert slots_after(ActionHandoff(), conversation("down")) == {
        "handoff_result": "unavailable"
    }
    assert slots_after(ActionLeaveMessage(), conversation("down")) == {
        "ticket_result": "unavailable"
    }


def test_each_handoff_records_why():
    assert trigger_of(conversation("t1")) == "user_request"
    assert trigger_of(conversation("t2", intent="complain")) == "complaint"
    failed = conversation("t3")
    failed.events.insert(
        -1, {"event": "slot", "name": "form_hint", "value": "offer_human"}
    )
    assert trigger_of(failed) == "form_failure"
    broken = conversation("t4")
    broken.events.insert(
        -1, {"event": "slot", "name": "lookup_result", "value": "unavailable"}
    )
    assert trigger_of(broken) == "backend_error"
    lost = conversation("t5")
    lost.events.insert(-1, {"event": "action", "name": "utter_default"})
    assert trigger_of(lost) == "repeated_failure"


@pytest.mark.parametrize(
    "text, entity, expected",
    [
        ("5", None, 5), ("给4星", None, 4), ("/rate_service", "3", 3),
        ("非常满意", None, 5), ("不满意", None, 2), ("很差", None, 1),
        ("还行吧", None, 3), ("嗯", None, None), ("10分", None, 5),
    ],
)  # fmt: skip
def test_ratings_from_buttons_digits_and_words(text, entity, expected):
    assert rating_of(text, entity) == expected


def test_a_comment_comes_from_the_form_or_from_a_longer_typed_answer():
    assert comment_of("/rate_service", "-") == ""
    assert comment_of("/rate_service", "很耐心") == "很耐心"
    assert comment_of("5分", None) == ""
    assert comment_of("4分，回复有点慢", None) == "4分，回复有点慢"
