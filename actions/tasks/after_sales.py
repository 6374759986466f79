"""What the two after-sales tasks (退款, 退换货) share: an existing request's progress
instead of a second one, the service desk's verdict before and after the reason, and
the submission."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet

from actions import backend
from actions.form_answers import (
    Values,
    answer_text,
    entity_values,
    guarded,
    identity,
    invalid,
    refused,
    stale,
    valid,
)
from actions.form_submission import FormSubmission
from actions.identity import identity_of
from actions.outcomes import FormHint, LookupResult
from actions.servicedesk_client import Identity, ServiceDeskError
from actions.tasks.base import OrderTask, Validator
from actions.text_parsing import KINDS, reason_of

# 退款 as customers mean it: the money back; the desk picks refund or return by the order.
REFUND_OR_RETURN = "refund_or_return"
# The most lenient reason: a refusal before the reason is asked cannot depend on it.
LENIENT_REASON = "质量问题"
KIND_LABELS = {"refund": "退款", "return": "退货", "exchange": "换货"}


def desk_kind(task: Optional[Text], label: Optional[Text]) -> Text:
    if task == "request_refund":
        return REFUND_OR_RETURN
    return KINDS.get(label or "", "return")


def verdict(order_no: Text, who: Identity, kind: Text, reason: Text) -> Values:
    try:
        backend.client.create_after_sale(
            order_no, who, kind, reason, new_spec="-", dry_run=True
        )
        return {}
    except ServiceDeskError as exc:
        return refused(exc)


class AfterSaleTask(OrderTask):
    resets = ("request_no", "after_sale_state", "request_kind")

    def shows_progress_of(self, request: Dict[Text, Any]) -> bool:
        """Whether an existing request of this order answers this one."""
        return request["in_progress"]

    def check(
        self, order: Dict[Text, Any], tracker: Tracker, identity: Identity
    ) -> Values:
        order_no = order["order_no"]
        for request in backend.client.after_sales(order_no, identity):
            if self.shows_progress_of(request):
                return {
                    "lookup_result": LookupResult.PROGRESS,
                    "request_no": request["request_no"],
                    "after_sale_state": request["state_label"],
                    "request_kind": request["kind_label"],
                }
        kind = desk_kind(self.name, tracker.get_slot("aftersale_type"))
        return verdict(order_no, identity, kind, LENIENT_REASON)

    def validators(self) -> Dict[Text, Validator]:
        return {"reason": validate_reason}


def validate_reason(value: Any, tracker: Tracker) -> Values:
    if value is None or stale("reason", tracker):
        return {"reason": None}
    reason = reason_of(answer_text(tracker, value), entity_values(tracker, "reason"))
    if reason is None:
        return invalid("reason", tracker, FormHint.INVALID)
    order_no = tracker.get_slot("order_no")
    if not order_no:
        return valid("reason", reason)
    kind = desk_kind(tracker.get_slot("task"), tracker.get_slot("aftersale_type"))
    refusal = guarded(lambda: verdict(order_no, identity(tracker), kind, reason))
    return {**valid("reason", reason), **refusal}


class ActionSubmitAfterSale(FormSubmission, Action):
    def name(self) -> Text:
        return "action_submit_after_sale"

    def submit(self, tracker: Tracker) -> List[Dict[Text, Any]]:
        request = backend.client.create_after_sale(
            tracker.get_slot("order_no"),
            identity_of(tracker),
            desk_kind(tracker.get_slot("task"), tracker.get_slot("aftersale_type")),
            tracker.get_slot("reason"),
            new_spec=tracker.get_slot("new_spec"),
        )
        return [
            SlotSet("lookup_result", LookupResult.CREATED),
            SlotSet("request_no", request["request_no"]),
            SlotSet("aftersale_type", KIND_LABELS[request["kind"]]),
            SlotSet("after_sale_state", request["state_label"]),
        ]
