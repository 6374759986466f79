"""HTTP API of the knowledge base: answers for the bot, editing for staff.

The thresholds are business rules and live here, not in the bot: above
`kb_answer_threshold` the best entry answers, unless the runner-up is about as good;
above `kb_suggest_threshold` the best three are offered ("您是不是想问"); below, the
question is recorded as unanswered.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any, Dict, List, Optional

from fastapi import APIRouter, Body, Depends, Query
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from servicedesk.context import DeskContext
from servicedesk.knowledge import entries as kb
from servicedesk.knowledge import exchange, search
from servicedesk.knowledge import misses as kb_misses
from servicedesk.knowledge.answers import answer_for
from servicedesk.knowledge.searcher import KbSearcher
from servicedesk.service.audit import audit
from servicedesk.service.models import Agent
from servicedesk.shop.models import Customer

# A confident NLU sub-intent (faq/<key>) picks its entry without a text search.
KEY_CONFIDENCE = 0.7


class AnswerIn(BaseModel):
    query: str = Field("", max_length=500)
    key: Optional[str] = Field(None, max_length=50)
    key_confidence: float = 0.0
    entry_id: Optional[int] = None
    record: bool = True


class FeedbackIn(BaseModel):
    entry_id: Optional[int] = None
    query: str = Field("", max_length=500)
    helpful: bool


class EntryIn(BaseModel):
    key: Optional[str] = Field(None, max_length=50)
    category: str = Field("其他", max_length=50)
    question: str = Field(..., max_length=200)
    similar: List[str] = Field(default_factory=list)
    answer: str = Field(..., max_length=4000)
    audiences: Dict[str, str] = Field(default_factory=dict)
    tags: List[str] = Field(default_factory=list)
    valid_from: Optional[datetime] = None
    valid_to: Optional[datetime] = None
    enabled: bool = True


class ResolveIn(BaseModel):
    entry_id: Optional[int] = None


def build_knowledge_router(desk: DeskContext) -> APIRouter:
    router = APIRouter()
    get_session, clock, settings = desk.get_session, desk.clock, desk.settings
    bot, current_agent = desk.auth.bot, desk.auth.current_agent
    searcher = KbSearcher(dense=settings.kb_dense)

    @router.on_event("startup")
    def warm_up_knowledge_base() -> None:
        # jieba's dictionary and the index take a second: not on the first question.
        def build() -> None:
            with desk.session_factory() as session:
                searcher.index(session, clock())

        threading.Thread(target=build, daemon=True).start()

    def answer_view(entry, customer) -> Dict[str, Any]:
        return {
            "id": entry.id,
            "question": entry.question,
            "answer": answer_for(entry, customer, clock()),
        }

    @router.post("/api/kb/answer", dependencies=bot)
    def answer(
        body: AnswerIn,
        customer: Optional[Customer] = Depends(desk.auth.customer),
        session: Session = Depends(get_session),
    ) -> dict:
        now = clock()
        chosen = None
        if body.entry_id is not None:
            chosen = kb.find(session, body.entry_id)
        elif body.key and body.key_confidence >= KEY_CONFIDENCE:
            chosen = kb.by_key(session, body.key, now)
        if chosen is not None and kb.live(chosen, now):
            return {
                "outcome": "answer",
                "entry": answer_view(chosen, customer),
                "score": 1.0,
            }
        hits = searcher.search(session, body.query, now)
        best = hits[0].score if hits else 0.0
        decided = search.outcome(
            hits, settings.kb_answer_threshold, settings.kb_suggest_threshold
        )
        if decided == "answer":
            entry = kb.find(session, hits[0].entry_id)
            return {
                "outcome": "answer",
                "entry": answer_view(entry, customer),
                "score": best,
            }
        if decided == "suggest":
            suggestions = [
                {"id": h.entry_id, "question": kb.find(session, h.entry_id).question}
                for h in hits
                if h.score >= settings.kb_suggest_threshold * 0.75
            ]
            return {"outcome": "suggest", "suggestions": suggestions, "score": best}
        if body.record:
            kb_misses.record_miss(session, body.query, "unanswered", now)
            session.commit()
        return {"outcome": "none", "score": best}

    @router.post("/api/kb/feedback", dependencies=bot)
    def feedback(body: FeedbackIn, session: Session = Depends(get_session)) -> dict:
        if not body.helpful:
            kb_misses.record_miss(
                session, body.query, "unhelpful", clock(), body.entry_id
            )
            session.commit()
        return {"recorded": not body.helpful}

    # -- staff ------------------------------------------------------------------------

    @router.get("/api/agent/kb")
    def entries(
        q: str = Query("", max_length=100),
        agent: Agent = Depends(current_agent),
        session: Session = Depends(get_session),
    ) -> dict:
        return {"entries": [kb.entry_view(e) for e in kb.listing(session, q)]}

    @router.get("/api/agent/kb/search")
    def try_search(
        q: str = Query(..., max_length=200),
        agent: Agent = Depends(current_agent),
        session: Session = Depends(get_session),
    ) -> dict:
        """What the bot would find for a question, with scores (also for canned use)."""
        hits = searcher.search(session, q, clock(), limit=5)
        return {
            "hits": [
                {**kb.entry_view(kb.find(session, h.entry_id)), "score": round(h.score, 3),
                 "matched": h.matched, "lexical": round(h.lexical, 3),
                 "dense": None if h.dense is None else round(h.dense, 3)}
                for h in hits
            ]
        }  # fmt: skip

    @router.post("/api/agent/kb", status_code=201)
    def create(
        body: EntryIn,
        agent: Agent = Depends(current_agent),
        session: Session = Depends(get_session),
    ) -> dict:
        entry = kb.save_entry(session, None, body.dict(), agent.username, clock())
        audit(session, agent.username, "kb_create", str(entry.id), clock())
        session.commit()
        return kb.entry_view(entry)

    @router.get("/api/agent/kb/entries/{entry_id}")
    def detail(
        entry_id: int,
        agent: Agent = Depends(current_agent),
        session: Session = Depends(get_session),
    ) -> dict:
        entry = kb.find(session, entry_id)
        return {**kb.entry_view(entry), "history": kb.history(session, entry)}

    @router.put("/api/agent/kb/entries/{entry_id}")
    def update(
        entry_id: int,
        body: EntryIn,
        agent: Agent = Depends(current_agent),
        session: Session = Depends(get_session),
    ) -> dict:
        entry = kb.save_entry(
            session, kb.find(session, entry_id), body.dict(), agent.username, clock()
        )
        audit(
            session, agent.username, "kb_update", str(entry.id), clock(),
            version=entry.version, enabled=entry.enabled,
        )  # fmt: skip
        session.commit()
        return kb.entry_view(entry)

    @router.get("/api/agent/kb/misses")
    def misses(
        agent: Agent = Depends(current_agent),
        session: Session = Depends(get_session),
    ) -> dict:
        return {
            "misses": [
                {
                    "id": m.id,
                    "text": m.text,
                    "kind": m.kind,
                    "count": m.count,
                    "entry_id": m.entry_id,
                    "last_at": m.last_at.isoformat(timespec="seconds"),
                }
                for m in kb_misses.top_misses(session)
            ]
        }

    @router.post("/api/agent/kb/misses/{miss_id}/resolve")
    def resolve(
        miss_id: int,
        body: ResolveIn,
        agent: Agent = Depends(current_agent),
        session: Session = Depends(get_session),
    ) -> dict:
        miss = kb_misses.find_miss(session, miss_id)
        entry = kb.find(session, body.entry_id) if body.entry_id else None
        kb_misses.resolve_miss(session, miss, entry, agent.username, clock())
        audit(
            session, agent.username, "kb_resolve", str(miss_id), clock(),
            entry_id=body.entry_id,
        )  # fmt: skip
        session.commit()
        return {"resolved": True, "entry": kb.entry_view(entry) if entry else None}

    @router.get("/api/agent/kb/export", response_class=PlainTextResponse)
    def export(
        format: str = Query("yaml", regex="^(yaml|csv)$"),
        agent: Agent = Depends(current_agent),
        session: Session = Depends(get_session),
    ) -> PlainTextResponse:
        rows = exchange.export_rows(session)
        text = exchange.to_csv(rows) if format == "csv" else exchange.to_yaml(rows)
        media = "text/csv" if format == "csv" else "application/x-yaml"
        return PlainTextResponse(
            text,
            media_type=f"{media}; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="kb.{format}"'},
        )

    @router.post("/api/agent/kb/import")
    def import_(
        text: str = Body(..., media_type="text/plain"),
        format: str = Query("yaml", regex="^(yaml|csv)$"),
        agent: Agent = Depends(current_agent),
        session: Session = Depends(get_session),
    ) -> dict:
        rows = exchange.from_csv(text) if format == "csv" else exchange.from_yaml(text)
        created, updated = exchange.import_entries(
            session, rows, agent.username, clock()
        )
        audit(
            session, agent.username, "kb_import", format, clock(),
            created=created, updated=updated,
        )  # fmt: skip
        session.commit()
        return {"created": created, "updated": updated}

    return router
