"""The supervisors' review queue: a week's flagged conversations and each agent's
random sample, with the latest verdict on each; verdicts are audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicedesk.db import found
from servicedesk.quality.models import QualityInspection, QualityReview
from servicedesk.quality.sampling import week_bounds, weekly_sample
from servicedesk.quality.store import inspection_view
from servicedesk.service.audit import audit

VERDICTS = ("pass", "coach", "violation")


def _week_rows(session: Session, week: str) -> List[QualityInspection]:
    start, end = week_bounds(week)
    return list(
        session.execute(
            select(QualityInspection)
            .where(
                QualityInspection.started_at >= start,
                QualityInspection.started_at < end,
            )
            .order_by(QualityInspection.started_at.desc(), QualityInspection.id.desc())
        ).scalars()
    )


def latest_reviews(session: Session, ids: List[int]) -> Dict[int, Dict[str, Any]]:
    if not ids:
        return {}
    rows = session.execute(
        select(QualityReview)
        .where(QualityReview.inspection_id.in_(ids))
        .order_by(QualityReview.id)
    ).scalars()
    return {r.inspection_id: review_view(r) for r in rows}


def review_view(review: QualityReview) -> Dict[str, Any]:
    return {
        "reviewer": review.reviewer,
        "verdict": review.verdict,
        "note": review.note,
        "at": review.at.isoformat(timespec="seconds"),
    }


def review_queue(
    session: Session, week: str, per_agent: int, seed: str
) -> Dict[str, Any]:
    rows = _week_rows(session, week)
    by_key = {r.session_key: r for r in rows}
    drawn = weekly_sample(
        ((r.session_key, r.agents or []) for r in rows), week, per_agent, seed
    )
    verdicts = latest_reviews(session, [r.id for r in rows])

    def item(row: QualityInspection) -> Dict[str, Any]:
        return {**inspection_view(row), "review": verdicts.get(row.id)}

    return {
        "week": week,
        "flagged": [item(r) for r in rows if r.flagged],
        "sample": {
            agent: [item(by_key[k]) for k in keys] for agent, keys in drawn.items()
        },
    }


def inspection_by_id(session: Session, inspection_id: int) -> QualityInspection:
    return found(
        session.get(QualityInspection, inspection_id),
        "INSPECTION_NOT_FOUND",
        "没有这条质检记录。",
    )


def record_verdict(
    session: Session,
    inspection: QualityInspection,
    reviewer: str,
    verdict: str,
    note: str,
    now: datetime,
) -> QualityReview:
    review = QualityReview(
        inspection_id=inspection.id,
        reviewer=reviewer,
        verdict=verdict,
        note=(note or "").strip()[:500],
        at=now,
    )
    session.add(review)
    audit(
        session,
        reviewer,
        "quality_verdict",
        inspection.session_key[:64],
        now,
        verdict=verdict,
        score=inspection.score,
    )
    return review


def reviews_of(session: Session, inspection_id: int) -> List[Dict[str, Any]]:
    rows = session.execute(
        select(QualityReview)
        .where(QualityReview.inspection_id == inspection_id)
        .order_by(QualityReview.id)
    ).scalars()
    return [review_view(r) for r in rows]


def latest_verdict(session: Session, inspection_id: int) -> Optional[str]:
    reviews = reviews_of(session, inspection_id)
    return reviews[-1]["verdict"] if reviews else None
