"""Tables of quality inspection: the word lists, one result per conversation, flags on
live agent replies, supervisors' verdicts and the alerts already sent.

No customer text is stored here: flags name the turn, the rule and the listed word that
matched, so erasure and retention of conversations need not reach these tables.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)

from servicedesk.model_base import Base


class QualityWord(Base):
    """A word or pattern of a category (abuse, rude, promise, competitor, contact)."""

    __tablename__ = "quality_words"
    __table_args__ = (UniqueConstraint("category", "phrase"),)
    id = Column(Integer, primary_key=True)
    category = Column(String(20), nullable=False, index=True)
    phrase = Column(String(50), nullable=False)
    enabled = Column(Boolean, nullable=False, default=True)
    updated_by = Column(String(50), nullable=False, default="seed")
    updated_at = Column(DateTime, nullable=False)


class QualityInspection(Base):
    """One inspected conversation: a bot session (key from analytics) or a handoff."""

    __tablename__ = "quality_inspections"
    id = Column(Integer, primary_key=True)
    session_key = Column(String(255), unique=True, nullable=False, index=True)
    conversation_id = Column(String(255), index=True)
    handoff_no = Column(String(32), index=True)
    # Usernames of the agents who spoke in it (a transfer makes two).
    agents = Column(JSON, nullable=False, default=list)
    started_at = Column(DateTime, nullable=False, index=True)
    ended_at = Column(DateTime, nullable=False)
    turns = Column(Integer, nullable=False, default=0)
    score = Column(Integer, nullable=False)
    flagged = Column(Boolean, nullable=False, default=False, index=True)
    flags = Column(JSON, nullable=False, default=list)
    # The customer's emotion per turn, in order, and the overall course.
    emotions = Column(JSON, nullable=False, default=list)
    trajectory = Column(String(20), nullable=False, default="steady")
    inspected_at = Column(DateTime, nullable=False)


class QualityReplyFlag(Base):
    """What the live check found in one agent reply, as it was sent."""

    __tablename__ = "quality_reply_flags"
    id = Column(Integer, primary_key=True)
    message_id = Column(
        ForeignKey("handoff_messages.id"), unique=True, nullable=False, index=True
    )
    handoff_no = Column(String(32), nullable=False, index=True)
    agent = Column(String(50), nullable=False)
    flags = Column(JSON, nullable=False, default=list)
    at = Column(DateTime, nullable=False)


class QualityReview(Base):
    """A supervisor's verdict on an inspected conversation (the latest one counts)."""

    __tablename__ = "quality_reviews"
    id = Column(Integer, primary_key=True)
    inspection_id = Column(
        ForeignKey("quality_inspections.id"), nullable=False, index=True
    )
    reviewer = Column(String(50), nullable=False)
    verdict = Column(String(20), nullable=False)  # pass / coach / violation
    note = Column(String(500), nullable=False, default="")
    at = Column(DateTime, nullable=False)


class QualityAlert(Base):
    """An alert already announced (webhook), so each is sent once."""

    __tablename__ = "quality_alerts"
    __table_args__ = (UniqueConstraint("kind", "target"),)
    id = Column(Integer, primary_key=True)
    kind = Column(String(30), nullable=False)
    target = Column(String(64), nullable=False)
    at = Column(DateTime, nullable=False)
    delivered = Column(Boolean, nullable=False, default=False)
