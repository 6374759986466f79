"""The values actions put into outcome slots, which domain.yml conditions word.

Every value an action can set is a member here, and `tests/test_outcomes.py` checks the
members against domain.yml both ways: each member is handled (a response condition, a
rule or story, or the response's default wording where listed below) and each condition
names a member. Members are `str` enums, so they travel to Rasa as plain strings.
"""

from __future__ import annotations

from enum import Enum
from typing import Dict, FrozenSet, Type


class Outcome(str, Enum):
    def __str__(self) -> str:
        return self.value


class LookupResult(Outcome):
    """How an order request ended (slot `lookup_result`)."""

    FOUND = "found"
    NOT_FOUND = "not_found"
    CHOOSE = "choose"
    NEED_ORDER_NO = "need_order_no"
    NEED_LOGIN = "need_login"
    NO_ORDERS = "no_orders"
    VERIFY_LOCKED = "verify_locked"
    UNAVAILABLE = "unavailable"
    REFUSED = "refused"
    PROGRESS = "progress"
    ISSUED = "issued"
    CREATED = "created"
    MODIFIED = "modified"
    KEPT = "kept"


# Outcomes that settle a request before every question is answered: the form ends and
# the task's action leaves them to its response.
SETTLED: FrozenSet[LookupResult] = frozenset(
    {
        LookupResult.VERIFY_LOCKED,
        LookupResult.NO_ORDERS,
        LookupResult.NEED_LOGIN,
        LookupResult.UNAVAILABLE,
        LookupResult.REFUSED,
        LookupResult.PROGRESS,
        LookupResult.ISSUED,
    }
)


class FormHint(Outcome):
    """Why the order form asks its question again (slot `form_hint`)."""

    INVALID = "invalid"
    # Words where an order number was asked for: no "that is no order number".
    NO_NUMBER = "no_number"
    # The product the user named is in several of their orders.
    SEVERAL_MATCH = "several_match"
    NOT_FOUND = "not_found"
    NOT_VERIFIED = "not_verified"
    OFFER_HUMAN = "offer_human"
    # The one-time code had expired or was used up: a new one was sent.
    CODE_RESENT = "code_resent"


class CancelResult(Outcome):
    """A cancellation asked about or done (slot `cancel_result`); the service desk's
    refusal codes ORDER_ALREADY_SHIPPED / ORDER_ALREADY_CANCELLED pass through."""

    OK = "ok"
    CANCELLED = "cancelled"
    NEED_LOGIN = "need_login"
    UNAVAILABLE = "unavailable"
    ALREADY_SHIPPED = "ORDER_ALREADY_SHIPPED"
    ALREADY_CANCELLED = "ORDER_ALREADY_CANCELLED"


class LogisticsState(Outcome):
    """Where a parcel is (slot `logistics_state`)."""

    CANCELLED = "cancelled"
    NOT_SHIPPED = "not_shipped"
    SIGNED = "signed"
    STALLED = "stalled"
    IN_TRANSIT = "in_transit"


class PaymentResult(Outcome):
    """A payment lookup (slot `payment_result`); the desk's payment states pass through."""

    GENERAL = "general"
    UNAVAILABLE = "unavailable"
    PENDING = "pending"
    PAID = "paid"
    REFUNDED = "refunded"
    CLOSED = "closed"
    UNPAID = "unpaid"


class ProductResult(Outcome):
    """A product lookup (slot `product_result`)."""

    NONE = "none"
    NOT_FOUND = "not_found"
    UNAVAILABLE = "unavailable"
    IN_STOCK = "in_stock"
    OUT_OF_STOCK = "out_of_stock"


class HandoffResult(Outcome):
    """Where a request for a human stands (slot `handoff_result`)."""

    QUEUED = "queued"
    SERVING = "serving"
    NO_AGENT = "no_agent"
    UNAVAILABLE = "unavailable"
    CLOSED = "closed"


class TicketResult(Outcome):
    """A left message (slot `ticket_result`)."""

    CREATED = "created"
    UNAVAILABLE = "unavailable"


class TicketLookup(Outcome):
    """What the bot found about a ticket's progress (slot `ticket_lookup`)."""

    FOUND = "found"
    NEED_NUMBER = "need_number"
    NEED_LAST4 = "need_last4"
    WRONG_LAST4 = "wrong_last4"
    LOCKED = "locked"
    NOT_FOUND = "not_found"
    UNAVAILABLE = "unavailable"


class MessageHint(Outcome):
    """Why the message form asks again (slot `message_hint`)."""

    TOO_SHORT = "too_short"
    INVALID_PHONE = "invalid_phone"


class TicketReminder(Outcome):
    """What the first greeting mentions (slot `ticket_reminder`)."""

    OPEN = "open"
    ANSWERED = "answered"


class RatingResult(Outcome):
    """A satisfaction rating after a handoff (slot `rating_result`)."""

    SAVED = "saved"
    INVALID = "invalid"
    UNAVAILABLE = "unavailable"


class BotRating(Outcome):
    """Whether the bot asks for a rating of its own service (slot `bot_rating`)."""

    ASK = "ask"
    SKIP = "skip"


class KbResult(Outcome):
    """A knowledge-base question (slot `kb_result`)."""

    ANSWER = "answer"
    SUGGEST = "suggest"
    NONE = "none"
    NONE_AGAIN = "none_again"
    UNAVAILABLE = "unavailable"


SLOTS: Dict[str, Type[Outcome]] = {
    "lookup_result": LookupResult,
    "form_hint": FormHint,
    "cancel_result": CancelResult,
    "logistics_state": LogisticsState,
    "payment_result": PaymentResult,
    "product_result": ProductResult,
    "handoff_result": HandoffResult,
    "ticket_result": TicketResult,
    "ticket_lookup": TicketLookup,
    "message_hint": MessageHint,
    "ticket_reminder": TicketReminder,
    "rating_result": RatingResult,
    "bot_rating": BotRating,
    "kb_result": KbResult,
}

# Values no condition names on purpose: the response's default variation words them.
DEFAULT_WORDING: Dict[str, FrozenSet[str]] = {
    "payment_result": frozenset({"general", "unpaid"}),
    "product_result": frozenset({"none"}),
    "handoff_result": frozenset({"unavailable"}),
    "ticket_result": frozenset({"unavailable"}),
    "ticket_lookup": frozenset({"unavailable"}),
    "rating_result": frozenset({"saved"}),
}
