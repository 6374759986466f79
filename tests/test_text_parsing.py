"""What the actions read out of a typed answer: order numbers and number-like text."""

import pytest

from actions.text_parsing import looks_like_number, order_no_in


@pytest.mark.parametrize(
    "text, expected",
    [
        ("订单2024112100123发货了吗", "2024112100123"),
        ("你好 咨询订单号:2026112800003 商品ID:100023 什么时候到", "2026112800003"),
        ("商品ID:100023 这个有货吗", None),
        ("商品id： 100023", None),
        ("手机13812345678", None),
        ("税号91350100M000100Y43", None),
    ],
)
def test_order_numbers_and_what_is_no_order_number(text, expected):
    assert order_no_in(text) == expected


@pytest.mark.parametrize(
    "text", ["123", "订单号是 12", "ab12cd", "ＡＢＣ", "qwerty", "单号2026-11"]
)
def test_text_meant_as_a_number(text):
    assert looks_like_number(text)


@pytest.mark.parametrize(
    "text", ["就是那个充电宝", "我也不记得了", "下单后多久发货", "", "   ", "好的ok"]
)
def test_words_are_no_number(text):
    assert not looks_like_number(text)
