"""查订单: which order, then its status."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action

from actions import backend
from actions.order_lookup import OrderLookup, order_slots
from actions.servicedesk_client import Identity
from actions.tasks.base import OrderTask


class QueryOrderTask(OrderTask):
    name = "query_order"


class ActionQueryOrder(OrderLookup, Action):
    def name(self) -> Text:
        return "action_query_order"

    def lookup(self, order_no: Text, identity: Identity) -> List[Dict[Text, Any]]:
        return order_slots(backend.client.order(order_no, identity))
