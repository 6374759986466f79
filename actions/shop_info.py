"""Answers from the shop's data: a product's stock and specs, an order's payment."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import backend
from actions.identity import identity_of
from actions.knowledge_base import lookup
from actions.order_lookup import requested_order_no
from actions.outcomes import KbResult, PaymentResult, ProductResult
from actions.servicedesk_client import ServiceDeskError, ServiceDeskUnavailable

logger = logging.getLogger(__name__)


def specs_text(specs: Dict[Text, List[Text]]) -> Text:
    return "；".join(f"{name}：{'/'.join(values)}" for name, values in specs.items())


def payment_result(status: str) -> PaymentResult:
    """The desk's payment state; one this bot does not know gets the general answer."""
    known = {member.value for member in PaymentResult}
    return PaymentResult(status) if status in known else PaymentResult.GENERAL


class ActionQueryProduct(Action):
    def name(self) -> Text:
        return "action_query_product"

    def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        name = next(
            tracker.get_latest_entity_values("product"), None
        ) or tracker.get_slot("product")
        if not name:
            return [SlotSet("product_result", ProductResult.NONE)]
        try:
            found = backend.client.products(name, limit=1)
        except (ServiceDeskError, ServiceDeskUnavailable) as exc:
            logger.warning("product lookup failed: %s", exc)
            return [SlotSet("product_result", ProductResult.UNAVAILABLE)]
        if not found:
            return [SlotSet("product_result", ProductResult.NOT_FOUND)]
        product = found[0]
        return [
            SlotSet(
                "product_result",
                ProductResult.IN_STOCK
                if product["in_stock"]
                else ProductResult.OUT_OF_STOCK,
            ),
            SlotSet("product_name", product["name"]),
            SlotSet("product_price", product["price"]),
            SlotSet("product_specs", specs_text(product["specs"])),
        ]


class ActionQueryPayment(Action):
    def name(self) -> Text:
        return "action_query_payment"

    def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        order_no = requested_order_no(tracker)
        identity = identity_of(tracker)
        # Without an order it is a policy question ("支持货到付款吗"): the knowledge
        # base's answer when it has a confident one, else the general reply.
        if not order_no or not identity.customer_token:
            return [
                SlotSet("payment_result", PaymentResult.GENERAL),
                *lookup(tracker, True),
            ]
        no_answer = SlotSet("kb_result", KbResult.NONE)
        try:
            payment = backend.client.payment(order_no, identity)
        except ServiceDeskError:
            return [SlotSet("payment_result", PaymentResult.GENERAL), no_answer]
        except ServiceDeskUnavailable:
            return [SlotSet("payment_result", PaymentResult.UNAVAILABLE), no_answer]
        return [
            no_answer,
            SlotSet("payment_result", payment_result(payment["payment_status"])),
            SlotSet("order_no", order_no),
            SlotSet("order_total", payment["amount"]),
            SlotSet("payment_method", payment["method"]),
            SlotSet(
                "paid_at", (payment["paid_at"] or "")[:16].replace("T", " ") or None
            ),
        ]
