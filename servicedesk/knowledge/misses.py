"""The learning loop: questions the knowledge base could not answer, or answered
unhelpfully, wait for staff to write an entry or add them to one."""

from __future__ import annotations

import re
from datetime import datetime
from typing import List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicedesk.db import found
from servicedesk.knowledge.entries import save_entry, snapshot
from servicedesk.knowledge.models import KbEntry, KbMiss
from servicedesk.masking import mask_text

# Beyond personal data, any long number (an order's) makes a question one of a kind.
_NUMBER = re.compile(r"\d{6,}")


def mask_personal(text: str) -> str:
    return _NUMBER.sub("[号码]", mask_text(text)).strip()[:200]


def record_miss(
    session: Session,
    text: str,
    kind: str,
    now: datetime,
    entry_id: Optional[int] = None,
) -> Optional[KbMiss]:
    masked = mask_personal(text or "")
    if not masked or masked.startswith("/"):
        return None
    miss = session.execute(
        select(KbMiss).where(
            KbMiss.text == masked, KbMiss.kind == kind, KbMiss.resolved.is_(False)
        )
    ).scalar_one_or_none()
    if miss is None:
        miss = KbMiss(text=masked, kind=kind, entry_id=entry_id, count=0, first_at=now)
        session.add(miss)
    miss.count += 1
    miss.last_at = now
    return miss


def find_miss(session: Session, miss_id: int) -> KbMiss:
    return found(session.get(KbMiss, miss_id), "KB_MISS_NOT_FOUND", "没有找到该问题。")


def top_misses(session: Session, limit: int = 50) -> List[KbMiss]:
    return list(
        session.execute(
            select(KbMiss)
            .where(KbMiss.resolved.is_(False))
            .order_by(KbMiss.count.desc(), KbMiss.last_at.desc())
            .limit(limit)
        ).scalars()
    )


def resolve_miss(
    session: Session, miss: KbMiss, entry: Optional[KbEntry], author: str, now: datetime
) -> None:
    """Done: either an entry was written for it, or it becomes a similar question."""
    if entry is not None and miss.text not in entry.similar:
        data = snapshot(entry)
        data["similar"] = [*entry.similar, miss.text]
        save_entry(session, entry, data, author, now)
    miss.resolved = True
