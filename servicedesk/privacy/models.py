"""The one table privacy needs: which conversations (sender ids) a customer had.

Erasure must reach every conversation of a customer, including those that never reached
an agent, so the desk remembers each sender id the bot's servers named for a customer.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, UniqueConstraint

from servicedesk.model_base import Base


class CustomerConversation(Base):
    __tablename__ = "customer_conversations"
    __table_args__ = (UniqueConstraint("customer_id", "conversation_id"),)
    id = Column(Integer, primary_key=True)
    customer_id = Column(ForeignKey("customers.id"), nullable=False, index=True)
    conversation_id = Column(String(255), nullable=False, index=True)
    first_seen = Column(DateTime, nullable=False)
    last_seen = Column(DateTime, nullable=False, index=True)
