"""Binding a WeChat openid to a customer: the phone's owner proves it with a texted code.

Why a code and not the last four digits: a binding gives lasting access to every order
of the account from that WeChat, and the last four digits of a phone are known to
family, couriers and anyone holding a parcel. So the follower names the full phone
number; if it is a customer's, a 6-digit code goes to it by SMS (the desk's SMS sender,
as for anonymous write actions); the answer is the same whether or not the number is a
customer's, so the endpoint does not tell who shops here. Wrong codes count in the
desk's lockout (servicedesk/throttle.py) per openid and per phone, like the order
codes; a code lives `ttl` and allows `attempts` tries. A bound openid gets a customer
token derived under the desk's key (never stored, only its SHA-256), which works
wherever the widget's customer token works, and dies when the binding is replaced.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Dict, Optional, Union

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from servicedesk.clock import Clock
from servicedesk.errors import RuleViolation
from servicedesk.shop.customer_tokens import token_hash
from servicedesk.shop.customers import customer_by_phone, normalise_phone
from servicedesk.shop.models import Customer
from servicedesk.shop.order_codes import (
    CODE_DIGITS,
    CODE_EXPIRED,
    CODE_INVALID,
    CodePolicy,
)
from servicedesk.shop.phone_key import phone_key
from servicedesk.sms import SmsSender
from servicedesk.throttle import Policy, Throttle
from servicedesk.wechat.models import WeChatBindCode, WeChatBinding

LOCKED = RuleViolation("VERIFY_LOCKED", "验证失败次数过多，请稍后再试。", 429)
TOKEN_PREFIX = "wx-"


def _keyed(*parts: str) -> str:
    return hmac.new(phone_key(), "\n".join(parts).encode(), hashlib.sha256).hexdigest()


def openid_hash(openid: str) -> str:
    return _keyed("wechat-openid", openid)


def masked(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}"


def sms_text(code: str, minutes: int) -> str:
    return (
        f"您的验证码是 {code}，用于绑定微信公众号，{minutes} 分钟内有效。"
        "请勿告诉他人，客服不会向您索要验证码。"
    )


def customer_token_for(binding: WeChatBinding) -> str:
    """The binding's customer token: derived, so it needs no storage in clear."""
    return TOKEN_PREFIX + _keyed(
        "wechat-binding", binding.token_salt, binding.openid_hash
    )


def customer_by_binding_token(session: Session, token: str) -> Optional[Customer]:
    if not token.startswith(TOKEN_PREFIX):
        return None
    binding = session.execute(
        select(WeChatBinding).where(WeChatBinding.token_hash == token_hash(token))
    ).scalar_one_or_none()
    return session.get(Customer, binding.customer_id) if binding else None


class WeChatBindings:
    def __init__(
        self,
        session_factory: sessionmaker,
        clock: Clock,
        lockout: Policy,
        policy: CodePolicy,
        sender: SmsSender,
    ) -> None:
        self.throttle = Throttle(session_factory, clock, lockout, LOCKED)
        self.clock = clock
        self.policy = policy
        self.sender = sender

    def _code_row(self, session: Session, openid: str) -> Optional[WeChatBindCode]:
        return session.execute(
            select(WeChatBindCode).where(
                WeChatBindCode.openid_hash == openid_hash(openid)
            )
        ).scalar_one_or_none()

    def send_code(
        self, session: Session, openid: str, raw_phone: str
    ) -> Dict[str, Union[str, int, bool]]:
        phone = normalise_phone(raw_phone)
        now = self.clock()
        phone_key_hash = _keyed("wechat-phone", phone)
        keys = [
            f"wechat-openid:{openid_hash(openid)}",
            f"wechat-phone:{phone_key_hash}",
        ]
        self.throttle.check(keys)
        answer = {
            "phone": masked(phone),
            "expires_in": int(self.policy.ttl.total_seconds()),
        }
        row = self._code_row(session, openid)
        if (
            row is not None
            and row.phone_hash == phone_key_hash
            and row.code_hash
            and row.expires_at > now
            and now - row.sent_at < self.policy.resend
        ):
            return {**answer, "sent": False}
        customer = customer_by_phone(session, phone)
        if row is None:
            row = WeChatBindCode(openid_hash=openid_hash(openid))
            session.add(row)
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        row.customer_id = customer.id if customer else None
        row.phone_hash = phone_key_hash
        row.code_hash = _keyed(openid, code) if customer else None
        row.sent_at, row.expires_at, row.attempts = now, now + self.policy.ttl, 0
        session.commit()
        if customer is not None:
            minutes = max(1, int(self.policy.ttl.total_seconds() // 60))
            # No order here: the sender gets "" and the customer's masked phone.
            self.sender.send("", customer.phone_masked, sms_text(code, minutes))
        return {**answer, "sent": True}

    def bind(self, session: Session, openid: str, code: str) -> Dict[str, object]:
        row = self._code_row(session, openid)
        keys = [f"wechat-openid:{openid_hash(openid)}"]
        if row is not None:
            keys.append(f"wechat-phone:{row.phone_hash}")

        def check() -> Dict[str, object]:
            now = self.clock()
            if (
                row is None
                or row.expires_at <= now
                or (row.customer_id is not None and not row.code_hash)
            ):
                raise RuleViolation(*CODE_EXPIRED, 403)
            if row.code_hash is None or not hmac.compare_digest(
                row.code_hash, _keyed(openid, code.strip())
            ):
                row.attempts += 1
                if row.attempts >= self.policy.attempts:
                    row.code_hash = None
                    row.expires_at = now  # burnt: a new code is needed
                session.commit()
                raise RuleViolation(*CODE_INVALID, 403)
            customer_id = row.customer_id
            session.delete(row)
            self._replace_binding(session, openid, customer_id)
            session.commit()
            return {"bound": True}

        return self.throttle.attempt(
            keys, check, lambda exc: exc.code == CODE_INVALID[0]
        )

    def _replace_binding(self, session: Session, openid: str, customer_id: int) -> None:
        hashed = openid_hash(openid)
        old = session.execute(
            select(WeChatBinding).where(WeChatBinding.openid_hash == hashed)
        ).scalar_one_or_none()
        if old is not None:
            session.delete(old)
            session.flush()  # the openid is unique
        binding = WeChatBinding(
            openid_hash=hashed,
            customer_id=customer_id,
            token_salt=secrets.token_hex(16),
            created_at=self.clock(),
        )
        binding.token_hash = token_hash(customer_token_for(binding))
        session.add(binding)

    def customer_token(self, session: Session, openid: str) -> Optional[str]:
        binding = session.execute(
            select(WeChatBinding).where(
                WeChatBinding.openid_hash == openid_hash(openid)
            )
        ).scalar_one_or_none()
        return customer_token_for(binding) if binding else None
