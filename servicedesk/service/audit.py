"""The audit log: every agent action (and every login attempt) leaves an entry."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicedesk.service.models import AuditEntry


def audit(
    session: Session,
    actor: str,
    action: str,
    target: str,
    now: datetime,
    **detail: Any,
) -> AuditEntry:
    entry = AuditEntry(
        actor=actor,
        action=action,
        target=target,
        detail=dict(detail),
        at=now,
    )
    session.add(entry)
    return entry


def recent_entries(session: Session, limit: int) -> List[Dict[str, Any]]:
    entries = session.execute(
        select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    ).scalars()
    return [
        {
            "actor": e.actor,
            "action": e.action,
            "target": e.target,
            "detail": e.detail,
            "at": e.at.isoformat(timespec="seconds"),
        }
        for e in entries
    ]
