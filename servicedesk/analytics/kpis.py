"""The dashboard's figures: one function per chart or table, over the derived rows.

Every function takes the same Filter (days in the shop's time zone, inclusive; bucket
"day" or "hour"; an optional channel) and returns a list of plain dicts, which the API
sends as JSON and the export writes as CSV. The definitions are in the README.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Dict, List, Optional

from sqlalchemy import Integer, and_, case, cast, func, select
from sqlalchemy.orm import Session

from servicedesk.analytics.store import HandoffRow, IntentRow, SessionRow
from servicedesk.knowledge.models import KbMiss
from servicedesk.service.models import Ticket

SATISFIED_FROM = 4
CLOSED_TICKET_STATES = ("resolved", "closed")
TOP = 10

Rows = List[Dict[str, Any]]


@dataclass(frozen=True)
class Filter:
    date_from: str  # YYYY-MM-DD
    date_to: str
    bucket: str = "day"  # day / hour
    channel: Optional[str] = None


def _ratio(part: Any, whole: Any) -> Optional[float]:
    return round(part / whole, 4) if whole else None


def _avg(value: Any) -> Optional[float]:
    return None if value is None else round(float(value), 1)


def _sessions_where(f: Filter):
    conditions = [
        SessionRow.day >= f.date_from,
        SessionRow.day <= f.date_to,
        SessionRow.user_turns > 0,
    ]
    if f.channel:
        conditions.append(SessionRow.channel == f.channel)
    return and_(*conditions)


def _handoffs_where(f: Filter):
    conditions = [HandoffRow.day >= f.date_from, HandoffRow.day <= f.date_to]
    if f.channel:
        conditions.append(HandoffRow.channel == f.channel)
    return and_(*conditions)


def _count_if(condition) -> Any:
    return func.sum(case((condition, 1), else_=0))


def series(db: Session, f: Filter) -> Rows:
    """Sessions and their outcomes per bucket, with the rates built on them."""
    bucket = SessionRow.hour if f.bucket == "hour" else SessionRow.day
    bot_rated = SessionRow.rating_kind == "bot"
    rows = db.execute(
        select(
            bucket,
            func.count(),
            _count_if(SessionRow.outcome == "self_served"),
            _count_if(SessionRow.outcome == "handed_over"),
            _count_if(SessionRow.outcome == "ticket"),
            _count_if(SessionRow.outcome == "abandoned"),
            func.sum(SessionRow.user_turns),
            func.sum(SessionRow.fallbacks),
            _count_if(SessionRow.handoffs > 0),
            _count_if(bot_rated),
            _count_if(and_(bot_rated, SessionRow.rating >= SATISFIED_FROM)),
        )
        .where(_sessions_where(f))
        .group_by(bucket)
        .order_by(bucket)
    ).all()
    return [
        {
            "bucket": b,
            "sessions": n,
            "self_served": self_served,
            "handed_over": handed,
            "ticket": ticket,
            "abandoned": abandoned,
            "resolution_rate": _ratio(self_served, n),
            "handoff_rate": _ratio(with_handoff, n),
            "user_turns": turns,
            "fallback_turns": fallbacks,
            "fallback_rate": _ratio(fallbacks, turns),
            "bot_ratings": bot_ratings,
            "bot_csat": _ratio(bot_happy, bot_ratings),
        }
        for (
            b,
            n,
            self_served,
            handed,
            ticket,
            abandoned,
            turns,
            fallbacks,
            with_handoff,
            bot_ratings,
            bot_happy,
        ) in rows
    ]


def service(db: Session, f: Filter, target_s: float = 30.0) -> Rows:
    """Human service per bucket: handoffs, queue wait, handling time, CSAT."""
    bucket = HandoffRow.hour if f.bucket == "hour" else HandoffRow.day
    served = HandoffRow.queue_wait_s.isnot(None)
    rows = db.execute(
        select(
            bucket,
            func.count(),
            _count_if(served),
            _count_if(HandoffRow.abandoned),
            func.avg(HandoffRow.queue_wait_s),
            _count_if(HandoffRow.queue_wait_s <= target_s),
            func.avg(HandoffRow.handling_s),
            _count_if(HandoffRow.rating.isnot(None)),
            _count_if(HandoffRow.rating >= SATISFIED_FROM),
        )
        .where(_handoffs_where(f))
        .group_by(bucket)
        .order_by(bucket)
    ).all()
    return [
        {
            "bucket": b,
            "handoffs": n,
            "served": n_served,
            "abandoned": abandoned,
            "avg_queue_wait_s": _avg(wait),
            "within_target_share": _ratio(within, n_served),
            "avg_handling_s": _avg(handling),
            "human_ratings": rated,
            "human_csat": _ratio(happy, rated),
        }
        for b, n, n_served, abandoned, wait, within, handling, rated, happy in rows
    ]


def triggers(db: Session, f: Filter) -> Rows:
    sessions = db.execute(
        select(func.count()).select_from(SessionRow).where(_sessions_where(f))
    ).scalar()
    rows = db.execute(
        select(HandoffRow.trigger, func.count())
        .where(_handoffs_where(f))
        .group_by(HandoffRow.trigger)
        .order_by(func.count().desc(), HandoffRow.trigger)
    ).all()
    return [{"trigger": t, "handoffs": n, "rate": _ratio(n, sessions)} for t, n in rows]


def top_intents(db: Session, f: Filter) -> Rows:
    conditions = [IntentRow.day >= f.date_from, IntentRow.day <= f.date_to]
    if f.channel:
        conditions.append(IntentRow.channel == f.channel)
    total = func.sum(IntentRow.count)
    rows = db.execute(
        select(IntentRow.intent, total)
        .where(and_(*conditions))
        .group_by(IntentRow.intent)
        .order_by(total.desc(), IntentRow.intent)
        .limit(TOP)
    ).all()
    return [{"intent": i, "count": int(n)} for i, n in rows]


def agents(db: Session, f: Filter) -> Rows:
    rows = db.execute(
        select(
            HandoffRow.agent,
            func.count(),
            func.avg(HandoffRow.queue_wait_s),
            func.avg(HandoffRow.handling_s),
            _count_if(HandoffRow.rating.isnot(None)),
            _count_if(HandoffRow.rating >= SATISFIED_FROM),
        )
        .where(and_(_handoffs_where(f), HandoffRow.agent.isnot(None)))
        .group_by(HandoffRow.agent)
        .order_by(func.count().desc(), HandoffRow.agent)
    ).all()
    return [
        {
            "agent": agent,
            "conversations": n,
            "avg_first_response_s": _avg(wait),
            "avg_handling_s": _avg(handling),
            "ratings": rated,
            "csat": _ratio(happy, rated),
        }
        for agent, n, wait, handling, rated, happy in rows
    ]


def _local_range(f: Filter, utc_offset_hours: float):
    """The filter's days as the desk's naive local datetimes (the desk's clock)."""
    offset = timedelta(hours=utc_offset_hours)
    start = datetime.strptime(f.date_from, "%Y-%m-%d") - offset
    end = datetime.strptime(f.date_to, "%Y-%m-%d") + timedelta(days=1) - offset
    local = datetime.now().astimezone().utcoffset() or timedelta(0)
    return start + local, end + local


def unanswered(desk: Session, f: Filter, utc_offset_hours: float = 8.0) -> Rows:
    """Questions the knowledge base could not answer, most asked first (masked text;
    the channel is not recorded with them)."""
    start, end = _local_range(f, utc_offset_hours)
    rows = desk.execute(
        select(KbMiss.text, KbMiss.kind, KbMiss.count, KbMiss.last_at)
        .where(KbMiss.last_at >= start, KbMiss.last_at < end, ~KbMiss.resolved)
        .order_by(KbMiss.count.desc(), KbMiss.id)
        .limit(TOP)
    ).all()
    return [
        {"question": t, "kind": k, "count": n, "last_at": at.isoformat(" ", "minutes")}
        for t, k, n, at in rows
    ]


def tickets(
    desk: Session,
    f: Filter,
    now_local: datetime,
    sla_hours: float = 24.0,
    utc_offset_hours: float = 8.0,
) -> Rows:
    """Tickets opened and closed in the range, and those open past their SLA now."""
    start, end = _local_range(f, utc_offset_hours)
    closed = Ticket.state.in_(CLOSED_TICKET_STATES)
    due = now_local - timedelta(hours=sla_hours)
    opened_n, closed_n, overdue_n = desk.execute(
        select(
            _count_if(and_(Ticket.created_at >= start, Ticket.created_at < end)),
            _count_if(
                and_(
                    closed,
                    func.coalesce(Ticket.updated_at, Ticket.created_at) >= start,
                    func.coalesce(Ticket.updated_at, Ticket.created_at) < end,
                )
            ),
            _count_if(and_(~closed, Ticket.created_at < due)),
        )
    ).one()
    return [
        {
            "opened": int(opened_n or 0),
            "closed": int(closed_n or 0),
            "overdue": int(overdue_n or 0),
        }
    ]


def summary(db: Session, f: Filter, target_s: float = 30.0) -> Dict[str, Any]:
    """The KPI cards: the whole range in one figure each."""
    s = db.execute(
        select(
            func.count(),
            _count_if(SessionRow.outcome == "self_served"),
            func.sum(SessionRow.user_turns),
            func.sum(SessionRow.fallbacks),
            _count_if(SessionRow.handoffs > 0),
            _count_if(SessionRow.rating_kind == "bot"),
            _count_if(
                and_(
                    SessionRow.rating_kind == "bot",
                    SessionRow.rating >= SATISFIED_FROM,
                )
            ),
            func.max(cast(SessionRow.demo, Integer)),
        ).where(_sessions_where(f))
    ).one()
    h = db.execute(
        select(
            func.count(),
            func.avg(HandoffRow.queue_wait_s),
            _count_if(HandoffRow.queue_wait_s <= target_s),
            _count_if(HandoffRow.queue_wait_s.isnot(None)),
            func.avg(HandoffRow.handling_s),
            _count_if(HandoffRow.rating.isnot(None)),
            _count_if(HandoffRow.rating >= SATISFIED_FROM),
            _count_if(HandoffRow.abandoned),
        ).where(_handoffs_where(f))
    ).one()
    sessions, self_served, turns, fallbacks, with_handoff, bot_n, bot_ok, demo = s
    handoffs, wait, within, served, handling, rated, happy, abandoned = h
    return {
        "sessions": sessions,
        "resolution_rate": _ratio(self_served, sessions),
        "handoff_rate": _ratio(with_handoff, sessions),
        "fallback_rate": _ratio(fallbacks, turns),
        "handoffs": handoffs,
        "abandoned_queues": int(abandoned or 0),
        "avg_first_response_s": _avg(wait),
        "first_response_within_target": _ratio(within, served),
        "avg_handling_s": _avg(handling),
        "human_csat": _ratio(happy, rated),
        "human_ratings": int(rated or 0),
        "bot_csat": _ratio(bot_ok, bot_n),
        "bot_ratings": int(bot_n or 0),
        "demo": bool(demo),
    }
