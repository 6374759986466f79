"""Changing an order's consignee, phone or address once the user confirmed it."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet

from actions import orders
from actions.form_submission import FormSubmission
from actions.identity import identity_of
from actions.order_form import shipping_change


class ActionSubmitModification(FormSubmission, Action):
    def name(self) -> Text:
        return "action_submit_modification"

    def submit(self, tracker: Tracker) -> List[Dict[Text, Any]]:
        field = tracker.get_slot("modify_field")
        order = orders.client.change_shipping(
            tracker.get_slot("order_no"),
            identity_of(tracker),
            shipping_change(field, tracker.get_slot("modify_value")),
        )
        # What the order now says, masked by the service desk.
        shown = order["shipping"].get(field) or order["shipping"]["address"]
        return [SlotSet("lookup_result", "modified"), SlotSet("modify_value", shown)]
