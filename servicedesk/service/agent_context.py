"""What an agent sees next to a conversation: the customer and their recent business.

Known customers bring their profile, latest orders, after-sales requests and tickets. An
anonymous user who proved an order in the bot brings that order. Personal data stays
masked as everywhere else in the service desk.
"""

from __future__ import annotations

from typing import Any, Dict, List

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicedesk.service.models import Handoff, Ticket
from servicedesk.service.views import ticket_view
from servicedesk.shop import views
from servicedesk.shop.models import Order
from servicedesk.shop.orders import order_by_number, recent_orders

RECENT_ORDERS = 10


def mentioned_order(handoff: Handoff) -> Any:
    return ((handoff.summary or {}).get("slots") or {}).get("order_no")


def context_orders(session: Session, handoff: Handoff) -> List[Order]:
    """The customer's recent orders, and the order the conversation proved."""
    customer = handoff.customer
    orders: List[Order] = []
    if customer is not None:
        orders = recent_orders(customer, RECENT_ORDERS)
    mentioned = mentioned_order(handoff)
    if mentioned and mentioned not in {o.order_no for o in orders}:
        order = order_by_number(session, str(mentioned))
        # An anonymous user only gets here with the order's phone verified by the bot;
        # a known customer only with one of their own orders.
        if order is not None and (customer is None or order.customer_id == customer.id):
            orders.insert(0, order)
    return orders


def context_order_numbers(session: Session, handoff: Handoff) -> List[str]:
    return [o.order_no for o in context_orders(session, handoff)]


def shipping_masked(order: Order) -> Dict[str, Any]:
    return views.order_detail(order)["shipping"]


def context_of(session: Session, handoff: Handoff) -> Dict[str, Any]:
    customer = handoff.customer
    orders = context_orders(session, handoff)
    tickets: List[Ticket] = []
    if customer is not None:
        tickets = list(
            session.execute(
                select(Ticket)
                .where(Ticket.customer_id == customer.id)
                .order_by(Ticket.id.desc())
                .limit(10)
            ).scalars()
        )
    return {
        "customer": {
            **views.customer_view(customer),
            "order_count": len(customer.orders),
        }
        if customer
        else None,
        "mentioned_order": mentioned_order(handoff),
        # Shipping fields masked; the serving agent may reveal them (service/reveal.py).
        "orders": [
            {**views.order_summary(o), "shipping": shipping_masked(o)} for o in orders
        ],
        "after_sales": [
            views.after_sale_view(r) for o in orders for r in o.after_sales
        ],
        "tickets": [ticket_view(t) for t in tickets],
    }
