"""Submitting the after-sales request the order form collected."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet

from actions import orders
from actions.form_submission import FormSubmission
from actions.identity import identity_of
from actions.order_form import after_sale_kind

KIND_LABELS = {"refund": "退款", "return": "退货", "exchange": "换货"}


class ActionSubmitAfterSale(FormSubmission, Action):
    def name(self) -> Text:
        return "action_submit_after_sale"

    def submit(self, tracker: Tracker) -> List[Dict[Text, Any]]:
        kind = after_sale_kind(
            tracker.get_slot("task"),
            tracker.get_slot("aftersale_type"),
            tracker.get_slot("order_status") or "",
        )
        request = orders.client.create_after_sale(
            tracker.get_slot("order_no"),
            identity_of(tracker),
            kind,
            tracker.get_slot("reason"),
            new_spec=tracker.get_slot("new_spec"),
        )
        return [
            SlotSet("lookup_result", "created"),
            SlotSet("request_no", request["request_no"]),
            SlotSet("aftersale_type", KIND_LABELS[request["kind"]]),
            SlotSet("after_sale_state", request["state_label"]),
        ]
