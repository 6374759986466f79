"""The order tasks agree with the domain: names, slots, questions."""

from rasa_sdk import Tracker

from actions.order_form import START_RESETS
from actions.tasks import TASKS, task_named


def tracker(**slots):
    return Tracker("t", slots, {}, [], False, None, {}, "action_listen")


EVERY_BRANCH = tracker(aftersale_type="换货", invoice_type="vat_special")


def test_every_task_is_a_value_of_the_task_slot(domain):
    assert set(TASKS) <= set(domain["slots"]["task"]["values"])


def test_what_a_task_asks_is_a_slot_with_a_question(domain):
    for task in TASKS.values():
        asked = set(task.slots(tracker())) | set(task.slots(EVERY_BRANCH))
        for slot in asked | set(task.validators()):
            assert slot in domain["slots"], (task.name, slot)
            assert f"utter_ask_{slot}" in domain["responses"], (task.name, slot)
        assert set(task.validators()) <= asked | {"order_no", "phone_last4"}


def test_branches_ask_more_only_when_needed():
    exchange = TASKS["request_return_exchange"]
    assert "new_spec" not in exchange.slots(tracker(aftersale_type="退货"))
    assert "new_spec" in exchange.slots(EVERY_BRANCH)
    invoice = TASKS["request_invoice"]
    assert "tax_id" not in invoice.slots(tracker(invoice_title="个人"))
    assert "tax_id" in invoice.slots(tracker(invoice_title="上海示例科技有限公司"))


def test_each_tasks_bookkeeping_is_reset_and_unknown_tasks_ask_only_the_order():
    for task in TASKS.values():
        assert set(task.resets) <= set(START_RESETS)
    assert task_named("query_payment").slots(tracker()) == []
