"""The last-four-digits check of an order, guarded against guessing.

An anonymous user proves an order with the last four digits of its phone: 10,000 values,
so failures are counted in the desk (servicedesk/throttle.py) per order number and per
end user, never in the conversation, which a user can restart. A locked order answers
VERIFY_LOCKED (429) even to the right digits until the lock ends; a customer signed in
with a token is never affected.
"""

from __future__ import annotations

from datetime import timedelta
from typing import List, Optional

from sqlalchemy.orm import Session, sessionmaker

from servicedesk.clock import Clock
from servicedesk.config import Settings
from servicedesk.errors import RuleViolation
from servicedesk.shop import orders
from servicedesk.shop.models import Order
from servicedesk.throttle import Policy, Throttle

# Wrong digits, and order numbers that do not exist (guessing orders is guessing too).
COUNTED = {"VERIFICATION_FAILED", "ORDER_NOT_FOUND"}
LOCKED = RuleViolation(
    "VERIFY_LOCKED", "手机号后四位验证失败次数过多，请稍后再试或登录账号。", 429
)


def verify_keys(order_no: str, end_user: Optional[str]) -> List[str]:
    keys = [f"verify-order:{(order_no or '').strip().upper()}"]
    if end_user and end_user.strip():
        keys.append(f"verify-user:{end_user.strip()}")
    return keys


def code_order_key(order_no: str) -> str:
    """Wrong one-time codes of an order (servicedesk/shop/order_codes.py): counted
    apart, so that the right digits do not clear them, and locking the digits too."""
    return f"code-order:{(order_no or '').strip().upper()}"


def verify_lockout(settings: Settings) -> Policy:
    """How many wrong proofs (last four digits, codes) lock a caller out, and how long."""
    return Policy(
        max_failures=settings.verify_max_failures,
        window=timedelta(minutes=15),
        lockout=timedelta(minutes=settings.verify_lock_minutes),
    )


class PhoneCheck:
    def __init__(self, session_factory: sessionmaker, clock: Clock, policy: Policy):
        self.throttle = Throttle(session_factory, clock, policy, LOCKED)

    def authorize(
        self,
        session: Session,
        order_no: str,
        customer_token: Optional[str],
        phone_last4: Optional[str],
        end_user: Optional[str] = None,
    ) -> Order:
        """orders.authorize_order, with the phone check counted and locked."""
        if customer_token or not phone_last4:
            return orders.authorize_order(
                session, order_no, customer_token, phone_last4
            )
        # Guessed codes lock the order's digits too (one lockout), but only the digits'
        # own failures are counted and cleared here.
        self.throttle.check([code_order_key(order_no)])
        return self.throttle.attempt(
            verify_keys(order_no, end_user),
            lambda: orders.authorize_order(session, order_no, None, phone_last4),
            lambda exc: exc.code in COUNTED,
        )
