"""Training rows wrapped in chat filler (addons/filler_augmentation.py)."""

import numpy as np

from addons.filler_augmentation import wrap_in_filler

TEXTS = ["你好", "谢谢亲", "好的", "快递到哪了", "我要退款", "13800246135", "不用了"]
LABELS = [
    "greet",
    "thank",
    "affirm",
    "query_logistics",
    "request_refund",
    "inform",
    "deny",
]


def unit_vectors(n: int, dim: int = 8) -> np.ndarray:
    rows = np.random.default_rng(0).normal(size=(n, dim))
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_business_lines_are_wrapped_and_keep_their_label():
    vectors = unit_vectors(len(TEXTS))
    extra = wrap_in_filler(TEXTS, LABELS, vectors, share=1.0)
    assert extra.labels == ["query_logistics", "request_refund"]
    fillers = {"你好", "谢谢亲", "好的"}
    for text, core in zip(extra.texts, ["快递到哪了", "我要退款"], strict=True):
        assert core in text and text != core
        assert text.replace(core, "", 1) in fillers


def test_values_refusals_and_fillers_themselves_are_not_wrapped():
    extra = wrap_in_filler(TEXTS, LABELS, unit_vectors(len(TEXTS)), share=1.0)
    assert not {"inform", "deny", "greet", "thank", "affirm"} & set(extra.labels)


def test_the_mixed_vector_is_unit_length_and_leans_to_the_longer_part():
    vectors = unit_vectors(len(TEXTS))
    extra = wrap_in_filler(TEXTS, LABELS, vectors, share=1.0)
    assert np.allclose(np.linalg.norm(extra.vectors, axis=1), 1.0)
    row = extra.vectors[0]  # 快递到哪了 (5 characters) and a filler of 2 or 3
    assert row @ vectors[3] > max(row @ vectors[j] for j in range(3))


def test_the_same_seed_gives_the_same_rows_and_share_zero_none():
    vectors = unit_vectors(len(TEXTS))
    first = wrap_in_filler(TEXTS, LABELS, vectors, share=0.5, seed=7)
    again = wrap_in_filler(TEXTS, LABELS, vectors, share=0.5, seed=7)
    assert first.texts == again.texts
    assert np.array_equal(first.vectors, again.vectors)
    none = wrap_in_filler(TEXTS, LABELS, vectors, share=0.0)
    assert none.texts == [] and none.vectors.shape == (0, 8)


def test_without_filler_lines_nothing_is_added():
    texts, labels = ["快递到哪了", "我要退款"], ["query_logistics", "request_refund"]
    extra = wrap_in_filler(texts, labels, unit_vectors(2), share=1.0)
    assert extra.labels == [] and extra.vectors.shape == (0, 8)
