"""A plausible service history, generated: conversations as Rasa serialises their events,
and the desk's rows that go with them (handoffs, bot ratings, tickets).

Used for the demo's 30 days (scripts/demo_history.py lands the events through the real
event broker) and for the benchmark's 100,000 sessions (scripts/bench_analytics.py).
Every user event carries `metadata.demo`, so derived rows are marked as demo data.
Deterministic for a given random seed and start time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, Iterator, List, Optional

from servicedesk.analytics.models import BotRating
from servicedesk.service.models import Handoff, Ticket

CHANNELS = (("socketio", 0.7), ("rest", 0.2), ("wechat", 0.1))
AGENTS = (("agent1", "客服小王"), ("agent2", "客服小李"))
# Conversations per hour of the shop's day (UTC+8), relative: quiet at night, peaks at
# 10-11 and 20-22.
HOURLY = (1, 0.5, 0.3, 0.2, 0.2, 0.3, 0.6, 1.2, 2.5, 3.5, 4.5, 4.5, 3.5, 3.5, 4, 4,
          3.5, 3.5, 3.5, 4.5, 5.5, 5.5, 4, 2)  # fmt: skip
SCENARIOS = (
    ("order", 0.34), ("faq", 0.24), ("faq_unhelpful", 0.05), ("fallback_left", 0.07),
    ("handoff", 0.18), ("handoff_left", 0.05), ("ticket", 0.05), ("two_handoffs", 0.02),
)  # fmt: skip
ORDER_INTENTS = ("query_order", "query_logistics", "request_refund", "cancel_order",
                 "request_invoice", "request_return_exchange")  # fmt: skip
ASKS = {
    "query_order": "我的订单怎么样了", "query_logistics": "我的快递到哪了",
    "request_refund": "我要退款", "cancel_order": "帮我取消订单",
    "request_invoice": "我要开发票", "request_return_exchange": "我想换货",
}  # fmt: skip
FAQS = ("七天无理由怎么算", "运费谁出", "多久发货", "能开专票吗", "支持花呗吗")
TRIGGERS = (("user_request", 0.6), ("complaint", 0.15), ("repeated_failure", 0.15),
            ("form_failure", 0.05), ("backend_error", 0.05))  # fmt: skip


@dataclass
class DeskHandoff:
    trigger: str
    created: float  # Unix time
    claimed: Optional[float]
    closed: Optional[float]
    agent: Optional[str]
    rating: Optional[int]
    state: str


@dataclass
class Conversation:
    sender_id: str
    events: List[Dict[str, Any]] = field(default_factory=list)
    handoffs: List[DeskHandoff] = field(default_factory=list)
    bot_rating: Optional[int] = None
    bot_rating_at: Optional[float] = None
    ticket_no: Optional[str] = None
    ticket_at: Optional[float] = None


def _pick(rng: random.Random, weighted) -> str:
    names = [name for name, _ in weighted]
    weights = [weight for _, weight in weighted]
    return rng.choices(names, weights)[0]


class _Writer:
    def __init__(self, conv: Conversation, channel: str, at: float) -> None:
        self.conv, self.channel, self.at = conv, channel, at

    def tick(self, rng: random.Random, low: float, high: float) -> float:
        self.at += rng.uniform(low, high)
        return self.at

    def add(self, event: Dict[str, Any]) -> None:
        self.conv.events.append({"timestamp": self.at, "metadata": {}, **event})

    def start(self) -> None:
        self.add({"event": "action", "name": "action_session_start"})
        self.add({"event": "session_started"})

    def user(self, text: str, intent: str) -> None:
        self.add(
            {
                "event": "user",
                "text": text,
                "parse_data": {
                    "intent": {"name": intent, "confidence": 0.93},
                    "entities": [],
                    "text": text,
                },
                "input_channel": self.channel,
                "metadata": {"demo": True},
            }
        )

    def bot(self, text: str) -> None:
        self.add({"event": "bot", "text": text, "data": {}})

    def agent(self, name: str, text: str) -> None:
        payload = {"type": "agent_message", "id": 0, "agent": name, "text": text}
        self.add({"event": "bot", "text": None, "data": {"custom": {"data": payload}}})

    def action(self, name: str) -> None:
        self.add({"event": "action", "name": name})

    def slot(self, name: str, value: Any) -> None:
        self.add({"event": "slot", "name": name, "value": value})


def _rating(rng: random.Random, good: float) -> int:
    """A score of 4 or 5 with probability `good`."""
    bad = 1 - good
    weights = (good * 0.7, good * 0.3, bad * 0.5, bad * 0.3, bad * 0.2)
    return rng.choices((5, 4, 3, 2, 1), weights)[0]


def _handoff(
    rng: random.Random, w: _Writer, trigger: str, serve: bool, busy: float
) -> DeskHandoff:
    w.tick(rng, 1, 3)
    w.action("action_handoff")
    w.bot("已为您排队转接人工客服")
    created = w.at
    if not serve:
        left = created + rng.uniform(40, 400)
        w.at = left
        return DeskHandoff(trigger, created, None, left, None, None, "cancelled")
    username, name = rng.choice(AGENTS)
    wait = rng.lognormvariate(2.6 + busy, 0.7)  # median ~14 s, longer when busy
    claimed = created + wait
    w.at = claimed + rng.uniform(2, 8)
    w.agent(name, "您好，我是" + name + "，请问有什么可以帮您？")
    w.tick(rng, 10, 60)
    w.user("我的问题是这样的", "inform")
    w.tick(rng, 20, 120)
    w.agent(name, "已经为您处理好了")
    handling = w.at - claimed + rng.uniform(30, 240)
    closed = claimed + handling
    w.at = closed
    w.action("action_handoff_ended")
    w.slot("handoff_result", "closed")
    rating = _rating(rng, 0.9) if rng.random() < 0.7 else None
    if rating:
        w.tick(rng, 5, 30)
        w.user(f"{rating}分", "rate_service")
        w.action("action_submit_rating")
    return DeskHandoff(trigger, created, claimed, closed, username, rating, "closed")


def conversation(
    rng: random.Random, sender: str, at: float, busy: float
) -> Conversation:
    conv = Conversation(sender)
    w = _Writer(conv, _pick(rng, CHANNELS), at)
    w.start()
    scenario = _pick(rng, SCENARIOS)
    if rng.random() < 0.4:
        w.tick(rng, 1, 5)
        w.user("你好", "greet")
        w.bot("您好，我是智能客服小智")
    if scenario == "order":
        intent = rng.choice(ORDER_INTENTS)
        w.tick(rng, 3, 20)
        w.user(ASKS[intent], intent)
        w.slot("task", intent)
        w.tick(rng, 1, 3)
        found = rng.random() < 0.85
        w.slot("lookup_result", "found" if found else "not_found")
        w.bot("为您查到订单" if found else "没有找到这个订单")
    elif scenario in ("faq", "faq_unhelpful"):
        w.tick(rng, 3, 20)
        w.user(rng.choice(FAQS), "faq")
        w.slot("kb_result", "answer")
        w.bot("这是知识库的答案")
        if scenario == "faq_unhelpful":
            w.tick(rng, 5, 30)
            w.user("/rate_service", "rate_service")
            w.action("action_kb_feedback")
    elif scenario == "fallback_left":
        for _ in range(rng.choice((1, 2))):
            w.tick(rng, 3, 30)
            w.user("嗯嗯那个啥", "nlu_fallback")
            w.bot("您是想问…吗？")
        return conv
    elif scenario in ("handoff", "handoff_left", "two_handoffs"):
        trigger = _pick(rng, TRIGGERS)
        w.tick(rng, 3, 20)
        if trigger == "complaint":
            w.user("太差了我要投诉", "complain")
        else:
            w.user("转人工", "request_human")
        conv.handoffs.append(
            _handoff(rng, w, trigger, scenario != "handoff_left", busy)
        )
        if scenario == "two_handoffs":
            w.tick(rng, 20, 120)
            w.user("还有一个问题，转人工", "request_human")
            conv.handoffs.append(_handoff(rng, w, "user_request", True, busy))
        if scenario == "handoff_left":
            return conv
    elif scenario == "ticket":
        w.tick(rng, 3, 20)
        w.user("转人工", "request_human")
        w.action("action_handoff")
        w.bot("现在没有客服，要留言吗？")
        w.tick(rng, 5, 30)
        w.user("好的", "affirm")
        w.action("action_leave_message")
        conv.ticket_no = "TKDEMO" + sender.rsplit("-", 1)[-1]
        conv.ticket_at = w.at
        w.slot("ticket_no", conv.ticket_no)
        w.bot("留言已登记")
        return conv
    if rng.random() < 0.5:
        w.tick(rng, 5, 40)
        w.user("谢谢，再见", "goodbye")
        w.bot("再见")
        if not conv.handoffs and rng.random() < 0.5:
            w.action("action_offer_bot_rating")
            w.tick(rng, 5, 20)
            conv.bot_rating = _rating(rng, 0.8)
            conv.bot_rating_at = w.at
            w.user(str(conv.bot_rating), "inform")
            w.action("action_submit_rating")
    return conv


def history(
    end_utc: datetime,
    days: int,
    per_day: int,
    seed: int = 18,
    prefix: str = "demo-history",
) -> Iterator[Conversation]:
    """About `per_day` conversations a day over the `days` days before `end_utc`."""
    rng = random.Random(seed)
    start = end_utc.replace(tzinfo=timezone.utc) - timedelta(days=days)
    total = sum(HOURLY)
    n = 0
    for day in range(days):
        for hour, weight in enumerate(HOURLY):
            # The hour of the shop's day (UTC+8) in UTC.
            base = start + timedelta(days=day, hours=hour - 8)
            expected = per_day * weight / total
            busy = 0.6 if weight >= 4.5 else 0.0
            count = int(expected) + (rng.random() < expected - int(expected))
            for _ in range(count):
                at = base + timedelta(seconds=rng.uniform(0, 3600))
                if at >= end_utc.replace(tzinfo=timezone.utc) or at < start:
                    continue
                n += 1
                yield conversation(rng, f"{prefix}-{n:06d}", at.timestamp(), busy)


def _local(ts: float) -> datetime:
    return datetime.fromtimestamp(ts)  # the desk's naive local time


def desk_rows(conv: Conversation, number: int, agents: Dict[str, int]) -> List[Any]:
    """The desk's rows of a generated conversation (`agents`: username -> id)."""
    rows: List[Any] = []
    for index, h in enumerate(conv.handoffs, 1):
        rows.append(
            Handoff(
                handoff_no=f"HODEMO{number:06d}{index}",
                conversation_id=conv.sender_id,
                trigger=h.trigger,
                urgent=h.trigger == "complaint",
                state=h.state,
                summary={"demo": True},
                agent_id=agents.get(h.agent),
                created_at=_local(h.created),
                claimed_at=_local(h.claimed) if h.claimed else None,
                closed_at=_local(h.closed) if h.closed else None,
                resolution="solved" if h.claimed else None,
                rating=h.rating,
            )
        )
    if conv.bot_rating and conv.bot_rating_at:
        rows.append(
            BotRating(
                conversation_id=conv.sender_id,
                rating=conv.bot_rating,
                created_at=_local(conv.bot_rating_at),
            )
        )
    if conv.ticket_no and conv.ticket_at:
        rows.append(
            Ticket(
                ticket_no=conv.ticket_no,
                subject="演示留言",
                description="演示数据",
                state="open" if number % 10 == 0 else "closed",
                source="message",
                created_at=_local(conv.ticket_at),
                updated_at=_local(conv.ticket_at + 3 * 3600),
            )
        )
    return rows
