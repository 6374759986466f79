"""What every order action shares: which order the user means, its slots, order cards,
and the lookup that turns the service desk's answer into an outcome."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.identity import customer_token, identity_of
from actions.order_code import code_in
from actions.outcomes import SETTLED, LookupResult
from actions.servicedesk_client import (
    Identity,
    ServiceDeskError,
    ServiceDeskUnavailable,
)
from actions.widget_payload import widget_payload

logger = logging.getLogger(__name__)
RECENT_ORDERS = 5


def requested_order_no(tracker: Tracker) -> Optional[Text]:
    named = next(tracker.get_latest_entity_values("order_no"), None)
    if named and tracker.get_slot("order_code") and code_in(named) == named:
        # The answer to the code question (six digits the NLU tags as an order
        # number): the order is the one the code was for.
        named = None
    return named or tracker.get_slot("order_no")


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


def order_listing(orders: List[Dict[str, Any]]) -> Text:
    return "\n".join(
        f"{o['order_no']}  {o['first_item']}  {o['status_label']}" for o in orders
    )


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
    """Looks up the order the form settled on; subclasses add what they show about it.

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
        if not order_no:
            # The order form always settles the order first; the response's default
            # wording covers anything else.
            return []
        if not (identity.customer_token or identity.phone_last4):
            return [SlotSet("lookup_result", LookupResult.NEED_LOGIN)]
        try:
            found = self.lookup(order_no, identity)
            return [SlotSet("lookup_result", LookupResult.FOUND), *found]
        except ServiceDeskError as exc:
            if exc.code == "ORDER_NOT_FOUND":
                return [
                    SlotSet("lookup_result", LookupResult.NOT_FOUND),
                    SlotSet("order_no", order_no),
                ]
            if exc.code == "INVALID_CUSTOMER":
                return [SlotSet("lookup_result", LookupResult.NEED_LOGIN)]
            logger.error("order lookup refused: %s", exc)
            return [SlotSet("lookup_result", LookupResult.UNAVAILABLE)]
        except ServiceDeskUnavailable:
            return [SlotSet("lookup_result", LookupResult.UNAVAILABLE)]


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
        # Cards list a customer's orders: only for a message that carries the token.
        if cards and customer_token(tracker):
            dispatcher.utter_message(json_message=cards)
        return []
