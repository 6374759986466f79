"""The weekly random sample of each agent's conversations for spot checks.

Deterministic: the order is a keyed hash of (seed, ISO week, agent, conversation), so
the same week and seed always give the same sample, whatever the clock says, and a new
conversation never pushes one already drawn out unless it hashes before it.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, timedelta
from typing import Dict, Iterable, List, Tuple

from servicedesk.errors import RuleViolation

WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def week_of(day: datetime) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_bounds(week: str) -> Tuple[datetime, datetime]:
    """Monday 00:00 of the ISO week and the Monday after."""
    match = WEEK.match(week or "")
    if not match:
        raise RuleViolation("INVALID_WEEK", "周次格式应为 2026-W48。", 422)
    year, number = int(match.group(1)), int(match.group(2))
    try:
        monday = date.fromisocalendar(year, number, 1)
    except ValueError:
        raise RuleViolation("INVALID_WEEK", "没有这一周。", 422) from None
    start = datetime(monday.year, monday.month, monday.day)
    return start, start + timedelta(days=7)


def _rank(seed: str, week: str, agent: str, key: str) -> str:
    return hashlib.sha256(f"{seed}|{week}|{agent}|{key}".encode()).hexdigest()


def weekly_sample(
    conversations: Iterable[Tuple[str, Iterable[str]]],
    week: str,
    per_agent: int,
    seed: str,
) -> Dict[str, List[str]]:
    """conversations: (key, agents who served it); returns agent -> sampled keys."""
    by_agent: Dict[str, List[str]] = {}
    for key, agents in conversations:
        for agent in agents:
            by_agent.setdefault(agent, []).append(key)
    return {
        agent: sorted(keys, key=lambda k: _rank(seed, week, agent, k))[:per_agent]
        for agent, keys in sorted(by_agent.items())
    }
