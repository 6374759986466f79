"""Tables of the one-time order codes (servicedesk/shop/order_codes.py): no phone, no
code in clear, the conversation only as a keyed hash."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Integer, String, UniqueConstraint

from servicedesk.model_base import Base


class OrderCode(Base):
    """The latest code of one conversation for one order, and the grant it earned."""

    __tablename__ = "order_codes"
    __table_args__ = (UniqueConstraint("order_no", "end_user_hash"),)
    id = Column(Integer, primary_key=True)
    order_no = Column(String(32), nullable=False, index=True)
    end_user_hash = Column(String(64), nullable=False)
    # Keyed hash of the code; None once used or burnt.
    code_hash = Column(String(64))
    sent_at = Column(DateTime, nullable=False)
    expires_at = Column(DateTime, nullable=False)
    attempts = Column(Integer, nullable=False, default=0)
    granted_until = Column(DateTime)


class CodeSend(Base):
    """One code sent for an order: the hourly cap counts these."""

    __tablename__ = "order_code_sends"
    id = Column(Integer, primary_key=True)
    order_no = Column(String(32), nullable=False, index=True)
    sent_at = Column(DateTime, nullable=False)
