"""Entries in and out of the knowledge base: the seed, import and export as YAML or CSV."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, List, Tuple

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from servicedesk.errors import RuleViolation
from servicedesk.knowledge import vectors
from servicedesk.knowledge.encoder import KbEncoder
from servicedesk.knowledge.entries import save_entry, snapshot
from servicedesk.knowledge.models import KbEntry

SEED = Path(__file__).resolve().parent / "data" / "kb_seed.yml"


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


def seed_texts() -> List[str]:
    rows = yaml.safe_load(SEED.read_text(encoding="utf-8"))["entries"]
    return [
        text
        for row in rows
        for text in vectors.entry_texts(
            row["question"], row.get("similar") or [], row["answer"]
        )
    ]


def write_seed_vectors() -> int:
    """Embeds every wording of the seed into the file shipped beside it."""
    return vectors.write_seed_vectors(seed_texts(), KbEncoder.shared())


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


def bad_file(detail: str) -> RuleViolation:
    return RuleViolation("KB_BAD_FILE", f"文件格式不正确：{detail}", 422)


def from_yaml(text: str) -> List[Dict[str, Any]]:
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行附近" if mark is not None else ""
        raise bad_file(f"YAML 无法解析{where}。") from exc
    rows = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise bad_file("需要 entries 列表。")
    if not all(isinstance(row, dict) for row in rows):
        raise bad_file("entries 中的每一项都必须是问答条目。")
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
    try:
        records = list(csv.DictReader(io.StringIO(text)))
    except csv.Error as exc:
        raise bad_file(f"CSV 无法解析（{exc}）。") from exc
    rows = []
    for record in records:
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
