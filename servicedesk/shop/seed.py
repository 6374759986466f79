"""Deterministic demo data: the same random seed gives the same shop every time.

Numbers (orders, customers, parcels) are the same whatever the date, so the README and
the tests can name them. Dates are laid out relative to the clock the caller passes, so
that return windows, stalled parcels and pending payments look current; the demo
calendar (demo_calendar.py) keeps them current on later days.
"""

from __future__ import annotations

import random
from datetime import datetime
from typing import List

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from servicedesk.shop import demo_calendar
from servicedesk.shop.demo_identities import randomize_demo_tokens
from servicedesk.shop.models import Customer
from servicedesk.shop.seed_builder import Builder
from servicedesk.shop.seed_catalogue import (
    CUSTOMERS,
    DEMO_CUSTOMERS,
    NO_REASON,
    ORDERS,
    QUALITY,
    SEED,
)


def _demo_orders(builder: Builder, customers: List[Customer]) -> None:
    vip, regular, newcomer = customers
    builder.add_order(vip, "pending_payment", 0.2)
    builder.add_order(vip, "to_ship", 0.5)
    builder.add_order(vip, "shipped", 2)
    builder.add_order(vip, "shipped", 6, stalled=True)
    recent = builder.add_order(vip, "signed", 5, signed_days_ago=2)
    builder.add_invoice(recent, "issued")
    builder.add_order(vip, "signed", 14, signed_days_ago=10)
    builder.add_order(vip, "signed", 40, signed_days_ago=35)
    builder.add_order(vip, "cancelled", 8)
    refunding = builder.add_order(regular, "signed", 9, signed_days_ago=4)
    builder.add_after_sale(refunding, "return", "尺码不合适", "returning")
    builder.add_order(regular, "to_ship", 1)
    builder.add_order(regular, "shipped", 1.5)
    builder.add_order(newcomer, "to_ship", 0.3)


def seed(session: Session, now: datetime) -> bool:
    """Fills an empty database as of `now`; returns False (and changes nothing) if it
    has data."""
    if session.execute(select(func.count(Customer.id))).scalar_one():
        return False
    rng = random.Random(SEED)
    now = now.replace(minute=0, second=0, microsecond=0)
    demo_calendar.record(session, now)
    builder = Builder(session, rng, now)
    builder.add_products()
    demo = [
        builder.add_customer(token, name, phone, level, demo=True)
        for token, name, phone, level in DEMO_CUSTOMERS
    ]
    _demo_orders(builder, demo)
    others = [
        builder.add_customer(
            f"cust-{index:04d}-{rng.randrange(16**8):08x}",
            builder.name(),
            builder.phone(),
            "vip" if rng.random() < 0.12 else "normal",
            demo=False,
        )
        for index in range(CUSTOMERS)
    ]
    statuses = ["pending_payment"] * 8 + ["to_ship"] * 15 + ["shipped"] * 20
    statuses += ["signed"] * 47 + ["cancelled"] * 10
    signed_orders = []
    while builder.order_seq < ORDERS:
        status = rng.choice(statuses)
        created = (
            rng.uniform(0.1, 2)
            if status in ("pending_payment", "to_ship")
            else rng.uniform(1, 60)
        )
        signed_ago = None
        if status == "signed":
            created = max(created, 3)
            signed_ago = rng.uniform(0.5, created - 2)
        order = builder.add_order(
            rng.choice(others),
            status,
            created,
            signed_days_ago=signed_ago,
            stalled=status == "shipped" and rng.random() < 0.15,
        )
        if status == "signed":
            signed_orders.append(order)
    kinds = {
        "refund": ["submitted", "approved", "refunded", "rejected", "closed"],
        "return": [
            "submitted",
            "approved",
            "returning",
            "refunded",
            "rejected",
            "closed",
        ],
        "exchange": ["submitted", "approved", "returning", "exchanged", "rejected"],
    }
    candidates = iter(rng.sample(signed_orders, 120))
    for kind, states in kinds.items():
        for state in states:
            for _ in range(6):
                order = next(candidates)
                builder.add_after_sale(
                    order,
                    kind,
                    rng.choice(QUALITY + NO_REASON),
                    state,
                    new_spec="换大一码" if kind == "exchange" else None,
                )
    for order in rng.sample(signed_orders, 60):
        if not order.invoices:
            builder.add_invoice(
                order,
                rng.choice(["requested", "issued", "issued", "rejected"]),
                rng.choice(["normal", "normal", "vat_special"]),
            )
    # The demo customers were made with the catalogue's published tokens (named in
    # the code): this install's are random.
    randomize_demo_tokens(session)
    return True
