"""The order form's code step (issue 17): anonymous write actions need the one-time
code sent to the order's phone, against a real service desk (its demo outbox)."""

import re

import pytest
import requests
from rasa_sdk.executor import CollectingDispatcher

from actions.order_code import code_in
from actions.tasks.cancel import ActionCancelOrder
from tests.form_conversation import Conversation

VIP = "demo-vip-zhangwei"
VIP_LAST4 = "8000"

pytestmark = pytest.mark.usefixtures("desk_client")


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    """A desk whose codes allow one try: a wrong code uses it up at once (with three,
    the lockout's backoff after the second failure would make a test wait)."""
    from tests.servicedesk_process import ServiceDeskProcess

    process = ServiceDeskProcess(
        tmp_path_factory.mktemp("desk"), {"SERVICEDESK_CODE_ATTEMPTS": "1"}
    )
    process.start()
    yield process
    process.stop()


def orders_of(demo, token, status):
    return [o["order_no"] for o in demo[token] if o["status"] == status]


def outbox(desk, order_no):
    messages = requests.get(f"{desk.url}/api/demo/sms", timeout=5).json()["messages"]
    return [m for m in messages if m["order_no"] == order_no]


def code_sent(desk, order_no):
    return re.search(r"\d{6}", outbox(desk, order_no)[0]["text"]).group()


def started(domain, task, order_no, text):
    talk = Conversation(domain, task)
    talk.start(
        text, entities=[{"entity": "order_no", "value": order_no}], order_no=order_no
    )
    return talk


@pytest.mark.parametrize(
    "text,code",
    [
        ("482913", "482913"),
        ("验证码是 482913", "482913"),
        ("482 913", "482913"),
        ("４８２９１３", "482913"),
        ("8000", None),
        ("4829131", None),
        ("123456 654321", None),
    ],
)
def test_code_in(text, code):
    assert code_in(text) == code


def test_an_anonymous_cancellation_asks_for_the_code_after_the_digits(
    desk, demo, domain
):
    order_no = orders_of(demo, VIP, "to_ship")[0]
    talk = started(domain, "cancel_order", order_no, f"取消订单{order_no}")
    assert talk.asking == "phone_last4"
    assert outbox(desk, order_no) == []
    talk.say(VIP_LAST4)
    assert talk.slots["verified_order"] == order_no
    assert talk.asking == "order_code"
    assert talk.slots["code_phone"] == "138****8000"
    code = code_sent(desk, order_no)
    assert code not in str(talk.slots.values())

    wrong = "000000" if code != "000000" else "111111"
    talk.say(wrong)
    assert talk.asking == "order_code"
    assert talk.slots["form_hint"] == "not_verified"
    assert talk.slots["order_no"] == order_no  # six digits never replace the order
    # Refused by the desk until the code is given.
    cancel = ActionCancelOrder().run(
        CollectingDispatcher(), talk.tracker("/affirm", {}), domain
    )
    assert {e["name"]: e["value"] for e in cancel}["cancel_result"] != "cancelled"

    talk.say(f"验证码{code}")
    # The wrong try used the code up: the right one no longer counts, a new one is
    # sent and the question says so.
    assert talk.asking == "order_code"
    assert talk.slots["form_hint"] == "code_resent"
    assert len(outbox(desk, order_no)) == 2
    talk.say(f"验证码{code_sent(desk, order_no)}")
    assert talk.slots["order_code"] == "verified"
    assert talk.asking is None
    assert talk.slots["order_no"] == order_no
    cancel = ActionCancelOrder().run(
        CollectingDispatcher(), talk.tracker("/affirm", {}), domain
    )
    assert {e["name"]: e["value"] for e in cancel}["cancel_result"] == "cancelled"


def test_reading_an_order_needs_no_code(desk, demo, domain):
    order_no = orders_of(demo, VIP, "shipped")[0]
    talk = started(domain, "query_logistics", order_no, f"查物流{order_no}")
    talk.say(VIP_LAST4)
    assert talk.asking is None and talk.slots["order_code"] is None
    assert outbox(desk, order_no) == []


def test_a_signed_in_customer_is_never_asked_for_a_code(desk, demo, domain):
    order_no = orders_of(demo, VIP, "pending_payment")[0]
    talk = Conversation(domain, "cancel_order", token=VIP)
    talk.start(f"取消订单{order_no}", order_no=order_no)
    assert talk.asking is None
    assert "order_code" not in talk.slots or talk.slots["order_code"] is None
    assert outbox(desk, order_no) == []
