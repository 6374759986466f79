"""The one HTTP client of the service desk: timeouts, retries, errors as exceptions.

Actions know the service desk only through this module (never by importing it).
"""

from __future__ import annotations

import logging
import os
from typing import Any, Dict, Optional, Tuple
from urllib.parse import quote

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

logger = logging.getLogger(__name__)

DEFAULT_URL = "http://127.0.0.1:8000"
# (connect, read) seconds: a turn must stay fast even when the backend is not.
DEFAULT_TIMEOUT = (1.0, 3.0)


class ServiceDeskError(Exception):
    """The service desk answered with a refusal or an error it explained."""

    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.code = code
        self.message = message
        self.status = status


class ServiceDeskUnavailable(Exception):
    """The service desk could not be reached, timed out or failed internally."""


class Identity:
    """Who is asking: a known customer (token) or someone who proved an order's phone."""

    def __init__(
        self,
        customer_token: Optional[str] = None,
        phone_last4: Optional[str] = None,
        end_user: Optional[str] = None,
    ) -> None:
        self.customer_token = customer_token
        self.phone_last4 = phone_last4
        # The conversation asking: the desk counts failed phone checks per end user as
        # well as per order (all requests come from the action server's address).
        self.end_user = end_user

    def headers(self) -> Dict[str, str]:
        headers = {}
        if self.customer_token:
            headers["X-Customer-Token"] = self.customer_token
        if self.phone_last4:
            headers["X-Order-Phone-Last4"] = self.phone_last4
        if self.end_user:
            headers["X-End-User"] = self.end_user
        return headers


class ServiceDeskClient:
    def __init__(
        self,
        base_url: Optional[str] = None,
        token: Optional[str] = None,
        timeout=DEFAULT_TIMEOUT,
    ) -> None:
        self.base_url = (
            base_url or os.environ.get("SERVICEDESK_URL") or DEFAULT_URL
        ).rstrip("/")
        self.token = (
            token if token is not None else os.environ.get("SERVICEDESK_API_TOKEN", "")
        )
        self.timeout = timeout
        self.session = requests.Session()
        # Reads are retried on connection trouble and 502-504; writes are not, so a
        # request is never applied twice.
        retry = Retry(
            total=2,
            connect=2,
            read=0,
            status=2,
            backoff_factor=0.1,
            status_forcelist=(502, 503, 504),
            allowed_methods=frozenset({"GET"}),
            raise_on_status=False,
        )
        self.session.mount("http://", HTTPAdapter(max_retries=retry, pool_maxsize=20))
        self.session.mount("https://", HTTPAdapter(max_retries=retry, pool_maxsize=20))

    def _call(
        self,
        method: str,
        path: str,
        identity: Optional[Identity] = None,
        **kwargs: Any,
    ) -> Dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token}"}
        if identity:
            headers.update(identity.headers())
        try:
            response = self.session.request(
                method,
                f"{self.base_url}{path}",
                headers=headers,
                timeout=self.timeout,
                **kwargs,
            )
        except requests.RequestException as exc:
            logger.warning("service desk unreachable: %s %s: %s", method, path, exc)
            raise ServiceDeskUnavailable(str(exc)) from exc
        if response.status_code >= 500:
            logger.error(
                "service desk failed: %s %s -> %s", method, path, response.status_code
            )
            raise ServiceDeskUnavailable(f"status {response.status_code}")
        try:
            body = response.json()
        except ValueError as exc:
            logger.error("service desk sent no JSON: %s %s", method, path)
            raise ServiceDeskUnavailable("invalid response") from exc
        if response.status_code >= 400:
            error = body.get("error", {}) if isinstance(body, dict) else {}
            raise ServiceDeskError(
                error.get("code", "UNKNOWN"),
                error.get("message", ""),
                response.status_code,
            )
        return body

    def recent_orders(self, identity: Identity, limit: int = 5) -> list:
        return self._call(
            "GET", "/api/customers/me/orders", identity, params={"limit": limit}
        )["orders"]

    def orders_naming(
        self, identity: Identity, product: str, limit: int = 5
    ) -> Tuple[list, int]:
        """Recent orders with those naming the product first, and how many do."""
        found = self._call(
            "GET",
            "/api/customers/me/orders",
            identity,
            params={"limit": limit, "product": product[:100]},
        )
        return found["orders"], int(found.get("matched") or 0)

    def order(self, order_no: str, identity: Identity) -> Dict[str, Any]:
        return self._call("GET", f"/api/orders/{order_no}", identity)

    def logistics(self, order_no: str, identity: Identity) -> Dict[str, Any]:
        return self._call("GET", f"/api/orders/{order_no}/logistics", identity)

    def verify(
        self, order_no: str, phone_last4: str, end_user: Optional[str] = None
    ) -> bool:
        self._call(
            "POST",
            f"/api/orders/{order_no}/verify",
            Identity(end_user=end_user),
            json={"phone_last4": phone_last4},
        )
        return True

    def send_code(self, order_no: str, identity: Identity) -> Dict[str, Any]:
        """A one-time code to the order's phone for this conversation (after the
        last-4 proof): `{"verified": true}` when the conversation already has one,
        else the masked phone it went to (`phone`); never the code."""
        return self._call("POST", f"/api/orders/{order_no}/code", identity)

    def verify_code(self, order_no: str, code: str, end_user: str) -> bool:
        self._call(
            "POST",
            f"/api/orders/{order_no}/code/verify",
            Identity(end_user=end_user),
            json={"code": code},
        )
        return True

    def cancel(
        self, order_no: str, identity: Identity, dry_run: bool = False
    ) -> Dict[str, Any]:
        return self._call(
            "POST",
            f"/api/orders/{order_no}/cancel",
            identity,
            params={"dry_run": "true"} if dry_run else None,
        )

    def payment(self, order_no: str, identity: Identity) -> Dict[str, Any]:
        return self._call("GET", f"/api/orders/{order_no}/payment", identity)

    def products(self, query: str, limit: int = 3) -> list:
        return self._call("GET", "/api/products", params={"q": query, "limit": limit})[
            "products"
        ]

    def after_sales(self, order_no: str, identity: Identity) -> list:
        return self._call("GET", f"/api/orders/{order_no}/after-sales", identity)[
            "after_sales"
        ]

    def create_after_sale(
        self,
        order_no: str,
        identity: Identity,
        kind: str,
        reason: str,
        new_spec: Optional[str] = None,
        dry_run: bool = False,
    ) -> Dict[str, Any]:
        return self._call(
            "POST",
            f"/api/orders/{order_no}/after-sales",
            identity,
            json={"kind": kind, "reason": reason, "new_spec": new_spec},
            params={"dry_run": "true"} if dry_run else None,
        )

    def invoices(self, order_no: str, identity: Identity) -> list:
        return self._call("GET", f"/api/orders/{order_no}/invoices", identity)[
            "invoices"
        ]

    def check_invoice(self, order_no: str, identity: Identity) -> Dict[str, Any]:
        """Before the invoice questions: the issued invoice (`existing`), or allowed."""
        return self._call(
            "POST",
            f"/api/orders/{order_no}/invoices",
            identity,
            json={},
            params={"dry_run": "true"},
        )

    def check_invoice_field(self, field: str, value: str) -> None:
        self._call(
            "POST", "/api/invoices/check-field", json={"field": field, "value": value}
        )

    def create_invoice(
        self,
        order_no: str,
        identity: Identity,
        kind: str,
        title: str,
        tax_id: Optional[str],
        email: str,
    ) -> Dict[str, Any]:
        return self._call(
            "POST",
            f"/api/orders/{order_no}/invoices",
            identity,
            json={"kind": kind, "title": title, "tax_id": tax_id, "email": email},
        )

    def change_shipping(
        self,
        order_no: str,
        identity: Identity,
        changes: Dict[str, str],
        dry_run: bool = False,
    ) -> Dict[str, Any]:
        return self._call(
            "PATCH",
            f"/api/orders/{order_no}/shipping",
            identity,
            json=changes,
            params={"dry_run": "true"} if dry_run else None,
        )

    def request_handoff(
        self,
        conversation_id: str,
        identity: Identity,
        trigger: str,
        summary: Dict[str, Any],
    ) -> Dict[str, Any]:
        return self._call(
            "POST",
            "/api/handoffs",
            identity,
            json={
                "conversation_id": conversation_id,
                "trigger": trigger,
                "summary": summary,
            },
        )

    def create_ticket(
        self,
        identity: Identity,
        subject: str,
        description: str,
        order_no: Optional[str] = None,
        **left: Any,
    ) -> Dict[str, Any]:
        """`left`: a left message's message, contact_phone, callback_time,
        conversation_id and summary (see the desk's TicketIn)."""
        return self._call(
            "POST",
            "/api/tickets",
            identity,
            json={
                "subject": subject,
                "description": description,
                "order_no": order_no,
                **left,
            },
        )

    def wechat_bind_code(self, openid: str, proof: str, phone: str) -> Dict[str, Any]:
        """A binding code to `phone` if it is a customer's (the same answer if not):
        `{"phone": masked, "sent": bool}`; INVALID_PHONE, VERIFY_LOCKED as errors."""
        return self._call(
            "POST",
            "/api/wechat/bind-code",
            json={"openid": openid, "proof": proof, "phone": phone},
        )

    def wechat_bind(self, openid: str, proof: str, code: str) -> bool:
        self._call(
            "POST",
            "/api/wechat/bindings",
            json={"openid": openid, "proof": proof, "code": code},
        )
        return True

    def check_phone(self, phone: str) -> str:
        """The number normalised, or ServiceDeskError INVALID_PHONE."""
        return self._call("POST", "/api/tickets/check-phone", json={"phone": phone})[
            "phone"
        ]

    def me(self, identity: Identity) -> Dict[str, Any]:
        return self._call("GET", "/api/customers/me", identity)

    def my_tickets(self, identity: Identity, conversation_id: str) -> list:
        """A known customer's tickets, or those left in this conversation."""
        return self._call(
            "GET",
            "/api/tickets/mine",
            identity,
            params={"conversation_id": conversation_id},
        )["tickets"]

    def ticket_progress(self, ticket_no: str, identity: Identity) -> Dict[str, Any]:
        return self._call(
            "GET", f"/api/tickets/{quote(ticket_no, safe='')}/progress", identity
        )

    def rate_handoff(
        self, conversation_id: str, rating: int, comment: str = ""
    ) -> Dict[str, Any]:
        return self._call(
            "POST",
            f"/api/handoffs/{quote(conversation_id, safe='')}/rating",
            Identity(),
            json={"rating": rating, "comment": comment},
        )

    def rate_bot_session(
        self, conversation_id: str, rating: int, comment: str = ""
    ) -> Dict[str, Any]:
        return self._call(
            "POST",
            "/api/bot-ratings",
            Identity(),
            json={
                "conversation_id": conversation_id,
                "rating": rating,
                "comment": comment,
            },
        )

    def kb_answer(
        self,
        identity: Identity,
        query: str,
        key: Optional[str] = None,
        key_confidence: float = 0.0,
        entry_id: Optional[int] = None,
        answer_only: bool = False,
        off_topic: bool = False,
    ) -> Dict[str, Any]:
        return self._call(
            "POST",
            "/api/kb/answer",
            identity,
            json={
                "query": query,
                "key": key,
                "key_confidence": key_confidence,
                "entry_id": entry_id,
                "record": not answer_only,
                "off_topic": off_topic,
            },
        )

    def kb_feedback(self, entry_id: Optional[int], query: str, helpful: bool) -> None:
        self._call(
            "POST",
            "/api/kb/feedback",
            Identity(),
            json={"entry_id": entry_id, "query": query, "helpful": helpful},
        )
