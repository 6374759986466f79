"""The word lists in the desk's database: seeded once, edited by supervisors."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, Tuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from servicedesk.errors import RuleViolation
from servicedesk.quality.categories import CATEGORIES, DEFAULT_WORDS, label_of
from servicedesk.quality.models import QualityWord

MAX_PHRASE = 50


def seed_words(session: Session, now: datetime) -> int:
    """Fills an empty list with the defaults; a list staff have edited stays theirs."""
    if session.execute(select(func.count(QualityWord.id))).scalar_one():
        return 0
    count = 0
    for category, phrases in DEFAULT_WORDS.items():
        for phrase in phrases:
            session.add(QualityWord(category=category, phrase=phrase, updated_at=now))
            count += 1
    return count


def enabled_words(session: Session) -> List[Tuple[str, str]]:
    rows = session.execute(
        select(QualityWord.category, QualityWord.phrase).where(QualityWord.enabled)
    ).all()
    return [(c, p) for c, p in rows if c in CATEGORIES]


def word_view(word: QualityWord) -> Dict[str, Any]:
    return {
        "id": word.id,
        "category": word.category,
        "category_label": label_of(word.category),
        "phrase": word.phrase,
        "enabled": word.enabled,
        "updated_by": word.updated_by,
        "updated_at": word.updated_at.isoformat(timespec="seconds"),
    }


def all_words(session: Session) -> List[QualityWord]:
    return list(
        session.execute(
            select(QualityWord).order_by(QualityWord.category, QualityWord.id)
        ).scalars()
    )


def clean_phrase(phrase: str) -> str:
    phrase = " ".join((phrase or "").split())
    if not phrase.replace("…", "").replace(".", "").strip():
        raise RuleViolation("INVALID_PHRASE", "词语不能为空。", 422)
    if len(phrase) > MAX_PHRASE:
        raise RuleViolation("INVALID_PHRASE", f"词语最长 {MAX_PHRASE} 个字。", 422)
    return phrase


def add_word(
    session: Session, category: str, phrase: str, actor: str, now: datetime
) -> QualityWord:
    if category not in CATEGORIES:
        raise RuleViolation("INVALID_CATEGORY", "没有这个词库分类。", 422)
    phrase = clean_phrase(phrase)
    existing = session.execute(
        select(QualityWord).where(
            QualityWord.category == category, QualityWord.phrase == phrase
        )
    ).scalar_one_or_none()
    if existing is not None:
        if existing.enabled:
            raise RuleViolation("WORD_EXISTS", "该分类里已有这个词。", 409)
        existing.enabled, existing.updated_by, existing.updated_at = True, actor, now
        return existing
    word = QualityWord(
        category=category, phrase=phrase, updated_by=actor, updated_at=now
    )
    session.add(word)
    session.flush()
    return word
