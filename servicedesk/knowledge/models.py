"""Data model of the knowledge base: the single source of truth for policy answers."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
)
from sqlalchemy.types import Text

from servicedesk.model_base import Base


class KbEntry(Base):
    __tablename__ = "kb_entries"
    id = Column(Integer, primary_key=True)
    key = Column(String(50), index=True)  # the faq/<key> sub-intent routed here, if any
    category = Column(String(50), nullable=False, default="其他")
    question = Column(String(200), nullable=False)
    similar = Column(JSON, nullable=False, default=list)
    answer = Column(Text, nullable=False)
    audiences = Column(JSON, nullable=False, default=dict)  # vip / new -> answer
    tags = Column(JSON, nullable=False, default=list)
    valid_from = Column(DateTime)
    valid_to = Column(DateTime)
    enabled = Column(Boolean, nullable=False, default=True)
    author = Column(String(50), nullable=False, default="seed")
    version = Column(Integer, nullable=False, default=1)
    updated_at = Column(DateTime, nullable=False)


class KbRevision(Base):
    """Every saved state of an entry; the newest id is the index's version."""

    __tablename__ = "kb_revisions"
    id = Column(Integer, primary_key=True)
    entry_id = Column(ForeignKey("kb_entries.id"), nullable=False, index=True)
    version = Column(Integer, nullable=False)
    snapshot = Column(JSON, nullable=False)
    author = Column(String(50), nullable=False)
    at = Column(DateTime, nullable=False)


class KbVector(Base):
    """The e5 vector of one wording (standard question, similar question or answer),
    written in the transaction of the revision that saved it, so no process recomputes
    it at start. Keyed by model and text: a wording that survives an edit, or appears in
    two entries, keeps its one vector."""

    __tablename__ = "kb_vectors"
    key = Column(String(64), primary_key=True)  # sha256 of the model name and the text
    model = Column(String(60), nullable=False)
    vector = Column(LargeBinary, nullable=False)  # float16, encoder.DIMENSIONS values
    revision_id = Column(
        ForeignKey("kb_revisions.id")
    )  # the revision that first saved it


class KbMiss(Base):
    """A question the knowledge base could not answer, or an answer rated unhelpful."""

    __tablename__ = "kb_misses"
    id = Column(Integer, primary_key=True)
    text = Column(String(200), nullable=False, index=True)  # masked
    kind = Column(String(20), nullable=False)  # unanswered / unhelpful
    entry_id = Column(ForeignKey("kb_entries.id"))
    count = Column(Integer, nullable=False, default=1)
    first_at = Column(DateTime, nullable=False)
    last_at = Column(DateTime, nullable=False)
    resolved = Column(Boolean, nullable=False, default=False)
