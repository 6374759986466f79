"""The one-time code step of the order form: the stronger proof anonymous write actions
need (issue 17).

The last four digits of the phone open an order's status; cancelling it, changing its
address, after-sales requests and invoices also need the 6-digit code the service desk
sends to the order's phone. Signed-in customers (a token in the message) are never
asked. The desk keeps the code, its tries, the lockout and the grant; the conversation
keeps only where the code went (`code_phone`, masked) and that it was given
(`order_code` = "verified", never the code itself).
"""

from __future__ import annotations

import logging
import re
from typing import Any, Optional, Text

from rasa_sdk import Tracker

from actions import backend
from actions.form_answers import Values, answer_text, identity, invalid, valid
from actions.identity import customer_token
from actions.outcomes import SETTLED, FormHint, LookupResult
from actions.servicedesk_client import ServiceDeskError, ServiceDeskUnavailable

logger = logging.getLogger(__name__)

WRITE_TASKS = frozenset(
    {
        "cancel_order",
        "modify_order",
        "request_refund",
        "request_return_exchange",
        "request_invoice",
    }
)
GIVEN = "verified"
# Six digits on their own, also with spaces ("482 913") or around words ("验证码是…").
CODE = re.compile(r"(?<![0-9])([0-9]{3})\s?([0-9]{3})(?![0-9])")
FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def needs_code(tracker: Tracker) -> bool:
    return not customer_token(tracker) and tracker.get_slot("task") in WRITE_TASKS


def code_in(text: Text) -> Optional[Text]:
    found = CODE.findall(text.translate(FULLWIDTH))
    return "".join(found[0]) if len(found) == 1 else None


def desk_refusal(exc: ServiceDeskError) -> Values:
    if exc.code == "VERIFY_LOCKED":
        return {"order_code": None, "lookup_result": LookupResult.VERIFY_LOCKED}
    if exc.code == "SMS_UNAVAILABLE":
        # No codes from this desk: acting on an order needs a signed-in account.
        return {"order_code": None, "lookup_result": LookupResult.NEED_LOGIN}
    logger.error("order code refused: %s", exc)
    return {"order_code": None, "lookup_result": LookupResult.UNAVAILABLE}


def send_code(tracker: Tracker) -> Values:
    """Asks the desk for a code to the order's phone; a conversation that gave one for
    this order already is through."""
    try:
        sent = backend.client.send_code(tracker.get_slot("order_no"), identity(tracker))
    except ServiceDeskError as exc:
        return desk_refusal(exc)
    except ServiceDeskUnavailable:
        return {"lookup_result": LookupResult.UNAVAILABLE}
    if sent.get("verified"):
        return {"order_code": GIVEN, "code_phone": None}
    return {"code_phone": sent.get("phone") or "您的下单手机"}


def code_to_send(tracker: Tracker) -> Values:
    """Before the form asks for the code: send it, once the digits are proven."""
    order_no = tracker.get_slot("order_no")
    if (
        not needs_code(tracker)
        or tracker.get_slot("lookup_result") in SETTLED
        or not order_no
        or tracker.get_slot("verified_order") != order_no
        or not tracker.get_slot("phone_last4")
        or tracker.get_slot("order_code")
        or tracker.get_slot("code_phone")
    ):
        return {}
    return send_code(tracker)


def validate_order_code(value: Any, tracker: Tracker) -> Values:
    if value is None or value == GIVEN:
        return {"order_code": value}
    code = code_in(answer_text(tracker, value))
    if not code:
        return invalid("order_code", tracker, FormHint.INVALID)
    order_no = tracker.get_slot("order_no")
    try:
        backend.client.verify_code(order_no, code, tracker.sender_id)
    except ServiceDeskError as exc:
        if exc.code == "CODE_INVALID":
            return invalid("order_code", tracker, FormHint.NOT_VERIFIED)
        if exc.code == "CODE_EXPIRED":
            # Expired or used up: a new one goes out, and the question says so.
            resent = send_code(tracker)
            if resent.get("lookup_result") or resent.get("order_code"):
                return resent
            return {**resent, "order_code": None, "form_hint": FormHint.CODE_RESENT}
        return desk_refusal(exc)
    except ServiceDeskUnavailable:
        return {"lookup_result": LookupResult.UNAVAILABLE}
    return {**valid("order_code", GIVEN), "code_phone": None}
