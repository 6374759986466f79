"""The customer's emotion in one message (angry / negative / neutral / positive) and its
course over a conversation.

A lexicon of cues matched by the same spaCy pipeline as the word lists (whole jieba
words), weighed: strong anger cues (骗子, 投诉, 气死) count two, pressing words (到底,
马上, 再不) and repeated ！/？ one each; two or more is angry. Otherwise negative cues
(还没到, 失望, 有点小) against positive ones (谢谢, 满意), where a negation turns a positive
cue negative (不太满意) and cancels a negative one (不着急, 没问题). Abuse from the word
list is anger too. Tuned on tests/quality/emotion_dev.tsv only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, List, Optional, Sequence, Tuple

from servicedesk.quality import engine

EMOTIONS = ("angry", "negative", "neutral", "positive")
VALENCE = {"angry": -2, "negative": -1, "neutral": 0, "positive": 1}
ANGRY_AT = 2

STRONG = (
    "气死", "气死了", "气死人", "生气", "愤怒", "火大", "恼火", "气人", "投诉", "12315",
    "消协", "曝光", "举报", "骗子", "骗人", "骗钱", "欺骗", "坑人", "坑爹", "黑店", "垃圾",
    "什么玩意", "什么玩意儿", "搞什么", "搞什么鬼", "破服务", "太过分", "过分", "受够",
    "忍无可忍", "离谱", "敷衍", "糊弄", "踢皮球", "不负责任", "恶心", "律师", "起诉",
    "法院", "差评", "废物", "TMD", "他妈", "死了吗", "负责人", "老板呢", "说法", "故意",
    "虚假宣传", "烦死", "烦死了", "凭什么", "不想听", "有病", "无耻", "不要脸", "流氓",
    "一问三不知", "好意思", "滚", "气死我了", "受够了", "呵呵", "服了", "开什么玩笑",
    "搞错", "听不懂人话", "废话", "奸商", "霸王条款", "没有良心", "有没有良心", "没良心", "恶劣", "态度恶劣", "领导",
    "够了", "拉黑", "一星", "崩溃", "什么鬼", "无良", "欺负", "太坑", "坑", "醉了",
    "搞笑", "丢人", "骗",
)  # fmt: skip
PRESSING = (
    "到底", "究竟", "根本", "多少遍", "第三次", "好几次", "还要", "还不", "再不", "马上",
    "立刻", "赶紧", "快点", "必须", "天天", "一直", "简直", "再也不", "这么难", "怎么回事",
    "为什么", "难道", "几次", "第几次", "到现在", "一个月", "等不了", "立即",
)  # fmt: skip
NEGATIVE = (
    "失望", "慢", "太慢", "着急", "急", "还没", "没到", "没收到", "没有收到", "没更新",
    "一般般", "很一般", "不值", "破损", "坏", "坏的", "坏点", "不能用", "用不了", "不合适",
    "不舒服", "难受", "郁闷", "无语", "唉", "哎", "担心", "亏", "怪", "杂音", "划痕",
    "掉色", "少发", "漏发", "发错", "不符", "不一样", "偏大", "偏小", "磨脚", "延迟",
    "好久", "好几天", "不开心", "不满意", "不满", "不好", "不行", "有问题", "出问题",
    "质量问题", "怎么又", "怎么还", "没人", "降价", "充不进", "穿不了", "改不了", "赶时间", "有点",
    "差", "太差", "难用", "不靠谱", "糟糕", "麻烦死", "后悔", "遗憾", "可惜", "发霉",
    "不太", "不太好", "不了", "碎", "碎了", "二手", "旧", "过期", "临期", "贵", "好贵",
    "太贵", "不喜欢", "不回", "还是没", "迟迟", "不好用", "发错货", "奇怪", "哎呀",
    "下错", "少了", "压坏", "脏", "漏", "没反应", "没回复",
)  # fmt: skip
POSITIVE = (
    "谢谢", "感谢", "多谢", "谢啦", "满意", "好评", "不错", "很好", "太好了", "棒", "太棒了",
    "赞", "点赞", "给力", "辛苦", "辛苦了", "专业", "耐心", "喜欢", "开心", "高兴", "完美",
    "解决了", "靠谱", "顺利", "用心", "回购", "五星", "终于", "好用", "划算", "贴心",
    "哈哈", "👍", "😊", "感恩", "爱了", "挺好", "可以的", "好嘞", "真棒", "非常好",
    "谢谢啦", "么么哒", "nice",
)  # fmt: skip
SINGLE_EXCLAIM = re.compile(r"[!！]")
EXCLAIM = re.compile(r"[!！]{2,}|[?？]{2,}|[?？][!！]|[!！][?？]")
_LEXICON = tuple(
    [("strong", w) for w in STRONG]
    + [("pressing", w) for w in PRESSING]
    + [("negative", w) for w in NEGATIVE]
    + [("positive", w) for w in POSITIVE]
)


@dataclass(frozen=True)
class Reading:
    emotion: str
    anger: int
    negative: int
    positive: int


def _cues() -> engine.WordMatcher:
    # Negation is weighed here (it flips rather than cancels), so the matcher leaves it.
    return engine.cached_matcher(_LEXICON, negated=(), builtin=False)


def read(text: str, abuse: int = 0) -> Reading:
    """The emotion of one customer message; `abuse`: abuse words found in it."""
    if not text or not text.strip():
        return Reading("neutral", 0, 0, 0)
    cues = _cues()  # built first: it teaches jieba its words before the text is cut
    doc = engine.tokens(text)
    anger = 2 * abuse + len(EXCLAIM.findall(text))
    negative = positive = 0
    taken: List[Tuple[int, int]] = []
    for hit in cues.find_in(doc):
        # A longer cue already counted covers the shorter ones inside it.
        if any(a <= hit.start and hit.end <= b for a, b in taken):
            continue
        taken.append((hit.start, hit.end))
        negated = engine.negated_at(doc, hit.token, reach=2)
        if hit.category == "strong":
            anger += 2
        elif hit.category == "pressing":
            anger += 1
        elif hit.category == "negative":
            negative += 0 if negated else 1
        elif negated:
            negative += 1
        else:
            positive += 1
    if anger == 1 and SINGLE_EXCLAIM.search(text):
        # Pressing words said with an exclamation mark.
        anger += 1
    if anger >= ANGRY_AT:
        emotion = "angry"
    elif negative + anger > positive:
        emotion = "negative"
    elif positive:
        emotion = "positive"
    else:
        emotion = "neutral"
    return Reading(emotion, anger, negative, positive)


def emotion_of(text: str, abuse: int = 0) -> str:
    return read(text, abuse).emotion


@dataclass(frozen=True)
class Course:
    emotions: Tuple[str, ...]
    trajectory: str  # improved / worsened / steady
    peak: str  # the worst emotion shown
    last: str


def course(emotions: Iterable[str]) -> Course:
    """How the customer's emotion went over the conversation."""
    shown = tuple(emotions)
    if not shown:
        return Course((), "steady", "neutral", "neutral")
    peak = min(shown, key=lambda e: VALENCE[e])
    start = shown[0]
    last = shown[-1]
    if VALENCE[last] > VALENCE[start]:
        trajectory = "improved"
    elif VALENCE[last] < VALENCE[start]:
        trajectory = "worsened"
    else:
        trajectory = "steady"
    return Course(shown, trajectory, peak, last)


def worst(emotions: Sequence[str]) -> Optional[str]:
    return min(emotions, key=lambda e: VALENCE[e]) if emotions else None
