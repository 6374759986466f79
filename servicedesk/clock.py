"""The service desk's clock.

Everything in the desk that asks for the time (the seed, the rules, the API) goes through
one clock, so tests can run the whole stack as if it were another day:
SERVICEDESK_CLOCK_OFFSET_DAYS moves it (for tests only; a real shop leaves it unset).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Callable

Clock = Callable[[], datetime]


def shifted_clock(offset_days: float = 0.0) -> Clock:
    if not offset_days:
        return datetime.now
    offset = timedelta(days=offset_days)
    return lambda: datetime.now() + offset
