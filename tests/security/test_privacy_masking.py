"""Free-text masking of personal data (finding 9), the same on both process sides."""

from __future__ import annotations

import pytest

from addons import pii_masking
from servicedesk import masking as desk_masking
from servicedesk.knowledge.misses import mask_personal

MASKERS = [pii_masking.mask_text, desk_masking.mask_text]

MASKED = [
    ("我的手机是13812345678", "我的手机是[手机号]"),
    ("电话 +86 138-1234-5678 谢谢", "电话 [手机号] 谢谢"),
    ("打 86 139 1234 5678", "打 [手机号]"),
    ("身份证11010519491231002X", "身份证[身份证号]"),
    ("证件号 440308199901011234。", "证件号 [身份证号]。"),
    ("卡号6222021234567890128", "卡号[银行卡号]"),
    ("卡号 6222 0212 3456 7890 128 退到这张", "卡号 [银行卡号] 退到这张"),
    ("退到4111-1111-1111-1111", "退到[银行卡号]"),
    ("发到 zhang.san@example.com.cn 吧", "发到 [邮箱] 吧"),
    ("新地址是上海市浦东新区张江路88号3栋1202室，谢谢", "新地址是[地址]，谢谢"),
    ("改成北京市朝阳区建国路88号院2号楼3单元501", "改成[地址]"),
    ("我家在南京东路100号", "我家在[地址]"),
    ("送到万科花园3栋2单元1202", "送到[地址]"),
    ("弄堂地址：长乐路123弄4号", "弄堂地址：[地址]"),
]

KEPT = [
    "订单6274225580362",  # a demo order number
    "订单6274225580369",  # 13 digits that happen to pass Luhn
    "订单2026112500005",  # the order number format
    "运单号ZT7300000000001",  # a demo tracking number
    "SF1381234567890",  # a courier code around phone-like digits
    "后四位5678",
    "5678",
    "199元",
    "¥25.5",
    "2025-11-25",
    "12月3号发货",
    "我3号楼下等你",
    "身份证110105194912310021",  # wrong check digit
    "6222021234567890123",  # fails Luhn
    "知道3号能到吗",
    "商品ID:100023",
]


@pytest.mark.parametrize("mask", MASKERS)
@pytest.mark.parametrize(("text", "expected"), MASKED)
def test_personal_data_is_replaced(mask, text, expected):
    assert mask(text) == expected


@pytest.mark.parametrize("mask", MASKERS)
@pytest.mark.parametrize("text", KEPT)
def test_order_numbers_amounts_dates_and_last_four_stay(mask, text):
    assert mask(text) == text


def test_id_card_check_digit_is_iso_7064():
    assert pii_masking.valid_id_card("11010519491231002X")
    assert pii_masking.valid_id_card("11010519491231002x")
    assert not pii_masking.valid_id_card("110105194912310020")
    # A valid check digit but no month 13: not an ID number.
    assert not pii_masking.valid_id_card("110105194913310028")


def test_json_stays_json_after_masking():
    import json

    text = json.dumps({"text": "张江路88号3栋", "mail": "a@b.cn"}, ensure_ascii=False)
    assert json.loads(desk_masking.mask_text(text)) == {
        "text": "[地址]",
        "mail": "[邮箱]",
    }


def test_knowledge_base_misses_use_the_same_masking():
    assert mask_personal("我身份证11010519491231002X 订单6274225580362") == (
        "我身份证[身份证号] 订单[号码]"
    )


def test_summary_strings_are_masked_deeply():
    summary = {"slots": {"email": "x@y.com", "order_no": "6274225580362"}, "n": 3}
    assert desk_masking.mask_deep(summary) == {
        "slots": {"email": "[邮箱]", "order_no": "6274225580362"},
        "n": 3,
    }
