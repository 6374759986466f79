"""Cancelling an order: show it and ask first, cancel on yes. The service desk decides."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import orders
from actions.identity import identity_of
from actions.orders import OrderLookup, order_slots
from actions.servicedesk_client import (
    Identity,
    ServiceDeskError,
    ServiceDeskUnavailable,
)

# Refusals the domain words itself (utter_cancel_check / utter_cancel_result).
REFUSALS = {"ORDER_ALREADY_SHIPPED", "ORDER_ALREADY_CANCELLED"}


class ActionCheckCancel(OrderLookup, Action):
    def name(self) -> Text:
        return "action_check_cancel"

    def lookup(self, order_no: Text, identity: Identity) -> List[Dict[Text, Any]]:
        try:
            order = orders.client.cancel(order_no, identity, dry_run=True)
            return [*order_slots(order), SlotSet("cancel_result", "ok")]
        except ServiceDeskError as exc:
            if exc.code not in REFUSALS:
                raise
            order = orders.client.order(order_no, identity)
            return [*order_slots(order), SlotSet("cancel_result", exc.code)]


class ActionCancelOrder(Action):
    def name(self) -> Text:
        return "action_cancel_order"

    def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        order_no = tracker.get_slot("order_no")
        identity = identity_of(tracker)
        if not order_no or not (identity.customer_token or identity.phone_last4):
            return [SlotSet("cancel_result", "need_login")]
        try:
            orders.client.cancel(order_no, identity)
            return [
                SlotSet("cancel_result", "cancelled"),
                SlotSet("order_status", "cancelled"),
            ]
        except ServiceDeskError as exc:
            return [
                SlotSet(
                    "cancel_result", exc.code if exc.code in REFUSALS else "unavailable"
                )
            ]
        except ServiceDeskUnavailable:
            return [SlotSet("cancel_result", "unavailable")]
