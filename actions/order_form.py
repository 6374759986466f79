"""The order form: which order, proof of ownership, then what the current task needs.

One form serves every request about an order; the `task` slot says which, and
`actions/tasks/` says what each task asks, infers and checks. When the service desk
settles the matter early (a rule refuses, an after-sales request already exists, an
invoice is already issued, verification failed three times, the backend is down) the
validation sets `lookup_result` to that outcome and the form ends; the task's action and
response then word the outcome.

What the form says lives in the domain: every prompt is `utter_ask_<slot>`, with
conditional variations on `form_hint` for an invalid answer and, after the second invalid
answer for the same slot, the offer of a human agent.
"""

from __future__ import annotations

import logging
from typing import Any, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions import backend
from actions.form_answers import (
    Values,
    answer_text,
    guarded,
    identity,
    invalid,
    stale,
    starting,
    valid,
)
from actions.identity import customer_token
from actions.order_code import code_to_send, needs_code, validate_order_code
from actions.order_lookup import (
    RECENT_ORDERS,
    order_cards,
    order_listing,
    order_values,
)
from actions.outcomes import SETTLED, FormHint, LookupResult
from actions.servicedesk_client import (
    Identity,
    ServiceDeskError,
    ServiceDeskUnavailable,
)
from actions.tasks import TASK_RESETS, task_named
from actions.text_parsing import looks_like_number, order_no_in, phone_last4_in

logger = logging.getLogger(__name__)

MAX_VERIFY_FAILURES = 3
# Per-request bookkeeping that must not leak from one request into the next: the
# form's own and every task's.
START_RESETS = (
    "lookup_result",
    "form_hint",
    "invalid_slot",
    "invalid_count",
    "refusal",
    "order_cards",
    "recent_orders",
    "order_code",
    "code_phone",
    *TASK_RESETS,
)


def slot_events(values: Values) -> List[EventType]:
    return [SlotSet(name, value) for name, value in values.items()]


def value_before_latest_message(tracker: Tracker, slot: Text) -> Any:
    """The slot's value before the user's latest message was processed."""
    events = tracker.events
    latest_user = max(
        (i for i, e in enumerate(events) if e.get("event") == "user"), default=0
    )
    for event in reversed(events[:latest_user]):
        if event.get("event") == "slot" and event.get("name") == slot:
            return event.get("value")
    return None


def locked_out(tracker: Tracker) -> bool:
    failures = tracker.get_slot("verify_failures") or 0
    return not customer_token(tracker) and failures >= MAX_VERIFY_FAILURES


def forgotten_listing(tracker: Tracker) -> List[EventType]:
    """A message without a token must not be shown the orders listed for one before:
    whoever sends it may only know the conversation id."""
    if customer_token(tracker) or not (
        tracker.get_slot("recent_orders") or tracker.get_slot("order_cards")
    ):
        return []
    values: Values = {"recent_orders": None, "order_cards": None}
    if tracker.get_slot("lookup_result") == LookupResult.CHOOSE:
        values["lookup_result"] = LookupResult.NEED_ORDER_NO
    return slot_events(values)


class ValidateOrderForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_order_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        if tracker.get_slot("lookup_result") in SETTLED:
            return []
        slots = ["order_no"]
        if not customer_token(tracker):
            slots.append("phone_last4")
        if needs_code(tracker):
            # Acting on an order takes the code sent to its phone, not only the digits.
            slots.append("order_code")
        return slots + task_named(tracker.get_slot("task")).slots(tracker)

    async def run(
        self, dispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        events: List[EventType] = forgotten_listing(tracker)
        tracker.add_slots(events)
        if starting(tracker):
            reset = {name: None for name in START_RESETS}
            if locked_out(tracker):
                # Three failed proofs hold for the rest of the conversation.
                reset["lookup_result"] = LookupResult.VERIFY_LOCKED
            events = slot_events(reset)
            tracker.add_slots(events)
        tracker.add_slots(await self.get_extraction_events(dispatcher, tracker, domain))
        validated = await self.get_validation_events(dispatcher, tracker, domain)
        tracker.add_slots(validated)
        events += validated
        if starting(tracker):
            task = task_named(tracker.get_slot("task"))
            prepared = slot_events(
                task.inferred(tracker.latest_message.get("text") or "", tracker)
            )
            tracker.add_slots(prepared)
            events += prepared
        for prepare in (code_to_send, self.prepare_next_question):
            prepared = slot_events(prepare(tracker))
            tracker.add_slots(prepared)
            events += prepared
        next_slot = await self.next_requested_slot(dispatcher, tracker, domain)
        if next_slot:
            events.append(next_slot)
        return events

    async def get_validation_events(
        self, dispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """Each answered slot through its validator: the form's own or the task's."""
        required = await self.required_slots([], dispatcher, tracker, domain)
        validators = {
            "order_no": validate_order_no,
            "phone_last4": validate_phone_last4,
            "order_code": validate_order_code,
            "confirmed": validate_confirmed,
            **task_named(tracker.get_slot("task")).validators(),
        }
        values: Values = {}
        for slot, value in tracker.slots_to_validate().items():
            if slot not in required:
                continue
            validate = validators.get(slot)
            checked = validate(value, tracker) if validate else {slot: value}
            values.update(checked)
            # Later validators see the earlier answers, as rasa-sdk's own loop does.
            tracker.add_slots(slot_events(checked))
        return slot_events(values)

    @staticmethod
    def prepare_next_question(tracker: Tracker) -> Values:
        """Before asking which order: the customer's orders as choices, or a dead end."""
        if tracker.get_slot("order_no") or tracker.get_slot("lookup_result"):
            return {}
        if not customer_token(tracker):
            return {"lookup_result": LookupResult.NEED_ORDER_NO}
        return order_choices(tracker, named_product(tracker))


def named_product(tracker: Tracker) -> Optional[Text]:
    """The product the user's latest message names, as the NLU tagged it."""
    return next(tracker.get_latest_entity_values("product"), None)


def order_choices(tracker: Tracker, product: Optional[Text]) -> Values:
    """The order a named product singles out, or the customer's orders to choose from
    (those naming the product first)."""
    who = identity(tracker)
    try:
        if product:
            recent, matched = backend.client.orders_naming(who, product, RECENT_ORDERS)
        else:
            recent, matched = backend.client.recent_orders(who, RECENT_ORDERS), 0
    except ServiceDeskError as exc:
        code = (
            LookupResult.NEED_LOGIN
            if exc.code == "INVALID_CUSTOMER"
            else LookupResult.UNAVAILABLE
        )
        return {"lookup_result": code}
    except ServiceDeskUnavailable:
        return {"lookup_result": LookupResult.UNAVAILABLE}
    if not recent:
        return {"lookup_result": LookupResult.NO_ORDERS}
    if matched == 1 or len(recent) == 1:
        return order_checked(recent[0]["order_no"], tracker, who)
    values: Values = {
        "lookup_result": LookupResult.CHOOSE,
        "recent_orders": order_listing(recent),
        "order_cards": order_cards(recent),
    }
    if matched > 1:
        values["form_hint"] = FormHint.SEVERAL_MATCH
    return values


def order_checked(order_no: Text, tracker: Tracker, who: Identity) -> Values:
    """The order, once the caller may see it, and what the task's check settles."""
    try:
        order = backend.client.order(order_no, who)
        values = {**valid("order_no", order["order_no"]), **order_values(order)}
        values["lookup_result"] = None
        values.update(task_named(tracker.get_slot("task")).check(order, tracker, who))
        return values
    except ServiceDeskError as exc:
        if exc.code == "ORDER_NOT_FOUND":
            return invalid("order_no", tracker, FormHint.NOT_FOUND)
        if exc.code == "INVALID_CUSTOMER":
            return {"order_no": order_no, "lookup_result": LookupResult.NEED_LOGIN}
        logger.error("order check refused: %s", exc)
        return {"order_no": order_no, "lookup_result": LookupResult.UNAVAILABLE}
    except ServiceDeskUnavailable:
        return {"order_no": order_no, "lookup_result": LookupResult.UNAVAILABLE}


def validate_order_no(value: Any, tracker: Tracker) -> Values:
    if value is None or stale("order_no", tracker):
        return {"order_no": None}
    asked = tracker.get_slot("requested_slot")
    kept = value_before_latest_message(tracker, "order_no")
    if asked == "order_code" and kept:
        # Six code digits look like an order number to the NLU; the code is for the
        # order being proven, and no other number may replace it at this step.
        return {"order_no": kept}
    values = order_no_values(value, tracker)
    if asked not in (None, "order_no") and kept and values.get("order_no") is None:
        # A number inside another answer (a tax id, an address) that is no order of
        # this customer: keep the order the form is about.
        return {"order_no": kept}
    return values


def order_no_values(value: Any, tracker: Tracker) -> Values:
    text = answer_text(tracker, value)
    order_no = order_no_in(text)
    if not order_no:
        return unnumbered_answer(text, tracker)
    if not customer_token(tracker) and tracker.get_slot("verified_order") != order_no:
        # Nothing about the order is shown before the phone check.
        return {**valid("order_no", order_no), "phone_last4": None}
    return guarded(lambda: order_checked(order_no, tracker, identity(tracker)))


def unnumbered_answer(text: Text, tracker: Tracker) -> Values:
    """An answer to "which order?" without an order number: a product a known customer
    bought picks the order; anything else is asked again, politely."""
    if looks_like_number(text):
        return invalid("order_no", tracker, FormHint.INVALID)
    if customer_token(tracker) and not starting(tracker):
        choices = order_choices(tracker, named_product(tracker) or text)
        if choices.get("order_no") or choices.get("form_hint"):
            return {**choices, "invalid_slot": None, "invalid_count": None}
        if choices.get("lookup_result") != LookupResult.CHOOSE:
            return choices
    return invalid("order_no", tracker, FormHint.NO_NUMBER)


def validate_phone_last4(value: Any, tracker: Tracker) -> Values:
    if value is None:
        return {"phone_last4": None}
    order_no = tracker.get_slot("order_no")
    if starting(tracker):
        # Proof given for this very order earlier in the conversation still holds.
        if order_no and tracker.get_slot("verified_order") == order_no:
            return {"phone_last4": value}
        return {"phone_last4": None}
    digits = phone_last4_in(answer_text(tracker, value))
    if not digits:
        return invalid("phone_last4", tracker, FormHint.INVALID)
    try:
        backend.client.verify(order_no, digits, end_user=tracker.sender_id)
    except ServiceDeskError as exc:
        if exc.code == "VERIFY_LOCKED":
            # The desk counts failures across conversations; its lock settles it.
            return {
                "phone_last4": None,
                "verify_failures": float(MAX_VERIFY_FAILURES),
                "lookup_result": LookupResult.VERIFY_LOCKED,
            }
        if exc.code not in ("VERIFICATION_FAILED", "ORDER_NOT_FOUND"):
            logger.error("verification refused: %s", exc)
            return {"lookup_result": LookupResult.UNAVAILABLE}
        return verification_failed(exc.code, tracker)
    except ServiceDeskUnavailable:
        return {"lookup_result": LookupResult.UNAVAILABLE}
    who = identity(tracker, phone_last4=digits)
    values = {
        **valid("phone_last4", digits),
        "verified_order": order_no,
        "verify_failures": None,
    }
    return {**values, **guarded(lambda: order_checked(order_no, tracker, who))}


def verification_failed(code: Text, tracker: Tracker) -> Values:
    failures = int(tracker.get_slot("verify_failures") or 0) + 1
    values: Values = {
        "phone_last4": None,
        "verify_failures": float(failures),
        "verify_left": str(MAX_VERIFY_FAILURES - failures),
    }
    if failures >= MAX_VERIFY_FAILURES:
        return {**values, "lookup_result": LookupResult.VERIFY_LOCKED}
    if code == "ORDER_NOT_FOUND":
        # Ask for the number again; the same words as for a wrong phone, so a stranger
        # learns nothing about which order numbers exist.
        return {**values, **invalid("order_no", tracker, FormHint.NOT_VERIFIED)}
    return {**values, "form_hint": FormHint.NOT_VERIFIED}


def validate_confirmed(value: Any, tracker: Tracker) -> Values:
    if value is None or stale("confirmed", tracker):
        return {"confirmed": None}
    return valid("confirmed", bool(value))
