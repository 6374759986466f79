"""Data model of the shop: customers, catalogue, orders, logistics, after-sales, invoices."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import relationship
from sqlalchemy.types import Text

from servicedesk.model_base import Base

# Order life cycle: pending_payment -> to_ship -> shipped -> signed; cancelled from the
# first two.
ORDER_STATUSES = ("pending_payment", "to_ship", "shipped", "signed", "cancelled")
AFTER_SALE_KINDS = ("refund", "return", "exchange")
AFTER_SALE_STATES = (
    "submitted",
    "approved",
    "returning",
    "refunded",
    "exchanged",
    "rejected",
    "closed",
)
INVOICE_KINDS = ("normal", "vat_special")
INVOICE_STATES = ("requested", "issued", "rejected")


class Customer(Base):
    __tablename__ = "customers"
    id = Column(Integer, primary_key=True)
    # SHA-256 of the identity the widget or a REST client passes as
    # metadata.customer_token (customer_tokens.py), never the token itself. The column
    # keeps its old name so databases from before are hashed in place, not rebuilt.
    token_hash = Column("token", String(64), unique=True, nullable=False, index=True)
    name = Column(String(50), nullable=False)
    # Phones are stored masked, plus a hash to match a full number a user types.
    phone_masked = Column(String(20), nullable=False)
    phone_hash = Column(String(64), nullable=False, index=True)
    level = Column(String(10), nullable=False, default="normal")
    registered_at = Column(DateTime, nullable=False)
    demo = Column(Boolean, nullable=False, default=False)
    addresses = relationship("Address", back_populates="customer")
    orders = relationship("Order", back_populates="customer")


class Address(Base):
    __tablename__ = "addresses"
    id = Column(Integer, primary_key=True)
    customer_id = Column(ForeignKey("customers.id"), nullable=False, index=True)
    consignee = Column(String(50), nullable=False)
    phone_masked = Column(String(20), nullable=False)
    phone_hash = Column(String(64), nullable=False)
    region = Column(String(50), nullable=False)
    detail = Column(String(200), nullable=False)
    is_default = Column(Boolean, nullable=False, default=False)
    customer = relationship("Customer", back_populates="addresses")


class Product(Base):
    __tablename__ = "products"
    id = Column(Integer, primary_key=True)
    sku = Column(String(30), unique=True, nullable=False)
    name = Column(String(100), nullable=False, index=True)
    category = Column(String(30), nullable=False)
    specs = Column(JSON, nullable=False, default=dict)
    price_cents = Column(Integer, nullable=False)
    stock = Column(Integer, nullable=False)
    description = Column(Text, nullable=False, default="")


class Order(Base):
    __tablename__ = "orders"
    id = Column(Integer, primary_key=True)
    order_no = Column(String(32), unique=True, nullable=False, index=True)
    customer_id = Column(ForeignKey("customers.id"), nullable=False, index=True)
    status = Column(String(20), nullable=False, index=True)
    created_at = Column(DateTime, nullable=False)
    paid_at = Column(DateTime)
    shipped_at = Column(DateTime)
    signed_at = Column(DateTime)
    cancelled_at = Column(DateTime)
    total_cents = Column(Integer, nullable=False)
    consignee = Column(String(50), nullable=False)
    phone_masked = Column(String(20), nullable=False)
    phone_hash = Column(String(64), nullable=False)
    # The last four digits of the order's phone: what an anonymous user proves.
    phone_last4 = Column(String(4), nullable=False)
    region = Column(String(50), nullable=False)
    address_detail = Column(String(200), nullable=False)
    customer = relationship("Customer", back_populates="orders")
    items = relationship("OrderItem", back_populates="order", order_by="OrderItem.id")
    payment = relationship("Payment", back_populates="order", uselist=False)
    shipment = relationship("Shipment", back_populates="order", uselist=False)
    after_sales = relationship("AfterSale", back_populates="order")
    invoices = relationship("Invoice", back_populates="order")


class OrderItem(Base):
    __tablename__ = "order_items"
    id = Column(Integer, primary_key=True)
    order_id = Column(ForeignKey("orders.id"), nullable=False, index=True)
    product_id = Column(ForeignKey("products.id"), nullable=False)
    spec = Column(String(100), nullable=False, default="")
    quantity = Column(Integer, nullable=False)
    unit_price_cents = Column(Integer, nullable=False)
    order = relationship("Order", back_populates="items")
    product = relationship("Product")


class Payment(Base):
    __tablename__ = "payments"
    id = Column(Integer, primary_key=True)
    order_id = Column(ForeignKey("orders.id"), nullable=False, unique=True)
    method = Column(String(20), nullable=False)
    status = Column(String(20), nullable=False)
    amount_cents = Column(Integer, nullable=False)
    transaction_no = Column(String(40))
    paid_at = Column(DateTime)
    order = relationship("Order", back_populates="payment")


class Shipment(Base):
    __tablename__ = "shipments"
    id = Column(Integer, primary_key=True)
    order_id = Column(ForeignKey("orders.id"), nullable=False, unique=True)
    courier = Column(String(20), nullable=False)
    tracking_no = Column(String(40), nullable=False)
    shipped_at = Column(DateTime, nullable=False)
    estimated_delivery = Column(DateTime, nullable=False)
    order = relationship("Order", back_populates="shipment")
    events = relationship(
        "TrackingEvent", back_populates="shipment", order_by="TrackingEvent.occurred_at"
    )


class TrackingEvent(Base):
    __tablename__ = "tracking_events"
    id = Column(Integer, primary_key=True)
    shipment_id = Column(ForeignKey("shipments.id"), nullable=False, index=True)
    occurred_at = Column(DateTime, nullable=False)
    location = Column(String(50), nullable=False)
    description = Column(String(200), nullable=False)
    shipment = relationship("Shipment", back_populates="events")


class AfterSale(Base):
    __tablename__ = "after_sales"
    id = Column(Integer, primary_key=True)
    request_no = Column(String(32), unique=True, nullable=False, index=True)
    order_id = Column(ForeignKey("orders.id"), nullable=False, index=True)
    order_item_id = Column(ForeignKey("order_items.id"), nullable=False)
    kind = Column(String(10), nullable=False)
    reason = Column(String(30), nullable=False)
    new_spec = Column(String(100))
    state = Column(String(20), nullable=False)
    amount_cents = Column(Integer, nullable=False)
    created_at = Column(DateTime, nullable=False)
    order = relationship("Order", back_populates="after_sales")
    item = relationship("OrderItem")
    events = relationship(
        "AfterSaleEvent", back_populates="after_sale", order_by="AfterSaleEvent.id"
    )


class AfterSaleEvent(Base):
    __tablename__ = "after_sale_events"
    id = Column(Integer, primary_key=True)
    after_sale_id = Column(ForeignKey("after_sales.id"), nullable=False, index=True)
    occurred_at = Column(DateTime, nullable=False)
    state = Column(String(20), nullable=False)
    note = Column(String(200), nullable=False)
    after_sale = relationship("AfterSale", back_populates="events")


class Invoice(Base):
    __tablename__ = "invoices"
    id = Column(Integer, primary_key=True)
    invoice_no = Column(String(32), unique=True, nullable=False, index=True)
    order_id = Column(ForeignKey("orders.id"), nullable=False, index=True)
    kind = Column(String(20), nullable=False)
    title = Column(String(100), nullable=False)
    tax_id = Column(String(18))
    email = Column(String(100), nullable=False)
    state = Column(String(20), nullable=False)
    requested_at = Column(DateTime, nullable=False)
    issued_at = Column(DateTime)
    order = relationship("Order", back_populates="invoices")


class DemoCalendar(Base):
    """When the demo shop's dates were last laid out: its "now" (one row, demo data only)."""

    __tablename__ = "demo_calendar"
    id = Column(Integer, primary_key=True)
    dated_to = Column(DateTime, nullable=False)
