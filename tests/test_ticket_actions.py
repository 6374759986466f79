"""The message form's validation and the progress action against a real service desk."""

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionLeaveMessage
from actions.leave_message import ValidateMessageForm, problem_said
from actions.ticket_progress import ActionTicketProgress, ticket_no_in, when

pytestmark = pytest.mark.usefixtures("desk_client")


def user(text, intent, token=None):
    return {
        "event": "user", "text": text, "metadata": {"customer_token": token} if token else {},
        "parse_data": {"intent": {"name": intent}},
    }  # fmt: skip


def tracker(sender, events, slots=None):
    last = next(e for e in reversed(events) if e["event"] == "user")
    return Tracker(
        sender_id=sender,
        slots=slots or {},
        latest_message={"text": last["text"], "intent": last["parse_data"]["intent"],
                        "entities": []},
        events=events,
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )  # fmt: skip


def run(action, tracker_):
    events = action.run(CollectingDispatcher(), tracker_, {})
    return {e["name"]: e["value"] for e in events}


def test_the_draft_is_the_latest_problem_the_user_described():
    events = [
        user("你好", "greet"),
        user("耳机左边没声音了", "request_return_exchange"),
        user("13912345678", "inform"),
        user("转人工", "request_human"),
        user("/affirm", "affirm"),
    ]
    assert problem_said(tracker("d", events)) == "耳机左边没声音了"
    assert problem_said(tracker("d", events[:1] + events[3:])) is None


def test_helpers_read_ticket_numbers_and_times():
    assert ticket_no_in("tk20261130000012处理得怎么样") == "TK20261130000012"
    assert ticket_no_in("订单2026113000001") is None
    assert when("2026-12-02T10:27:00") == "12月2日 10:27"


def test_a_wrong_number_is_asked_again_and_a_right_one_normalised():
    form = ValidateMessageForm()
    anyone = tracker("v", [user("12345", "inform")])
    wrong = form.validate_contact_phone("12345", CollectingDispatcher(), anyone, {})
    assert wrong == {"contact_phone": None, "message_hint": "invalid_phone"}
    right = form.validate_contact_phone("+86 139-1234-0001", None, anyone, {})
    assert right == {"contact_phone": "13912340001", "message_hint": None}
    typed = form.validate_contact_ok("13912340002", None, anyone, {})
    assert typed["contact_ok"] is False and typed["contact_phone"] == "13912340002"


def test_progress_of_a_left_message_and_the_last_four_digits():
    sender = "progress-actions"
    left = tracker(
        sender,
        [user("耳机坏了", "request_return_exchange"), user("139 1234 0009", "inform")],
        {
            "message_text": "耳机坏了",
            "contact_phone": "13912340009",
            "callback_time": "尽快",
        },
    )
    created = run(ActionLeaveMessage(), left)
    number = created["ticket_no"]
    assert created["ticket_result"] == "created" and created["ticket_due"]
    assert created["contact_phone"] is None

    same = run(
        ActionTicketProgress(), tracker(sender, [user("查进度", "query_ticket")])
    )
    assert (same["ticket_lookup"], same["ticket_no"], same["ticket_state"]) == (
        "found", number, "待处理",
    )  # fmt: skip
    other = "progress-actions-other"
    asked = run(
        ActionTicketProgress(),
        tracker(other, [user(f"{number}怎么样了", "query_ticket")]),
    )
    assert asked == {"ticket_lookup": "need_last4", "ticket_no": number}
    pending = {"ticket_lookup": "need_last4", "ticket_no": number}
    wrong = run(
        ActionTicketProgress(), tracker(other, [user("1111", "inform")], pending)
    )
    assert wrong == {"ticket_lookup": "wrong_last4"}
    right = run(
        ActionTicketProgress(), tracker(other, [user("0009", "inform")], pending)
    )
    assert right["ticket_lookup"] == "found" and right["ticket_update"] == "暂无"
    nothing = run(
        ActionTicketProgress(), tracker("nobody", [user("查进度", "query_ticket")])
    )
    assert nothing == {"ticket_lookup": "need_number"}
