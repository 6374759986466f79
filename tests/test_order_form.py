"""The order form and the actions that submit it, against a real service desk."""

import pytest
import requests
from rasa_sdk.executor import CollectingDispatcher

from actions import backend
from actions.order_lookup import RECENT_ORDERS
from actions.servicedesk_client import ServiceDeskClient
from actions.tasks.after_sales import ActionSubmitAfterSale
from actions.tasks.invoice import ActionSubmitInvoice
from actions.tasks.lookup import ActionQueryOrder
from actions.tasks.modify import ActionSubmitModification
from tests.form_conversation import Conversation
from tests.servicedesk_process import API_TOKEN, free_port

VIP = "demo-vip-zhangwei"
LINA = "demo-lina"
NEWCOMER = "demo-new-wangfang"
VALID_USCC = "91350100M000100Y43"


pytestmark = pytest.mark.usefixtures("desk_client")


def orders_of(demo, token, status):
    return [o["order_no"] for o in demo[token] if o["status"] == status]


def test_a_customer_chooses_among_recent_orders(domain):
    talk = Conversation(domain, "request_refund", token=VIP)
    talk.start("我要退款")
    assert talk.asking == "order_no"
    assert talk.slots["lookup_result"] == "choose"
    cards = talk.slots["order_cards"]["data"]["orders"]
    assert len(cards) == RECENT_ORDERS
    assert cards[0]["payload"].startswith('/inform{"order_no":')


def test_a_customer_with_one_order_is_not_asked_which(demo, domain):
    talk = Conversation(domain, "query_order", token=NEWCOMER)
    talk.start("查订单")
    assert talk.asking is None
    assert talk.slots["order_no"] == orders_of(demo, NEWCOMER, "to_ship")[0]


def test_refund_before_shipment_gets_a_request_number_then_progress(demo, domain, desk):
    order_no = orders_of(demo, VIP, "to_ship")[0]
    talk = Conversation(domain, "request_refund", token=VIP)
    talk.start("我要退款")
    talk.say(
        f'/inform{{"order_no":"{order_no}"}}',
        entities=[{"entity": "order_no", "value": order_no}],
        order_no=order_no,
    )
    assert talk.asking == "reason"
    talk.say("不想要了")
    assert talk.slots["reason"] == "不想要了"
    assert talk.asking == "confirmed"
    talk.say("确认", intent="affirm", confirmed=True)
    assert talk.asking is None
    result = talk.submit(ActionSubmitAfterSale())
    assert result["lookup_result"] == "created"
    assert result["aftersale_type"] == "退款"
    shown = requests.get(
        f"{desk.url}/api/after-sales/{result['request_no']}",
        headers={"Authorization": f"Bearer {API_TOKEN}", "X-Customer-Token": VIP},
        timeout=5,
    ).json()
    assert shown["order_no"] == order_no and shown["kind"] == "refund"

    again = Conversation(domain, "request_refund", token=VIP)
    again.start("退款到哪一步了", order_no=order_no)
    assert again.asking is None
    assert again.slots["lookup_result"] == "progress"
    assert again.slots["request_no"] == result["request_no"]


def test_an_existing_return_reports_progress(demo, domain):
    order_no = orders_of(demo, LINA, "signed")[0]
    talk = Conversation(domain, "request_refund", token=LINA)
    talk.start("我的退款怎么样了", order_no=order_no)
    assert talk.slots["lookup_result"] == "progress"
    assert talk.slots["after_sale_state"] == "等待退回商品"


def test_a_parcel_in_transit_is_refused_before_any_question(demo, domain):
    order_no = orders_of(demo, VIP, "shipped")[0]
    talk = Conversation(domain, "request_return_exchange", token=VIP)
    talk.start("我要退货", order_no=order_no)
    assert talk.asking is None
    assert talk.slots["refusal"] == "ORDER_IN_TRANSIT"


def test_the_return_window_depends_on_the_reason(demo, domain):
    order_no = orders_of(demo, VIP, "signed")[1]  # signed ten days ago
    talk = Conversation(domain, "request_return_exchange", token=VIP)
    talk.start("申请售后", order_no=order_no)
    assert talk.asking == "aftersale_type"
    talk.say('/inform{"aftersale_type":"退货"}', aftersale_type="退货")
    talk.say("不喜欢")
    assert talk.slots["refusal"] == "RETURN_WINDOW_EXPIRED"
    assert talk.asking is None

    quality = Conversation(domain, "request_return_exchange", token=VIP)
    quality.start("申请售后", order_no=order_no)
    quality.say("退货退款")
    quality.say("东西坏了，有质量问题")
    assert quality.slots["reason"] == "质量问题"
    assert quality.asking == "confirmed"


def test_an_exchange_asks_for_the_new_spec_and_can_be_declined(demo, domain):
    order_no = orders_of(demo, VIP, "signed")[0]  # signed two days ago
    talk = Conversation(domain, "request_return_exchange", token=VIP)
    talk.start("换货", order_no=order_no)
    assert talk.slots["aftersale_type"] == "换货"
    talk.say("尺码不合适")
    assert talk.asking == "new_spec"
    talk.say("")
    assert talk.slots["form_hint"] == "invalid"
    talk.say("换成L码")
    assert talk.slots["new_spec"] == "换成L码"
    talk.say("先不了", intent="deny", confirmed=False)
    assert talk.submit(ActionSubmitAfterSale())["lookup_result"] == "kept"


def test_two_invalid_answers_offer_a_human(demo, domain):
    order_no = orders_of(demo, VIP, "signed")[1]
    talk = Conversation(domain, "request_invoice", token=VIP)
    talk.start("开发票", order_no=order_no)
    assert talk.asking == "invoice_type"
    talk.say('/inform{"invoice_type":"vat_special"}', invoice_type="vat_special")
    talk.say("上海星河科技有限公司")
    assert talk.asking == "tax_id"
    talk.say("123456")
    assert talk.slots["form_hint"] == "invalid"
    talk.say("91350100M000100Y44")  # wrong check character
    assert talk.slots["form_hint"] == "offer_human"
    assert talk.asking == "tax_id"
    talk.say(VALID_USCC)
    assert talk.slots["form_hint"] is None
    assert talk.asking == "email"
    talk.say("发到 zhangwei@example.com")
    assert talk.asking is None
    result = talk.submit(ActionSubmitInvoice())
    assert result["lookup_result"] == "created"
    assert result["request_no"].startswith("INV")


def test_an_issued_invoice_is_handed_out(demo, domain):
    order_no = orders_of(demo, VIP, "signed")[0]
    talk = Conversation(domain, "request_invoice", token=VIP)
    talk.start("发票", order_no=order_no)
    assert talk.slots["lookup_result"] == "issued"
    assert "/download?sig=" in talk.slots["invoice_link"]
    assert talk.asking is None


def test_changing_the_phone_before_shipment(demo, domain):
    order_no = orders_of(demo, NEWCOMER, "to_ship")[0]
    talk = Conversation(domain, "modify_order", token=NEWCOMER)
    talk.start("改收货信息", order_no=order_no)
    talk.say("手机号")
    assert talk.slots["modify_field"] == "phone"
    talk.say("1234")
    assert talk.slots["form_hint"] == "invalid"
    talk.say("13712345678")
    assert talk.asking == "confirmed"
    talk.say("确认", intent="affirm", confirmed=True)
    result = talk.submit(ActionSubmitModification())
    assert result["lookup_result"] == "modified"
    assert result["modify_value"] == "137****5678"


def test_a_shipped_order_cannot_be_changed(demo, domain):
    talk = Conversation(domain, "modify_order", token=VIP)
    talk.start("改地址", order_no=orders_of(demo, VIP, "shipped")[0])
    assert talk.slots["refusal"] == "ORDER_ALREADY_SHIPPED"
    assert talk.asking is None


def test_anonymous_users_prove_the_phone_and_are_locked_out_after_three_failures(
    demo, domain
):
    # Not an order other tests prove: the desk counts these failures against it.
    order_no = orders_of(demo, VIP, "to_ship")[0]
    talk = Conversation(domain, "query_order")
    talk.start("查订单")
    assert talk.slots["lookup_result"] == "need_order_no"
    talk.say("我的订单号是 12")
    assert talk.slots["form_hint"] == "invalid"
    talk.say(order_no)
    assert talk.asking == "phone_last4"
    assert "order_status" not in talk.slots  # nothing shown before the proof
    talk.say("1111")
    assert talk.slots["form_hint"] == "not_verified"
    assert talk.slots["verify_left"] == "2"
    talk.say("后四位是2222")
    assert talk.asking == "phone_last4"
    talk.say("3333")
    assert talk.slots["lookup_result"] == "verify_locked"
    assert talk.asking is None

    locked = Conversation(domain, "query_order")
    locked.slots["verify_failures"] = talk.slots["verify_failures"]
    locked.start("查订单")
    assert locked.slots["lookup_result"] == "verify_locked"


def test_anonymous_users_see_their_order_after_the_proof(demo, domain):
    order_no = orders_of(demo, VIP, "pending_payment")[0]
    talk = Conversation(domain, "query_order")
    talk.start(
        f"查订单{order_no}",
        entities=[{"entity": "order_no", "value": order_no}],
        order_no=order_no,
    )
    talk.say("手机号 13800138000")
    assert talk.asking is None
    assert talk.slots["verified_order"] == order_no
    assert talk.slots["order_status"] == "pending_payment"
    dispatcher = CollectingDispatcher()
    events = ActionQueryOrder().run(dispatcher, talk.tracker("", {}), talk.domain)
    assert {e["name"]: e["value"] for e in events}["lookup_result"] == "found"


def test_values_of_an_earlier_request_are_not_reused(demo, domain):
    order_no = orders_of(demo, VIP, "signed")[0]
    talk = Conversation(domain, "request_return_exchange", token=VIP)
    talk.slots.update(reason="质量问题", confirmed=True, lookup_result="created")
    talk.start("我要申请售后", order_no=order_no)
    assert talk.slots["reason"] is None and talk.slots["confirmed"] is None
    assert talk.asking == "aftersale_type"


def test_backend_down_ends_the_form_politely(monkeypatch, domain):
    monkeypatch.setattr(
        backend,
        "client",
        ServiceDeskClient(f"http://127.0.0.1:{free_port()}", API_TOKEN),
    )
    talk = Conversation(domain, "request_refund", token=VIP)
    talk.start("我要退款")
    assert talk.slots["lookup_result"] == "unavailable"
    assert talk.asking is None
    assert talk.submit(ActionSubmitAfterSale())["lookup_result"] == "unavailable"


def test_the_request_itself_answers_the_first_question(demo, domain):
    talk = Conversation(domain, "modify_order", token=NEWCOMER)
    talk.start("我要改收货地址")
    assert talk.slots["modify_field"] == "address"
    assert talk.asking == "modify_value"

    vat = Conversation(domain, "request_invoice", token=VIP)
    vat.start("开增值税专用发票", order_no=orders_of(demo, VIP, "signed")[2])
    assert vat.slots["invoice_type"] == "vat_special"
    assert vat.asking == "invoice_title"


def test_digits_inside_a_tax_id_do_not_replace_the_order(demo, domain):
    order_no = orders_of(demo, VIP, "signed")[2]
    talk = Conversation(domain, "request_invoice", token=VIP)
    talk.start("开专票", order_no=order_no)
    talk.say("上海星河科技有限公司")
    assert talk.asking == "tax_id"
    talk.say(VALID_USCC, tax_id=VALID_USCC, order_no="91350100")
    assert talk.slots["order_no"] == order_no
    assert talk.asking == "email"


def test_a_click_on_an_old_button_is_not_counted_as_a_mistake(demo, domain):
    talk = Conversation(domain, "request_invoice", token=VIP)
    talk.start("开专票", order_no=orders_of(demo, VIP, "signed")[2])
    assert talk.asking == "invoice_title"
    talk.say('/inform{"invoice_type":"normal"}')
    assert talk.asking == "invoice_title"
    assert talk.slots.get("form_hint") is None


def power_bank(demo, desk):
    """The VIP's one order with a power bank in it."""
    headers = {"Authorization": f"Bearer {API_TOKEN}", "X-Customer-Token": VIP}
    for order in demo[VIP]:
        detail = requests.get(
            f"{desk.url}/api/orders/{order['order_no']}", headers=headers, timeout=5
        ).json()
        if any("充电宝" in item["name"] for item in detail["items"]):
            return order["order_no"]
    raise AssertionError("the demo VIP bought no power bank")


def test_a_product_bought_once_is_that_order_without_a_question(demo, desk, domain):
    talk = Conversation(domain, "query_logistics", token=VIP)
    talk.start(
        "我上周买的充电宝到哪了", entities=[{"entity": "product", "value": "充电宝"}]
    )
    assert talk.asking is None
    assert talk.slots["order_no"] == power_bank(demo, desk)


def test_a_product_bought_twice_shows_those_orders_first(domain):
    talk = Conversation(domain, "query_logistics", token=VIP)
    talk.start("行李箱到哪了", entities=[{"entity": "product", "value": "行李箱"}])
    assert talk.asking == "order_no"
    assert talk.slots["form_hint"] == "several_match"
    cards = talk.slots["order_cards"]["data"]["orders"]
    assert all("行李箱" in c["item"] for c in cards[:2])
    assert not any("行李箱" in c["item"] for c in cards[2:])


def test_naming_the_product_answers_which_order(demo, desk, domain):
    talk = Conversation(domain, "query_logistics", token=VIP)
    talk.start("我的快递到哪了")
    assert talk.asking == "order_no"
    talk.say("就是那个充电宝")
    assert talk.asking is None
    assert talk.slots["order_no"] == power_bank(demo, desk)


def test_words_instead_of_an_order_number_are_not_called_a_wrong_number(domain):
    talk = Conversation(domain, "query_logistics", token=VIP)
    talk.start("我的快递到哪了")
    talk.say("我也不记得了")
    assert talk.asking == "order_no"
    assert talk.slots["form_hint"] == "no_number"
    talk.say("12345")
    assert talk.slots["form_hint"] == "offer_human"

    anonymous = Conversation(domain, "query_logistics")
    anonymous.start("快递到哪了")
    anonymous.say("下单后多久发货呀")
    assert anonymous.slots["form_hint"] == "no_number"
    assert anonymous.slots["lookup_result"] == "need_order_no"
    anonymous = Conversation(domain, "query_logistics")
    anonymous.start("快递到哪了")
    anonymous.say("订单 123")
    assert anonymous.slots["form_hint"] == "invalid"
