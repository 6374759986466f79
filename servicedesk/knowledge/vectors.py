"""Stored e5 vectors of the knowledge base's wordings.

Saving an entry stores the vectors of its new wordings with the revision (entries.py);
building an index reads them back instead of running the encoder. The seed's vectors ship
with the project (data/kb_seed_vectors.npz, rebuilt by `python -m servicedesk kb-vectors`
whenever kb_seed.yml changes; a test says when it is stale), so a new database is seeded
without embedding a thousand wordings.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from servicedesk.knowledge.encoder import DIMENSIONS, MODEL_NAME, KbEncoder, clip
from servicedesk.knowledge.models import KbVector

SEED_VECTORS = Path(__file__).resolve().parent / "data" / "kb_seed_vectors.npz"
# SQLite allows 999 parameters in one statement.
CHUNK = 500


def text_key(text: str) -> str:
    return hashlib.sha256(f"{MODEL_NAME}\n{clip(text)}".encode()).hexdigest()


def entry_texts(question: str, similar: Iterable[str], answer: str) -> List[str]:
    return [question, *similar, answer]


@lru_cache(maxsize=1)
def seed_vectors() -> Dict[str, np.ndarray]:
    if not SEED_VECTORS.exists():
        return {}
    data = np.load(SEED_VECTORS)
    if str(data["model"]) != MODEL_NAME:
        return {}
    return dict(zip((str(k) for k in data["keys"]), data["vectors"], strict=True))


def write_seed_vectors(texts: Sequence[str], encoder: KbEncoder) -> int:
    unique = list(dict.fromkeys(clip(t) for t in texts))
    vectors = encoder.encode(unique).astype(np.float16)
    np.savez_compressed(
        SEED_VECTORS,
        model=np.array(MODEL_NAME),
        keys=np.array([text_key(t) for t in unique]),
        vectors=vectors,
    )
    seed_vectors.cache_clear()
    return len(unique)


def stored(session: Session, keys: Sequence[str]) -> Dict[str, np.ndarray]:
    found: Dict[str, np.ndarray] = {}
    unique = list(dict.fromkeys(keys))
    for start in range(0, len(unique), CHUNK):
        rows = session.execute(
            select(KbVector.key, KbVector.vector).where(
                KbVector.key.in_(unique[start : start + CHUNK])
            )
        )
        for key, blob in rows:
            found[key] = np.frombuffer(blob, dtype=np.float16)
    return found


def ensure(
    session: Session,
    texts: Sequence[str],
    revision_id: Optional[int] = None,
    encoder: Optional[KbEncoder] = None,
) -> Dict[str, np.ndarray]:
    """The vector of every text, computing and adding (not committing) the missing ones."""
    keys = [text_key(t) for t in texts]
    have = stored(session, keys)
    shipped = seed_vectors()
    new: Dict[str, str] = {}
    for key, text in zip(keys, texts, strict=True):
        if key not in have and key not in new:
            new[key] = text
    unknown = [key for key in new if key not in shipped]
    if unknown:
        computed = (encoder or KbEncoder.shared()).encode([new[k] for k in unknown])
        shipped = {**shipped, **dict(zip(unknown, computed, strict=True))}
    for key in new:
        vector = np.asarray(shipped[key], dtype=np.float16)
        have[key] = vector
        session.add(
            KbVector(
                key=key,
                model=MODEL_NAME,
                vector=vector.tobytes(),
                revision_id=revision_id,
            )
        )
    return have


def matrix(
    session: Session, texts: Sequence[str], encoder: Optional[KbEncoder] = None
) -> np.ndarray:
    """float32 rows for texts, in order; missing ones (a database older than the dense
    channel) are computed and stored on the way."""
    # Its own session: a backfill must not commit the caller's unit of work.
    with Session(bind=session.get_bind(), future=True) as own:
        vectors = ensure(own, texts, encoder=encoder)
        if own.new:
            own.commit()
    out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    for row, text in enumerate(texts):
        out[row] = vectors[text_key(text)]
    return out
