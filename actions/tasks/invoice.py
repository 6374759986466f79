"""开发票: invoice type, title, tax id when a company needs one, e-mail; an issued
invoice is handed out again instead."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet

from actions import backend
from actions.form_answers import (
    Values,
    answer_text,
    guarded,
    invalid,
    refused,
    stale,
    valid,
)
from actions.form_submission import FormSubmission
from actions.identity import identity_of
from actions.outcomes import FormHint, LookupResult
from actions.servicedesk_client import Identity, ServiceDeskError
from actions.tasks.base import OrderTask, Validator
from actions.text_parsing import (
    INVOICE_TYPES,
    email_in,
    invoice_type_of,
    is_personal_title,
    tax_id_in,
)


def issued(invoice: Dict[Text, Any]) -> Values:
    return {
        "lookup_result": LookupResult.ISSUED,
        "request_no": invoice["invoice_no"],
        "invoice_link": invoice["download_url"],
    }


class InvoiceTask(OrderTask):
    name = "request_invoice"
    resets = ("request_no", "invoice_link")

    def slots(self, tracker: Tracker) -> List[Text]:
        slots = ["invoice_type", "invoice_title"]
        title = tracker.get_slot("invoice_title")
        if tracker.get_slot("invoice_type") == "vat_special" or (
            title and not is_personal_title(title)
        ):
            slots.append("tax_id")
        return slots + ["email"]

    def inferred(self, text: Text, tracker: Tracker) -> Values:
        kind = None if tracker.get_slot("invoice_type") else invoice_type_of(text)
        if not kind:
            return {}
        return {"invoice_type": kind, "invoice_type_label": INVOICE_TYPES[kind]}

    def check(
        self, order: Dict[Text, Any], tracker: Tracker, identity: Identity
    ) -> Values:
        try:
            answer = backend.client.check_invoice(order["order_no"], identity)
        except ServiceDeskError as exc:
            return refused(exc)
        return issued(answer) if answer.get("existing") else {}

    def validators(self) -> Dict[Text, Validator]:
        return {
            "invoice_type": validate_type,
            "invoice_title": validate_title,
            "tax_id": field_validator("tax_id", "tax_id", tax_id_in),
            "email": field_validator("email", "email", email_in),
        }


def validate_type(value: Any, tracker: Tracker) -> Values:
    if value is None or stale("invoice_type", tracker):
        return {"invoice_type": None}
    kind = invoice_type_of(answer_text(tracker, value))
    if kind is None:
        return invalid("invoice_type", tracker, FormHint.INVALID)
    return {**valid("invoice_type", kind), "invoice_type_label": INVOICE_TYPES[kind]}


def field_checked(slot: Text, field: Text, text: Text, tracker: Tracker) -> Values:
    def check() -> Values:
        try:
            backend.client.check_invoice_field(field, text)
        except ServiceDeskError as exc:
            if exc.status != 422:
                raise
            return invalid(slot, tracker, FormHint.INVALID)
        return valid(slot, text)

    return guarded(check)


def validate_title(value: Any, tracker: Tracker) -> Values:
    if value is None or stale("invoice_title", tracker):
        return {"invoice_title": None}
    text = answer_text(tracker, value)
    if text.startswith("/") or len(text) > 100:
        return invalid("invoice_title", tracker, FormHint.INVALID)
    return field_checked("invoice_title", "title", text, tracker)


def field_validator(slot: Text, field: Text, extract: Callable[[Text], Text]):
    def validate(value: Any, tracker: Tracker) -> Values:
        if value is None or stale(slot, tracker):
            return {slot: None}
        return field_checked(slot, field, extract(answer_text(tracker, value)), tracker)

    return validate


class ActionSubmitInvoice(FormSubmission, Action):
    confirm_first = False

    def name(self) -> Text:
        return "action_submit_invoice"

    def submit(self, tracker: Tracker) -> List[Dict[Text, Any]]:
        title = tracker.get_slot("invoice_title")
        invoice = backend.client.create_invoice(
            tracker.get_slot("order_no"),
            identity_of(tracker),
            tracker.get_slot("invoice_type"),
            title,
            None if is_personal_title(title) else tracker.get_slot("tax_id"),
            tracker.get_slot("email"),
        )
        if invoice.get("existing"):
            return [SlotSet(name, value) for name, value in issued(invoice).items()]
        return [
            SlotSet("lookup_result", LookupResult.CREATED),
            SlotSet("request_no", invoice["invoice_no"]),
        ]
