"""Retrieval over the knowledge base without training: words (BM25) and characters.

Every standard and similar question is a document. A query is scored against each by
  - BM25 over jieba words, with shop synonyms mapped to one form (退钱 -> 退款), divided by
    the best score the query's words could reach, so unknown words lower it, and
  - cosine similarity of TF-IDF weighted character bigrams, which catches paraphrases
    jieba splits differently.
A weighted mean of the two is the confidence in [0, 1]; an entry takes its best
document plus half of its second best. Both
are sparse matrix products (scipy), so 10,000 entries stay within a few milliseconds.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import jieba
import numpy as np
import yaml
from scipy import sparse

DATA = Path(__file__).resolve().parent / "data"
USER_DICTIONARY = (
    Path(__file__).resolve().parent.parent / "data" / "dictionaries" / "shop_terms.txt"
)
K1, B = 1.2, 0.75
# An answer that mentions the words of a question is evidence, weaker than a question.
ANSWER_WEIGHT = 0.8
SECOND_WEIGHT = 0.5
# Share of the word score in the confidence; the rest is the character-bigram score.
# Both weights were chosen on tests/kb/dev.yml (characters carry paraphrases better).
WORD_WEIGHT = 0.3
# Words that carry no meaning of their own in a customer's question.
STOPWORDS = set(
    "的 了 吗 呢 啊 吧 呀 哦 嘛 么 我 我的 你 你们 您 咱 是 在 有 要 想 请问 请 一下 下 "
    "可以 能 能不能 可不可以 会 还 就 都 也 这个 那个 这 那 怎么 怎么样 如何 怎样 什么 "
    "多少 几 吗？ 啥 咋 呗 给 把 被 对 和 跟 与 或 个 一个 些 为什么 为啥 谁 哪 哪里 哪些 "
    "时候 现在 已经 帮 帮我 麻烦 谢谢 你好 在吗 客服 东西 买 不 没 没有 还是 但是 以后 "
    "之后 里 上 再 了吗 就是 一些 自己 需要 应该 到底 觉得 说 问 问问 想问 知道 咨询 "
    "请教 嗯 哎 诶 个".split()
)
PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)
_jieba_ready = False


def _load_jieba() -> None:
    global _jieba_ready
    if not _jieba_ready:
        if USER_DICTIONARY.exists():
            jieba.load_userdict(str(USER_DICTIONARY))
        _jieba_ready = True


def load_synonyms(path: Path = DATA / "kb_synonyms.yml") -> Dict[str, str]:
    groups = yaml.safe_load(path.read_text(encoding="utf-8"))["synonyms"]
    return {word: canonical for canonical, words in groups.items() for word in words}


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").lower()
    return PUNCTUATION.sub(" ", text).strip()


def words(text: str, synonyms: Dict[str, str]) -> List[str]:
    _load_jieba()
    result = []
    # Search mode adds the words inside long words (过生日 -> 生日), so two wordings
    # that jieba cuts differently still share them.
    for token in jieba.lcut_for_search(normalize(text)):
        token = token.strip()
        if not token or token in STOPWORDS:
            continue
        result.append(synonyms.get(token, token))
    return result


def bigrams(text: str) -> List[str]:
    chars = normalize(text).replace(" ", "")
    if len(chars) < 2:
        return [chars] if chars else []
    return [chars[i : i + 2] for i in range(len(chars) - 1)]


@dataclass
class Hit:
    entry_id: int
    score: float
    matched: str  # the question (standard or similar) that matched best


class KbIndex:
    def __init__(
        self,
        documents: Sequence[Tuple[int, str]],
        synonyms: Optional[Dict[str, str]] = None,
        answers: Sequence[Tuple[int, str]] = (),
    ) -> None:
        """documents: (entry id, question text), several per entry; answers: (entry id,
        answer text), searched too but worth less than a matching question."""
        self.synonyms = synonyms if synonyms is not None else load_synonyms()
        documents = [*documents, *answers]
        self.entry_ids = np.array([entry for entry, _ in documents], dtype=np.int64)
        self.weights = np.array(
            [1.0] * (len(documents) - len(answers)) + [ANSWER_WEIGHT] * len(answers)
        )
        self.texts = [text for _, text in documents]
        self.word_vocab: Dict[str, int] = {}
        self.gram_vocab: Dict[str, int] = {}
        tokenized = [words(text, self.synonyms) for text in self.texts]
        grammed = [bigrams(text) for text in self.texts]
        self._build_bm25(tokenized)
        self._build_grams(grammed)

    # -- construction -------------------------------------------------------------

    @staticmethod
    def _counts(items: Iterable[str], vocab: Dict[str, int]) -> Dict[int, int]:
        counts: Dict[int, int] = {}
        for item in items:
            column = vocab.setdefault(item, len(vocab))
            counts[column] = counts.get(column, 0) + 1
        return counts

    def _matrix(self, rows: List[Dict[int, float]], width: int) -> sparse.csr_matrix:
        data, indices, indptr = [], [], [0]
        for row in rows:
            indices.extend(row.keys())
            data.extend(row.values())
            indptr.append(len(indices))
        return sparse.csr_matrix(
            (np.array(data, dtype=np.float32), indices, indptr),
            shape=(len(rows), width),
        )

    @staticmethod
    def _document_frequency(counts: List[Dict[int, int]], width: int) -> np.ndarray:
        df = np.zeros(width)
        for row in counts:
            for column in row:
                df[column] += 1
        return df

    def _build_bm25(self, tokenized: List[List[str]]) -> None:
        counts = [self._counts(tokens, self.word_vocab) for tokens in tokenized]
        n = max(len(counts), 1)
        df = self._document_frequency(counts, len(self.word_vocab))
        self.word_idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
        self.max_idf = math.log(1 + (n + 0.5) / 0.5)
        lengths = np.array([max(len(t), 1) for t in tokenized], dtype=np.float64)
        average = lengths.mean() if len(lengths) else 1.0
        self.average_length = float(average)
        rows = []
        for row, length in zip(counts, lengths, strict=True):
            norm = K1 * (1 - B + B * length / average)
            rows.append(
                {
                    c: self.word_idf[c] * tf * (K1 + 1) / (tf + norm)
                    for c, tf in row.items()
                }
            )
        self.bm25 = self._matrix(rows, len(self.word_vocab)).T.tocsr()

    def _build_grams(self, grammed: List[List[str]]) -> None:
        counts = [self._counts(grams, self.gram_vocab) for grams in grammed]
        n = max(len(counts), 1)
        df = self._document_frequency(counts, len(self.gram_vocab))
        self.gram_idf = np.log((1 + n) / (1 + df)) + 1
        rows = []
        for row in counts:
            weights = {c: tf * self.gram_idf[c] for c, tf in row.items()}
            norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
            rows.append({c: w / norm for c, w in weights.items()})
        self.grams = self._matrix(rows, len(self.gram_vocab)).T.tocsr()

    # -- queries --------------------------------------------------------------------

    def _word_scores(self, query: str) -> np.ndarray:
        tokens = words(query, self.synonyms)
        if not tokens:
            return np.zeros(len(self.texts))
        known = [self.word_vocab[t] for t in tokens if t in self.word_vocab]
        if not known:
            return np.zeros(len(self.texts))
        # What the query would score against itself as a document: a question worded
        # exactly like an entry gets 1, an unknown word counts as the rarest.
        norm = 1 + K1 * (1 - B + B * len(tokens) / self.average_length)
        ceiling = sum(
            (
                self.word_idf[self.word_vocab[t]]
                if t in self.word_vocab
                else self.max_idf
            )
            * (K1 + 1)
            / norm
            for t in tokens
        )
        scores = np.asarray(self.bm25[known].sum(axis=0)).ravel()
        return np.minimum(scores / ceiling, 1.0)

    def _gram_scores(self, query: str) -> np.ndarray:
        counts: Dict[int, float] = {}
        unknown = 0  # unknown bigrams still belong to the query's length
        for gram in bigrams(query):
            column = self.gram_vocab.get(gram)
            if column is None:
                unknown += 1
            else:
                counts[column] = counts.get(column, 0) + self.gram_idf[column]
        if not counts:
            return np.zeros(len(self.texts))
        norm = math.sqrt(
            sum(w * w for w in counts.values()) + unknown * self.gram_idf.max() ** 2
        )
        columns = list(counts)
        weights = np.array([counts[c] / norm for c in columns])
        return np.asarray(self.grams[columns].T @ weights).ravel()

    def search(self, query: str, limit: int = 3) -> List[Hit]:
        if not self.texts or not normalize(query):
            return []
        scores = self.weights * (
            WORD_WEIGHT * self._word_scores(query)
            + (1 - WORD_WEIGHT) * self._gram_scores(query)
        )
        # Only the best few documents need sorting; entries repeat across documents.
        k = min(len(scores), max(limit * 20, 50))
        top = np.argpartition(-scores, k - 1)[:k]
        order = top[np.argsort(-scores[top])]
        # An entry scores by its best document, plus some for a second one that also
        # matches: several wordings of the same question agreeing is evidence.
        best: Dict[int, List] = {}
        for position in order:
            score = float(scores[position])
            if score <= 0:
                break
            entry = int(self.entry_ids[position])
            if entry not in best:
                best[entry] = [score, 0.0, self.texts[position]]
            elif not best[entry][1]:
                best[entry][1] = score
        ranked = sorted(
            (
                Hit(entry, min(first + SECOND_WEIGHT * second, 1.0), text)
                for entry, (first, second, text) in best.items()
            ),
            key=lambda hit: -hit.score,
        )
        return ranked[:limit]
