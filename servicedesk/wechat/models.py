"""Tables of the WeChat bindings (servicedesk/wechat/bindings.py): openids only as keyed
hashes, codes only as keyed hashes, the customer token only as its SHA-256."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String

from servicedesk.model_base import Base


class WeChatBinding(Base):
    """An openid bound to a customer once they proved the customer's phone."""

    __tablename__ = "wechat_bindings"
    id = Column(Integer, primary_key=True)
    openid_hash = Column(String(64), unique=True, nullable=False, index=True)
    customer_id = Column(ForeignKey("customers.id"), nullable=False, index=True)
    # The token is derived from this random salt under the desk's key (bindings.py),
    # so a new binding never gets an old one's token; only its SHA-256 is kept.
    token_salt = Column(String(32), nullable=False)
    token_hash = Column(String(64), unique=True, nullable=False, index=True)
    created_at = Column(DateTime, nullable=False)


class WeChatBindCode(Base):
    """The latest code texted for binding one openid; customer_id None when the phone
    named no customer (nothing was sent, but the answer is the same)."""

    __tablename__ = "wechat_bind_codes"
    id = Column(Integer, primary_key=True)
    openid_hash = Column(String(64), unique=True, nullable=False, index=True)
    customer_id = Column(ForeignKey("customers.id"))
    phone_hash = Column(String(64), nullable=False)
    code_hash = Column(String(64))
    sent_at = Column(DateTime, nullable=False)
    expires_at = Column(DateTime, nullable=False)
    attempts = Column(Integer, nullable=False, default=0)
