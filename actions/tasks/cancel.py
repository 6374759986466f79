"""取消订单: show the order and ask first, cancel on yes. The service desk decides."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import backend
from actions.identity import identity_of
from actions.order_lookup import OrderLookup, order_slots
from actions.outcomes import CancelResult
from actions.servicedesk_client import (
    Identity,
    ServiceDeskError,
    ServiceDeskUnavailable,
)
from actions.tasks.base import OrderTask

# Refusals the domain words itself (utter_cancel_check / utter_cancel_result).
REFUSALS = {CancelResult.ALREADY_SHIPPED, CancelResult.ALREADY_CANCELLED}


class CancelTask(OrderTask):
    name = "cancel_order"


class ActionCheckCancel(OrderLookup, Action):
    def name(self) -> Text:
        return "action_check_cancel"

    def lookup(self, order_no: Text, identity: Identity) -> List[Dict[Text, Any]]:
        try:
            order = backend.client.cancel(order_no, identity, dry_run=True)
            return [*order_slots(order), SlotSet("cancel_result", CancelResult.OK)]
        except ServiceDeskError as exc:
            if exc.code not in REFUSALS:
                raise
            order = backend.client.order(order_no, identity)
            return [
                *order_slots(order),
                SlotSet("cancel_result", CancelResult(exc.code)),
            ]


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
            return [SlotSet("cancel_result", CancelResult.NEED_LOGIN)]
        try:
            backend.client.cancel(order_no, identity)
            return [
                SlotSet("cancel_result", CancelResult.CANCELLED),
                SlotSet("order_status", "cancelled"),
            ]
        except ServiceDeskError as exc:
            refusal = (
                CancelResult(exc.code)
                if exc.code in REFUSALS
                else CancelResult.UNAVAILABLE
            )
            return [SlotSet("cancel_result", refusal)]
        except ServiceDeskUnavailable:
            return [SlotSet("cancel_result", CancelResult.UNAVAILABLE)]
