"""HTTP routes of the WeChat bindings: the bot's only (bearer token), and each also needs
the openid's proof (proof.py), which only the WeChat channel can make.

POST /api/wechat/bind-code  {openid, proof, phone}: texts a code if the phone is a
                            customer's (same answer either way).
POST /api/wechat/bindings   {openid, proof, code}: binds the openid to that customer.
POST /api/wechat/identity   {openid, proof}: the bound customer's token, or null.
"""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from servicedesk.context import DeskContext
from servicedesk.errors import RuleViolation
from servicedesk.shop.code_routes import NO_SMS
from servicedesk.shop.order_codes import CodePolicy
from servicedesk.shop.phone_check import verify_lockout
from servicedesk.sms import SmsSender
from servicedesk.wechat import proof
from servicedesk.wechat.bindings import WeChatBindings

BAD_PROOF = RuleViolation("WECHAT_PROOF_INVALID", "微信身份证明无效。", 403)


class OpenIdIn(BaseModel):
    openid: str = Field(..., min_length=1, max_length=128)
    proof: str = Field(..., min_length=1, max_length=128)


class PhoneIn(OpenIdIn):
    phone: str = Field(..., min_length=1, max_length=30)


class CodeIn(OpenIdIn):
    code: str = Field(..., min_length=1, max_length=10, regex=r"^\s*\d+\s*$")


def build_wechat_router(desk: DeskContext, sms: Optional[SmsSender]) -> APIRouter:
    router = APIRouter()
    settings = desk.settings
    bindings = (
        WeChatBindings(
            desk.session_factory,
            desk.clock,
            verify_lockout(settings),
            CodePolicy.from_settings(settings),
            sms,
        )
        if sms is not None
        else None
    )

    def proven(body: OpenIdIn) -> str:
        if not proof.is_valid(body.openid, body.proof, settings.widget_session_secret):
            raise BAD_PROOF
        return body.openid

    @router.post("/api/wechat/bind-code", dependencies=desk.auth.bot)
    def send_code(body: PhoneIn, session: Session = Depends(desk.get_session)) -> dict:
        openid = proven(body)
        if bindings is None:
            raise NO_SMS
        return bindings.send_code(session, openid, body.phone)

    @router.post("/api/wechat/bindings", dependencies=desk.auth.bot)
    def bind(body: CodeIn, session: Session = Depends(desk.get_session)) -> dict:
        openid = proven(body)
        if bindings is None:
            raise NO_SMS
        return bindings.bind(session, openid, body.code)

    @router.post("/api/wechat/identity", dependencies=desk.auth.bot)
    def identity(body: OpenIdIn, session: Session = Depends(desk.get_session)) -> dict:
        openid = proven(body)
        token = bindings.customer_token(session, openid) if bindings else None
        return {"customer_token": token}

    return router
