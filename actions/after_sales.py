"""Submitting the after-sales request the order form collected."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import orders
from actions.identity import identity_of
from actions.order_form import FINAL_OUTCOMES, after_sale_kind
from actions.servicedesk_client import ServiceDeskError, ServiceDeskUnavailable

logger = logging.getLogger(__name__)
KIND_LABELS = {"refund": "退款", "return": "退货", "exchange": "换货"}


class ActionSubmitAfterSale(Action):
    def name(self) -> Text:
        return "action_submit_after_sale"

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
        kind = after_sale_kind(
            tracker.get_slot("task"),
            tracker.get_slot("aftersale_type"),
            tracker.get_slot("order_status") or "",
        )
        try:
            request = orders.client.create_after_sale(
                tracker.get_slot("order_no"),
                identity_of(tracker),
                kind,
                tracker.get_slot("reason"),
                new_spec=tracker.get_slot("new_spec"),
            )
        except ServiceDeskError as exc:
            logger.info("after-sales request refused: %s", exc)
            return [SlotSet("lookup_result", "refused"), SlotSet("refusal", exc.code)]
        except ServiceDeskUnavailable:
            return [SlotSet("lookup_result", "unavailable")]
        return [
            SlotSet("lookup_result", "created"),
            SlotSet("request_no", request["request_no"]),
            SlotSet("aftersale_type", KIND_LABELS[request["kind"]]),
            SlotSet("after_sale_state", request["state_label"]),
        ]
