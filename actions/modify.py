"""Changing an order's consignee, phone or address once the user confirmed it."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import orders
from actions.identity import identity_of
from actions.order_form import FINAL_OUTCOMES, shipping_change
from actions.servicedesk_client import ServiceDeskError, ServiceDeskUnavailable

logger = logging.getLogger(__name__)


class ActionSubmitModification(Action):
    def name(self) -> Text:
        return "action_submit_modification"

    def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        if tracker.get_slot("lookup_result") in FINAL_OUTCOMES:
            return []
        if not tracker.get_slot("confirmed"):
            return [SlotSet("lookup_result", "kept")]
        try:
            order = orders.client.change_shipping(
                tracker.get_slot("order_no"),
                identity_of(tracker),
                shipping_change(
                    tracker.get_slot("modify_field"), tracker.get_slot("modify_value")
                ),
            )
        except ServiceDeskError as exc:
            logger.info("order change refused: %s", exc)
            return [SlotSet("lookup_result", "refused"), SlotSet("refusal", exc.code)]
        except ServiceDeskUnavailable:
            return [SlotSet("lookup_result", "unavailable")]
        shipping = order["shipping"]
        return [
            SlotSet("lookup_result", "modified"),
            SlotSet(
                "modify_value",
                {
                    "address": shipping["address"],
                    "phone": shipping["phone"],
                    "consignee": shipping["consignee"],
                }.get(tracker.get_slot("modify_field"), shipping["address"]),
            ),
        ]
