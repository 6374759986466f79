"""查物流: which order, then where its parcel is."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action
from rasa_sdk.events import SlotSet

from actions import backend
from actions.order_lookup import OrderLookup, order_slots
from actions.outcomes import LogisticsState
from actions.servicedesk_client import Identity
from actions.tasks.base import OrderTask


class QueryLogisticsTask(OrderTask):
    name = "query_logistics"


def parcel_state(order: Dict[Text, Any], parcel: Dict[Text, Any]) -> LogisticsState:
    if order["status"] == "cancelled":
        return LogisticsState.CANCELLED
    if not parcel["shipped"]:
        return LogisticsState.NOT_SHIPPED
    if order["status"] == "signed":
        return LogisticsState.SIGNED
    return LogisticsState.STALLED if parcel["stalled"] else LogisticsState.IN_TRANSIT


class ActionQueryLogistics(OrderLookup, Action):
    def name(self) -> Text:
        return "action_query_logistics"

    def lookup(self, order_no: Text, identity: Identity) -> List[Dict[Text, Any]]:
        order = backend.client.order(order_no, identity)
        parcel = backend.client.logistics(order_no, identity)
        latest = parcel.get("events", [{}])[0] if parcel.get("events") else {}
        eta = parcel.get("estimated_delivery")
        return [
            *order_slots(order),
            SlotSet("logistics_state", parcel_state(order, parcel)),
            SlotSet("last_event", latest.get("description")),
            SlotSet(
                "last_event_time",
                (latest.get("time") or "")[:16].replace("T", " ") or None,
            ),
            SlotSet("eta", eta[:10] if eta else None),
        ]
