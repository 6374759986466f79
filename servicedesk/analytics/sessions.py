"""From one conversation's raw events (as Rasa serialises them) to its sessions' facts.

Pure functions, no database: the derivation feeds them rows of the `events` table.
A session begins at Rasa's `action_session_start` (or a `session_started` not preceded
by it) and runs to the next one.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List, Optional, Tuple

FALLBACK_INTENT = "nlu_fallback"
FALLBACK_ACTIONS = {"action_default_fallback"}
# A business request the user started (slot `task`) is completed when the service desk
# gave what was asked: the order found, a request created or its progress, an invoice
# issued, an order modified or cancelled.
DONE_LOOKUPS = {"found", "created", "modified", "progress", "issued"}
DONE_CANCELS = {"cancelled"}
KB_ANSWER = "answer"
KB_FEEDBACK_ACTION = "action_kb_feedback"
HANDOFF_ACTION = "action_handoff"
SESSION_START_ACTION = "action_session_start"


@dataclass(frozen=True)
class Turn:
    """One message of a session, as the session-closed hooks receive it."""

    role: str  # user / bot / agent
    text: str
    at: datetime  # UTC
    agent: Optional[str] = None  # the agent's username for role "agent"


@dataclass
class SessionFacts:
    sender_id: str
    first_event_id: int
    last_event_id: int
    start_at: datetime
    end_at: datetime
    channel: str = ""
    user_turns: int = 0
    bot_turns: int = 0
    agent_turns: int = 0
    intents: List[str] = field(default_factory=list)
    tasks_started: int = 0
    tasks_completed: int = 0
    fallbacks: int = 0
    kb_answers: int = 0
    kb_thumbs_down: int = 0
    handoff_requests: int = 0
    ticket_no: Optional[str] = None
    last_user_fell_back: bool = False
    demo: bool = False
    turns: List[Turn] = field(default_factory=list)

    @property
    def session_key(self) -> str:
        return f"{self.sender_id}#{self.first_event_id}"

    def intent_counts(self) -> Counter:
        return Counter(self.intents)


def utc(timestamp: Optional[float]) -> datetime:
    return datetime.fromtimestamp(timestamp or 0, tz=timezone.utc).replace(tzinfo=None)


def split_sessions(
    rows: Iterable[Tuple[int, Dict[str, Any]]],
) -> List[List[Tuple[int, Dict[str, Any]]]]:
    sessions: List[List[Tuple[int, Dict[str, Any]]]] = []
    current: List[Tuple[int, Dict[str, Any]]] = []
    for row_id, data in rows:
        kind, name = data.get("event"), data.get("name")
        starts = kind == "action" and name == SESSION_START_ACTION
        if kind == "session_started":
            only_start = all(
                d.get("event") == "action" and d.get("name") == SESSION_START_ACTION
                for _, d in current
            )
            starts = not only_start
        if starts and current:
            sessions.append(current)
            current = []
        current.append((row_id, data))
    if current:
        sessions.append(current)
    return sessions


def _intent(data: Dict[str, Any]) -> Optional[str]:
    return ((data.get("parse_data") or {}).get("intent") or {}).get("name")


def _agent_payload(data: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    payload = ((data.get("data") or {}).get("custom") or {}).get("data")
    if isinstance(payload, dict) and payload.get("type") == "agent_message":
        return payload
    return None


def session_facts(
    sender_id: str,
    events: List[Tuple[int, Dict[str, Any]]],
    agent_usernames: Optional[Dict[str, str]] = None,
) -> SessionFacts:
    """`agent_usernames` maps an agent's display name (what the chat shows) to their
    username."""
    agent_usernames = agent_usernames or {}
    stamps = [d.get("timestamp") for _, d in events if d.get("timestamp")]
    facts = SessionFacts(
        sender_id=sender_id,
        first_event_id=events[0][0],
        last_event_id=events[-1][0],
        start_at=utc(min(stamps) if stamps else 0),
        end_at=utc(max(stamps) if stamps else 0),
    )
    fell_back: List[bool] = []
    for _, data in events:
        kind, name = data.get("event"), data.get("name")
        at = utc(data.get("timestamp"))
        if kind == "user":
            intent = _intent(data)
            facts.user_turns += 1
            if intent and not intent.startswith("EXTERNAL_"):
                facts.intents.append(intent)
            fell_back.append(intent == FALLBACK_INTENT)
            if not facts.channel and data.get("input_channel"):
                facts.channel = str(data["input_channel"])
            if (data.get("metadata") or {}).get("demo"):
                facts.demo = True
            if data.get("text") and not str(data["text"]).startswith("/"):
                facts.turns.append(Turn("user", str(data["text"]), at))
        elif kind == "bot":
            payload = _agent_payload(data)
            if payload is not None:
                facts.agent_turns += 1
                display = str(payload.get("agent") or "")
                username = agent_usernames.get(display, display or None)
                text = str(payload.get("text") or "")
                facts.turns.append(Turn("agent", text, at, username))
            elif data.get("text"):
                facts.bot_turns += 1
                facts.turns.append(Turn("bot", str(data["text"]), at))
        elif kind == "action":
            if name in FALLBACK_ACTIONS and fell_back:
                fell_back[-1] = True
            elif name == KB_FEEDBACK_ACTION:
                facts.kb_thumbs_down += 1
            elif name == HANDOFF_ACTION:
                facts.handoff_requests += 1
        elif kind == "slot":
            value = data.get("value")
            if name == "task" and value:
                facts.tasks_started += 1
            elif name == "lookup_result" and value in DONE_LOOKUPS:
                facts.tasks_completed += 1
            elif name == "cancel_result" and value in DONE_CANCELS:
                facts.tasks_completed += 1
            elif name == "kb_result" and value == KB_ANSWER:
                facts.kb_answers += 1
            elif name == "ticket_no" and value:
                facts.ticket_no = str(value)
    facts.fallbacks = sum(fell_back)
    facts.last_user_fell_back = bool(fell_back) and fell_back[-1]
    # A completion without a start (an order card clicked straight away) still counts.
    facts.tasks_started = max(facts.tasks_started, facts.tasks_completed)
    return facts


def parse_rows(rows: Iterable[Tuple[int, str]]) -> List[Tuple[int, Dict[str, Any]]]:
    parsed = []
    for row_id, data in rows:
        try:
            parsed.append((row_id, json.loads(data)))
        except (TypeError, ValueError):
            continue  # a row nobody can read is no fact
    return parsed
