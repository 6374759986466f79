"""Retrieval over the knowledge base without training: words (BM25) and characters.

Every standard and similar question is a document. A query is scored against each by
  - BM25 over jieba words, the shop lexicon mapped to one form (退钱 -> 退款), divided by
    the best score the query's words could reach, so unknown words lower it, and
  - cosine similarity of TF-IDF weighted character bigrams and meaningful single
    characters, which catches paraphrases jieba splits differently.
A weighted mean of the two scores each document. An entry adds up the evidence of its
wordings: its best document, part of its second and third best, and the cosine of the
query with the entry's centroid (all its questions' characters pooled), so an entry whose
similar questions between them cover the query's words beats one that happens to share
a phrase. The sum, capped at 1, is the confidence. All are sparse matrix products
(scipy), so 10,000 entries stay within a few milliseconds.

With stored e5 vectors (vectors.py) a second, dense channel scores meaning: the cosine
of the query's vector with each wording, an entry taking its best wording's cosine
averaged with its centroid's (all its questions' vectors pooled). The encoder's cosines
crowd into a narrow band (0.8 for unrelated Chinese questions, 0.95 for paraphrases), so
they are stretched from that band onto 0..1 first. The two channels are fused by a
weighted sum of the normalised scores: lexical evidence still decides between entries
that differ by a code or a name, the encoder bridges wordings that share no word.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

import jieba
import numpy as np
import yaml
from scipy import sparse

DATA = Path(__file__).resolve().parent / "data"
# The knowledge base's own word list (jieba's user-dictionary format), not the bot's:
# the desk reads no file of the bot's, and the two may change apart.
USER_DICTIONARY = DATA / "shop_terms.txt"
K1, B = 1.2, 0.75
# An answer that mentions the words of a question is evidence, weaker than a question.
ANSWER_WEIGHT = 0.8
# How much an entry's second and third best documents and its centroid add to its best.
SECOND_WEIGHT = 0.5
THIRD_WEIGHT = 0.25
CENTROID_WEIGHT = 0.5
# Share of the word score in a document's score; the rest is the character score.
# All these weights were chosen on tests/kb/dev.yml, never on tests/kb/heldout.yml.
WORD_WEIGHT = 0.4
# Words that carry no meaning of their own in a customer's question.
STOPWORDS = set(
    "的 了 吗 呢 啊 吧 呀 哦 嘛 么 我 我的 你 你们 您 咱 是 在 有 要 想 请问 请 一下 下 "
    "可以 能 能不能 可不可以 会 还 就 都 也 这个 那个 这 那 怎么 怎么样 如何 怎样 什么 "
    "多少 几 吗？ 啥 咋 呗 给 把 被 对 和 跟 与 或 个 一个 些 为什么 为啥 谁 哪 哪里 哪些 "
    "时候 现在 已经 帮 帮我 麻烦 谢谢 你好 在吗 客服 东西 买 不 没 没有 还是 但是 以后 "
    "之后 里 上 再 了吗 就是 一些 自己 需要 应该 到底 觉得 说 问 问问 想问 知道 咨询 "
    "请教 嗯 哎 诶 个".split()
)
# Characters that say nothing on their own; every other single character is a feature too.
FUNCTION_CHARACTERS = set(
    "的了吗呢啊吧呀哦嘛么我你您是在有要想请可以能会还就都也这那怎什么多少几啥咋给把被对和跟个些为谁哪里"
)
# The dense channel (all chosen on tests/kb/dev.yml): its share of the fused score, the
# cosine band stretched onto 0..1, and the weight of an entry's centroid beside its best
# wording.
DENSE_WEIGHT = 0.7
DENSE_FLOOR = 0.82
DENSE_CEILING = 0.95
DENSE_CENTROID_WEIGHT = 0.5
# Documents the lexical channel ranks per query: far more than any answer shows.
LEXICAL_CANDIDATES = 100
# A runner-up this close to the best means the question fits both ("退款" alone): offer
# them as buttons instead of answering one.
AMBIGUITY_MARGIN = 0.05
PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)
# A tokenizer of its own: the lexicon's words must not change how anything else in the
# process (the NLU pipeline in tests) cuts text.
_tokenizer = jieba.Tokenizer()
_tokenizer_ready = False


def _load_jieba() -> jieba.Tokenizer:
    global _tokenizer_ready
    if not _tokenizer_ready:
        if USER_DICTIONARY.exists():
            _tokenizer.load_userdict(str(USER_DICTIONARY))
        _tokenizer_ready = True
    return _tokenizer


def load_synonyms(path: Path = DATA / "kb_synonyms.yml") -> Dict[str, str]:
    groups = yaml.safe_load(path.read_text(encoding="utf-8"))["synonyms"]
    return {word: canonical for canonical, words in groups.items() for word in words}


def keep_whole(synonyms: Dict[str, str]) -> None:
    """Tell jieba the synonym words, so 保真 is one word that maps to 正品 instead of
    保 + 真."""
    tokenizer = _load_jieba()
    for word in {*synonyms, *synonyms.values()}:
        if len(word) > 1 and not tokenizer.FREQ.get(word):
            tokenizer.add_word(word)


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").lower()
    return PUNCTUATION.sub(" ", text).strip()


def words(text: str, synonyms: Dict[str, str]) -> List[str]:
    tokenizer = _load_jieba()
    result = []
    # Search mode adds the words inside long words (过生日 -> 生日), so two wordings
    # that jieba cuts differently still share them.
    for token in tokenizer.lcut_for_search(normalize(text)):
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


def character_grams(text: str, synonyms: Optional[Dict[str, str]] = None) -> List[str]:
    """Bigrams, plus the single characters that carry meaning: 退的钱 and 退款 share no
    bigram but share 退. With synonyms, the characters of the canonical form of every
    synonym in the text are added, so 保真 also shares 正品 with the entry."""
    chars = normalize(text).replace(" ", "")
    grams = bigrams(chars) + [c for c in chars if c not in FUNCTION_CHARACTERS]
    if synonyms:
        for token in _load_jieba().lcut(chars):
            canonical = synonyms.get(token)
            if canonical and canonical != token:
                grams.extend(bigrams(canonical))
    return grams


@dataclass
class Hit:
    entry_id: int
    score: float
    matched: str  # the question (standard or similar) that matched best
    # Each channel's own score, so staff can see why an entry ranks where it does;
    # dense is None when the index is lexical only.
    lexical: float = 0.0
    dense: Optional[float] = None


def outcome(hits: Sequence[Hit], answer_at: float, suggest_at: float) -> str:
    """answer, suggest or none for ranked hits, by the thresholds and the runner-up."""
    best = hits[0].score if hits else 0.0
    runner_up = hits[1].score if len(hits) > 1 else 0.0
    if best >= answer_at and runner_up <= best - AMBIGUITY_MARGIN:
        return "answer"
    return "suggest" if best >= suggest_at else "none"


class KbIndex:
    def __init__(
        self,
        documents: Sequence[Tuple[int, str]],
        synonyms: Optional[Dict[str, str]] = None,
        answers: Sequence[Tuple[int, str]] = (),
        vectors: Optional[np.ndarray] = None,
        encode: Optional[Callable[[str], np.ndarray]] = None,
    ) -> None:
        """documents: (entry id, question text), several per entry; answers: (entry id,
        answer text), searched too but worth less than a matching question. vectors: one
        e5 row per document then per answer, and encode: a query's vector; without them
        the index is lexical only."""
        self.synonyms = synonyms if synonyms is not None else load_synonyms()
        keep_whole(self.synonyms)
        documents = [*documents, *answers]
        self.entry_ids = np.array([entry for entry, _ in documents], dtype=np.int64)
        self.weights = np.array(
            [1.0] * (len(documents) - len(answers)) + [ANSWER_WEIGHT] * len(answers)
        )
        self.texts = [text for _, text in documents]
        self.word_vocab: Dict[str, int] = {}
        self.gram_vocab: Dict[str, int] = {}
        tokenized = [words(text, self.synonyms) for text in self.texts]
        grammed = [character_grams(text, self.synonyms) for text in self.texts]
        self._build_bm25(tokenized)
        self._build_grams(grammed)
        self._build_centroids(len(documents) - len(answers))
        self.encode = encode if vectors is not None else None
        if self.encode is not None:
            self._build_dense(np.asarray(vectors, dtype=np.float32), len(answers))

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

    def _build_centroids(self, questions: int) -> None:
        """One normalised character vector per entry, pooled over its questions (answers are
        worded differently and already count through their own documents)."""
        self.entries, self.entry_rows = np.unique(self.entry_ids, return_inverse=True)
        pool = sparse.csr_matrix(
            (
                np.ones(questions, dtype=np.float32),
                (self.entry_rows[:questions], np.arange(questions)),
            ),
            shape=(len(self.entries), len(self.texts)),
        )
        summed = (pool @ self.grams.T).tocsr()
        norms = np.sqrt(np.asarray(summed.multiply(summed).sum(axis=1)).ravel())
        self.centroids = (sparse.diags(1 / np.maximum(norms, 1e-9)) @ summed).T.tocsr()

    def _build_dense(self, vectors: np.ndarray, answers: int) -> None:
        """Wordings grouped by entry (for a per-entry maximum) and one normalised centroid
        per entry over its questions."""
        questions = len(self.texts) - answers
        self.vectors = vectors
        rows = self.entry_rows
        # Every entry has its standard question, so every group below is non-empty.
        self.dense_order = np.argsort(rows[:questions], kind="stable")
        grouped = rows[:questions][self.dense_order]
        self.dense_starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
        summed = np.zeros((len(self.entries), vectors.shape[1]), dtype=np.float32)
        np.add.at(summed, rows[:questions], vectors[:questions])
        norms = np.linalg.norm(summed, axis=1, keepdims=True)
        self.entry_centroids = summed / np.maximum(norms, 1e-9)

    def dense_scores(self, query: str) -> Tuple[np.ndarray, np.ndarray]:
        """Per entry, the stretched dense score; per wording, the raw cosine."""
        vector = self.encode(query)
        questions = len(self.dense_order)
        # Answers' vectors are stored but not scored: on the development set they
        # moved nothing, and they would cost a fifth more time per query.
        cosines = self.vectors[:questions] @ vector
        best = np.maximum.reduceat(
            cosines[:questions][self.dense_order], self.dense_starts
        )
        pooled = (best + DENSE_CENTROID_WEIGHT * (self.entry_centroids @ vector)) / (
            1 + DENSE_CENTROID_WEIGHT
        )
        stretched = (pooled - DENSE_FLOOR) / (DENSE_CEILING - DENSE_FLOOR)
        return np.clip(stretched, 0.0, 1.0), cosines

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

    def _gram_scores(self, query: str) -> Tuple[np.ndarray, np.ndarray]:
        """Cosine of the query's characters with every document and every entry centroid."""
        counts: Dict[int, float] = {}
        unknown = 0  # unknown characters still belong to the query's length
        for gram in character_grams(query, self.synonyms):
            column = self.gram_vocab.get(gram)
            if column is None:
                unknown += 1
            else:
                counts[column] = counts.get(column, 0) + self.gram_idf[column]
        if not counts:
            return np.zeros(len(self.texts)), np.zeros(len(self.entries))
        norm = math.sqrt(
            sum(w * w for w in counts.values()) + unknown * self.gram_idf.max() ** 2
        )
        columns = list(counts)
        weights = np.array([counts[c] / norm for c in columns])
        return (
            np.asarray(self.grams[columns].T @ weights).ravel(),
            np.asarray(self.centroids[columns].T @ weights).ravel(),
        )

    def search(self, query: str, limit: int = 3) -> List[Hit]:
        if not self.texts or not normalize(query):
            return []
        lexical = self.lexical_search(query)
        if self.encode is None:
            ranked = sorted(lexical.items(), key=lambda item: -item[1][0])[:limit]
            return [
                Hit(int(self.entries[row]), min(total, 1.0), text, min(total, 1.0))
                for row, (total, text) in ranked
            ]
        dense, cosines = self.dense_scores(query)
        fused = DENSE_WEIGHT * dense
        for row, (total, _) in lexical.items():
            fused[row] += (1 - DENSE_WEIGHT) * min(total, 1.0)
        k = min(limit, len(fused))
        top = np.argpartition(-fused, k - 1)[:k]
        hits = []
        for row in top[np.argsort(-fused[top])]:
            if fused[row] <= 0:
                break
            text = lexical[row][1] if row in lexical else self._closest(row, cosines)
            lexical_score = min(lexical[row][0], 1.0) if row in lexical else 0.0
            hits.append(
                Hit(
                    int(self.entries[row]),
                    float(fused[row]),
                    text,
                    lexical_score,
                    float(dense[row]),
                )
            )
        return hits

    def _closest(self, row: int, cosines: np.ndarray) -> str:
        questions = len(self.dense_order)
        wordings = np.flatnonzero(self.entry_rows[:questions] == row)
        return self.texts[int(wordings[np.argmax(cosines[wordings])])]

    def lexical_search(self, query: str) -> Dict[int, Tuple[float, str]]:
        """Entry row -> (lexical evidence, uncapped; its best-matching wording)."""
        gram_scores, centroid_scores = self._gram_scores(query)
        scores = self.weights * (
            WORD_WEIGHT * self._word_scores(query) + (1 - WORD_WEIGHT) * gram_scores
        )
        # Only the best documents need sorting; entries repeat across documents.
        k = min(len(scores), LEXICAL_CANDIDATES)
        top = np.argpartition(-scores, k - 1)[:k]
        order = top[np.argsort(-scores[top])]
        # entry row -> [its best three document scores, its best question]
        best: Dict[int, List] = {}
        for position in order:
            score = float(scores[position])
            if score <= 0:
                break
            row = int(self.entry_rows[position])
            if row not in best:
                best[row] = [[score], self.texts[position]]
            elif len(best[row][0]) < 3:
                best[row][0].append(score)
        totals = {}
        for row, (found, text) in best.items():
            found = found + [0.0, 0.0]
            total = (
                found[0]
                + SECOND_WEIGHT * found[1]
                + THIRD_WEIGHT * found[2]
                + CENTROID_WEIGHT * float(centroid_scores[row])
            )
            totals[row] = (total, text)
        return totals
