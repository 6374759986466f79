"""修改订单: which field, the new value, confirm, then change the order's shipping."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet

from actions import backend
from actions.form_answers import (
    Values,
    answer_text,
    guarded,
    identity,
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
from actions.text_parsing import MODIFY_FIELDS, modify_field_of, shipping_change


class ModifyTask(OrderTask):
    name = "modify_order"

    def slots(self, tracker: Tracker) -> List[Text]:
        return ["modify_field", "modify_value", "confirmed"]

    def inferred(self, text: Text, tracker: Tracker) -> Values:
        field = None if tracker.get_slot("modify_field") else modify_field_of(text)
        if not field:
            return {}
        return {"modify_field": field, "modify_field_label": MODIFY_FIELDS[field]}

    def check(
        self, order: Dict[Text, Any], tracker: Tracker, identity: Identity
    ) -> Values:
        try:
            # Asked before the field: may this order's shipping change at all?
            backend.client.change_shipping(
                order["order_no"], identity, {}, dry_run=True
            )
        except ServiceDeskError as exc:
            return refused(exc)
        return {}

    def validators(self) -> Dict[Text, Validator]:
        return {"modify_field": validate_field, "modify_value": validate_value}


def validate_field(value: Any, tracker: Tracker) -> Values:
    if value is None or stale("modify_field", tracker):
        return {"modify_field": None}
    field = modify_field_of(answer_text(tracker, value))
    if field is None:
        return invalid("modify_field", tracker, FormHint.INVALID)
    return {**valid("modify_field", field), "modify_field_label": MODIFY_FIELDS[field]}


def validate_value(value: Any, tracker: Tracker) -> Values:
    if value is None or stale("modify_value", tracker):
        return {"modify_value": None}
    text = answer_text(tracker, value)
    field = tracker.get_slot("modify_field")
    if not text or text.startswith("/") or len(text) > 120:
        return invalid("modify_value", tracker, FormHint.INVALID)
    if field == "address" and len(text) < 6:
        return invalid("modify_value", tracker, FormHint.INVALID)
    if field == "consignee" and not 2 <= len(text) <= 20:
        return invalid("modify_value", tracker, FormHint.INVALID)

    def check() -> Values:
        try:
            backend.client.change_shipping(
                tracker.get_slot("order_no"),
                identity(tracker),
                shipping_change(field, text),
                dry_run=True,
            )
        except ServiceDeskError as exc:
            if exc.status == 422:
                return invalid("modify_value", tracker, FormHint.INVALID)
            return refused(exc)
        return valid("modify_value", text)

    return guarded(check)


class ActionSubmitModification(FormSubmission, Action):
    def name(self) -> Text:
        return "action_submit_modification"

    def submit(self, tracker: Tracker) -> List[Dict[Text, Any]]:
        field = tracker.get_slot("modify_field")
        order = backend.client.change_shipping(
            tracker.get_slot("order_no"),
            identity_of(tracker),
            shipping_change(field, tracker.get_slot("modify_value")),
        )
        # What the order now says, masked by the service desk.
        shown = order["shipping"].get(field) or order["shipping"]["address"]
        return [
            SlotSet("lookup_result", LookupResult.MODIFIED),
            SlotSet("modify_value", shown),
        ]
