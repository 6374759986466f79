"""Customer emotion per message, its course, and the development set's figures."""

import csv
from pathlib import Path

import pytest

from servicedesk.quality.emotion import course, emotion_of

DEV = Path(__file__).with_name("emotion_dev.tsv")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("你们这是什么破服务，气死我了", "angry"),
        ("再不给我退款我就去12315投诉你们", "angry"),
        ("到底什么时候发货！！", "angry"),
        ("快递怎么还没到啊", "negative"),
        ("这次体验不太好", "negative"),
        ("我不太满意", "negative"),
        ("帮我查一下物流", "neutral"),
        ("我不着急，您慢慢查", "neutral"),
        ("好的没问题，谢谢", "positive"),
        ("客服很耐心，给个好评", "positive"),
        ("", "neutral"),
    ],
)
def test_emotion_of_a_message(text, expected):
    assert emotion_of(text) == expected


def test_abuse_found_by_the_word_list_is_anger():
    assert emotion_of("你们客服", abuse=1) == "angry"


def test_course_over_a_conversation():
    calmed = course(["angry", "negative", "neutral", "positive"])
    assert (calmed.trajectory, calmed.peak, calmed.last) == (
        "improved",
        "angry",
        "positive",
    )
    assert course(["neutral", "negative", "angry"]).trajectory == "worsened"
    assert course(["neutral", "neutral"]).trajectory == "steady"
    assert course([]).trajectory == "steady"


def test_development_set_figures():
    """The set the detector was tuned on (written by its author): a regression guard,
    not a measurement; the README's figures come from the blind set."""
    with DEV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert len(rows) >= 140
    pairs = [(r["label"], emotion_of(r["text"])) for r in rows]
    angry_hits = sum(1 for gold, got in pairs if gold == got == "angry")
    precision = angry_hits / sum(1 for _, got in pairs if got == "angry")
    recall = angry_hits / sum(1 for gold, _ in pairs if gold == "angry")
    assert precision >= 0.95 and recall >= 0.9
    assert sum(1 for gold, got in pairs if gold == got) / len(pairs) >= 0.95
