"""Orders: who may see one, and what may change in it. Rules come from rules.py; no HTTP."""

from __future__ import annotations

from datetime import datetime
from difflib import SequenceMatcher
from typing import List, Optional, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicedesk.db import found
from servicedesk.errors import RuleViolation
from servicedesk.masking import mask_phone
from servicedesk.shop import rules
from servicedesk.shop.customers import known_customer, normalise_phone, phone_hash
from servicedesk.shop.models import Customer, Order

ORDER_NOT_FOUND = ("ORDER_NOT_FOUND", "没有找到该订单，请核对订单号。")


def order_by_number(session: Session, order_no: str) -> Optional[Order]:
    return session.execute(
        select(Order).where(Order.order_no == order_no)
    ).scalar_one_or_none()


def find_order(session: Session, order_no: str) -> Order:
    return found(
        order_by_number(session, (order_no or "").strip().upper()), *ORDER_NOT_FOUND
    )


def authorize_order(
    session: Session,
    order_no: str,
    customer_token: Optional[str],
    phone_last4: Optional[str],
) -> Order:
    """The order, if the caller may see it: its owner, or someone proving the phone."""
    order = find_order(session, order_no)
    if customer_token:
        customer = known_customer(session, customer_token)
        if order.customer_id != customer.id:
            # Someone else's order looks exactly like a missing one.
            raise RuleViolation(*ORDER_NOT_FOUND, 404)
        return order
    if not phone_last4:
        raise RuleViolation(
            "VERIFICATION_REQUIRED", "请提供下单手机号的后四位以验证身份。", 403
        )
    if phone_last4.strip() != order.phone_last4:
        raise RuleViolation(
            "VERIFICATION_FAILED", "手机号后四位与订单不符，请核对后重试。", 403
        )
    return order


def recent_orders(customer: Customer, limit: int) -> List[Order]:
    return sorted(customer.orders, key=lambda o: o.created_at, reverse=True)[:limit]


# Two characters are the shortest product word (耳机, 鞋子); one shared character is
# chance.
MIN_SHARED_CHARS = 2


def longest_shared_run(a: str, b: str) -> int:
    """Length of the longest common substring: "我买的充电宝" and "罗马仕充电宝" share 3."""
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return matcher.find_longest_match(0, len(a), 0, len(b)).size


def mentions_item(order: Order, product: str) -> bool:
    """Whether the words a customer used for a product name one of the order's items."""
    words = product.strip().lower()
    return any(
        longest_shared_run(words, item.product.name.lower()) >= MIN_SHARED_CHARS
        for item in order.items
    )


def orders_for_product(
    customer: Customer, product: Optional[str], limit: int
) -> Tuple[List[Order], int]:
    """The customer's orders with the ones naming the product first, newest first within
    each group, and how many named it. Without a product: the most recent orders."""
    newest = sorted(customer.orders, key=lambda o: o.created_at, reverse=True)
    if not product or not product.strip():
        return newest[:limit], 0
    matching = [order for order in newest if mentions_item(order, product)]
    others = [order for order in newest if order not in matching]
    return (matching + others)[:limit], len(matching)


def cancel_order(order: Order, now: datetime) -> Order:
    rules.check_cancellable(order.status)
    order.status = "cancelled"
    order.cancelled_at = now
    if order.payment and order.payment.status == "paid":
        order.payment.status = "refunded"
    return order


def check_shipping_change(order: Order) -> None:
    """Whether the order's consignee, phone or address may change at all."""
    rules.check_modifiable(order.status)


def update_shipping(
    order: Order,
    consignee: Optional[str],
    phone: Optional[str],
    region: Optional[str],
    address_detail: Optional[str],
) -> Order:
    check_shipping_change(order)
    if not any([consignee, phone, region, address_detail]):
        raise RuleViolation("NOTHING_TO_CHANGE", "请告诉我要修改的内容。", 422)
    if consignee:
        order.consignee = consignee.strip()[:50]
    if phone:
        digits = normalise_phone(phone)
        order.phone_masked = mask_phone(digits)
        order.phone_hash = phone_hash(digits)
        order.phone_last4 = digits[-4:]
    if region:
        order.region = region.strip()[:50]
    if address_detail:
        order.address_detail = address_detail.strip()[:200]
    return order
