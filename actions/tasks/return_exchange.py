"""退换货: return or exchange, the reason, the new spec for an exchange, confirm."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker

from actions.form_answers import Values, answer_text, invalid, stale, valid
from actions.outcomes import FormHint
from actions.tasks.after_sales import AfterSaleTask
from actions.tasks.base import Validator
from actions.text_parsing import KINDS, kind_label_of


class ReturnExchangeTask(AfterSaleTask):
    name = "request_return_exchange"

    def slots(self, tracker: Tracker) -> List[Text]:
        slots = ["aftersale_type", "reason"]
        if tracker.get_slot("aftersale_type") == "换货":
            slots.append("new_spec")
        return slots + ["confirmed"]

    def inferred(self, text: Text, tracker: Tracker) -> Values:
        label = None if tracker.get_slot("aftersale_type") else kind_label_of(text)
        return {"aftersale_type": label} if label else {}

    def validators(self) -> Dict[Text, Validator]:
        return {
            **super().validators(),
            "aftersale_type": validate_kind,
            "new_spec": validate_new_spec,
        }


def validate_kind(value: Any, tracker: Tracker) -> Values:
    if value is None or stale("aftersale_type", tracker):
        return {"aftersale_type": None}
    label = value if value in KINDS else kind_label_of(answer_text(tracker, value))
    if label == "退款":
        label = "退货"
    if label is None:
        return invalid("aftersale_type", tracker, FormHint.INVALID)
    return valid("aftersale_type", label)


def validate_new_spec(value: Any, tracker: Tracker) -> Values:
    if value is None or stale("new_spec", tracker):
        return {"new_spec": None}
    text = answer_text(tracker, value)
    if not text or text.startswith("/") or len(text) > 50:
        return invalid("new_spec", tracker, FormHint.INVALID)
    return valid("new_spec", text)
