"""The order form: which order, proof of ownership, then what the request needs.

One form serves every request about an order; the `task` slot says which. It asks only
for what is still missing. When the service desk settles the matter early (a rule refuses,
an after-sales request already exists, an invoice is already issued, verification failed
three times, the backend is down) the validation sets `lookup_result` to that outcome and
the form ends; the task's action and response then word the outcome.

What the form says lives in the domain: every prompt is `utter_ask_<slot>`, with
conditional variations on `form_hint` for an invalid answer and, after the second invalid
answer for the same slot, the offer of a human agent.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions import orders
from actions.identity import customer_token
from actions.orders import RECENT_ORDERS, order_cards, order_values
from actions.servicedesk_client import (
    Identity,
    ServiceDeskError,
    ServiceDeskUnavailable,
)

logger = logging.getLogger(__name__)

FORM = "order_form"
REQUESTED_SLOT = "requested_slot"
MAX_VERIFY_FAILURES = 3
OFFER_HUMAN_AFTER = 2
# Outcomes that end the form before every slot is filled.
FINAL_OUTCOMES = {
    "verify_locked",
    "no_orders",
    "need_login",
    "unavailable",
    "refused",
    "progress",
    "issued",
}
# Per-request bookkeeping that must not leak from one request into the next.
START_RESETS = (
    "lookup_result",
    "form_hint",
    "invalid_slot",
    "invalid_count",
    "refusal",
    "request_no",
    "after_sale_state",
    "request_kind",
    "invoice_link",
    "order_cards",
    "recent_orders",
)
# Slots an entity in the very message that starts the form may fill.
ENTITY_SLOTS = {"order_no", "reason", "aftersale_type", "invoice_type", "modify_field"}
AFTER_SALE_TASKS = {"request_refund", "request_return_exchange"}
OPEN_STATES = {"submitted", "approved", "returning"}

ORDER_NO = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{0,2}\d{6,20}(?![0-9A-Za-z])")
PHONE = re.compile(r"(?<!\d)(?:\+?86)?1[3-9]\d{9}(?!\d)")
LAST4 = re.compile(r"(?<!\d)\d{4}(?!\d)")

# Colloquial wording of the service desk's after-sales reasons; first match wins.
REASON_WORDS = (
    ("质量问题", ("质量", "坏", "破", "瑕疵", "故障", "不响", "开线", "起球", "漏")),
    ("发错货", ("发错", "错发", "不是我买的")),
    ("少件漏发", ("少件", "漏发", "少发", "少了", "缺件")),
    ("与描述不符", ("不符", "描述", "色差", "不一样", "假货")),
    (
        "尺码不合适",
        ("尺码", "码数", "太大", "太小", "偏大", "偏小", "不合身", "不合适"),
    ),
    ("拍错了", ("拍错", "买错", "下错", "选错")),
    ("不想要了", ("不想要", "不要了", "不喜欢", "无理由", "不需要")),
    ("其他", ("其他", "其它", "别的")),
)
KINDS = {"退款": "refund", "退货": "return", "换货": "exchange"}
INVOICE_TYPES = {"normal": "普通发票", "vat_special": "增值税专用发票"}
MODIFY_FIELDS = {"address": "收货地址", "phone": "收货手机号", "consignee": "收货人"}
PERSONAL_TITLES = {"个人", "本人", "个人发票"}


def reason_of(text: Text) -> Optional[Text]:
    for reason, words in REASON_WORDS:
        if reason in text or any(word in text for word in words):
            return reason
    return None


def kind_label_of(text: Text) -> Optional[Text]:
    if "退换" in text:
        return None  # both: ask
    if "换" in text:
        return "换货"
    if "退" in text:
        return "退货"
    return None


def invoice_type_of(text: Text) -> Optional[Text]:
    if text in INVOICE_TYPES:
        return text
    if "专" in text or "增值税" in text:
        return "vat_special"
    if "普" in text or "电子" in text:
        return "normal"
    return None


def modify_field_of(text: Text) -> Optional[Text]:
    if text in MODIFY_FIELDS:
        return text
    if "地址" in text:
        return "address"
    if "电话" in text or "手机" in text or "号码" in text:
        return "phone"
    if "收货人" in text or "姓名" in text or "名字" in text:
        return "consignee"
    return None


def split_address(text: Text) -> Dict[Text, Text]:
    """'上海市浦东新区世纪大道100号' -> region up to the district, the rest as detail."""
    match = re.match(r"^(.{2,20}?(?:区|县|市))(.+)$", text)
    if match and len(match.group(2)) >= 2:
        return {"region": match.group(1), "address_detail": match.group(2)}
    return {"address_detail": text}


def answer_text(tracker: Tracker, value: Any) -> Text:
    """What the user answered: the slot candidate, or the raw text."""
    text = value if isinstance(value, str) else tracker.latest_message.get("text", "")
    return (text or "").strip()


def value_before_latest_message(tracker: Tracker, slot: Text) -> Any:
    """The slot's value before the user's latest message was processed."""
    events = tracker.events
    latest_user = max(
        (i for i, e in enumerate(events) if e.get("event") == "user"), default=0
    )
    for event in reversed(events[:latest_user]):
        if event.get("event") == "slot" and event.get("name") == slot:
            return event.get("value")
    return None


def after_sale_kind(task: Optional[Text], label: Optional[Text], status: Text) -> Text:
    if task == "request_refund":
        # Money back for an order still in the warehouse; after delivery it goes back too.
        return "refund" if status in ("pending_payment", "to_ship") else "return"
    return KINDS.get(label or "", "return")


class ValidateOrderForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_order_form"

    async def required_slots(
        self,
        domain_slots: List[Text],
        dispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        if tracker.get_slot("lookup_result") in FINAL_OUTCOMES:
            return []
        slots = ["order_no"]
        if not customer_token(tracker):
            slots.append("phone_last4")
        task = tracker.get_slot("task")
        if task == "request_refund":
            slots += ["reason", "confirmed"]
        elif task == "request_return_exchange":
            slots += ["aftersale_type", "reason"]
            if tracker.get_slot("aftersale_type") == "换货":
                slots.append("new_spec")
            slots.append("confirmed")
        elif task == "request_invoice":
            slots += ["invoice_type", "invoice_title"]
            title = tracker.get_slot("invoice_title")
            if tracker.get_slot("invoice_type") == "vat_special" or (
                title and title not in PERSONAL_TITLES
            ):
                slots.append("tax_id")
            slots.append("email")
        elif task == "modify_order":
            slots += ["modify_field", "modify_value", "confirmed"]
        return slots

    async def _extract_validation_events(
        self, dispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        events: List[EventType] = []
        if self.starting(tracker):
            events = [SlotSet(name, None) for name in START_RESETS]
            # Not through add_slots: these are no answers to validate.
            tracker.slots.update({name: None for name in START_RESETS})
            if self.locked_out(tracker):
                # Three failed proofs hold for the rest of the conversation.
                locked = SlotSet("lookup_result", "verify_locked")
                tracker.slots["lookup_result"] = "verify_locked"
                events.append(locked)
        validated = await self.get_validation_events(dispatcher, tracker, domain)
        tracker.add_slots(validated)
        events += validated
        prepared = self.inferred_from_request(tracker) if self.starting(tracker) else []
        tracker.add_slots(prepared)
        prepared += self.prepare_next_question(tracker)
        tracker.add_slots(prepared)
        events += prepared
        next_slot = await self.next_requested_slot(dispatcher, tracker, domain)
        if next_slot:
            events.append(next_slot)
        return events

    # -- helpers ---------------------------------------------------------------------

    @staticmethod
    def locked_out(tracker: Tracker) -> bool:
        failures = tracker.get_slot("verify_failures") or 0
        return not customer_token(tracker) and failures >= MAX_VERIFY_FAILURES

    @staticmethod
    def starting(tracker: Tracker) -> bool:
        return tracker.get_slot(REQUESTED_SLOT) is None

    def stale(self, slot: Text, tracker: Tracker) -> bool:
        """A value left from an earlier request, seen when the form starts."""
        if not self.starting(tracker):
            return False
        fresh = slot in ENTITY_SLOTS and any(
            entity.get("entity") == slot
            for entity in tracker.latest_message.get("entities", [])
        )
        if slot == "order_no":
            # A new order question shows the list; other requests continue the order
            # the user was talking about.
            return tracker.get_slot("task") == "query_order" and not fresh
        return not fresh

    @classmethod
    def invalid(cls, slot: Text, tracker: Tracker, hint: Text) -> Dict[Text, Any]:
        if (cls.starting(tracker) and slot != "order_no") or (
            tracker.latest_message.get("text") or ""
        ).startswith("/"):
            # The request itself or a click on an older question's button is no answer
            # to this question: ask plainly, without counting a mistake.
            return {slot: None}
        count = 1
        if tracker.get_slot("invalid_slot") == slot:
            count = int(tracker.get_slot("invalid_count") or 0) + 1
        return {
            slot: None,
            "form_hint": "offer_human" if count >= OFFER_HUMAN_AFTER else hint,
            "invalid_slot": slot,
            "invalid_count": float(count),
        }

    @staticmethod
    def valid(slot: Text, value: Any) -> Dict[Text, Any]:
        return {
            slot: value,
            "form_hint": None,
            "invalid_slot": None,
            "invalid_count": None,
        }

    @staticmethod
    def identity(tracker: Tracker, phone_last4: Optional[Text] = None) -> Identity:
        return Identity(
            customer_token=customer_token(tracker),
            phone_last4=phone_last4 or tracker.get_slot("phone_last4"),
        )

    @staticmethod
    def inferred_from_request(tracker: Tracker) -> List[EventType]:
        """Choices the request itself already made ("改收货地址", "开专票", "换货")."""
        text = tracker.latest_message.get("text") or ""
        task = tracker.get_slot("task")
        if task == "modify_order" and not tracker.get_slot("modify_field"):
            field = modify_field_of(text)
            if field:
                return [
                    SlotSet("modify_field", field),
                    SlotSet("modify_field_label", MODIFY_FIELDS[field]),
                ]
        if task == "request_invoice" and not tracker.get_slot("invoice_type"):
            kind = invoice_type_of(text)
            if kind:
                return [
                    SlotSet("invoice_type", kind),
                    SlotSet("invoice_type_label", INVOICE_TYPES[kind]),
                ]
        if task == "request_return_exchange" and not tracker.get_slot("aftersale_type"):
            label = kind_label_of(text)
            if label:
                return [SlotSet("aftersale_type", label)]
        return []

    def prepare_next_question(self, tracker: Tracker) -> List[EventType]:
        """Before asking which order: the customer's orders as choices, or a dead end."""
        if tracker.get_slot("order_no") or tracker.get_slot("lookup_result"):
            return []
        if not customer_token(tracker):
            return [SlotSet("lookup_result", "need_order_no")]
        identity = self.identity(tracker)
        try:
            recent = orders.client.recent_orders(identity, RECENT_ORDERS)
        except ServiceDeskError as exc:
            code = "need_login" if exc.code == "INVALID_CUSTOMER" else "unavailable"
            return [SlotSet("lookup_result", code)]
        except ServiceDeskUnavailable:
            return [SlotSet("lookup_result", "unavailable")]
        if not recent:
            return [SlotSet("lookup_result", "no_orders")]
        if len(recent) == 1:
            values = self.order_checked(recent[0]["order_no"], tracker, identity)
            return [SlotSet(name, value) for name, value in values.items()]
        listing = "\n".join(
            f"{o['order_no']}  {o['first_item']}  {o['status_label']}" for o in recent
        )
        return [
            SlotSet("lookup_result", "choose"),
            SlotSet("recent_orders", listing),
            SlotSet("order_cards", order_cards(recent)),
        ]

    def order_checked(
        self, order_no: Text, tracker: Tracker, identity: Identity
    ) -> Dict[Text, Any]:
        """The order, once the caller may see it, and what the task's rules say."""
        try:
            order = orders.client.order(order_no, identity)
            values = {
                **self.valid("order_no", order["order_no"]),
                **order_values(order),
            }
            values["lookup_result"] = None
            values.update(self.precheck(order, tracker, identity))
            return values
        except ServiceDeskError as exc:
            if exc.code == "ORDER_NOT_FOUND":
                return self.invalid("order_no", tracker, "not_found")
            if exc.code == "INVALID_CUSTOMER":
                return {"order_no": order_no, "lookup_result": "need_login"}
            logger.error("order check refused: %s", exc)
            return {"order_no": order_no, "lookup_result": "unavailable"}
        except ServiceDeskUnavailable:
            return {"order_no": order_no, "lookup_result": "unavailable"}

    def precheck(
        self, order: Dict[Text, Any], tracker: Tracker, identity: Identity
    ) -> Dict[Text, Any]:
        """Settle early what the service desk already knows, so nothing is asked twice."""
        task = tracker.get_slot("task")
        order_no = order["order_no"]
        if task in AFTER_SALE_TASKS:
            for request in orders.client.after_sales(order_no, identity):
                if request["state"] in OPEN_STATES or (
                    task == "request_refund" and request["kind"] != "exchange"
                ):
                    return {
                        "lookup_result": "progress",
                        "request_no": request["request_no"],
                        "after_sale_state": request["state_label"],
                        "request_kind": request["kind_label"],
                    }
            kind = after_sale_kind(
                task, tracker.get_slot("aftersale_type"), order["status"]
            )
            # The most lenient reason: a refusal now cannot depend on the reason.
            return self.after_sale_refusal(order_no, identity, kind, "质量问题")
        if task == "request_invoice":
            if order["status"] in ("pending_payment", "cancelled"):
                return {"lookup_result": "refused", "refusal": "ORDER_NOT_INVOICEABLE"}
            issued = [
                i
                for i in orders.client.invoices(order_no, identity)
                if i["state"] == "issued"
            ]
            if issued:
                return {
                    "lookup_result": "issued",
                    "request_no": issued[0]["invoice_no"],
                    "invoice_link": issued[0]["download_url"],
                }
        if task == "modify_order" and order["status"] not in (
            "pending_payment",
            "to_ship",
        ):
            refusal = (
                "ORDER_ALREADY_CANCELLED"
                if order["status"] == "cancelled"
                else "ORDER_ALREADY_SHIPPED"
            )
            return {"lookup_result": "refused", "refusal": refusal}
        return {}

    @staticmethod
    def after_sale_refusal(
        order_no: Text, identity: Identity, kind: Text, reason: Text
    ) -> Dict[Text, Any]:
        try:
            orders.client.create_after_sale(
                order_no, identity, kind, reason, new_spec="-", dry_run=True
            )
            return {}
        except ServiceDeskError as exc:
            return {"lookup_result": "refused", "refusal": exc.code}

    def guarded(self, tracker: Tracker, check) -> Dict[Text, Any]:
        """Runs a check against the service desk; a broken backend ends the form."""
        try:
            return check()
        except ServiceDeskUnavailable:
            return {"lookup_result": "unavailable"}
        except ServiceDeskError as exc:
            logger.error("form check refused: %s", exc)
            return {"lookup_result": "unavailable"}

    # -- validation, one method per slot ----------------------------------------------

    def validate_order_no(
        self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value is None or self.stale("order_no", tracker):
            return {"order_no": None}
        values = self.order_no_values(value, tracker)
        asked = tracker.get_slot(REQUESTED_SLOT)
        kept = value_before_latest_message(tracker, "order_no")
        if asked not in (None, "order_no") and kept and values.get("order_no") is None:
            # A number inside another answer (a tax id, an address) that is no order of
            # this customer: keep the order the form is about.
            return {"order_no": kept}
        return values

    def order_no_values(self, value: Any, tracker: Tracker) -> Dict[Text, Any]:
        match = ORDER_NO.search(answer_text(tracker, value))
        if not match:
            return self.invalid("order_no", tracker, "invalid")
        order_no = match.group(0).upper()
        if not customer_token(tracker):
            if tracker.get_slot("verified_order") == order_no:
                return self.guarded(
                    tracker,
                    lambda: self.order_checked(
                        order_no, tracker, self.identity(tracker)
                    ),
                )
            # Nothing about the order is shown before the phone check.
            return {**self.valid("order_no", order_no), "phone_last4": None}
        return self.guarded(
            tracker,
            lambda: self.order_checked(order_no, tracker, self.identity(tracker)),
        )

    def validate_phone_last4(
        self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value is None:
            return {"phone_last4": None}
        order_no = tracker.get_slot("order_no")
        if self.starting(tracker):
            # Proof given for this very order earlier in the conversation still holds.
            if order_no and tracker.get_slot("verified_order") == order_no:
                return {"phone_last4": value}
            return {"phone_last4": None}
        text = answer_text(tracker, value)
        phone = PHONE.search(text)
        digits = phone.group(0)[-4:] if phone else None
        if not digits:
            found = LAST4.findall(text)
            digits = found[0] if len(found) == 1 else None
        if not digits:
            return self.invalid("phone_last4", tracker, "invalid")
        try:
            orders.client.verify(order_no, digits)
        except ServiceDeskError as exc:
            if exc.code not in ("VERIFICATION_FAILED", "ORDER_NOT_FOUND"):
                logger.error("verification refused: %s", exc)
                return {"lookup_result": "unavailable"}
            failures = int(tracker.get_slot("verify_failures") or 0) + 1
            values: Dict[Text, Any] = {
                "phone_last4": None,
                "verify_failures": float(failures),
                "verify_left": str(MAX_VERIFY_FAILURES - failures),
            }
            if failures >= MAX_VERIFY_FAILURES:
                return {**values, "lookup_result": "verify_locked"}
            if exc.code == "ORDER_NOT_FOUND":
                # Ask for the number again; the same words as for a wrong phone, so a
                # stranger learns nothing about which order numbers exist.
                return {
                    **values,
                    **self.invalid("order_no", tracker, "not_verified"),
                }
            return {**values, "form_hint": "not_verified"}
        except ServiceDeskUnavailable:
            return {"lookup_result": "unavailable"}
        identity = self.identity(tracker, phone_last4=digits)
        values = {
            **self.valid("phone_last4", digits),
            "verified_order": order_no,
            "verify_failures": None,
        }
        checked = self.guarded(
            tracker, lambda: self.order_checked(order_no, tracker, identity)
        )
        return {**values, **checked}

    def validate_aftersale_type(
        self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value is None or self.stale("aftersale_type", tracker):
            return {"aftersale_type": None}
        label = value if value in KINDS else kind_label_of(answer_text(tracker, value))
        if label == "退款":
            label = "退货"
        if label is None:
            return self.invalid("aftersale_type", tracker, "invalid")
        return self.valid("aftersale_type", label)

    def validate_reason(
        self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value is None or self.stale("reason", tracker):
            return {"reason": None}
        reason = reason_of(answer_text(tracker, value))
        if reason is None:
            return self.invalid("reason", tracker, "invalid")
        order_no = tracker.get_slot("order_no")
        if not order_no:
            return self.valid("reason", reason)
        kind = after_sale_kind(
            tracker.get_slot("task"),
            tracker.get_slot("aftersale_type"),
            tracker.get_slot("order_status") or "",
        )
        refusal = self.guarded(
            tracker,
            lambda: self.after_sale_refusal(
                order_no, self.identity(tracker), kind, reason
            ),
        )
        return {**self.valid("reason", reason), **refusal}

    def validate_new_spec(
        self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value is None or self.stale("new_spec", tracker):
            return {"new_spec": None}
        text = answer_text(tracker, value)
        if not text or text.startswith("/") or len(text) > 50:
            return self.invalid("new_spec", tracker, "invalid")
        return self.valid("new_spec", text)

    def validate_confirmed(
        self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value is None or self.stale("confirmed", tracker):
            return {"confirmed": None}
        return self.valid("confirmed", bool(value))

    def validate_invoice_type(
        self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value is None or self.stale("invoice_type", tracker):
            return {"invoice_type": None}
        kind = invoice_type_of(answer_text(tracker, value))
        if kind is None:
            return self.invalid("invoice_type", tracker, "invalid")
        return {
            **self.valid("invoice_type", kind),
            "invoice_type_label": INVOICE_TYPES[kind],
        }

    def field_checked(self, slot: Text, field: Text, text: Text, tracker: Tracker):
        def check() -> Dict[Text, Any]:
            try:
                orders.client.check_invoice_field(field, text)
            except ServiceDeskError as exc:
                if exc.status != 422:
                    raise
                return self.invalid(slot, tracker, "invalid")
            return self.valid(slot, text)

        return self.guarded(tracker, check)

    def validate_invoice_title(
        self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value is None or self.stale("invoice_title", tracker):
            return {"invoice_title": None}
        text = answer_text(tracker, value)
        if text.startswith("/") or len(text) > 100:
            return self.invalid("invoice_title", tracker, "invalid")
        return self.field_checked("invoice_title", "title", text, tracker)

    def validate_tax_id(
        self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value is None or self.stale("tax_id", tracker):
            return {"tax_id": None}
        text = re.sub(r"\s", "", answer_text(tracker, value)).upper()
        match = re.search(r"[0-9A-Z]{18}", text)
        return self.field_checked(
            "tax_id", "tax_id", match.group(0) if match else text, tracker
        )

    def validate_email(
        self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value is None or self.stale("email", tracker):
            return {"email": None}
        text = answer_text(tracker, value)
        match = re.search(r"[^\s@：:，,]+@[^\s@，,]+", text)
        return self.field_checked(
            "email", "email", match.group(0) if match else text, tracker
        )

    def validate_modify_field(
        self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value is None or self.stale("modify_field", tracker):
            return {"modify_field": None}
        field = modify_field_of(answer_text(tracker, value))
        if field is None:
            return self.invalid("modify_field", tracker, "invalid")
        return {
            **self.valid("modify_field", field),
            "modify_field_label": MODIFY_FIELDS[field],
        }

    def validate_modify_value(
        self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value is None or self.stale("modify_value", tracker):
            return {"modify_value": None}
        text = answer_text(tracker, value)
        field = tracker.get_slot("modify_field")
        if not text or text.startswith("/") or len(text) > 120:
            return self.invalid("modify_value", tracker, "invalid")
        if field == "address" and len(text) < 6:
            return self.invalid("modify_value", tracker, "invalid")
        if field == "consignee" and not 2 <= len(text) <= 20:
            return self.invalid("modify_value", tracker, "invalid")

        def check() -> Dict[Text, Any]:
            try:
                orders.client.change_shipping(
                    tracker.get_slot("order_no"),
                    self.identity(tracker),
                    shipping_change(field, text),
                    dry_run=True,
                )
            except ServiceDeskError as exc:
                if exc.status == 422:
                    return self.invalid("modify_value", tracker, "invalid")
                return {"lookup_result": "refused", "refusal": exc.code}
            return self.valid("modify_value", text)

        return self.guarded(tracker, check)


def shipping_change(field: Optional[Text], text: Text) -> Dict[Text, Text]:
    if field == "address":
        return split_address(text)
    if field == "phone":
        return {"phone": text}
    return {"consignee": text}
