"""The word categories of quality inspection and the lists a new desk starts with.

Supervisors edit the words in the workbench; the categories are fixed, because the rules
and the score know what each one means. A phrase may hold "…" (or "..."): the parts in
order with at most two words between them ("加…微信" finds "加我微信").
"""

from __future__ import annotations

from typing import Dict, Tuple

# Category -> (label, whose words count as a violation).
CATEGORIES: Dict[str, Tuple[str, str]] = {
    "abuse": ("辱骂脏话", "everyone"),
    "rude": ("服务禁语", "staff"),
    "promise": ("违规承诺", "staff"),
    "competitor": ("竞品", "staff"),
    "contact": ("站外联系方式", "staff"),
    # Not a violation: where one of these matches, hits inside it do not count.
    "allow": ("白名单", "none"),
}

DEFAULT_WORDS: Dict[str, Tuple[str, ...]] = {
    "abuse": (
        "傻逼", "煞笔", "傻B", "SB", "脑残", "白痴", "智障", "弱智", "神经病", "滚",
        "滚蛋", "去死", "废物", "蠢货", "他妈的", "妈的", "你妈", "操你", "狗东西",
        "王八蛋", "混蛋", "贱人", "畜生",
    ),
    "rude": (
        "爱买不买", "不想买就别买", "你自己看", "自己去查", "关我什么事", "我不管",
        "听不懂吗", "说了多少遍", "你烦不烦", "有完没完", "没空", "不归我管",
        "你有病", "随便你",
    ),
    "promise": (
        "保证", "担保", "绝对", "百分百", "百分之百", "100%", "打包票", "包票", "我发誓",
        "一定会到", "一定能到", "肯定能到", "肯定没问题", "绝不会", "稳赚", "包赔",
    ),
    "competitor": (
        "京东", "拼多多", "淘宝", "天猫", "唯品会", "苏宁", "苏宁易购", "抖音商城",
        "快手小店", "亚马逊", "当当", "得物",
    ),
    "contact": (
        "加微信", "加…微信", "微信号", "加…vx", "vx", "wx", "加…QQ", "QQ号", "扣扣",
        "私聊", "私下交易", "线下交易", "加好友", "加…好友", "打我电话", "私人电话",
        "转账给我", "支付宝转账",
    ),
    "allow": (
        "京东快递", "京东物流", "京东白条", "100%正品", "100% 正品", "保证金", "保修",
    ),
}  # fmt: skip


def label_of(category: str) -> str:
    return CATEGORIES[category][0]


def staff_only(category: str) -> bool:
    return CATEGORIES[category][1] == "staff"


# A promise or a contact request under a negation in the same clause is the opposite
# ("我们不能保证", "客服不会要求您加微信"): not a violation.
NEGATED_CATEGORIES = ("promise", "contact")
