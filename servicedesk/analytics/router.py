"""HTTP API of analytics.

Supervisors only (others get 403): /api/agent/analytics/dashboard (every figure of the
dashboard for a date range, bucket and channel), /export/{table} (one table as CSV),
/alerts (what the banner shows), /derive (derive now instead of at the next round).
The bot's servers (bearer token): POST /api/bot-ratings, a bot-only session's rating.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime, timedelta
from typing import Any, Callable, Dict, Optional

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from servicedesk.analytics import kpis
from servicedesk.analytics.export import to_csv
from servicedesk.analytics.models import BotRating
from servicedesk.analytics.service import Analytics
from servicedesk.analytics.store import SessionRow
from servicedesk.context import DeskContext
from servicedesk.errors import RuleViolation
from servicedesk.masking import mask_text
from servicedesk.service.models import Agent

DATE = r"^\d{4}-\d{2}-\d{2}$"
CHANNEL = r"^[A-Za-z0-9_.-]{1,40}$"
MAX_DAYS = 366
MAX_HOUR_DAYS = 31
DEFAULT_DAYS = 7
TABLES = (
    "series",
    "service",
    "triggers",
    "intents",
    "unanswered",
    "tickets",
    "agents",
)


class BotRatingIn(BaseModel):
    conversation_id: str = Field(..., min_length=1, max_length=255)
    rating: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=500)


def _day(value: str) -> date:
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError as exc:
        raise RuleViolation("BAD_DATE", "日期格式应为 YYYY-MM-DD。", 400) from exc


def build_analytics_router(desk: DeskContext, analytics: Analytics) -> APIRouter:
    router = APIRouter()
    settings = analytics.settings

    def supervisor(agent: Agent = Depends(desk.auth.current_agent)) -> Agent:
        if agent.role != "supervisor":
            raise RuleViolation("FORBIDDEN", "只有主管可以查看服务数据。", 403)
        return agent

    def today() -> date:
        shop_now = analytics.clock() - _local_offset() + _shop_offset()
        return shop_now.date()

    def _shop_offset() -> timedelta:
        return timedelta(hours=settings.utc_offset_hours)

    def _local_offset() -> timedelta:
        return datetime.now().astimezone().utcoffset() or timedelta(0)

    def range_filter(
        date_from: Optional[str] = Query(None, alias="from", regex=DATE),
        date_to: Optional[str] = Query(None, alias="to", regex=DATE),
        bucket: str = Query("day", regex="^(day|hour)$"),
        channel: Optional[str] = Query(None, regex=CHANNEL),
    ) -> kpis.Filter:
        end = _day(date_to) if date_to else today()
        start = _day(date_from) if date_from else end - timedelta(days=DEFAULT_DAYS - 1)
        span = (end - start).days + 1
        if span < 1:
            raise RuleViolation("BAD_RANGE", "开始日期不能晚于结束日期。", 400)
        limit = MAX_HOUR_DAYS if bucket == "hour" else MAX_DAYS
        if span > limit:
            raise RuleViolation("RANGE_TOO_LONG", f"该粒度最多查询 {limit} 天。", 400)
        return kpis.Filter(start.isoformat(), end.isoformat(), bucket, channel)

    def tables(f: kpis.Filter) -> Dict[str, Callable[[], Any]]:
        target = settings.first_response_target_s

        def on_analytics(query: Callable[..., Any], *args: Any) -> Callable[[], Any]:
            def run() -> Any:
                with analytics.sessions() as db:
                    return query(db, f, *args)

            return run

        def on_desk(query: Callable[..., Any], *args: Any) -> Callable[[], Any]:
            def run() -> Any:
                with desk.session_factory() as session:
                    return query(session, f, *args)

            return run

        return {
            "series": on_analytics(kpis.series),
            "service": on_analytics(kpis.service, target),
            "triggers": on_analytics(kpis.triggers),
            "intents": on_analytics(kpis.top_intents),
            "unanswered": on_desk(kpis.unanswered, settings.utc_offset_hours),
            "tickets": on_desk(
                kpis.tickets,
                analytics.clock(),
                settings.ticket_sla_hours,
                settings.utc_offset_hours,
            ),
            "agents": on_analytics(kpis.agents),
        }

    @router.get("/api/agent/analytics/dashboard")
    def dashboard(
        f: kpis.Filter = Depends(range_filter), _: Agent = Depends(supervisor)
    ) -> dict:
        with analytics.sessions() as db:
            summary = kpis.summary(db, f, settings.first_response_target_s)
            channels = sorted(
                c
                for c in db.execute(select(SessionRow.channel).distinct()).scalars()
                if c
            )
        return {
            "range": asdict(f),
            "targets": {
                "first_response_s": settings.first_response_target_s,
                "resolution_rate": settings.resolution_target,
                "satisfaction": settings.satisfaction_target,
            },
            "summary": summary,
            "channels": channels,
            "tables": {name: run() for name, run in tables(f).items()},
        }

    @router.get("/api/agent/analytics/export/{table}")
    def export(
        table: str = Path(..., regex="^[a-z]{1,20}$"),
        f: kpis.Filter = Depends(range_filter),
        _: Agent = Depends(supervisor),
    ) -> Response:
        if table not in TABLES:
            raise RuleViolation("UNKNOWN_TABLE", "没有这张表。", 404)
        rows = tables(f)[table]()
        name = f"{table}_{f.date_from}_{f.date_to}.csv"
        return Response(
            to_csv(rows),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @router.get("/api/agent/analytics/alerts")
    def current_alerts(_: Agent = Depends(supervisor)) -> dict:
        return {"alerts": [asdict(a) for a in analytics.current_alerts()]}

    @router.post("/api/agent/analytics/derive")
    def derive_now(_: Agent = Depends(supervisor)) -> dict:
        return asdict(analytics.derive())

    @router.post("/api/bot-ratings", status_code=201, dependencies=desk.auth.bot)
    def rate_bot(body: BotRatingIn, session: Session = Depends(desk.get_session)):
        comment = mask_text(body.comment.strip())[:500] or None
        rating = BotRating(
            conversation_id=body.conversation_id,
            rating=body.rating,
            comment=comment,
            created_at=desk.clock(),
        )
        session.add(rating)
        session.commit()
        return {"rating": rating.rating}

    return router
