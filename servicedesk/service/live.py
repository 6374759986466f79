"""Server-sent events for the workbench: "something changed" within about a second.

The stream carries no data of its own, only a version that moves whenever a handoff
message, a handoff or an audited agent action is added (every agent action is audited);
the page then re-reads what it shows through the ordinary API. One cheap query per
second per open workbench, and nothing to keep consistent between two representations.
"""

from __future__ import annotations

import asyncio
import json
from typing import AsyncIterator, Callable, Tuple

from fastapi import Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from servicedesk.service.models import AuditEntry, Handoff, HandoffMessage

POLL_SECONDS = 1.0
HEARTBEAT_SECONDS = 15.0


def version(session_factory: Callable[[], Session]) -> Tuple[int, ...]:
    with session_factory() as session:
        row = session.execute(
            select(
                select(func.coalesce(func.max(HandoffMessage.id), 0)).scalar_subquery(),
                select(func.coalesce(func.max(Handoff.id), 0)).scalar_subquery(),
                select(func.count(Handoff.id))
                .where(Handoff.state.in_(("queued", "serving")))
                .scalar_subquery(),
                select(func.coalesce(func.max(AuditEntry.id), 0)).scalar_subquery(),
            )
        ).one()
        return tuple(int(v) for v in row)


async def changes(
    request: Request, session_factory: Callable[[], Session]
) -> AsyncIterator[str]:
    last = None
    quiet = 0.0
    yield "retry: 2000\n\n"
    while not await request.is_disconnected():
        current = await run_in_threadpool(version, session_factory)
        if current != last:
            last = current
            quiet = 0.0
            yield f"event: change\ndata: {json.dumps(list(current))}\n\n"
        elif quiet >= HEARTBEAT_SECONDS:
            quiet = 0.0
            yield ": keep-alive\n\n"
        await asyncio.sleep(POLL_SECONDS)
        quiet += POLL_SECONDS
