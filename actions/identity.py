"""Who the user is, from the message metadata the widget or a REST client sends."""

from __future__ import annotations

from typing import Optional

from rasa_sdk import Tracker

from actions.servicedesk_client import Identity


def customer_token(tracker: Tracker) -> Optional[str]:
    """The latest customer_token the client sent in this conversation, if any."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            token = (event.get("metadata") or {}).get("customer_token")
            if token:
                return str(token)
    return None


def identity_of(tracker: Tracker) -> Identity:
    """A known customer, or an anonymous user who proved the current order's phone."""
    order_no = tracker.get_slot("order_no")
    verified = order_no and tracker.get_slot("verified_order") == order_no
    return Identity(
        customer_token=customer_token(tracker),
        phone_last4=tracker.get_slot("phone_last4") if verified else None,
    )
