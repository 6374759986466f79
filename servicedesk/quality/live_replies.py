"""The live check of one agent reply as it is sent: word lists, personal data, a
greeting in the agent's first reply and the time the customer waited. Sending is never
held up; the flags are stored beside the message for supervisors."""

from __future__ import annotations

from datetime import datetime
from typing import List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicedesk.quality import engine, service_rules
from servicedesk.quality.inspection import Flag, Turn, make_flag, word_flags
from servicedesk.quality.models import QualityReplyFlag
from servicedesk.quality.words import enabled_words
from servicedesk.service.models import HandoffMessage


def _waiting_since(message: HandoffMessage) -> Optional[datetime]:
    """When the customer's oldest unanswered message (since the agent's last reply)
    came; None for the agent's first reply, whose wait is the queue's."""
    waiting = None
    spoke = False
    for earlier in message.handoff.messages:
        if earlier.id >= message.id:
            break
        if earlier.author == "agent":
            spoke, waiting = True, None
        elif earlier.author == "user" and spoke and waiting is None:
            waiting = earlier.created_at
    return waiting


def check_reply(session: Session, message: HandoffMessage) -> List[Flag]:
    agent = message.agent.username if message.agent else None
    turn = Turn("agent", message.text, message.created_at, agent)
    hits = engine.cached_matcher(enabled_words(session)).find(message.text)
    flags = list(word_flags(0, turn, hits))
    kinds = service_rules.personal_data(message.text)
    if kinds:
        flags.append(make_flag("personal_data", 0, role="agent", words=tuple(kinds)))
    first = not any(
        m.author == "agent" and m.id < message.id and m.agent_id == message.agent_id
        for m in message.handoff.messages
    )
    if first and not service_rules.greets(message.text):
        flags.append(make_flag("no_greeting", 0, role="agent", agent=agent))
    delay = service_rules.reply_delay(_waiting_since(message), message.created_at)
    if delay is not None and delay > service_rules.REPLY_WITHIN_SECONDS:
        flags.append(make_flag("slow_reply", 0, agent=agent, seconds=int(delay)))
    return flags


def store_reply_check(session: Session, message: HandoffMessage) -> QualityReplyFlag:
    """Checks the reply once; a second call returns the stored result."""
    row = session.execute(
        select(QualityReplyFlag).where(QualityReplyFlag.message_id == message.id)
    ).scalar_one_or_none()
    if row is not None:
        return row
    flags = check_reply(session, message)
    row = QualityReplyFlag(
        message_id=message.id,
        handoff_no=message.handoff.handoff_no,
        agent=message.agent.username if message.agent else "",
        flags=[{k: v for k, v in f.as_dict().items() if k != "turn"} for f in flags],
        at=message.created_at,
    )
    session.add(row)
    session.flush()
    return row
