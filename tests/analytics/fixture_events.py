"""A fixed history for the KPI tests, landed through the real event broker.

Times are UTC; the shop's days are UTC+8. Hand-computed answers are in test_kpis.py.

- a-self      3-10 10:00 shop, socketio: greet, order found, goodbye; bot rating 5.
              A second session of the same sender on 3-11 14:00 shop: greet.
- b-midnight  3-10 23:50 -> 3-11 00:20 shop, rest: fallback, KB answer + thumbs down,
              fallback again, then silence (abandoned after a fallback).
- c-two       3-11 09:00 shop, socketio: two handoffs. agent1 claims after 20 s and
              serves 300 s (rating 5); agent2 claims after 60 s, serves 120 s (rating 2).
- d-left      3-11 11:00 shop, rest: complaint, queued, cancelled before anyone claimed.
- e-ticket    3-11 12:00 shop, socketio: nobody free, leaves a message (ticket).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import List

from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from sqlalchemy.orm import sessionmaker

from addons.analytics_broker import MaskedSQLEventBroker
from servicedesk.service.models import Agent, Handoff


def ts(text: str) -> float:
    """'2026-03-10 02:00:00' (UTC) as a Unix timestamp."""
    at = datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    return at.replace(tzinfo=timezone.utc).timestamp()


def desk_time(text: str) -> datetime:
    """The same instant as the desk stores it: naive local time."""
    return datetime.fromtimestamp(ts(text))


def user(text: str, intent: str, at: str, channel: str) -> UserUttered:
    return UserUttered(
        text, intent={"name": intent, "confidence": 0.9}, input_channel=channel,
        timestamp=ts(at),
    )  # fmt: skip


def bot(text: str, at: str) -> BotUttered:
    return BotUttered(text, timestamp=ts(at))


def agent_says(name: str, text: str, at: str) -> BotUttered:
    payload = {"type": "agent_message", "id": 1, "agent": name, "text": text}
    return BotUttered(None, data={"custom": {"data": payload}}, timestamp=ts(at))


def action(name: str, at: str) -> ActionExecuted:
    return ActionExecuted(name, timestamp=ts(at))


def slot(name: str, value, at: str) -> SlotSet:
    return SlotSet(name, value, timestamp=ts(at))


def start(at: str) -> List[Event]:
    return [action("action_session_start", at), SessionStarted(timestamp=ts(at))]


CONVERSATIONS = {
    "a-self": [
        *start("2026-03-10 02:00:00"),
        user("你好", "greet", "2026-03-10 02:00:01", "socketio"),
        bot("您好", "2026-03-10 02:00:02"),
        user("我的订单怎么样了", "query_order", "2026-03-10 02:01:00", "socketio"),
        slot("task", "query_order", "2026-03-10 02:01:01"),
        action("action_query_order", "2026-03-10 02:01:02"),
        slot("lookup_result", "found", "2026-03-10 02:01:02"),
        bot("订单已发货", "2026-03-10 02:01:03"),
        user("拜拜", "goodbye", "2026-03-10 02:02:00", "socketio"),
        bot("再见", "2026-03-10 02:02:01"),
    ],
    "b-midnight": [
        *start("2026-03-10 15:50:00"),
        user("asdfgh", "nlu_fallback", "2026-03-10 15:50:01", "rest"),
        action("action_default_fallback", "2026-03-10 15:50:02"),
        bot("没看懂", "2026-03-10 15:50:02"),
        user("运费谁出", "faq", "2026-03-10 16:00:00", "rest"),
        slot("kb_result", "answer", "2026-03-10 16:00:01"),
        bot("运费由卖家承担", "2026-03-10 16:00:01"),
        user("没解决", "rate_service", "2026-03-10 16:01:00", "rest"),
        action("action_kb_feedback", "2026-03-10 16:01:01"),
        user("qwerty", "nlu_fallback", "2026-03-10 16:20:00", "rest"),
        bot("没看懂，换个说法？", "2026-03-10 16:20:01"),
    ],
    "c-two": [
        *start("2026-03-11 01:00:00"),
        user("转人工", "request_human", "2026-03-11 01:00:05", "socketio"),
        action("action_handoff", "2026-03-11 01:00:06"),
        agent_says("客服小王", "您好，我是小王", "2026-03-11 01:00:40"),
        user("好的谢谢", "thank", "2026-03-11 01:01:00", "socketio"),
        user("再转一次人工", "request_human", "2026-03-11 01:10:00", "socketio"),
        action("action_handoff", "2026-03-11 01:10:01"),
        agent_says("客服小李", "您好，我是小李", "2026-03-11 01:11:10"),
    ],
    "d-left": [
        *start("2026-03-11 03:00:00"),
        user("你们太差了我要投诉", "complain", "2026-03-11 03:00:01", "rest"),
        action("action_handoff", "2026-03-11 03:00:03"),
    ],
    "e-ticket": [
        *start("2026-03-11 04:00:00"),
        user("转人工", "request_human", "2026-03-11 04:00:01", "socketio"),
        action("action_handoff", "2026-03-11 04:00:02"),
        user("好的", "affirm", "2026-03-11 04:00:30", "socketio"),
        action("action_leave_message", "2026-03-11 04:00:31"),
        slot("ticket_no", "TK20260311000001", "2026-03-11 04:00:31"),
    ],
}
LATER = {
    "a-self": [
        *start("2026-03-11 06:00:00"),
        user("你好", "greet", "2026-03-11 06:00:01", "socketio"),
        bot("您好", "2026-03-11 06:00:02"),
    ],
}

HANDOFFS = [
    # handoff_no, conversation, trigger, state, created, claimed, closed, agent, rating
    ("HO1", "c-two", "user_request", "closed", "2026-03-11 01:00:10",
     "2026-03-11 01:00:30", "2026-03-11 01:05:30", "agent1", 5),
    ("HO2", "c-two", "user_request", "closed", "2026-03-11 01:10:05",
     "2026-03-11 01:11:05", "2026-03-11 01:13:05", "agent2", 2),
    ("HO3", "d-left", "complaint", "cancelled", "2026-03-11 03:00:05",
     None, "2026-03-11 03:02:00", None, None),
]  # fmt: skip


def land(broker: MaskedSQLEventBroker, conversations) -> int:
    count = 0
    for sender, events in conversations.items():
        for event in events:
            broker.publish({"sender_id": sender, **event.as_dict()})
            count += 1
    # The broker writes from its own thread: landed means written.
    broker.flush()
    return count


def add_handoffs(desk_sessions: sessionmaker) -> None:
    with desk_sessions() as session, session.begin():
        agents = {a.username: a for a in session.query(Agent)}
        for (
            no,
            conv,
            trigger,
            state,
            created,
            claimed,
            closed,
            agent,
            rating,
        ) in HANDOFFS:
            session.add(
                Handoff(
                    handoff_no=no,
                    conversation_id=conv,
                    trigger=trigger,
                    state=state,
                    summary={},
                    created_at=desk_time(created),
                    claimed_at=desk_time(claimed) if claimed else None,
                    closed_at=desk_time(closed) if closed else None,
                    agent_id=agents[agent].id if agent else None,
                    resolution="solved" if claimed else None,
                    rating=rating,
                )
            )
