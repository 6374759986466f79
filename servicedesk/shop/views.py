"""JSON views of the shop's model; personal data leaves the service desk masked."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, Optional

from servicedesk.masking import mask_address, mask_name
from servicedesk.shop import rules
from servicedesk.shop.models import AfterSale, Customer, Invoice, Order, Product

STATUS_LABELS = {
    "pending_payment": "待付款",
    "to_ship": "待发货",
    "shipped": "已发货",
    "signed": "已签收",
    "cancelled": "已取消",
}
AFTER_SALE_LABELS = {
    "submitted": "已提交，等待审核",
    "approved": "审核通过",
    "returning": "等待退回商品",
    "refunded": "已退款",
    "exchanged": "已换货",
    "rejected": "已拒绝",
    "closed": "已关闭",
}
KIND_LABELS = {"refund": "仅退款", "return": "退货退款", "exchange": "换货"}


def iso_time(value: Optional[datetime]) -> Optional[str]:
    return value.isoformat(timespec="seconds") if value else None


def yuan(cents: int) -> str:
    return f"{cents / 100:.2f}"


def customer_view(customer: Customer) -> Dict[str, Any]:
    return {
        "name": mask_name(customer.name),
        "phone": customer.phone_masked,
        "level": customer.level,
        "registered_at": iso_time(customer.registered_at),
    }


def order_summary(order: Order) -> Dict[str, Any]:
    first = order.items[0] if order.items else None
    return {
        "order_no": order.order_no,
        "status": order.status,
        "status_label": STATUS_LABELS[order.status],
        "created_at": iso_time(order.created_at),
        "total": yuan(order.total_cents),
        "first_item": first.product.name if first else None,
        "item_count": sum(item.quantity for item in order.items),
    }


def order_detail(order: Order) -> Dict[str, Any]:
    return {
        **order_summary(order),
        "paid_at": iso_time(order.paid_at),
        "shipped_at": iso_time(order.shipped_at),
        "signed_at": iso_time(order.signed_at),
        "cancelled_at": iso_time(order.cancelled_at),
        "items": [
            {
                "item_id": item.id,
                "name": item.product.name,
                "spec": item.spec,
                "quantity": item.quantity,
                "price": yuan(item.unit_price_cents),
            }
            for item in order.items
        ],
        "shipping": {
            "consignee": mask_name(order.consignee),
            "phone": order.phone_masked,
            "address": mask_address(f"{order.region}{order.address_detail}"),
        },
        "courier": order.shipment.courier if order.shipment else None,
        "tracking_no": order.shipment.tracking_no if order.shipment else None,
    }


def logistics_view(order: Order, now: datetime) -> Dict[str, Any]:
    shipment = order.shipment
    if shipment is None:
        return {"order_no": order.order_no, "status": order.status, "shipped": False}
    events = [
        {
            "time": iso_time(e.occurred_at),
            "location": e.location,
            "description": e.description,
        }
        for e in reversed(shipment.events)
    ]
    last = shipment.events[-1].occurred_at if shipment.events else shipment.shipped_at
    stalled_hours = int((now - last).total_seconds() // 3600)
    return {
        "order_no": order.order_no,
        "status": order.status,
        "shipped": True,
        "courier": shipment.courier,
        "tracking_no": shipment.tracking_no,
        "estimated_delivery": iso_time(shipment.estimated_delivery),
        "events": events,
        # A parcel in transit without news for two days is "stalled" (物流不动).
        "stalled": order.status == "shipped" and stalled_hours >= 48,
        "hours_since_last_event": stalled_hours,
    }


def payment_view(order: Order) -> Dict[str, Any]:
    payment = order.payment
    return {
        "order_no": order.order_no,
        "order_status": order.status,
        "method": payment.method if payment else None,
        "payment_status": payment.status if payment else "unpaid",
        "amount": yuan(order.total_cents),
        "paid_at": iso_time(payment.paid_at) if payment else None,
    }


def after_sale_view(request: AfterSale) -> Dict[str, Any]:
    return {
        "request_no": request.request_no,
        "order_no": request.order.order_no,
        "item": request.item.product.name,
        "kind": request.kind,
        "kind_label": KIND_LABELS[request.kind],
        "reason": request.reason,
        "new_spec": request.new_spec,
        "state": request.state,
        "state_label": AFTER_SALE_LABELS[request.state],
        "in_progress": request.state in rules.IN_PROGRESS_AFTER_SALE_STATES,
        "amount": yuan(request.amount_cents),
        "created_at": iso_time(request.created_at),
        "timeline": [
            {"time": iso_time(e.occurred_at), "state": e.state, "note": e.note}
            for e in request.events
        ],
    }


def invoice_view(invoice: Invoice, download_url: Optional[str]) -> Dict[str, Any]:
    return {
        "invoice_no": invoice.invoice_no,
        "order_no": invoice.order.order_no,
        "kind": invoice.kind,
        "title": invoice.title,
        "tax_id": invoice.tax_id,
        "email": invoice.email,
        "state": invoice.state,
        "issued_at": iso_time(invoice.issued_at),
        "download_url": download_url if invoice.state == "issued" else None,
    }


def product_view(product: Product) -> Dict[str, Any]:
    return {
        "sku": product.sku,
        "name": product.name,
        "category": product.category,
        "specs": product.specs,
        "price": yuan(product.price_cents),
        "stock": product.stock,
        "in_stock": product.stock > 0,
        "description": product.description,
    }
