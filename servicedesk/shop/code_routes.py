"""HTTP routes of the one-time order codes, and the demo outbox's page.

Bot only (bearer token): `POST /api/orders/{no}/code` sends a code to the order's phone
once the caller has proven its last four digits (`X-Order-Phone-Last4`) for a
conversation (`X-End-User`); the code is never in the answer. `POST
/api/orders/{no}/code/verify` checks it. Public in demo mode only: `GET /api/demo/sms`,
the demo outbox (演示短信, nothing is really sent).
"""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from servicedesk.auth import Caller, caller, end_user
from servicedesk.context import DeskContext
from servicedesk.errors import RuleViolation
from servicedesk.shop.order_codes import OrderCodes
from servicedesk.shop.phone_check import PhoneCheck
from servicedesk.sms import DEMO_MARK, DemoOutbox, SmsSender

# Not an outage: this desk cannot send codes, so anonymous users log in to act.
NO_SMS = RuleViolation(
    "SMS_UNAVAILABLE", "短信验证码服务未配置，请登录账号后办理。", 403
)


class CodeIn(BaseModel):
    code: str = Field(..., min_length=1, max_length=10, regex=r"^\s*\d+\s*$")


def build_code_router(
    desk: DeskContext,
    phone_check: PhoneCheck,
    codes: OrderCodes,
    sms: Optional[SmsSender],
) -> APIRouter:
    router = APIRouter()
    get_session = desk.get_session

    @router.post("/api/orders/{order_no}/code", dependencies=desk.auth.bot)
    def send_code(
        order_no: str,
        who: Caller = Depends(caller),
        person: Optional[str] = Depends(end_user),
        session: Session = Depends(get_session),
    ) -> dict:
        order = phone_check.authorize(session, order_no, *who, person)
        if who[0]:
            # The signed-in owner needs no code.
            return {"order_no": order.order_no, "verified": True}
        if sms is None:
            raise NO_SMS
        return codes.issue(session, order, person)

    @router.post("/api/orders/{order_no}/code/verify", dependencies=desk.auth.bot)
    def verify_code(
        order_no: str,
        body: CodeIn,
        person: Optional[str] = Depends(end_user),
        session: Session = Depends(get_session),
    ) -> dict:
        return codes.verify(session, order_no, person, body.code)

    @router.get("/api/demo/sms")
    def demo_outbox() -> dict:
        if not desk.settings.demo or not isinstance(sms, DemoOutbox):
            raise RuleViolation("NOT_FOUND", "演示模式未开启。", 404)
        return {
            "notice": f"{DEMO_MARK}：仅供演示，没有真正发送；真实部署中验证码只发到订单手机。",
            "messages": sms.recent(),
        }

    return router
