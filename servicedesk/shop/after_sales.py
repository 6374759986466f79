"""After-sales requests (refund, return, exchange): checked by the rules, then stored."""

from __future__ import annotations

from datetime import datetime
from typing import Optional, Tuple

from sqlalchemy.orm import Session

from servicedesk.db import find_by
from servicedesk.errors import RuleViolation
from servicedesk.shop import rules
from servicedesk.shop.models import AfterSale, AfterSaleEvent, Order, OrderItem

REQUEST_NOT_FOUND = ("REQUEST_NOT_FOUND", "没有找到该售后申请。")


def find_after_sale(session: Session, request_no: str) -> AfterSale:
    return find_by(session, AfterSale.request_no, request_no, *REQUEST_NOT_FOUND)


def check_after_sale(
    order: Order, kind: str, reason: str, item_id: Optional[int], now: datetime
) -> Tuple[OrderItem, str]:
    """The item concerned and the kind of request, or the rule that refuses it;
    changes nothing."""
    kind = rules.after_sale_kind(kind, order.status)
    if kind not in ("refund", "return", "exchange"):
        raise RuleViolation("INVALID_KIND", "售后类型只能是退款、退货或换货。", 422)
    item = next((i for i in order.items if item_id in (None, i.id)), None)
    if item is None:
        raise RuleViolation("ITEM_NOT_FOUND", "订单里没有这件商品。", 404)
    open_kinds = [
        r.kind
        for r in order.after_sales
        if r.order_item_id == item.id and r.state in rules.OPEN_AFTER_SALE_STATES
    ]
    rules.check_after_sale(kind, reason, order.status, order.signed_at, now, open_kinds)
    return item, kind


def create_after_sale(
    session: Session,
    order: Order,
    kind: str,
    reason: str,
    item_id: Optional[int],
    new_spec: Optional[str],
    now: datetime,
) -> AfterSale:
    item, kind = check_after_sale(order, kind, reason, item_id, now)
    if kind == "exchange" and not (new_spec or "").strip():
        raise RuleViolation("NEW_SPEC_REQUIRED", "换货请告诉我想换的规格。", 422)
    request = AfterSale(
        request_no="",
        order=order,
        item=item,
        kind=kind,
        reason=reason,
        new_spec=(new_spec or "").strip() or None,
        state="submitted",
        amount_cents=0 if kind == "exchange" else item.unit_price_cents * item.quantity,
        created_at=now,
    )
    session.add(request)
    session.flush()
    request.request_no = f"AS{now:%Y%m%d}{request.id:06d}"
    request.events.append(
        AfterSaleEvent(occurred_at=now, state="submitted", note="用户提交售后申请")
    )
    return request
