"""Order actions against a real service desk on a temporary database."""

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import backend
from actions.servicedesk_client import ServiceDeskClient
from actions.tasks.logistics import ActionQueryLogistics
from actions.tasks.lookup import ActionQueryOrder
from tests.servicedesk_process import API_TOKEN, free_port

pytestmark = pytest.mark.usefixtures("desk_client")


def tracker(text="查订单", token=None, order_no=None, slots=None):
    entities = [{"entity": "order_no", "value": order_no}] if order_no else []
    message = {"text": text, "intent": {"name": "query_order"}, "entities": entities}
    metadata = {"customer_token": token} if token else {}
    return Tracker(
        sender_id="u",
        slots=slots or {},
        latest_message=message,
        events=[{"event": "user", "text": text, "metadata": metadata}],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def run(action, tracker_):
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, tracker_, {})
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}, dispatcher


def first(demo, token, status):
    return next(o["order_no"] for o in demo[token] if o["status"] == status)


def test_own_order_by_number(demo):
    order_no = first(demo, "demo-vip-zhangwei", "shipped")
    slots, _ = run(
        ActionQueryOrder(), tracker(token="demo-vip-zhangwei", order_no=order_no)
    )
    assert slots["lookup_result"] == "found"
    assert slots["order_status"] == "shipped" and slots["tracking_no"]
    assert "×" in slots["order_items"] and slots["order_total"]


def test_someone_elses_order_is_not_shown(demo):
    order_no = first(demo, "demo-vip-zhangwei", "signed")
    slots, _ = run(ActionQueryOrder(), tracker(token="demo-lina", order_no=order_no))
    assert slots["lookup_result"] == "not_found"
    assert "order_status" not in slots


def test_anonymous_users_see_nothing(demo):
    order_no = first(demo, "demo-vip-zhangwei", "signed")
    slots, _ = run(ActionQueryOrder(), tracker(order_no=order_no))
    assert slots == {"lookup_result": "need_login"}


def test_parcel_states(demo):
    states = []
    for order in demo["demo-vip-zhangwei"]:
        slots, _ = run(
            ActionQueryLogistics(),
            tracker(token="demo-vip-zhangwei", order_no=order["order_no"]),
        )
        assert slots["lookup_result"] == "found"
        states.append(slots["logistics_state"])
        if slots["logistics_state"] in ("in_transit", "stalled", "signed"):
            assert slots["last_event"] and slots["last_event_time"]
    assert {"not_shipped", "in_transit", "stalled", "signed", "cancelled"} <= set(
        states
    )


def test_backend_down_is_a_polite_result_not_a_crash(monkeypatch, demo):
    dead = ServiceDeskClient(
        f"http://127.0.0.1:{free_port()}", API_TOKEN, timeout=(0.2, 0.2)
    )
    monkeypatch.setattr(backend, "client", dead)
    order_no = first(demo, "demo-vip-zhangwei", "shipped")
    slots, _ = run(
        ActionQueryOrder(), tracker(token="demo-vip-zhangwei", order_no=order_no)
    )
    assert slots == {"lookup_result": "unavailable"}
    slots, _ = run(
        ActionQueryLogistics(),
        tracker(token="demo-vip-zhangwei", order_no="2026112000001"),
    )
    assert slots == {"lookup_result": "unavailable"}


def test_cancel_asks_first_then_cancels(demo):
    from actions.tasks import cancel

    order_no = first(demo, "demo-lina", "to_ship")
    check, _ = run(
        cancel.ActionCheckCancel(), tracker(token="demo-lina", order_no=order_no)
    )
    assert check["lookup_result"] == "found" and check["cancel_result"] == "ok"
    assert check["order_status"] == "to_ship"  # asking changed nothing
    done, _ = run(
        cancel.ActionCancelOrder(),
        tracker(token="demo-lina", slots={"order_no": order_no}),
    )
    assert done["cancel_result"] == "cancelled"
    again, _ = run(
        cancel.ActionCheckCancel(), tracker(token="demo-lina", order_no=order_no)
    )
    assert again["cancel_result"] == "ORDER_ALREADY_CANCELLED"


def test_cancel_refused_after_shipment(demo):
    from actions.tasks import cancel

    order_no = first(demo, "demo-lina", "shipped")
    check, _ = run(
        cancel.ActionCheckCancel(), tracker(token="demo-lina", order_no=order_no)
    )
    assert check["cancel_result"] == "ORDER_ALREADY_SHIPPED"
    done, _ = run(
        cancel.ActionCancelOrder(),
        tracker(token="demo-lina", slots={"order_no": order_no}),
    )
    assert done["cancel_result"] == "ORDER_ALREADY_SHIPPED"
    anonymous, _ = run(
        cancel.ActionCancelOrder(), tracker(slots={"order_no": order_no})
    )
    assert anonymous["cancel_result"] == "need_login"


def product_tracker(product):
    entities = [{"entity": "product", "value": product}] if product else []
    return Tracker(
        sender_id="u",
        slots={},
        latest_message={
            "text": "有货吗",
            "intent": {"name": "product_inquiry"},
            "entities": entities,
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def test_product_stock_and_specs():
    from actions import shop_info

    slots, _ = run(shop_info.ActionQueryProduct(), product_tracker("羽绒服"))
    assert slots["product_result"] in {"in_stock", "out_of_stock"}
    assert "羽绒服" in slots["product_name"] and "尺码" in slots["product_specs"]
    missing, _ = run(shop_info.ActionQueryProduct(), product_tracker("火箭发动机"))
    assert missing == {"product_result": "not_found"}
    nothing, _ = run(shop_info.ActionQueryProduct(), product_tracker(None))
    assert nothing == {"product_result": "none"}


def test_payment_of_an_order(demo):
    from actions import shop_info

    unpaid = first(demo, "demo-vip-zhangwei", "pending_payment")
    slots, _ = run(
        shop_info.ActionQueryPayment(),
        tracker(token="demo-vip-zhangwei", order_no=unpaid),
    )
    assert slots["payment_result"] == "pending" and slots["order_total"]
    paid = first(demo, "demo-vip-zhangwei", "signed")
    slots, _ = run(
        shop_info.ActionQueryPayment(),
        tracker(token="demo-vip-zhangwei", order_no=paid),
    )
    assert (
        slots["payment_result"] == "paid"
        and slots["payment_method"]
        and slots["paid_at"]
    )
    assert slots["kb_result"] == "none"
    # Without a verified customer it is a policy question: the general reply, or the
    # knowledge base's answer when it has a confident one.
    general, _ = run(shop_info.ActionQueryPayment(), tracker(order_no=paid))
    assert general["payment_result"] == "general" and "kb_result" in general
