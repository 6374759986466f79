"""Service alerts: a registry of checks, evaluated with the derivation, shown as a banner
in the workbench and, when ANALYTICS_ALERT_WEBHOOK_URL is set, posted once when raised.

Another part of the desk adds its own alert with one call:

    from servicedesk.analytics.alerts import Alert, alerts

    @alerts.register
    def angry_customer_waiting(ctx: AlertContext) -> Optional[Alert]:
        ...  # ctx.desk (desk session), ctx.analytics, ctx.now_local, ctx.now_utc

A check returns an Alert (a stable `code` the workbench words, the measured `value`,
the `threshold` and a `detail` dict) or None.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable, Dict, List, Optional

import requests
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from servicedesk.analytics.settings import AnalyticsSettings
from servicedesk.analytics.store import SessionRow
from servicedesk.service.models import Handoff

logger = logging.getLogger(__name__)
WEBHOOK_TIMEOUT_S = 5


@dataclass(frozen=True)
class Alert:
    code: str
    value: float
    threshold: float
    detail: Dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AlertContext:
    desk: Session
    analytics: Session
    now_local: datetime  # the desk's clock (naive local time, like its tables)
    now_utc: datetime  # naive UTC, like the analytics tables
    settings: AnalyticsSettings


AlertCheck = Callable[[AlertContext], Optional[Alert]]


class AlertRegistry:
    def __init__(self) -> None:
        self._checks: List[AlertCheck] = []

    def register(self, check: AlertCheck) -> AlertCheck:
        if check not in self._checks:
            self._checks.append(check)
        return check

    def unregister(self, check: AlertCheck) -> None:
        if check in self._checks:
            self._checks.remove(check)

    def evaluate(self, ctx: AlertContext) -> List[Alert]:
        raised = []
        for check in list(self._checks):
            try:
                alert = check(ctx)
            except Exception:  # noqa: BLE001 - one broken check must not hide the rest
                logger.exception("alert check %r failed", check)
                continue
            if alert is not None:
                raised.append(alert)
        return raised


alerts = AlertRegistry()


@alerts.register
def queue_wait(ctx: AlertContext) -> Optional[Alert]:
    """Someone has waited in the queue longer than the first-response target."""
    oldest, waiting = ctx.desk.execute(
        select(func.min(Handoff.created_at), func.count()).where(
            Handoff.state == "queued"
        )
    ).one()
    if oldest is None:
        return None
    waited = (ctx.now_local - oldest).total_seconds()
    target = ctx.settings.first_response_target_s
    if waited <= target:
        return None
    return Alert("queue_wait", round(waited), target, {"waiting": waiting})


@alerts.register
def fallback_rate(ctx: AlertContext) -> Optional[Alert]:
    """The bot misunderstood too many messages in the sessions of the last hour."""
    since = ctx.now_utc - timedelta(hours=1)
    turns, fallbacks = ctx.analytics.execute(
        select(func.sum(SessionRow.user_turns), func.sum(SessionRow.fallbacks)).where(
            SessionRow.end_at >= since, SessionRow.demo.is_(False)
        )
    ).one()
    turns, fallbacks = int(turns or 0), int(fallbacks or 0)
    if turns < ctx.settings.fallback_alert_min_turns:
        return None
    rate = fallbacks / turns
    if rate <= ctx.settings.fallback_alert_rate:
        return None
    return Alert(
        "fallback_rate",
        round(rate, 4),
        ctx.settings.fallback_alert_rate,
        {"user_turns": turns, "fallbacks": fallbacks},
    )


class AlertNotifier:
    """Posts each alert to the webhook once when it is raised (again after it cleared)."""

    def __init__(self, url: Optional[str]) -> None:
        self.url = url
        self.active: Dict[str, Alert] = {}

    def update(self, raised: List[Alert], now_utc: datetime) -> List[Alert]:
        new = [a for a in raised if a.code not in self.active]
        self.active = {a.code: a for a in raised}
        if self.url:
            for alert in new:
                body = {**asdict(alert), "at": now_utc.isoformat() + "Z"}
                try:
                    requests.post(self.url, json=body, timeout=WEBHOOK_TIMEOUT_S)
                except requests.RequestException as exc:
                    logger.warning("alert webhook failed: %s", exc)
        return new
