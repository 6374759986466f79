"""The word-list matcher: whole jieba words, gapped patterns, negation, the allow list."""

import pytest

from servicedesk.quality.engine import WordMatcher, cached_matcher
from servicedesk.quality.inspection import default_words


@pytest.fixture(scope="module")
def matcher():
    return cached_matcher(default_words())


def found(matcher, text):
    return [(h.category, h.phrase, text[h.start : h.end]) for h in matcher.find(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("我保证明天一定到", [("promise", "保证", "保证")]),
        (
            "绝对正品，百分百满意",
            [("promise", "绝对", "绝对"), ("promise", "百分百", "百分百")],
        ),
        (
            "加我微信吧，私聊",
            [("contact", "加…微信", "加我微信"), ("contact", "私聊", "私聊")],
        ),
        ("你们比京东贵多了", [("competitor", "京东", "京东")]),
        ("你给我滚", [("abuse", "滚", "滚")]),
        ("爱买不买", [("rude", "爱买不买", "爱买不买")]),
        ("加个VX聊", [("contact", "vx", "VX")]),
    ],
)
def test_listed_words_are_found(matcher, text, expected):
    assert found(matcher, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "保证金已经退回您的账户",  # a longer word that only contains a listed one
        "滚筒洗衣机有现货",
        "我们不能保证明天一定送到",  # the opposite of a promise
        "客服不会主动要求您加微信",  # a warning, not a request
        "需要顺丰或京东快递的可以在下单时选择",  # the allow list: a courier
        "本店所有商品 100% 正品",
        "我们支持微信支付和支付宝",
        "您好，请问有什么可以帮您？",
    ],
)
def test_innocent_texts_are_not_flagged(matcher, text):
    assert found(matcher, text) == []


def test_a_qq_number_is_a_contact_detail(matcher):
    assert [h.category for h in matcher.find("有事QQ号 12345678 找我")] == ["contact"]


def test_an_edited_list_is_used_as_it_is(matcher):
    edited = WordMatcher([("promise", "包您满意"), ("competitor", "小红书")])
    assert [h.phrase for h in edited.find("包您满意，比小红书便宜")] == [
        "包您满意",
        "小红书",
    ]
    # "保证" is not in that list.
    assert edited.find("我保证") == []
