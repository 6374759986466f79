"""The knowledge base's searcher.

Search goes through one in-memory index per process (servicedesk/knowledge/search.py),
rebuilt when the newest revision id in the database changes, so an edit made by any
process is live for the next question. The rebuild reads the wordings' e5 vectors stored
with their revisions (vectors.py): the process that saved an entry embedded it.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import List, Optional, Tuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from servicedesk.knowledge import vectors as kb_vectors
from servicedesk.knowledge.encoder import KbEncoder
from servicedesk.knowledge.entries import live
from servicedesk.knowledge.models import KbEntry, KbRevision
from servicedesk.knowledge.search import Hit, KbIndex, load_synonyms


class KbSearcher:
    """One index per process, rebuilt when a revision newer than it exists."""

    def __init__(self, dense: bool = True) -> None:
        self.dense = dense
        self._lock = threading.Lock()
        self._version: Optional[Tuple[int, int]] = None
        self._index: Optional[KbIndex] = None
        self._synonyms = load_synonyms()

    def index(self, session: Session, now: datetime) -> KbIndex:
        version = (
            session.execute(select(func.coalesce(func.max(KbRevision.id), 0))).scalar(),
            session.execute(select(func.count(KbEntry.id))).scalar(),
        )
        # Validity windows open and close with time, not with edits: hourly rebuilds.
        key = (int(version[0]), int(version[1]), now.strftime("%Y%m%d%H"))
        with self._lock:
            if self._index is None or key != self._version:
                entries = session.execute(select(KbEntry)).scalars()
                current = [e for e in entries if live(e, now)]
                documents = [
                    (e.id, text) for e in current for text in [e.question, *e.similar]
                ]
                answers = [(e.id, e.answer) for e in current]
                vectors, encode = None, None
                if self.dense:
                    encoder = KbEncoder.shared()
                    texts = [text for _, text in documents + answers]
                    vectors = kb_vectors.matrix(session, texts, encoder)
                    encode = encoder.query
                self._index = KbIndex(
                    documents, self._synonyms, answers, vectors=vectors, encode=encode
                )
                self._version = key
            return self._index

    def search(
        self, session: Session, query: str, now: datetime, limit: int = 3
    ) -> List[Hit]:
        return self.index(session, now).search(query, limit)
