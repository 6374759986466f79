"""Keeps the demo shop current: its dates move forward with the calendar.

The seed lays the demo orders out relative to the moment it runs ("signed 2 days ago",
"stalled for 3 days") and records that moment. A demo database started again days later
would otherwise show parcels that have been in transit for a week and return windows
long shut, so on each start every date of the shop (not the human-service records:
handoffs, tickets and the audit log keep their real times) moves forward by the time
passed. Order numbers do not encode a date, so they never change.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import DateTime, bindparam, select, update
from sqlalchemy.orm import Session

from servicedesk.shop.models import (
    AfterSale,
    AfterSaleEvent,
    Customer,
    DemoCalendar,
    Invoice,
    Order,
    Payment,
    Shipment,
    TrackingEvent,
)

SHOP_MODELS = (
    Customer,
    Order,
    Payment,
    Shipment,
    TrackingEvent,
    AfterSale,
    AfterSaleEvent,
    Invoice,
)
# Whole hours keep the seed's on-the-hour times and make a restart within the hour a no-op.
STEP = timedelta(hours=1)


def record(session: Session, now: datetime) -> None:
    calendar = session.execute(select(DemoCalendar)).scalar_one_or_none()
    if calendar is None:
        session.add(DemoCalendar(dated_to=now))
    else:
        calendar.dated_to = now


def bring_forward(session: Session, now: datetime) -> timedelta:
    """Moves the shop's dates by the whole hours since they were laid out; returns that."""
    calendar = session.execute(select(DemoCalendar)).scalar_one_or_none()
    if calendar is None:
        return timedelta(0)
    shift = (now - calendar.dated_to) // STEP * STEP
    if shift < STEP:
        # A clock set back (or a restart within the hour) leaves the shop as it is.
        return timedelta(0)
    for model in SHOP_MODELS:
        _shift_table(session, model.__table__, shift)
    calendar.dated_to += shift
    return shift


def _shift_table(session: Session, table, shift: timedelta) -> None:
    columns = [c for c in table.columns if isinstance(c.type, DateTime)]
    rows = session.execute(select(table.c.id, *columns)).all()
    if not rows:
        return
    # Shifted in Python: SQLite has no interval arithmetic on stored datetimes.
    statement = (
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values({c.name: bindparam(f"new_{c.name}") for c in columns})
    )
    params = []
    for row in rows:
        values = row._mapping
        moved = {
            f"new_{c.name}": None if values[c] is None else values[c] + shift
            for c in columns
        }
        params.append({"row_id": values[table.c.id], **moved})
    session.execute(statement, params)
