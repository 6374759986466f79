"""Requesting the invoice the order form collected, or handing out an issued one."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet

from actions import orders
from actions.form_submission import FormSubmission
from actions.identity import identity_of
from actions.order_form import PERSONAL_TITLES


class ActionSubmitInvoice(FormSubmission, Action):
    confirm_first = False

    def name(self) -> Text:
        return "action_submit_invoice"

    def submit(self, tracker: Tracker) -> List[Dict[Text, Any]]:
        title = tracker.get_slot("invoice_title")
        invoice = orders.client.create_invoice(
            tracker.get_slot("order_no"),
            identity_of(tracker),
            tracker.get_slot("invoice_type"),
            title,
            None if title in PERSONAL_TITLES else tracker.get_slot("tax_id"),
            tracker.get_slot("email"),
        )
        if invoice.get("existing"):
            return [
                SlotSet("lookup_result", "issued"),
                SlotSet("request_no", invoice["invoice_no"]),
                SlotSet("invoice_link", invoice["download_url"]),
            ]
        return [
            SlotSet("lookup_result", "created"),
            SlotSet("request_no", invoice["invoice_no"]),
        ]
