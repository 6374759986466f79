"""Order and parcel lookups. The action fetches and fills slots; the domain words it."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.identity import identity_of
from actions.servicedesk_client import (
    Identity,
    ServiceDeskClient,
    ServiceDeskError,
    ServiceDeskUnavailable,
)
from actions.widget_payload import widget_payload

logger = logging.getLogger(__name__)
client = ServiceDeskClient()
RECENT_ORDERS = 5


def requested_order_no(tracker: Tracker) -> Optional[Text]:
    return next(tracker.get_latest_entity_values("order_no"), None) or tracker.get_slot(
        "order_no"
    )


def order_values(order: Dict[str, Any]) -> Dict[Text, Any]:
    items = "、".join(
        f"{item['name']}（{item['spec']}）×{item['quantity']}"
        for item in order["items"]
    )
    return {
        "order_no": order["order_no"],
        "order_status": order["status"],
        "order_items": items,
        "order_total": order["total"],
        "order_created": order["created_at"][:16].replace("T", " "),
        "order_courier": order.get("courier"),
        "tracking_no": order.get("tracking_no"),
    }


def order_slots(order: Dict[str, Any]) -> List[Dict[Text, Any]]:
    return [SlotSet(name, value) for name, value in order_values(order).items()]


# Outcomes the order form already settled; the action leaves them for the response.
SETTLED = {"verify_locked", "no_orders", "need_login", "unavailable", "refused"}


def order_cards(orders: List[Dict[str, Any]]) -> Dict[str, Any]:
    """A custom payload widgets render as order cards with a choose button."""
    return widget_payload(
        "order_choices",
        orders=[
            {
                "order_no": o["order_no"],
                "status": o["status"],
                "status_label": o["status_label"],
                "item": o["first_item"],
                "total": o["total"],
                "created_at": o["created_at"],
                "payload": f'/inform{{"order_no":"{o["order_no"]}"}}',
            }
            for o in orders
        ],
    )


class OrderLookup:
    """Finds the order a user means; subclasses add what they show about it.

    Not an Action itself: rasa-sdk registers every Action subclass it finds.
    """

    def lookup(
        self, order_no: Text, identity: Identity
    ) -> List[Dict[Text, Any]]:  # pragma: no cover - overridden
        raise NotImplementedError

    def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        if tracker.get_slot("lookup_result") in SETTLED:
            return []
        identity = identity_of(tracker)
        order_no = requested_order_no(tracker)
        try:
            if not order_no:
                return self.choose_order(dispatcher, identity)
            if not (identity.customer_token or identity.phone_last4):
                return [SlotSet("lookup_result", "need_login")]
            return [SlotSet("lookup_result", "found"), *self.lookup(order_no, identity)]
        except ServiceDeskError as exc:
            if exc.code == "ORDER_NOT_FOUND":
                return [
                    SlotSet("lookup_result", "not_found"),
                    SlotSet("order_no", order_no),
                ]
            if exc.code == "INVALID_CUSTOMER":
                return [SlotSet("lookup_result", "need_login")]
            logger.error("order lookup refused: %s", exc)
            return [SlotSet("lookup_result", "unavailable")]
        except ServiceDeskUnavailable:
            return [SlotSet("lookup_result", "unavailable")]

    def choose_order(
        self, dispatcher: CollectingDispatcher, identity: Identity
    ) -> List[Dict[Text, Any]]:
        if not identity.customer_token:
            return [SlotSet("lookup_result", "need_order_no")]
        orders = client.recent_orders(identity, RECENT_ORDERS)
        if not orders:
            return [SlotSet("lookup_result", "no_orders")]
        if len(orders) == 1:
            return [
                SlotSet("lookup_result", "found"),
                *self.lookup(orders[0]["order_no"], identity),
            ]
        dispatcher.utter_message(json_message=order_cards(orders))
        listing = "\n".join(
            f"{o['order_no']}  {o['first_item']}  {o['status_label']}" for o in orders
        )
        return [SlotSet("lookup_result", "choose"), SlotSet("recent_orders", listing)]


class ActionAskOrderNo(Action):
    """The order form's question: the words from the domain, then the order cards."""

    def name(self) -> Text:
        return "action_ask_order_no"

    def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(response="utter_ask_order_no")
        cards = tracker.get_slot("order_cards")
        if cards:
            dispatcher.utter_message(json_message=cards)
        return []


class ActionQueryOrder(OrderLookup, Action):
    def name(self) -> Text:
        return "action_query_order"

    def lookup(self, order_no: Text, identity: Identity) -> List[Dict[Text, Any]]:
        return order_slots(client.order(order_no, identity))


class ActionQueryLogistics(OrderLookup, Action):
    def name(self) -> Text:
        return "action_query_logistics"

    def lookup(self, order_no: Text, identity: Identity) -> List[Dict[Text, Any]]:
        order = client.order(order_no, identity)
        parcel = client.logistics(order_no, identity)
        if order["status"] == "cancelled":
            state = "cancelled"
        elif not parcel["shipped"]:
            state = "not_shipped"
        elif order["status"] == "signed":
            state = "signed"
        else:
            state = "stalled" if parcel["stalled"] else "in_transit"
        latest = parcel.get("events", [{}])[0] if parcel.get("events") else {}
        eta = parcel.get("estimated_delivery")
        return [
            *order_slots(order),
            SlotSet("logistics_state", state),
            SlotSet("last_event", latest.get("description")),
            SlotSet(
                "last_event_time",
                (latest.get("time") or "")[:16].replace("T", " ") or None,
            ),
            SlotSet("eta", eta[:10] if eta else None),
        ]
