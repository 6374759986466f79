"""Service levels of tickets: hours to a resolution per category, and overdue flags.

TICKET_SLA_HOURS overrides some or all categories ("invoice=48,complaint=4"); the rest
keep the defaults below. Times come from the desk's clock, never the wall clock.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import Dict, Mapping, Optional

from servicedesk.service.ticket_triage import CATEGORIES

DEFAULT_SLA_HOURS: Dict[str, float] = {
    "complaint": 4,
    "after_sales": 24,
    "logistics": 24,
    "order": 24,
    "payment": 24,
    "account": 48,
    "invoice": 48,
    "other": 48,
}
# Within this share of its time a ticket is flagged as due soon.
DUE_SOON_SHARE = 0.25
DONE_STATES = ("resolved", "closed")


def sla_hours(environ: Mapping[str, str] = os.environ) -> Dict[str, float]:
    hours = dict(DEFAULT_SLA_HOURS)
    for item in environ.get("TICKET_SLA_HOURS", "").split(","):
        name, _, value = item.partition("=")
        name = name.strip()
        if name in CATEGORIES and value.strip():
            try:
                hours[name] = float(value)
            except ValueError:
                raise ValueError(
                    f"TICKET_SLA_HOURS: {item!r} is not a number"
                ) from None
    return hours


def due_time(category: str, created: datetime, hours: Dict[str, float]) -> datetime:
    return created + timedelta(hours=hours.get(category, hours["other"]))


def flag(
    state: str,
    created: datetime,
    due: Optional[datetime],
    now: datetime,
) -> Optional[str]:
    """ "overdue", "due_soon" or None, for an unfinished ticket."""
    if due is None or state in DONE_STATES:
        return None
    if now >= due:
        return "overdue"
    if due - now <= (due - created) * DUE_SOON_SHARE:
        return "due_soon"
    return None
