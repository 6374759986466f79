"""Inspection results in the desk's database, one row per conversation, idempotent:
inspecting the same conversation again replaces its row only when the result differs."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, Optional, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicedesk.quality.inspection import Inspection, inspect_conversation
from servicedesk.quality.models import QualityInspection
from servicedesk.quality.words import enabled_words


def _fields(result: Inspection, now: datetime) -> Dict[str, Any]:
    return {
        "agents": result.agents,
        "started_at": result.started_at or now,
        "ended_at": result.ended_at or now,
        "turns": result.turns,
        "score": result.score,
        "flagged": result.flagged,
        "flags": [f.as_dict() for f in result.flags],
        "emotions": result.emotions,
        "trajectory": result.trajectory,
    }


def inspect_and_store(
    session: Session,
    session_key: str,
    turns: Sequence[Any],
    now: datetime,
    conversation_id: Optional[str] = None,
    handoff_no: Optional[str] = None,
) -> QualityInspection:
    """Inspects the turns with the desk's current word lists and stores the result
    under `session_key` (the caller commits)."""
    result = inspect_conversation(turns, enabled_words(session))
    fields = _fields(result, now)
    row = session.execute(
        select(QualityInspection).where(QualityInspection.session_key == session_key)
    ).scalar_one_or_none()
    if row is None:
        row = QualityInspection(session_key=session_key, inspected_at=now, **fields)
        session.add(row)
    elif any(getattr(row, k) != v for k, v in fields.items()):
        for key, value in fields.items():
            setattr(row, key, value)
        row.inspected_at = now
    row.conversation_id = conversation_id or row.conversation_id
    row.handoff_no = handoff_no or row.handoff_no
    session.flush()
    return row


def inspection_view(row: QualityInspection) -> Dict[str, Any]:
    return {
        "id": row.id,
        "session_key": row.session_key,
        "conversation_id": row.conversation_id,
        "handoff_no": row.handoff_no,
        "agents": row.agents,
        "started_at": row.started_at.isoformat(timespec="seconds"),
        "ended_at": row.ended_at.isoformat(timespec="seconds"),
        "turns": row.turns,
        "score": row.score,
        "flagged": row.flagged,
        "flags": row.flags,
        "emotions": row.emotions,
        "trajectory": row.trajectory,
        "inspected_at": row.inspected_at.isoformat(timespec="seconds"),
    }
