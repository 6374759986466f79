"""Knowledge-base entries: cleaned on save, every saved state kept as a revision."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Dict, List, Optional

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from servicedesk.db import found
from servicedesk.errors import RuleViolation
from servicedesk.knowledge import vectors
from servicedesk.knowledge.models import KbEntry, KbRevision

AUDIENCES = ("vip", "new")
FIELDS = ("key", "category", "question", "similar", "answer", "audiences", "tags",
          "valid_from", "valid_to", "enabled")  # fmt: skip


def _date(value: Any) -> Optional[datetime]:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _clean(data: Dict[str, Any]) -> Dict[str, Any]:
    question = str(data.get("question") or "").strip()
    answer = str(data.get("answer") or "").strip()
    if not question or not answer:
        raise RuleViolation("KB_INCOMPLETE", "标准问题和答案都不能为空。", 422)
    similar = data.get("similar") or []
    if isinstance(similar, str):
        similar = similar.splitlines()
    audiences = {
        k: str(v).strip()
        for k, v in (data.get("audiences") or {}).items()
        if k in AUDIENCES and str(v or "").strip()
    }
    tags = data.get("tags") or []
    if isinstance(tags, str):
        tags = [t for t in re.split(r"[,，\s]+", tags) if t]
    return {
        "key": (str(data.get("key") or "").strip() or None),
        "category": str(data.get("category") or "其他").strip()[:50],
        "question": question[:200],
        "similar": [s.strip()[:200] for s in similar if str(s).strip()][:50],
        "answer": answer[:4000],
        "audiences": audiences,
        "tags": [str(t)[:30] for t in tags][:20],
        "valid_from": _date(data.get("valid_from")),
        "valid_to": _date(data.get("valid_to")),
        "enabled": bool(data.get("enabled", True)),
    }


def snapshot(entry: KbEntry) -> Dict[str, Any]:
    values = {field: getattr(entry, field) for field in FIELDS}
    for field in ("valid_from", "valid_to"):
        values[field] = values[field].isoformat() if values[field] else None
    return values


def entry_view(entry: KbEntry) -> Dict[str, Any]:
    return {
        "id": entry.id,
        **snapshot(entry),
        "author": entry.author,
        "version": entry.version,
        "updated_at": entry.updated_at.isoformat(timespec="seconds"),
    }


def save_entry(
    session: Session,
    entry: Optional[KbEntry],
    data: Dict[str, Any],
    author: str,
    now: datetime,
) -> KbEntry:
    values = _clean(data)
    if entry is None:
        entry = KbEntry(version=0)
        session.add(entry)
    for field, value in values.items():
        setattr(entry, field, value)
    entry.version = (entry.version or 0) + 1
    entry.author = author
    entry.updated_at = now
    session.flush()
    revision = KbRevision(
        entry_id=entry.id,
        version=entry.version,
        snapshot=snapshot(entry),
        author=author,
        at=now,
    )
    session.add(revision)
    session.flush()
    # The new wordings' vectors go in with the revision, so that every process's next
    # index rebuild finds them instead of running the encoder.
    vectors.ensure(
        session,
        vectors.entry_texts(entry.question, entry.similar, entry.answer),
        revision_id=revision.id,
    )
    return entry


def history(session: Session, entry: KbEntry) -> List[Dict[str, Any]]:
    revisions = session.execute(
        select(KbRevision)
        .where(KbRevision.entry_id == entry.id)
        .order_by(KbRevision.version.desc())
    ).scalars()
    return [
        {
            "version": r.version,
            "author": r.author,
            "at": r.at.isoformat(timespec="seconds"),
            "snapshot": r.snapshot,
        }
        for r in revisions
    ]


def find(session: Session, entry_id: int) -> KbEntry:
    return found(session.get(KbEntry, entry_id), "KB_NOT_FOUND", "没有找到该知识条目。")


def by_key(session: Session, key: str, now: datetime) -> Optional[KbEntry]:
    """The live entry the faq/<key> sub-intent routes to, if there is one."""
    entries = session.execute(select(KbEntry).where(KbEntry.key == key)).scalars()
    return next((e for e in entries if live(e, now)), None)


def listing(session: Session, query: str = "", limit: int = 200) -> List[KbEntry]:
    statement = select(KbEntry).order_by(KbEntry.category, KbEntry.id).limit(limit)
    if query:
        like = f"%{query}%"
        statement = statement.where(
            or_(
                KbEntry.question.like(like),
                KbEntry.answer.like(like),
                KbEntry.category.like(like),
            )
        )
    return list(session.execute(statement).scalars())


def live(entry: KbEntry, now: datetime) -> bool:
    return (
        entry.enabled
        and (entry.valid_from is None or entry.valid_from <= now)
        and (entry.valid_to is None or now <= entry.valid_to)
    )
