"""Inspecting one whole conversation: flags and a 0-100 score, a pure function.

`inspect_conversation(turns)` takes turns with the attributes role ('user' | 'bot' |
'agent'), text, at (a datetime, UTC) and agent (username or None), in order.

- Staff turns (bot and agent alike) are searched for the word lists: abuse, rude words,
  promises a shop must not make, competitors, contact details off the platform.
- Agent turns also for personal data (phone, ID card, bank card, e-mail, address).
- Each agent greets in their first turn; the last agent turn closes politely; once the
  agent has spoken, every customer message is answered within 30 seconds (the wait
  before the first answer is the queue's, measured by analytics).
- Every customer turn gets an emotion; the course over the conversation is kept.

Score: 100 minus each flag's deduction (DEDUCTIONS), a code's total capped at twice its
deduction, never below 0. A conversation goes to review when it has a major flag or
scores below REVIEW_BELOW.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from servicedesk.quality import emotion, engine, service_rules
from servicedesk.quality.categories import DEFAULT_WORDS, staff_only

REVIEW_BELOW = 80
# Code -> (severity, points off).
DEDUCTIONS: Dict[str, Tuple[str, int]] = {
    "abuse": ("major", 30),
    "rude": ("major", 20),
    "promise": ("major", 20),
    "contact": ("major", 20),
    "personal_data": ("major", 15),
    "competitor": ("minor", 10),
    "no_greeting": ("minor", 10),
    "no_closing": ("minor", 10),
    "slow_reply": ("minor", 5),
    "ended_unhappy": ("minor", 10),
    # The customer's side: sent to review, not the staff's fault by itself.
    "customer_angry": ("major", 0),
    "customer_abuse": ("minor", 0),
}
STAFF_ROLES = ("bot", "agent")


@dataclass(frozen=True)
class Turn:
    role: str
    text: str
    at: datetime
    agent: Optional[str] = None


@dataclass(frozen=True)
class Flag:
    code: str
    severity: str
    turn: Optional[int]  # index into the turns, None for the whole conversation
    role: Optional[str] = None
    agent: Optional[str] = None
    words: Tuple[str, ...] = ()
    seconds: Optional[int] = None

    def as_dict(self) -> Dict[str, Any]:
        data = asdict(self)
        data["words"] = list(self.words)
        return {k: v for k, v in data.items() if v not in (None, [])}


@dataclass
class Inspection:
    score: int
    flags: List[Flag]
    emotions: List[Dict[str, Any]]  # {"turn": index, "emotion": ...} per customer turn
    trajectory: str
    peak: str
    last: str
    agents: List[str]
    turns: int
    started_at: Optional[datetime]
    ended_at: Optional[datetime]
    flagged: bool = field(default=False)


def default_words() -> List[Tuple[str, str]]:
    return [(c, p) for c, phrases in DEFAULT_WORDS.items() for p in phrases]


def make_flag(code: str, turn: Optional[int], **details: Any) -> Flag:
    return Flag(code, DEDUCTIONS[code][0], turn, **details)


def word_flags(index: int, turn: Any, hits: Sequence[engine.Hit]) -> Iterable[Flag]:
    by_category: Dict[str, List[str]] = defaultdict(list)
    for hit in hits:
        if hit.phrase not in by_category[hit.category]:
            by_category[hit.category].append(hit.phrase)
    for category, words in by_category.items():
        if turn.role == "user":
            if category == "abuse":
                yield make_flag(
                    "customer_abuse", index, role="user", words=tuple(words)
                )
            continue
        if staff_only(category) or category == "abuse":
            yield make_flag(
                category, index, role=turn.role, agent=turn.agent, words=tuple(words)
            )


def reply_flags(turns: Sequence[Any]) -> Iterable[Flag]:
    """Greeting, closing and reply time of the agents."""
    greeted: set = set()
    agent_spoke = False
    waiting_since: Optional[datetime] = None
    last_agent: Optional[int] = None
    for index, turn in enumerate(turns):
        if turn.role == "user":
            if agent_spoke and waiting_since is None:
                waiting_since = turn.at
            continue
        if turn.role != "agent":
            continue
        last_agent = index
        if turn.agent not in greeted:
            greeted.add(turn.agent)
            if not service_rules.greets(turn.text):
                yield make_flag("no_greeting", index, role="agent", agent=turn.agent)
        delay = service_rules.reply_delay(waiting_since, turn.at)
        if delay is not None and delay > service_rules.REPLY_WITHIN_SECONDS:
            yield make_flag(
                "slow_reply", index, role="agent", agent=turn.agent, seconds=int(delay)
            )
        waiting_since = None
        agent_spoke = True
    if last_agent is not None and not service_rules.closes_politely(
        turns[last_agent].text
    ):
        agent = turns[last_agent].agent
        yield make_flag("no_closing", last_agent, role="agent", agent=agent)


def score_of(flags: Sequence[Flag]) -> int:
    off: Dict[str, int] = defaultdict(int)
    for flag in flags:
        off[flag.code] += DEDUCTIONS[flag.code][1]
    total = sum(min(points, 2 * DEDUCTIONS[code][1]) for code, points in off.items())
    return max(0, 100 - total)


def inspect_conversation(
    turns: Sequence[Any], words: Optional[Iterable[Tuple[str, str]]] = None
) -> Inspection:
    """Flags, score and the customer's emotions of one conversation (see the module)."""
    matcher = engine.cached_matcher(default_words() if words is None else words)
    flags: List[Flag] = []
    emotions: List[Dict[str, Any]] = []
    for index, turn in enumerate(turns):
        hits = matcher.find(turn.text or "")
        flags.extend(word_flags(index, turn, hits))
        if turn.role == "user":
            abuse = sum(1 for h in hits if h.category == "abuse")
            emotions.append(
                {"turn": index, "emotion": emotion.emotion_of(turn.text, abuse)}
            )
        elif turn.role == "agent":
            kinds = service_rules.personal_data(turn.text)
            if kinds:
                flags.append(
                    make_flag(
                        "personal_data", index, role="agent", agent=turn.agent,
                        words=tuple(kinds),
                    )
                )  # fmt: skip
    flags.extend(reply_flags(turns))
    course = emotion.course(e["emotion"] for e in emotions)
    angry = [e["turn"] for e in emotions if e["emotion"] == "angry"]
    if angry:
        flags.append(make_flag("customer_angry", angry[0], role="user"))
    if course.last in ("angry", "negative") and course.trajectory != "improved":
        flags.append(make_flag("ended_unhappy", None))
    flags.sort(key=lambda f: (f.turn if f.turn is not None else len(turns), f.code))
    score = score_of(flags)
    agents = list(
        dict.fromkeys(t.agent for t in turns if t.role == "agent" and t.agent)
    )
    times = [service_rules.utc_naive(t.at) for t in turns if t.at is not None]
    return Inspection(
        score=score,
        flags=flags,
        emotions=emotions,
        trajectory=course.trajectory,
        peak=course.peak,
        last=course.last,
        agents=agents,
        turns=len(turns),
        started_at=min(times) if times else None,
        ended_at=max(times) if times else None,
        flagged=score < REVIEW_BELOW or any(f.severity == "major" for f in flags),
    )
