"""The knowledge base: entries with versions, answers for a customer, misses, import/export.

Search goes through one in-memory index per process (servicedesk/kb_search.py), rebuilt
when the newest revision id in the database changes, so an edit made by any process is
live for the next question.
"""

from __future__ import annotations

import csv
import io
import re
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from servicedesk.kb_search import Hit, KbIndex, load_synonyms
from servicedesk.masking import mask_name
from servicedesk.models import Customer, KbEntry, KbMiss, KbRevision
from servicedesk.rules import RuleViolation

SEED = Path(__file__).resolve().parent / "data" / "kb_seed.yml"
AUDIENCES = ("vip", "new")
NEW_CUSTOMER_DAYS = 30
LEVEL_LABELS = {"vip": "VIP 会员", "normal": "普通会员", "new": "新会员"}
FIELDS = ("key", "category", "question", "similar", "answer", "audiences", "tags",
          "valid_from", "valid_to", "enabled")  # fmt: skip
# Personal data that must not be stored with an unanswered question.
PERSONAL = [
    (re.compile(r"1[3-9]\d{9}"), "[手机号]"),
    (re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z0-9.]+"), "[邮箱]"),
    (re.compile(r"\d{17}[\dXx]"), "[证件号]"),
    (re.compile(r"\d{6,}"), "[号码]"),
]


def mask_personal(text: str) -> str:
    for pattern, replacement in PERSONAL:
        text = pattern.sub(replacement, text)
    return text.strip()[:200]


# -- entries ------------------------------------------------------------------------


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
    session.add(
        KbRevision(
            entry_id=entry.id,
            version=entry.version,
            snapshot=snapshot(entry),
            author=author,
            at=now,
        )
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
    entry = session.get(KbEntry, entry_id)
    if entry is None:
        raise RuleViolation("KB_NOT_FOUND", "没有找到该知识条目。", 404)
    return entry


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


# -- answers for a customer ---------------------------------------------------------


def audiences_of(customer: Optional[Customer], now: datetime) -> List[str]:
    if customer is None:
        return []
    found = []
    if customer.level == "vip":
        found.append("vip")
    recent = customer.registered_at and now - customer.registered_at < timedelta(
        days=NEW_CUSTOMER_DAYS
    )
    if recent or len(customer.orders) <= 1:
        found.append("new")
    return found


class _Defaults(dict):
    def __missing__(self, key: str) -> str:
        return ""


def answer_for(entry: KbEntry, customer: Optional[Customer], now: datetime) -> str:
    """The audience-specific answer when one fits, with the customer's data filled in."""
    text = entry.answer
    for audience in audiences_of(customer, now):
        if entry.audiences.get(audience):
            text = entry.audiences[audience]
            break
    values = _Defaults(
        name=mask_name(customer.name) if customer else "您",
        level=LEVEL_LABELS.get(customer.level, "会员") if customer else "会员",
    )
    try:
        return text.format_map(values)
    except (ValueError, IndexError):
        return text  # stray braces in an answer are shown as written


# -- search -------------------------------------------------------------------------


class KbSearcher:
    """One index per process, rebuilt when a revision newer than it exists."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: Optional[Tuple[int, int]] = None
        self._index: Optional[KbIndex] = None
        self._synonyms = load_synonyms()

    def index(self, session: Session, now: datetime) -> KbIndex:
        version = (
            session.execute(select(func.coalesce(func.max(KbRevision.id), 0))).scalar(),
            session.execute(select(func.count(KbEntry.id))).scalar(),
        )
        # Validity windows open and close with time, not with edits: hourly rebuilds.
        key = (int(version[0]), int(version[1]), now.strftime("%Y%m%d%H"))
        with self._lock:
            if self._index is None or key != self._version:
                entries = session.execute(select(KbEntry)).scalars()
                current = [e for e in entries if live(e, now)]
                documents = [
                    (e.id, text) for e in current for text in [e.question, *e.similar]
                ]
                answers = [(e.id, e.answer) for e in current]
                self._index = KbIndex(documents, self._synonyms, answers)
                self._version = key
            return self._index

    def search(
        self, session: Session, query: str, now: datetime, limit: int = 3
    ) -> List[Hit]:
        return self.index(session, now).search(query, limit)


# -- the learning loop --------------------------------------------------------------


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


# -- seed, import, export -----------------------------------------------------------


def import_entries(
    session: Session, rows: List[Dict[str, Any]], author: str, now: datetime
) -> Tuple[int, int]:
    """Creates new entries and updates those with the same standard question."""
    existing = {e.question: e for e in session.execute(select(KbEntry)).scalars()}
    created = updated = 0
    for row in rows:
        entry = existing.get(str(row.get("question") or "").strip())
        saved = save_entry(session, entry, row, author, now)
        existing[saved.question] = saved
        if entry is None:
            created += 1
        else:
            updated += 1
    return created, updated


def seed_kb(session: Session, now: datetime) -> bool:
    if session.execute(select(func.count(KbEntry.id))).scalar():
        return False
    rows = yaml.safe_load(SEED.read_text(encoding="utf-8"))["entries"]
    import_entries(session, rows, "seed", now)
    return True


def export_rows(session: Session) -> List[Dict[str, Any]]:
    entries = session.execute(select(KbEntry).order_by(KbEntry.id)).scalars()
    rows = []
    for entry in entries:
        row = {k: v for k, v in snapshot(entry).items() if v not in (None, [], {})}
        row["enabled"] = entry.enabled
        rows.append(row)
    return rows


def to_yaml(rows: List[Dict[str, Any]]) -> str:
    return yaml.safe_dump({"entries": rows}, allow_unicode=True, sort_keys=False)


def from_yaml(text: str) -> List[Dict[str, Any]]:
    data = yaml.safe_load(text) or {}
    rows = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise RuleViolation("KB_BAD_FILE", "文件格式不正确：需要 entries 列表。", 422)
    return rows


CSV_COLUMNS = ["key", "category", "question", "similar", "answer", "answer_vip",
               "answer_new", "tags", "valid_from", "valid_to", "enabled"]  # fmt: skip


def to_csv(rows: List[Dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS)
    writer.writeheader()
    for row in rows:
        audiences = row.get("audiences") or {}
        writer.writerow(
            {
                **{c: row.get(c, "") for c in CSV_COLUMNS},
                "similar": "|".join(row.get("similar") or []),
                "tags": "|".join(row.get("tags") or []),
                "answer_vip": audiences.get("vip", ""),
                "answer_new": audiences.get("new", ""),
                "enabled": "1" if row.get("enabled", True) else "0",
            }
        )
    return out.getvalue()


def from_csv(text: str) -> List[Dict[str, Any]]:
    rows = []
    for record in csv.DictReader(io.StringIO(text)):
        rows.append(
            {
                "key": record.get("key") or None,
                "category": record.get("category"),
                "question": record.get("question"),
                "similar": [s for s in (record.get("similar") or "").split("|") if s],
                "answer": record.get("answer"),
                "audiences": {
                    "vip": record.get("answer_vip") or "",
                    "new": record.get("answer_new") or "",
                },
                "tags": [t for t in (record.get("tags") or "").split("|") if t],
                "valid_from": record.get("valid_from") or None,
                "valid_to": record.get("valid_to") or None,
                "enabled": (record.get("enabled") or "1") not in ("0", "false", "否"),
            }
        )
    return rows
