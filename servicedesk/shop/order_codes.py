"""One-time codes to an order's phone: the stronger proof anonymous write actions need.

The last four digits of a phone are guessable and often known to others, so they only
open an order's status. Cancelling it, changing its address, after-sales requests and
invoices (the "write actions") also need a 6-digit code sent to the order's phone. The
code is issued to one conversation (the bot's `X-End-User`) after the last-4 step; it is
stored only as a keyed hash, lives `ttl`, allows `attempts` tries, and is resent at
most every `resend` and `max_sends_per_hour` times per order. Wrong codes count in the
same lockout as wrong last-4 digits (servicedesk/throttle.py, per order and per end
user), plus counters of their own that a right last-4 does not clear. A right code
grants that conversation write actions on that order for `grant`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Dict, List, Optional, Union

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from servicedesk.clock import Clock
from servicedesk.config import Settings
from servicedesk.errors import RuleViolation
from servicedesk.shop.models import Order
from servicedesk.shop.order_code_models import CodeSend, OrderCode
from servicedesk.shop.phone_check import code_order_key, verify_keys
from servicedesk.shop.phone_key import phone_key
from servicedesk.sms import SmsSender
from servicedesk.throttle import Policy, Throttle

CODE_DIGITS = 6
LOCKED = RuleViolation("VERIFY_LOCKED", "验证失败次数过多，请稍后再试或登录账号。", 429)
CODE_INVALID = ("CODE_INVALID", "验证码不正确，请核对短信后重试。")
CODE_EXPIRED = ("CODE_EXPIRED", "验证码已失效，请重新获取。")
CODE_REQUIRED = ("CODE_REQUIRED", "办理此业务需要先通过短信验证码验证。")
END_USER_REQUIRED = ("END_USER_REQUIRED", "缺少 X-End-User：验证码只发给一个会话。")


@dataclass(frozen=True)
class CodePolicy:
    ttl: timedelta = timedelta(minutes=5)
    attempts: int = 3
    resend: timedelta = timedelta(seconds=60)
    max_sends_per_hour: int = 5
    grant: timedelta = timedelta(minutes=15)

    @classmethod
    def from_settings(cls, settings: Settings) -> CodePolicy:
        return cls(
            ttl=timedelta(minutes=settings.code_ttl_minutes),
            attempts=settings.code_attempts,
            resend=timedelta(seconds=settings.code_resend_seconds),
            max_sends_per_hour=settings.code_sends_per_hour,
            grant=timedelta(minutes=settings.code_grant_minutes),
        )


def _keyed(*parts: str) -> str:
    return hmac.new(phone_key(), "\n".join(parts).encode(), hashlib.sha256).hexdigest()


def code_keys(order_no: str, end_user: str) -> List[str]:
    """The lockout's keys (shared with the last-4 check) and the code's own, which a
    right last-4 does not clear: a known last-4 must not reset the count of codes."""
    return verify_keys(order_no, end_user) + [
        code_order_key(order_no),
        f"code-user:{end_user.strip()}",
    ]


def sms_text(code: str, order_no: str, minutes: int) -> str:
    return (
        f"您的验证码是 {code}，用于办理订单 {order_no}，{minutes} 分钟内有效。"
        "请勿告诉他人，客服不会向您索要验证码。"
    )


class OrderCodes:
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

    def _row(
        self, session: Session, order_no: str, end_user: str
    ) -> Optional[OrderCode]:
        return session.execute(
            select(OrderCode).where(
                OrderCode.order_no == order_no,
                OrderCode.end_user_hash == _keyed("end-user", end_user),
            )
        ).scalar_one_or_none()

    def issue(
        self, session: Session, order: Order, end_user: Optional[str]
    ) -> Dict[str, Union[str, int, bool]]:
        """Sends a code for `order` to its phone, for this conversation only; the
        caller has proven the last four digits. Never returns the code."""
        end_user = _required(end_user)
        now = self.clock()
        self.throttle.check(code_keys(order.order_no, end_user))
        self._forget_spent(session, now)
        row = self._row(session, order.order_no, end_user)
        if row is not None and row.granted_until and row.granted_until > now:
            return {"order_no": order.order_no, "verified": True}
        answer = {
            "order_no": order.order_no,
            "verified": False,
            "phone": order.phone_masked,
            "expires_in": int(self.policy.ttl.total_seconds()),
        }
        live = row is not None and row.code_hash and row.expires_at > now
        if live and now - row.sent_at < self.policy.resend:
            # Asked again at once (a reload, a second request): the code sent is valid.
            left = row.expires_at - now
            return {**answer, "sent": False, "expires_in": int(left.total_seconds())}
        if self._sends_last_hour(session, order.order_no, now) >= (
            self.policy.max_sends_per_hour
        ):
            raise LOCKED
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        if row is None:
            row = OrderCode(
                order_no=order.order_no, end_user_hash=_keyed("end-user", end_user)
            )
            session.add(row)
        row.code_hash = _keyed(order.order_no, end_user, code)
        row.sent_at, row.expires_at, row.attempts = now, now + self.policy.ttl, 0
        session.add(CodeSend(order_no=order.order_no, sent_at=now))
        session.commit()
        minutes = max(1, int(self.policy.ttl.total_seconds() // 60))
        self.sender.send(
            order.order_no, order.phone_masked, sms_text(code, order.order_no, minutes)
        )
        return {**answer, "sent": True}

    def verify(
        self, session: Session, order_no: str, end_user: Optional[str], code: str
    ) -> Dict[str, Union[str, bool]]:
        """Checks a code under the lockout; a right one grants write actions."""
        end_user = _required(end_user)
        order_no = order_no.strip().upper()

        def check() -> Dict[str, Union[str, bool]]:
            now = self.clock()
            row = self._row(session, order_no, end_user)
            if row is None or not row.code_hash or row.expires_at <= now:
                raise RuleViolation(*CODE_EXPIRED, 403)
            if not hmac.compare_digest(
                row.code_hash, _keyed(order_no, end_user, code.strip())
            ):
                row.attempts += 1
                if row.attempts >= self.policy.attempts:
                    row.code_hash = None  # burnt: a new code is needed
                session.commit()
                raise RuleViolation(*CODE_INVALID, 403)
            row.code_hash, row.granted_until = None, now + self.policy.grant
            session.commit()
            return {"order_no": order_no, "verified": True}

        return self.throttle.attempt(
            code_keys(order_no, end_user),
            check,
            lambda exc: exc.code == CODE_INVALID[0],
        )

    def require_grant(
        self, session: Session, order_no: str, end_user: Optional[str]
    ) -> None:
        """Refuses a write action of an anonymous caller without a valid code."""
        now = self.clock()
        row = self._row(session, order_no, end_user) if end_user else None
        if row is None or not row.granted_until or row.granted_until <= now:
            raise RuleViolation(*CODE_REQUIRED, 403)

    def _forget_spent(self, session: Session, now: datetime) -> None:
        """Codes and grants past use leave the table (it would only grow)."""
        session.execute(
            delete(OrderCode).where(
                OrderCode.expires_at < now,
                (OrderCode.granted_until.is_(None)) | (OrderCode.granted_until < now),
            )
        )

    @staticmethod
    def _sends_last_hour(session: Session, order_no: str, now: datetime) -> int:
        hour_ago = now - timedelta(hours=1)
        session.execute(
            delete(CodeSend).where(
                CodeSend.order_no == order_no, CodeSend.sent_at < hour_ago
            )
        )
        return session.execute(
            select(func.count(CodeSend.id)).where(CodeSend.order_no == order_no)
        ).scalar_one()


def _required(end_user: Optional[str]) -> str:
    if not end_user or not end_user.strip():
        raise RuleViolation(*END_USER_REQUIRED, 422)
    return end_user.strip()
