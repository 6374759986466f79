"""Who the user is, from the metadata of the message being answered.

The customer token is read from the latest user message only. Anyone who knows (or
guesses) a conversation id can post to it, so a token sent with an earlier message
proves nothing about who sends this one: each message must carry its own.
"""

from __future__ import annotations

from typing import Optional

from rasa_sdk import Tracker

from actions.servicedesk_client import Identity


def customer_token(tracker: Tracker) -> Optional[str]:
    """The customer_token the latest user message carried, if any."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            token = (event.get("metadata") or {}).get("customer_token")
            return str(token) if token else None
    return None


def identity_of(tracker: Tracker) -> Identity:
    """A known customer, or an anonymous user who proved the current order's phone."""
    order_no = tracker.get_slot("order_no")
    verified = order_no and tracker.get_slot("verified_order") == order_no
    return Identity(
        customer_token=customer_token(tracker),
        phone_last4=tracker.get_slot("phone_last4") if verified else None,
        end_user=tracker.sender_id,
    )
