from datetime import datetime, timedelta

import pytest

from servicedesk.errors import RuleViolation
from servicedesk.masking import mask_address, mask_name, mask_phone
from servicedesk.shop import rules

NOW = datetime(2026, 11, 21, 12, 0)


def code_of(call, *args):
    with pytest.raises(RuleViolation) as caught:
        call(*args)
    return caught.value.code


def test_cancel_only_before_shipment():
    rules.check_cancellable("pending_payment")
    rules.check_cancellable("to_ship")
    assert code_of(rules.check_cancellable, "shipped") == "ORDER_ALREADY_SHIPPED"
    assert code_of(rules.check_cancellable, "signed") == "ORDER_ALREADY_SHIPPED"
    assert code_of(rules.check_cancellable, "cancelled") == "ORDER_ALREADY_CANCELLED"


def test_address_changes_only_before_shipment():
    rules.check_modifiable("to_ship")
    assert code_of(rules.check_modifiable, "shipped") == "ORDER_ALREADY_SHIPPED"


@pytest.mark.parametrize(
    "reason,days,allowed",
    [
        ("不想要了", 6, True),
        ("不想要了", 8, False),
        ("尺码不合适", 7.5, False),
        ("质量问题", 14, True),
        ("质量问题", 16, False),
        ("发错货", 10, True),
    ],
)
def test_return_windows(reason, days, allowed):
    signed = NOW - timedelta(days=days)
    args = ("return", reason, "signed", signed, NOW, [])
    if allowed:
        rules.check_after_sale(*args)
    else:
        assert code_of(rules.check_after_sale, *args) in {
            "RETURN_WINDOW_EXPIRED",
            "QUALITY_WINDOW_EXPIRED",
        }


def test_no_second_refund_of_the_same_item():
    args = ("refund", "质量问题", "signed", NOW, NOW, ["return"])
    assert code_of(rules.check_after_sale, *args) == "DUPLICATE_REFUND"


def test_after_sale_by_order_status():
    check = rules.check_after_sale
    assert code_of(check, "refund", "不想要了", "pending_payment", None, NOW, []) == (
        "ORDER_NOT_PAID"
    )
    check("refund", "不想要了", "to_ship", None, NOW, [])
    assert code_of(check, "return", "不想要了", "to_ship", None, NOW, []) == (
        "ORDER_NOT_SHIPPED"
    )
    assert code_of(check, "return", "质量问题", "shipped", None, NOW, []) == (
        "ORDER_IN_TRANSIT"
    )
    assert code_of(check, "return", "心情不好", "signed", NOW, NOW, []) == (
        "INVALID_REASON"
    )


def test_unified_social_credit_code():
    assert rules.uscc_is_valid("91350100M000100Y43")
    assert rules.uscc_is_valid("91310000ma1fl8tq36")
    assert not rules.uscc_is_valid("91350100M000100Y44")  # wrong check character
    assert not rules.uscc_is_valid("9135010M000100Y43")  # 17 characters
    assert not rules.uscc_is_valid("91350100I000100Y43")  # I is not in the alphabet


def test_invoice_rules():
    rules.check_invoice(
        "vat_special", "某公司", "91350100M000100Y43", "a@b.cn", "signed"
    )
    bad_tax = ("vat_special", "某公司", "123", "a@b.cn", "signed")
    assert code_of(rules.check_invoice, *bad_tax) == "INVALID_TAX_ID"
    bad_mail = ("normal", "个人", None, "not-an-email", "signed")
    assert code_of(rules.check_invoice, *bad_mail) == "INVALID_EMAIL"
    unpaid = ("normal", "个人", None, "a@b.cn", "pending_payment")
    assert code_of(rules.check_invoice, *unpaid) == "ORDER_NOT_INVOICEABLE"


def test_every_refusal_explains_itself_in_chinese():
    with pytest.raises(RuleViolation) as caught:
        rules.check_cancellable("signed")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in caught.value.message)


def test_masking():
    assert mask_phone("13800138000") == "138****8000"
    assert mask_name("张伟") == "张*"
    assert mask_name("欧阳娜娜") == "欧**娜"
    assert mask_address("上海市浦东新区世纪大道100号") == "上海市浦东新******"
