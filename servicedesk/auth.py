"""Who is calling: the FastAPI dependencies that every router of the desk shares.

The action server and the Rasa server send the API's bearer token; a customer is named by
`X-Customer-Token` (the widget's metadata.customer_token) or proves an order with
`X-Order-Phone-Last4` (with `X-End-User` naming the person, for failure counting); agents log in and send `X-Agent-Token`.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any, Callable, List, Optional, Tuple

from fastapi import Depends, Header
from sqlalchemy.orm import Session

from servicedesk.clock import Clock
from servicedesk.config import Settings
from servicedesk.errors import RuleViolation
from servicedesk.service.agents import agent_for_token
from servicedesk.service.models import Agent
from servicedesk.shop.customers import customer_by_token
from servicedesk.shop.models import Customer

# A customer token, and the last four digits of an order's phone (anonymous users).
Caller = Tuple[Optional[str], Optional[str]]


def caller(
    customer_token: Optional[str] = Header(None, alias="X-Customer-Token"),
    phone_last4: Optional[str] = Header(None, alias="X-Order-Phone-Last4"),
) -> Caller:
    return customer_token, phone_last4


def end_user(
    value: Optional[str] = Header(None, alias="X-End-User", max_length=255),
) -> Optional[str]:
    """Who the bot is asking for (the conversation's sender id or the user's address),
    so guessing is also counted per person; optional, never trusted for access."""
    return value


@dataclass(frozen=True)
class Auth:
    require_token: Callable[..., None]
    current_agent: Callable[..., Agent]
    # The customer the optional X-Customer-Token names, or None.
    customer: Callable[..., Optional[Customer]]

    @property
    def bot(self) -> List[Any]:
        """Route dependencies of everything only the bot's servers may call."""
        return [Depends(self.require_token)]


def build_auth(settings: Settings, clock: Clock, get_session: Callable) -> Auth:
    def require_token(authorization: str = Header("")) -> None:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            token.encode(), settings.api_token.encode()
        ):
            raise RuleViolation("UNAUTHORIZED", "缺少或错误的访问令牌。", 401)

    def current_agent(
        token: Optional[str] = Header(None, alias="X-Agent-Token"),
        session: Session = Depends(get_session),
    ) -> Agent:
        return agent_for_token(session, token, clock())

    def customer(
        customer_token: Optional[str] = Header(None, alias="X-Customer-Token"),
        session: Session = Depends(get_session),
    ) -> Optional[Customer]:
        # FastAPI hands the endpoint the same session (dependencies are cached per request).
        return customer_by_token(session, customer_token)

    return Auth(require_token, current_agent, customer)
