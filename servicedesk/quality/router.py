"""HTTP API of quality inspection, under /api/agent/quality.

Supervisors: the review queue, an inspection's detail with its transcript, verdicts,
the flags on a handoff's live replies, and editing the word lists. Every logged-in
agent: reading the word lists (what not to say) and the alerts banner.
"""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from servicedesk.context import DeskContext
from servicedesk.db import found
from servicedesk.errors import RuleViolation
from servicedesk.quality import review, words
from servicedesk.quality.angry_waiting import angry_waiting
from servicedesk.quality.categories import CATEGORIES, label_of
from servicedesk.quality.handoff_turns import handoff_turns
from servicedesk.quality.models import QualityReplyFlag, QualityWord
from servicedesk.quality.sampling import week_of
from servicedesk.quality.settings import QualitySettings
from servicedesk.quality.store import inspection_view
from servicedesk.service import handoffs
from servicedesk.service.audit import audit
from servicedesk.service.models import Agent

MAX_ID = 2**31 - 1


class WordIn(BaseModel):
    category: str = Field(..., max_length=20)
    phrase: str = Field(..., max_length=words.MAX_PHRASE)


class WordChange(BaseModel):
    enabled: bool


class VerdictIn(BaseModel):
    verdict: str = Field(..., regex="^(pass|coach|violation)$")
    note: str = Field("", max_length=500)


def build_quality_router(desk: DeskContext, settings: QualitySettings) -> APIRouter:
    router = APIRouter(prefix="/api/agent/quality")
    get_session, clock = desk.get_session, desk.clock
    current_agent = desk.auth.current_agent

    def supervisor(agent: Agent = Depends(current_agent)) -> Agent:
        if agent.role != "supervisor":
            raise RuleViolation("FORBIDDEN", "只有主管可以使用质检功能。", 403)
        return agent

    # -- word lists -------------------------------------------------------------------

    @router.get("/words")
    def list_words(
        agent: Agent = Depends(current_agent),
        session: Session = Depends(get_session),
    ) -> dict:
        return {
            "categories": [{"key": key, "label": label_of(key)} for key in CATEGORIES],
            "words": [words.word_view(w) for w in words.all_words(session)],
        }

    @router.post("/words", status_code=201)
    def add_word(
        body: WordIn,
        actor: Agent = Depends(supervisor),
        session: Session = Depends(get_session),
    ) -> dict:
        word = words.add_word(
            session, body.category, body.phrase, actor.username, clock()
        )
        audit(session, actor.username, "quality_word_add", str(word.id), clock(),
              category=word.category, phrase=word.phrase)  # fmt: skip
        session.commit()
        return words.word_view(word)

    def word_by_id(
        word_id: int = Path(..., ge=1, le=MAX_ID),
        session: Session = Depends(get_session),
    ) -> QualityWord:
        return found(
            session.get(QualityWord, word_id), "WORD_NOT_FOUND", "没有这个词。"
        )

    @router.post("/words/{word_id}")
    def change_word(
        body: WordChange,
        word: QualityWord = Depends(word_by_id),
        actor: Agent = Depends(supervisor),
        session: Session = Depends(get_session),
    ) -> dict:
        word.enabled, word.updated_by, word.updated_at = (
            body.enabled, actor.username, clock()
        )  # fmt: skip
        audit(session, actor.username, "quality_word_change", str(word.id), clock(),
              phrase=word.phrase, enabled=body.enabled)  # fmt: skip
        session.commit()
        return words.word_view(word)

    @router.delete("/words/{word_id}")
    def delete_word(
        word: QualityWord = Depends(word_by_id),
        actor: Agent = Depends(supervisor),
        session: Session = Depends(get_session),
    ) -> dict:
        audit(session, actor.username, "quality_word_delete", str(word.id), clock(),
              category=word.category, phrase=word.phrase)  # fmt: skip
        session.delete(word)
        session.commit()
        return {"deleted": word.id}

    # -- review queue -----------------------------------------------------------------

    @router.get("/reviews")
    def review_queue(
        week: Optional[str] = Query(None, max_length=10),
        actor: Agent = Depends(supervisor),
        session: Session = Depends(get_session),
    ) -> dict:
        return review.review_queue(
            session,
            week or week_of(clock()),
            settings.sample_per_agent,
            settings.sample_seed,
        )

    @router.get("/inspections/{inspection_id}")
    def inspection_detail(
        inspection_id: int = Path(..., ge=1, le=MAX_ID),
        actor: Agent = Depends(supervisor),
        session: Session = Depends(get_session),
    ) -> dict:
        row = review.inspection_by_id(session, inspection_id)
        transcript = []
        if row.handoff_no:
            handoff = handoffs.by_number(session, row.handoff_no)
            transcript = [
                {"role": t.role, "text": t.text, "agent": t.agent,
                 "at": t.at.isoformat(timespec="seconds")}
                for t in handoff_turns(handoff)
            ]  # fmt: skip
        return {
            **inspection_view(row),
            "reviews": review.reviews_of(session, row.id),
            "transcript": transcript,
        }

    @router.post("/inspections/{inspection_id}/verdict", status_code=201)
    def verdict(
        body: VerdictIn,
        inspection_id: int = Path(..., ge=1, le=MAX_ID),
        actor: Agent = Depends(supervisor),
        session: Session = Depends(get_session),
    ) -> dict:
        row = review.inspection_by_id(session, inspection_id)
        saved = review.record_verdict(
            session, row, actor.username, body.verdict, body.note, clock()
        )
        session.commit()
        return review.review_view(saved)

    @router.get("/handoffs/{handoff_no}/replies")
    def reply_flags(
        handoff_no: str = Path(..., max_length=32),
        actor: Agent = Depends(supervisor),
        session: Session = Depends(get_session),
    ) -> dict:
        rows = session.execute(
            select(QualityReplyFlag)
            .where(QualityReplyFlag.handoff_no == handoff_no)
            .order_by(QualityReplyFlag.message_id)
        ).scalars()
        return {
            "replies": [
                {"message_id": r.message_id, "agent": r.agent, "flags": r.flags}
                for r in rows
            ]
        }

    # -- alerts -------------------------------------------------------------------------

    @router.get("/alerts")
    def alerts(
        agent: Agent = Depends(current_agent),
        session: Session = Depends(get_session),
    ) -> dict:
        return {"alerts": angry_waiting(session, clock())}

    return router
