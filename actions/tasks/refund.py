"""退款: the reason, confirm, then a refund or a return as the service desk decides."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker

from actions.tasks.after_sales import AfterSaleTask


class RefundTask(AfterSaleTask):
    name = "request_refund"

    def slots(self, tracker: Tracker) -> List[Text]:
        return ["reason", "confirmed"]

    def shows_progress_of(self, request: Dict[Text, Any]) -> bool:
        # Any refund or return of the order, even a finished one, answers "退款".
        return request["in_progress"] or request["kind"] != "exchange"
