"""The knowledge base's dense channel: vectors stored with revisions, shipped for the
seed, read back by every process, and meaning found where words are not shared."""

from datetime import datetime

import numpy as np
import pytest
import yaml
from sqlalchemy import func, select

from servicedesk.db import make_engine, make_session_factory
from servicedesk.knowledge import exchange
from servicedesk.knowledge.encoder import KbEncoder
from servicedesk.knowledge.entries import save_entry
from servicedesk.knowledge.models import KbEntry, KbRevision, KbVector
from servicedesk.knowledge.search import outcome
from servicedesk.knowledge.searcher import KbSearcher
from servicedesk.knowledge.vectors import entry_texts, seed_vectors, text_key
from servicedesk.shop.seed import seed

NOW = datetime(2026, 11, 21, 12, 0)


@pytest.fixture()
def sessions(tmp_path):
    factory = make_session_factory(make_engine(f"sqlite:///{tmp_path / 'kb.db'}"))
    with factory() as session, session.begin():
        seed(session, now=NOW)
        exchange.seed_kb(session, NOW)
    return factory


def vector_count(session) -> int:
    return session.execute(select(func.count()).select_from(KbVector)).scalar()


class CountingEncoder(KbEncoder):
    """The real encoder, counting the wordings it embeds."""

    def __init__(self) -> None:
        super().__init__()
        self.embedded = 0

    def _embed(self, texts, question):
        self.embedded += len(texts)
        return super()._embed(texts, question)


def test_the_shipped_seed_vectors_cover_the_seed_and_match_the_encoder():
    # Fails when kb_seed.yml changed without `python -m servicedesk kb-vectors`.
    shipped = seed_vectors()
    texts = exchange.seed_texts()
    stale = [t for t in texts if text_key(t) not in shipped]
    assert not stale, f"run `python -m servicedesk kb-vectors`: {stale[:3]}"
    sample = texts[:: max(len(texts) // 8, 1)]
    fresh = KbEncoder.shared().encode(sample)
    stored = np.stack([shipped[text_key(t)] for t in sample]).astype(np.float32)
    assert np.all(np.sum(fresh * stored, axis=1) > 0.99)


def test_a_seeded_database_has_every_wordings_vector(sessions):
    rows = yaml.safe_load(exchange.SEED.read_text(encoding="utf-8"))["entries"]
    with sessions() as session:
        keys = set(session.execute(select(KbVector.key)).scalars())
    for row in rows:
        for text in entry_texts(row["question"], row.get("similar", []), row["answer"]):
            assert text_key(text) in keys


def test_a_saved_entry_stores_its_new_wordings_with_the_revision(sessions):
    with sessions() as session, session.begin():
        before = vector_count(session)
        entry = save_entry(
            session,
            None,
            {"question": "周年庆活动什么时候开始？", "similar": ["店庆几号开始"],
             "answer": "周年庆活动 11 月 10 日晚 8 点开始。"},
            "lead",
            NOW,
        )  # fmt: skip
    with sessions() as session:
        revision = session.execute(
            select(KbRevision).where(KbRevision.entry_id == entry.id)
        ).scalar_one()
        stored = session.execute(
            select(KbVector).where(KbVector.revision_id == revision.id)
        ).scalars()
        assert len(list(stored)) == 3
        assert vector_count(session) == before + 3


def test_another_process_answers_an_edit_without_embedding_again(sessions):
    # Two searchers stand for two processes sharing the database.
    reader_encoder = CountingEncoder()
    reader = KbSearcher()
    with sessions() as session:
        reader.index(session, NOW)
    with sessions() as session, session.begin():
        entry = save_entry(
            session,
            None,
            {"question": "周年庆活动什么时候开始？", "similar": ["店庆几号开始"],
             "answer": "周年庆活动 11 月 10 日晚 8 点开始。"},
            "lead",
            NOW,
        )  # fmt: skip
    KbEncoder._shared, shared = reader_encoder, KbEncoder._shared
    try:
        with sessions() as session:
            hits = reader.search(session, "你们周年庆是哪天开始啊", NOW)
    finally:
        KbEncoder._shared = shared
    assert hits[0].entry_id == entry.id
    # Only the customer's question was embedded: the entry's wordings came stored.
    assert reader_encoder.embedded == 1


def test_meaning_is_found_where_no_word_is_shared(sessions):
    question = "东西到手了再掏钱可以吗"
    with sessions() as session:
        hits = KbSearcher().search(session, question, NOW)
        lexical_hits = KbSearcher(dense=False).search(session, question, NOW)
        assert outcome(hits, 0.68, 0.68) == "answer"
        assert session.get(KbEntry, hits[0].entry_id).question == "可以货到付款吗？"
        # The words alone are not enough to answer it (lexical thresholds).
        assert outcome(lexical_hits, 0.78, 0.40) == "none"
