"""The matching engine: spaCy's blank Chinese pipeline segmented by jieba, with a
PhraseMatcher for listed words and a Matcher for patterns ("加…微信").

Words are matched as whole jieba words, so "保证" is found in "我保证明天到" but not in
"保证金". The pipeline gets its own jieba instance (the knowledge base has another), to
which listed words unknown to jieba's dictionary are added, so they stay one word.
spaCy is imported on first use: a desk that never inspects does not pay for it.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Dict, Iterable, List, Optional, Sequence, Tuple

from servicedesk.quality.categories import NEGATED_CATEGORIES

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

GAP = re.compile(r"\s*(?:…+|\.\.\.+)\s*")
# Words that may lie between the parts of a gapped pattern.
GAP_WORDS = 2
NEGATIONS = {
    "不", "不能", "无法", "没法", "没办法", "不敢", "不会", "没有", "不要", "别",
    "切勿", "请勿", "勿", "禁止", "严禁", "不可能", "难以", "并不", "从不", "不得",
    "不太", "不怎么", "不是很", "不够", "没那么",
}  # fmt: skip
CLAUSE_ENDS = set("，。！？；,.!?;\n")
# How far back (in words, within the clause) a negation reaches.
NEGATION_REACH = 6
# Structural patterns no word list can express: a QQ or WeChat id with digits.
BUILTIN_PATTERNS = {
    "contact": [
        [
            {"LOWER": {"IN": ["qq", "扣扣", "微信", "vx", "wx", "qq号", "微信号"]}},
            {"IS_PUNCT": True, "OP": "?"},
            {"LOWER": {"IN": ["号", "是", "：", ":"]}, "OP": "?"},
            {"TEXT": {"REGEX": r"^[0-9a-zA-Z_-]{5,}$"}},
        ]
    ]
}

Words = Tuple[Tuple[str, str], ...]  # (category, phrase), sorted


@dataclass(frozen=True)
class Hit:
    category: str
    phrase: str
    start: int  # character offsets in the text
    end: int
    token: int  # index of its first word


_lock = threading.RLock()
_nlp: Optional[Language] = None


def pipeline() -> Language:
    """The one blank zh pipeline of the process, with its own jieba."""
    global _nlp
    with _lock:
        if _nlp is None:
            import jieba
            import spacy

            nlp = spacy.blank(
                "zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}}
            )
            own = jieba.Tokenizer()
            own.initialize()
            nlp.tokenizer.jieba_seg = own
            _nlp = nlp
        return _nlp


def _teach(words: Iterable[str]) -> None:
    """Listed words unknown to jieba become words of the pipeline's own jieba."""
    segmenter = pipeline().tokenizer.jieba_seg
    for word in words:
        word = word.strip()
        if word and " " not in word and not segmenter.FREQ.get(word):
            segmenter.add_word(word)


def tokens(text: str) -> Doc:
    with _lock:
        return pipeline()(text)


class WordMatcher:
    """Finds the listed words of every category in a text.

    `negated` names the categories whose hits a preceding negation in the same clause
    cancels; hits inside an "allow" phrase never count.
    """

    def __init__(
        self,
        words: Sequence[Tuple[str, str]],
        negated: Sequence[str] = NEGATED_CATEGORIES,
        builtin: bool = True,
    ) -> None:
        from spacy.matcher import Matcher, PhraseMatcher

        nlp = pipeline()
        self._negated = tuple(negated)
        with _lock:
            _teach(part for _, phrase in words for part in GAP.split(phrase))
            self._phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
            self._patterns = Matcher(nlp.vocab)
            self._labels: Dict[int, Tuple[str, str]] = {}
            for category, phrase in words:
                key = f"{category}|{phrase}"
                self._labels[nlp.vocab.strings.add(key)] = (category, phrase)
                parts = [p for p in GAP.split(phrase) if p]
                if len(parts) > 1:
                    self._patterns.add(key, [self._gapped(parts)])
                elif parts:
                    self._phrases.add(key, [nlp.make_doc(parts[0])])
            for category, patterns in BUILTIN_PATTERNS.items() if builtin else ():
                key = f"{category}|(模式)"
                self._labels[nlp.vocab.strings.add(key)] = (category, "(模式)")
                self._patterns.add(key, patterns)

    @staticmethod
    def _gapped(parts: List[str]) -> List[dict]:
        pattern: List[dict] = []
        for index, part in enumerate(parts):
            if index:
                pattern.extend({"OP": "?"} for _ in range(GAP_WORDS))
            pattern.extend({"LOWER": t.lower_} for t in pipeline().make_doc(part))
        return pattern

    def find(self, text: str) -> List[Hit]:
        if not text or not text.strip():
            return []
        return self.find_in(tokens(text))

    def find_in(self, doc: Doc) -> List[Hit]:
        with _lock:
            found = list(self._phrases(doc))
            if len(self._patterns):
                found.extend(self._patterns(doc))
        spans = []
        for match_id, start, end in found:
            category, phrase = self._labels[match_id]
            spans.append((category, phrase, start, end))
        allowed = [(s, e) for c, _, s, e in spans if c == "allow"]
        hits: Dict[Tuple[str, int], Hit] = {}
        for category, phrase, start, end in sorted(spans, key=lambda s: (s[2], -s[3])):
            if category == "allow":
                continue
            if any(a <= start and end <= b for a, b in allowed):
                continue
            if category in self._negated and negated_at(doc, start):
                continue
            span = doc[start:end]
            # One hit per category and place: the longest pattern wins.
            hits.setdefault(
                (category, start),
                Hit(category, phrase, span.start_char, span.end_char, start),
            )
        return sorted(hits.values(), key=lambda h: (h.start, h.category))


def negated_at(doc: Doc, start: int, reach: int = NEGATION_REACH) -> bool:
    """Whether a negation precedes word `start` within `reach` words of its clause."""
    for index in range(start - 1, max(start - reach, 0) - 1, -1):
        text = doc[index].text
        if text in CLAUSE_ENDS:
            return False
        if text in NEGATIONS:
            return True
    return False


_cache: Dict[tuple, WordMatcher] = {}


def cached_matcher(
    words: Iterable[Tuple[str, str]],
    negated: Sequence[str] = NEGATED_CATEGORIES,
    builtin: bool = True,
) -> WordMatcher:
    """A matcher for these (category, phrase) pairs, built once per distinct list."""
    listed: Words = tuple(sorted(set(words)))
    key = (listed, tuple(negated), builtin)
    with _lock:
        found = _cache.get(key)
        if found is None:
            if len(_cache) > 8:
                _cache.clear()
            found = _cache[key] = WordMatcher(listed, negated, builtin)
        return found
