"""Training rows that teach the intent classifier to look past chat filler.

Real customers glue a request to a greeting, an "ok", thanks or a remark ("嗯嗯好的今天发货吗",
"上海几天到谢谢"); the training data mostly has the request alone. Each extra row is a
business example with a short social line (greet, thank, affirm, goodbye or small talk
from the same training data) in front of it (70%) or behind it, labelled with the
business intent, at a lower weight.

The extra row's e5 vector is the two parts' vectors mixed by their length and
renormalised, not a new encoding: that keeps training free of encoder time and
measured the same on the development sets as encoding the joined text (README).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import List, Sequence

import numpy as np

# Lines of these intents are what a customer wraps a request in.
FILLER_INTENTS = frozenset({"greet", "thank", "affirm", "goodbye", "chitchat"})
# A value or a "no" joined to filler reads as something else ("好的 不用了"), so these
# keep only their own examples.
UNWRAPPED_INTENTS = frozenset({"inform", "deny"})
MAX_FILLER_CHARS = 8
FRONT_SHARE = 0.7


@dataclass
class Augmented:
    texts: List[str]
    labels: List[str]
    vectors: np.ndarray


def wrap_in_filler(
    texts: Sequence[str],
    labels: Sequence[str],
    vectors: np.ndarray,
    share: float,
    seed: int = 42,
) -> Augmented:
    """For a `share` of the wrappable examples, one row of filler + example (or example +
    filler). `texts` are surface forms (no separators), `vectors` their unit e5 vectors."""
    fillers = [
        i
        for i, (text, label) in enumerate(zip(texts, labels, strict=True))
        if label in FILLER_INTENTS and 0 < len(text) <= MAX_FILLER_CHARS
    ]
    out_texts: List[str] = []
    out_labels: List[str] = []
    rows: List[np.ndarray] = []
    rng = random.Random(seed)
    for i, (text, label) in enumerate(zip(texts, labels, strict=True)):
        wrappable = text and label not in FILLER_INTENTS | UNWRAPPED_INTENTS
        if not fillers or not wrappable or rng.random() >= share:
            continue
        j = rng.choice(fillers)
        filler = texts[j]
        joined = filler + text if rng.random() < FRONT_SHARE else text + filler
        mixed = vectors[i] * len(text) + vectors[j] * len(filler)
        rows.append(mixed / max(float(np.linalg.norm(mixed)), 1e-12))
        out_texts.append(joined)
        out_labels.append(label)
    if not rows:
        return Augmented([], [], np.zeros((0, vectors.shape[1])))
    return Augmented(out_texts, out_labels, np.stack(rows))
