"""Gives the demo customers random tokens (servicedesk/demo_secrets.py): after the
first seed, and at a start in demo mode for a database still on the published ones."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicedesk import demo_secrets
from servicedesk.shop.customer_tokens import token_hash
from servicedesk.shop.models import Customer
from servicedesk.shop.seed_catalogue import DEMO_CUSTOMERS


def randomize_demo_tokens(session: Session) -> int:
    """Replaces every demo customer's published token; returns how many."""
    if demo_secrets.published():
        return 0
    replaced = 0
    for label, *_ in DEMO_CUSTOMERS:
        customer = session.execute(
            select(Customer).where(
                Customer.demo.is_(True), Customer.token_hash == token_hash(label)
            )
        ).scalar_one_or_none()
        if customer is None:
            continue
        token = demo_secrets.fresh_secret(label)
        customer.token_hash = token_hash(token)
        demo_secrets.remember(session, demo_secrets.CUSTOMER, label, token)
        replaced += 1
    return replaced
