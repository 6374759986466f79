"""Operations on the shop's data. Rules come from servicedesk.rules; no HTTP here."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import List, Optional, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicedesk import rules
from servicedesk.masking import mask_phone
from servicedesk.models import (
    AfterSale,
    AfterSaleEvent,
    Customer,
    Invoice,
    Order,
    OrderItem,
    Product,
    Ticket,
)
from servicedesk.rules import RuleViolation

PHONE_DIGITS = 11


def phone_hash(phone: str) -> str:
    return hashlib.sha256(phone.encode()).hexdigest()


def normalise_phone(raw: str) -> str:
    digits = "".join(ch for ch in raw or "" if ch.isdigit())
    if digits.startswith("86") and len(digits) == PHONE_DIGITS + 2:
        digits = digits[2:]
    if len(digits) != PHONE_DIGITS or not digits.startswith("1") or digits[1] in "012":
        raise RuleViolation(
            "INVALID_PHONE", "手机号格式不正确，请输入 11 位手机号码。", status=422
        )
    return digits


def customer_by_token(session: Session, token: Optional[str]) -> Optional[Customer]:
    if not token:
        return None
    return session.execute(
        select(Customer).where(Customer.token == token)
    ).scalar_one_or_none()


def find_order(session: Session, order_no: str) -> Order:
    order = session.execute(
        select(Order).where(Order.order_no == (order_no or "").strip().upper())
    ).scalar_one_or_none()
    if order is None:
        raise RuleViolation("ORDER_NOT_FOUND", "没有找到该订单，请核对订单号。", 404)
    return order


def authorize_order(
    session: Session,
    order_no: str,
    customer_token: Optional[str],
    phone_last4: Optional[str],
) -> Order:
    """The order, if the caller may see it: its owner, or someone proving the phone."""
    order = find_order(session, order_no)
    if customer_token:
        customer = customer_by_token(session, customer_token)
        if customer is None:
            raise RuleViolation("INVALID_CUSTOMER", "身份信息已失效，请重新登录。", 401)
        if order.customer_id != customer.id:
            # Someone else's order looks exactly like a missing one.
            raise RuleViolation(
                "ORDER_NOT_FOUND", "没有找到该订单，请核对订单号。", 404
            )
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


def issued_invoice(order: Order) -> Optional[Invoice]:
    return next((i for i in order.invoices if i.state == "issued"), None)


def check_invoice_request(order: Order) -> Optional[Invoice]:
    """Before asking anything: the order's issued invoice, or whether it may get one."""
    issued = issued_invoice(order)
    if issued is None:
        rules.check_invoiceable(order.status)
    return issued


def request_invoice(
    session: Session,
    order: Order,
    kind: str,
    title: str,
    tax_id: Optional[str],
    email: str,
    now: datetime,
) -> tuple[Invoice, bool]:
    """A new invoice request, or the order's existing one (and True) if issued."""
    issued = issued_invoice(order)
    if issued:
        return issued, True
    if kind not in ("normal", "vat_special"):
        raise RuleViolation(
            "INVALID_INVOICE_KIND", "发票类型只能是普通发票或增值税专用发票。", 422
        )
    rules.check_invoice(kind, title, tax_id, email, order.status)
    pending = next((i for i in order.invoices if i.state == "requested"), None)
    invoice = pending or Invoice(invoice_no="", order=order, requested_at=now)
    invoice.kind = kind
    invoice.title = title.strip()[:100]
    invoice.tax_id = (tax_id or "").strip().upper() or None
    invoice.email = email.strip()
    invoice.state = "requested"
    if pending is None:
        session.add(invoice)
        session.flush()
        invoice.invoice_no = f"INV{now:%Y%m%d}{invoice.id:06d}"
    return invoice, False


def check_invoice_field(field: str, value: str) -> None:
    if field == "title":
        rules.check_invoice_title(value)
    elif field == "email":
        rules.check_invoice_email(value)
    elif field == "tax_id":
        rules.check_tax_id(value)


def search_products(session: Session, query: str, limit: int) -> List[Product]:
    pattern = f"%{(query or '').strip()}%"
    return list(
        session.execute(
            select(Product)
            .where(Product.name.like(pattern))
            .order_by(Product.id)
            .limit(limit)
        ).scalars()
    )


def create_ticket(
    session: Session,
    customer: Optional[Customer],
    order_no: Optional[str],
    subject: str,
    description: str,
    contact: str,
    now: datetime,
    source: str = "message",
) -> Ticket:
    if not subject.strip():
        raise RuleViolation("INVALID_SUBJECT", "请填写工单标题。", 422)
    ticket = Ticket(
        ticket_no="",
        customer_id=customer.id if customer else None,
        order_no=order_no,
        subject=subject.strip()[:100],
        description=description[:4000],
        contact=contact[:50],
        state="open",
        created_at=now,
        updated_at=now,
        source=source,
    )
    session.add(ticket)
    session.flush()
    ticket.ticket_no = f"TK{now:%Y%m%d}{ticket.id:06d}"
    return ticket
