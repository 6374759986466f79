"""What analytics keeps in the desk's own database: the ratings of bot-only sessions
(a handoff's rating is stored with the handoff)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Integer, String

from servicedesk.model_base import Base


class BotRating(Base):
    __tablename__ = "bot_ratings"
    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(255), nullable=False, index=True)
    rating = Column(Integer, nullable=False)
    comment = Column(String(500))  # masked like every free text the desk stores
    created_at = Column(DateTime, nullable=False)
