"""A handoff as the turns of one conversation: the bot's transcript, then the agents'.

The bot transcript in a handoff's summary has no times; its turns take the time the
handoff was requested (only the agents' reply times are measured). Internal notes and
system lines (joined, transferred, closed) are not part of the conversation.
"""

from __future__ import annotations

from typing import List

from servicedesk.quality.inspection import Turn
from servicedesk.service.models import Handoff

ROLES = {"user": "user", "agent": "agent"}


def handoff_turns(handoff: Handoff) -> List[Turn]:
    turns: List[Turn] = []
    for line in (handoff.summary or {}).get("transcript") or []:
        role = "user" if line.get("from") == "user" else "bot"
        turns.append(Turn(role, str(line.get("text") or ""), handoff.created_at))
    for message in handoff.messages:
        role = ROLES.get(message.author)
        if role is None:
            continue
        agent = message.agent.username if role == "agent" and message.agent else None
        turns.append(Turn(role, message.text, message.created_at, agent))
    return turns


def handoff_key(handoff_no: str) -> str:
    return f"handoff:{handoff_no}"
