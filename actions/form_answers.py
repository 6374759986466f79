"""How the order form judges one answer: the slot values of a valid or an invalid answer,
values left from an earlier request, and a backend that fails while checking."""

from __future__ import annotations

import logging
from typing import Any, Callable, Dict, Optional, Text

from rasa_sdk import Tracker

from actions.identity import customer_token
from actions.outcomes import FormHint, LookupResult
from actions.servicedesk_client import (
    Identity,
    ServiceDeskError,
    ServiceDeskUnavailable,
)

logger = logging.getLogger(__name__)

REQUESTED_SLOT = "requested_slot"
OFFER_HUMAN_AFTER = 2
# Slots an entity in the very message that starts the form may fill.
ENTITY_SLOTS = {"order_no", "reason", "aftersale_type", "invoice_type", "modify_field"}

Values = Dict[Text, Any]


def starting(tracker: Tracker) -> bool:
    return tracker.get_slot(REQUESTED_SLOT) is None


def answer_text(tracker: Tracker, value: Any) -> Text:
    """What the user answered: the slot candidate, or the raw text."""
    text = value if isinstance(value, str) else tracker.latest_message.get("text", "")
    return (text or "").strip()


def entity_values(tracker: Tracker, entity: Text) -> list:
    return list(tracker.get_latest_entity_values(entity))


def stale(slot: Text, tracker: Tracker) -> bool:
    """A value left from an earlier request, seen when the form starts."""
    if not starting(tracker):
        return False
    fresh = slot in ENTITY_SLOTS and any(
        entity.get("entity") == slot
        for entity in tracker.latest_message.get("entities", [])
    )
    if slot == "order_no":
        # A new order question shows the list; other requests continue the order the
        # user was talking about.
        return tracker.get_slot("task") == "query_order" and not fresh
    return not fresh


def invalid(slot: Text, tracker: Tracker, hint: FormHint) -> Values:
    if (starting(tracker) and slot != "order_no") or (
        tracker.latest_message.get("text") or ""
    ).startswith("/"):
        # The request itself or a click on an older question's button is no answer to
        # this question: ask plainly, without counting a mistake.
        return {slot: None}
    count = 1
    if tracker.get_slot("invalid_slot") == slot:
        count = int(tracker.get_slot("invalid_count") or 0) + 1
    return {
        slot: None,
        "form_hint": FormHint.OFFER_HUMAN if count >= OFFER_HUMAN_AFTER else hint,
        "invalid_slot": slot,
        "invalid_count": float(count),
    }


def valid(slot: Text, value: Any) -> Values:
    return {slot: value, "form_hint": None, "invalid_slot": None, "invalid_count": None}


def identity(tracker: Tracker, phone_last4: Optional[Text] = None) -> Identity:
    """Who asks, as the form knows it: the token, or the phone proof being given."""
    return Identity(
        customer_token=customer_token(tracker),
        phone_last4=phone_last4 or tracker.get_slot("phone_last4"),
        end_user=tracker.sender_id,
    )


def guarded(check: Callable[[], Values]) -> Values:
    """Runs a check against the service desk; a broken backend ends the form."""
    try:
        return check()
    except ServiceDeskUnavailable:
        return {"lookup_result": LookupResult.UNAVAILABLE}
    except ServiceDeskError as exc:
        if exc.code == "VERIFY_LOCKED":
            # The order's phone check is locked in the desk (too many wrong guesses).
            return {"lookup_result": LookupResult.VERIFY_LOCKED}
        logger.error("form check refused: %s", exc)
        return {"lookup_result": LookupResult.UNAVAILABLE}


def refused(exc: ServiceDeskError) -> Values:
    """A rule of the service desk settles the request; the domain words its code."""
    return {"lookup_result": LookupResult.REFUSED, "refusal": exc.code}
