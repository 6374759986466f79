"""Incremental, idempotent derivation: raw events + the desk's facts -> session rows.

Each run reads the events added since the last run (the `events` cursor), and re-derives
every session of the conversations they belong to, plus the open sessions idle long
enough to close. (What the desk records about a conversation, a handoff claimed or
closed, a rating, comes with events of that conversation: the desk drives Rasa.) A
session row is a function of its events and of the desk's rows for that conversation
(handoffs, their ratings, bot ratings, the customer link), so deriving it again writes
the same values: re-running changes nothing. Sessions that close in a run (a new session
started, or idle for ANALYTICS_IDLE_CLOSE_MINUTES with nobody in the queue) are announced
once to the session-closed hooks, after the commit.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Dict, List, Optional, Sequence, Set, Tuple

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from servicedesk.analytics.hooks import SessionClosedHooks
from servicedesk.analytics.models import BotRating
from servicedesk.analytics.sessions import (
    SessionFacts,
    Turn,
    parse_rows,
    session_facts,
    split_sessions,
)
from servicedesk.analytics.store import (
    Cursor,
    HandoffRow,
    IntentRow,
    RawEvent,
    SessionRow,
)
from servicedesk.privacy.models import CustomerConversation
from servicedesk.service.models import Agent, Handoff

CHUNK = 400
OPEN_HANDOFF_STATES = ("queued", "serving")
# Ratings of 4 or 5 out of 5 count as satisfied.
SATISFIED_FROM = 4


@dataclass
class DeriveCounts:
    events: int = 0
    conversations: int = 0
    sessions: int = 0
    closed: int = 0


def desk_utc(value: Optional[datetime]) -> Optional[datetime]:
    """The desk stores naive local time (its clock is datetime.now)."""
    if value is None:
        return None
    return value.astimezone(timezone.utc).replace(tzinfo=None)


def seconds(start: Optional[datetime], end: Optional[datetime]) -> Optional[float]:
    if start is None or end is None:
        return None
    return round(max((end - start).total_seconds(), 0.0), 3)


class Buckets:
    """Day and hour strings in the shop's time zone."""

    def __init__(self, utc_offset_hours: float) -> None:
        self.offset = timedelta(hours=utc_offset_hours)

    def __call__(self, at_utc: datetime) -> Tuple[str, str]:
        local = at_utc + self.offset
        return local.strftime("%Y-%m-%d"), local.strftime("%Y-%m-%d %H")


@dataclass(frozen=True)
class HandoffFact:
    """A desk handoff as analytics needs it; times in UTC."""

    handoff_no: str
    trigger: str
    state: str
    created_at: datetime
    claimed_at: Optional[datetime]
    closed_at: Optional[datetime]
    agent: Optional[str]  # username
    rating: Optional[int]


@dataclass(frozen=True)
class RatingFact:
    created_at: datetime  # UTC
    rating: int


@dataclass
class DeskFacts:
    handoffs: Dict[str, List[HandoffFact]]
    ratings: Dict[str, List[RatingFact]]
    customers: Dict[str, int]
    usernames: Dict[str, str]


def outcome_of(facts: SessionFacts, handoffs: Sequence[HandoffFact]) -> str:
    if facts.user_turns == 0:
        return "empty"
    if facts.ticket_no:
        return "ticket"
    if any(h.claimed_at for h in handoffs):
        return "handed_over"
    if handoffs or facts.handoff_requests or facts.last_user_fell_back:
        # Left the queue (or found nobody), or left right after the bot failed them.
        return "abandoned"
    return "self_served"


class Deriver:
    def __init__(
        self,
        analytics: Engine,
        desk_sessions: sessionmaker,
        utc_offset_hours: float = 8.0,
        idle_close_minutes: float = 30.0,
        hooks: Optional[SessionClosedHooks] = None,
    ) -> None:
        self.analytics = sessionmaker(bind=analytics, future=True)
        self.desk_sessions = desk_sessions
        self.buckets = Buckets(utc_offset_hours)
        self.idle = timedelta(minutes=idle_close_minutes)
        self.hooks = hooks or SessionClosedHooks()

    def run(self, now_utc: datetime) -> DeriveCounts:
        counts = DeriveCounts()
        announce: List[Tuple[str, List[Turn]]] = []
        with self.analytics() as db:
            cursor = db.get(Cursor, "events") or Cursor(name="events", value=0)
            top = db.execute(select(func.max(RawEvent.id))).scalar() or 0
            new = set(
                db.execute(
                    select(RawEvent.sender_id)
                    .where(RawEvent.id > cursor.value, RawEvent.id <= top)
                    .distinct()
                ).scalars()
            )
            counts.events = top - cursor.value
            # An open session without new events changes only by closing: only those
            # idle long enough to close are looked at again.
            still_open = set(
                db.execute(
                    select(SessionRow.sender_id).where(
                        SessionRow.closed.is_(False),
                        SessionRow.end_at <= now_utc - self.idle,
                    )
                ).scalars()
            )
            senders = sorted((new | still_open) - {None})
            counts.conversations = len(senders)
            for start in range(0, len(senders), CHUNK):
                chunk = senders[start : start + CHUNK]
                derived = self._derive(db, chunk, top, now_utc, announce)
                counts.sessions += derived
            cursor.value = top
            db.merge(cursor)
            db.commit()
        counts.closed = len(announce)
        for key, turns in announce:
            self.hooks.notify(key, turns)
        return counts

    def _desk_facts(self, senders: Sequence[str]) -> DeskFacts:
        handoffs: Dict[str, List[HandoffFact]] = defaultdict(list)
        ratings: Dict[str, List[RatingFact]] = defaultdict(list)
        customers: Dict[str, int] = {}
        with self.desk_sessions() as desk:
            agents = desk.execute(
                select(Agent.id, Agent.username, Agent.display_name)
            ).all()
            by_id = {agent_id: username for agent_id, username, _ in agents}
            for row in desk.execute(
                select(
                    Handoff.conversation_id,
                    Handoff.customer_id,
                    Handoff.handoff_no,
                    Handoff.trigger,
                    Handoff.state,
                    Handoff.created_at,
                    Handoff.claimed_at,
                    Handoff.closed_at,
                    Handoff.agent_id,
                    Handoff.rating,
                )
                .where(Handoff.conversation_id.in_(senders))
                .order_by(Handoff.id)
            ):
                handoffs[row.conversation_id].append(
                    HandoffFact(
                        handoff_no=row.handoff_no,
                        trigger=row.trigger,
                        state=row.state,
                        created_at=desk_utc(row.created_at),
                        claimed_at=desk_utc(row.claimed_at),
                        closed_at=desk_utc(row.closed_at),
                        agent=by_id.get(row.agent_id),
                        rating=row.rating,
                    )
                )
                if row.customer_id and row.conversation_id not in customers:
                    customers[row.conversation_id] = row.customer_id
            for conversation_id, created_at, rating in desk.execute(
                select(
                    BotRating.conversation_id, BotRating.created_at, BotRating.rating
                )
                .where(BotRating.conversation_id.in_(senders))
                .order_by(BotRating.id)
            ):
                ratings[conversation_id].append(
                    RatingFact(desk_utc(created_at), rating)
                )
            for conversation_id, customer_id in desk.execute(
                select(
                    CustomerConversation.conversation_id,
                    CustomerConversation.customer_id,
                )
                .where(CustomerConversation.conversation_id.in_(senders))
                .order_by(CustomerConversation.id)
            ):
                customers[conversation_id] = customer_id
        usernames = {display: username for _, username, display in agents}
        return DeskFacts(handoffs, ratings, customers, usernames)

    def _derive(
        self,
        db: Session,
        senders: Sequence[str],
        top: int,
        now: datetime,
        announce: List[Tuple[str, List[Turn]]],
    ) -> int:
        by_sender: Dict[str, List[Tuple[int, str]]] = defaultdict(list)
        for row_id, sender, data in db.execute(
            select(RawEvent.id, RawEvent.sender_id, RawEvent.data)
            .where(RawEvent.sender_id.in_(senders), RawEvent.id <= top)
            .order_by(RawEvent.id)
        ):
            by_sender[sender].append((row_id, data))
        desk = self._desk_facts(senders)
        existing = {
            row.session_key: row
            for row in db.execute(
                select(SessionRow).where(SessionRow.sender_id.in_(senders))
            ).scalars()
        }
        keys = select(SessionRow.session_key).where(SessionRow.sender_id.in_(senders))
        self._intents: Dict[str, Dict[str, IntentRow]] = defaultdict(dict)
        for intent_row in db.execute(
            select(IntentRow).where(IntentRow.session_key.in_(keys))
        ).scalars():
            self._intents[intent_row.session_key][intent_row.intent] = intent_row
        self._handoffs: Dict[str, HandoffRow] = {
            h.handoff_no: h
            for h in db.execute(
                select(HandoffRow).where(HandoffRow.session_key.in_(keys))
            ).scalars()
        }
        derived = 0
        for sender in senders:
            sessions = split_sessions(parse_rows(by_sender.get(sender, [])))
            facts = [session_facts(sender, s, desk.usernames) for s in sessions]
            for index, fact in enumerate(facts):
                until = facts[index + 1].start_at if index + 1 < len(facts) else None
                handoffs = [
                    h
                    for h in desk.handoffs.get(sender, [])
                    if h.created_at >= fact.start_at - timedelta(seconds=5)
                    and (until is None or h.created_at < until)
                ]
                ratings = [
                    r
                    for r in desk.ratings.get(sender, [])
                    if r.created_at >= fact.start_at
                    and (until is None or r.created_at < until)
                ]
                waiting = any(h.state in OPEN_HANDOFF_STATES for h in handoffs)
                closed = until is not None or (
                    not waiting and now - fact.end_at >= self.idle
                )
                row = existing.get(fact.session_key)
                was_closed = bool(row and row.closed)
                row = self._write_session(
                    db, row, fact, handoffs, ratings, desk, closed
                )
                derived += 1
                if closed and not was_closed and fact.user_turns:
                    announce.append((fact.session_key, fact.turns))
        return derived

    def _write_session(
        self,
        db: Session,
        row: Optional[SessionRow],
        fact: SessionFacts,
        handoffs: Sequence[HandoffFact],
        ratings: Sequence[RatingFact],
        desk: DeskFacts,
        closed: bool,
    ) -> SessionRow:
        day, hour = self.buckets(fact.start_at)
        served = [h for h in handoffs if h.claimed_at]
        rated = [h for h in handoffs if h.rating]
        rating, rating_kind = None, None
        if rated:
            rating, rating_kind = rated[-1].rating, "human"
        elif ratings and not handoffs:
            rating, rating_kind = ratings[-1].rating, "bot"
        handling = [seconds(h.claimed_at, h.closed_at) for h in served if h.closed_at]
        values = dict(
            sender_id=fact.sender_id,
            first_event_id=fact.first_event_id,
            last_event_id=fact.last_event_id,
            channel=fact.channel,
            customer_id=desk.customers.get(fact.sender_id),
            start_at=fact.start_at,
            end_at=fact.end_at,
            day=day,
            hour=hour,
            user_turns=fact.user_turns,
            bot_turns=fact.bot_turns,
            agent_turns=fact.agent_turns,
            intents=" ".join(fact.intents)[:4000],
            tasks_started=fact.tasks_started,
            tasks_completed=fact.tasks_completed,
            fallbacks=fact.fallbacks,
            kb_answers=fact.kb_answers,
            kb_thumbs_down=fact.kb_thumbs_down,
            handoffs=len(handoffs),
            handoff_trigger=handoffs[0].trigger if handoffs else None,
            queue_wait_s=seconds(served[0].created_at, served[0].claimed_at)
            if served
            else None,
            handling_s=round(sum(handling), 3) if handling else None,
            agent=served[-1].agent if served else None,
            ticket_no=fact.ticket_no,
            rating=rating,
            rating_kind=rating_kind,
            outcome=outcome_of(fact, handoffs),
            demo=fact.demo,
            closed=closed,
        )
        if row is None:
            row = SessionRow(session_key=fact.session_key, **values)
            db.add(row)
        else:
            for name, value in values.items():
                if getattr(row, name) != value:
                    setattr(row, name, value)
        self._write_handoffs(db, fact, handoffs, closed)
        self._write_intents(db, fact, day, hour)
        return row

    def _write_handoffs(
        self,
        db: Session,
        fact: SessionFacts,
        handoffs: Sequence[HandoffFact],
        closed: bool,
    ) -> None:
        for handoff in handoffs:
            requested = handoff.created_at
            day, hour = self.buckets(requested)
            never_served = handoff.claimed_at is None
            values = dict(
                session_key=fact.session_key,
                channel=fact.channel,
                day=day,
                hour=hour,
                trigger=handoff.trigger,
                requested_at=requested,
                queue_wait_s=seconds(requested, handoff.claimed_at),
                handling_s=seconds(handoff.claimed_at, handoff.closed_at),
                agent=handoff.agent,
                state=handoff.state,
                abandoned=never_served
                and (handoff.state in ("cancelled", "closed") or closed),
                rating=handoff.rating,
                demo=fact.demo,
            )
            row = self._handoffs.get(handoff.handoff_no)
            if row is None:
                row = HandoffRow(handoff_no=handoff.handoff_no, **values)
                self._handoffs[handoff.handoff_no] = row
                db.add(row)
            else:
                for name, value in values.items():
                    if getattr(row, name) != value:
                        setattr(row, name, value)

    def _write_intents(
        self, db: Session, fact: SessionFacts, day: str, hour: str
    ) -> None:
        wanted = fact.intent_counts()
        have = self._intents[fact.session_key]
        for intent in [i for i in have if i not in wanted]:
            db.delete(have.pop(intent))
        for intent, count in wanted.items():
            row = have.get(intent)
            values = dict(day=day, hour=hour, channel=fact.channel, count=count)
            if row is None:
                row = IntentRow(session_key=fact.session_key, intent=intent, **values)
                have[intent] = row
                db.add(row)
            else:
                for name, value in values.items():
                    if getattr(row, name) != value:
                        setattr(row, name, value)


def forget_conversations(db: Session, senders: Set[str]) -> int:
    """Deletes every analytics row of these conversations (erasure); returns how many
    events went."""
    ids = sorted(senders)
    removed = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        keys = select(SessionRow.session_key).where(SessionRow.sender_id.in_(chunk))
        plain = {"synchronize_session": False}
        db.execute(
            delete(IntentRow).where(IntentRow.session_key.in_(keys)),
            execution_options=plain,
        )
        db.execute(
            delete(HandoffRow).where(HandoffRow.session_key.in_(keys)),
            execution_options=plain,
        )
        db.execute(
            delete(SessionRow).where(SessionRow.sender_id.in_(chunk)),
            execution_options=plain,
        )
        removed += db.execute(
            delete(RawEvent).where(RawEvent.sender_id.in_(chunk)),
            execution_options=plain,
        ).rowcount
    return removed
