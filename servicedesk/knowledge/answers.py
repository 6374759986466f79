"""Answers for a customer: the audience's own wording, with their data filled in."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import List, Optional

from servicedesk.knowledge.models import KbEntry
from servicedesk.masking import mask_name
from servicedesk.shop.models import Customer

NEW_CUSTOMER_DAYS = 30
LEVEL_LABELS = {"vip": "VIP 会员", "normal": "普通会员", "new": "新会员"}


def audiences_of(customer: Optional[Customer], now: datetime) -> List[str]:
    if customer is None:
        return []
    found = []
    if customer.level == "vip":
        found.append("vip")
    recent = customer.registered_at and now - customer.registered_at < timedelta(
        days=NEW_CUSTOMER_DAYS
    )
    if recent or len(customer.orders) <= 1:
        found.append("new")
    return found


class _Defaults(dict):
    def __missing__(self, key: str) -> str:
        return ""


def answer_for(entry: KbEntry, customer: Optional[Customer], now: datetime) -> str:
    """The audience-specific answer when one fits, with the customer's data filled in."""
    text = entry.answer
    for audience in audiences_of(customer, now):
        if entry.audiences.get(audience):
            text = entry.audiences[audience]
            break
    values = _Defaults(
        name=mask_name(customer.name) if customer else "您",
        level=LEVEL_LABELS.get(customer.level, "会员") if customer else "会员",
    )
    try:
        return text.format_map(values)
    except (ValueError, IndexError):
        return text  # stray braces in an answer are shown as written
