"""Customers: who a customer token or a phone number belongs to."""

from __future__ import annotations

import hashlib
import hmac
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicedesk.errors import RuleViolation
from servicedesk.shop.customer_tokens import token_hash
from servicedesk.shop.models import Customer
from servicedesk.shop.phone_key import phone_key

PHONE_DIGITS = 11


def phone_hash(phone: str) -> str:
    """Keyed (HMAC-SHA256): beside the 3+4 mask, a plain hash would give the number away."""
    return hmac.new(phone_key(), phone.encode(), hashlib.sha256).hexdigest()


def normalise_phone(raw: str) -> str:
    digits = "".join(ch for ch in raw or "" if ch.isdigit())
    if digits.startswith("86") and len(digits) == PHONE_DIGITS + 2:
        digits = digits[2:]
    if len(digits) != PHONE_DIGITS or not digits.startswith("1") or digits[1] in "012":
        raise RuleViolation(
            "INVALID_PHONE", "手机号格式不正确，请输入 11 位手机号码。", status=422
        )
    return digits


def customer_by_token(session: Session, token: Optional[str]) -> Optional[Customer]:
    if not token:
        return None
    found = session.execute(
        select(Customer).where(Customer.token_hash == token_hash(token))
    ).scalar_one_or_none()
    if found is None:
        # A WeChat follower bound to this customer (servicedesk/wechat/bindings.py).
        from servicedesk.wechat.bindings import customer_by_binding_token

        found = customer_by_binding_token(session, token)
    return found


def known_customer(session: Session, token: Optional[str]) -> Customer:
    """The customer a token names; a token that names nobody has expired."""
    customer = customer_by_token(session, token)
    if customer is None:
        raise RuleViolation("INVALID_CUSTOMER", "身份信息已失效，请重新登录。", 401)
    return customer


def customer_by_phone(session: Session, phone: str) -> Optional[Customer]:
    """The customer with this phone number, however it is written (digits count)."""
    return session.execute(
        select(Customer).where(
            Customer.phone_hash == phone_hash("".join(filter(str.isdigit, phone)))
        )
    ).scalar_one_or_none()
