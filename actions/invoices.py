"""Requesting the invoice the order form collected, or handing out an issued one."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import orders
from actions.identity import identity_of
from actions.order_form import FINAL_OUTCOMES, PERSONAL_TITLES
from actions.servicedesk_client import ServiceDeskError, ServiceDeskUnavailable

logger = logging.getLogger(__name__)


class ActionSubmitInvoice(Action):
    def name(self) -> Text:
        return "action_submit_invoice"

    def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        if tracker.get_slot("lookup_result") in FINAL_OUTCOMES:
            return []
        title = tracker.get_slot("invoice_title")
        try:
            invoice = orders.client.create_invoice(
                tracker.get_slot("order_no"),
                identity_of(tracker),
                tracker.get_slot("invoice_type"),
                title,
                None if title in PERSONAL_TITLES else tracker.get_slot("tax_id"),
                tracker.get_slot("email"),
            )
        except ServiceDeskError as exc:
            logger.info("invoice request refused: %s", exc)
            return [SlotSet("lookup_result", "refused"), SlotSet("refusal", exc.code)]
        except ServiceDeskUnavailable:
            return [SlotSet("lookup_result", "unavailable")]
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
