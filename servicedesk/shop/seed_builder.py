"""Adds demo customers, orders, parcels, after-sales requests and invoices to a session.

Every choice is drawn from the generator it is given, so the same seed builds the same
shop; dates are laid out relative to the `now` it is given.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import List, Optional

from sqlalchemy.orm import Session

from servicedesk.masking import mask_phone
from servicedesk.shop.customer_tokens import token_hash
from servicedesk.shop.customers import phone_hash
from servicedesk.shop.models import (
    Address,
    AfterSale,
    AfterSaleEvent,
    Customer,
    Invoice,
    Order,
    OrderItem,
    Payment,
    Product,
    Shipment,
    TrackingEvent,
)
from servicedesk.shop.seed_catalogue import (
    COURIERS,
    GIVEN,
    HUBS,
    ORDER_NO_HIGH,
    ORDER_NO_LOW,
    PAY_METHODS,
    PRODUCTS,
    REGIONS,
    SEED,
    STREETS,
    SURNAMES,
)


class Builder:
    def __init__(self, session: Session, rng: random.Random, now: datetime) -> None:
        self.session = session
        self.rng = rng
        self.now = now
        self.products: List[Product] = []
        self.order_seq = 0
        self.tracking_seq = 0
        self.order_numbers = random.Random(SEED + 1)
        self.used_order_numbers: set = set()

    def phone(self) -> str:
        return f"1{self.rng.choice('3456789')}{self.rng.randrange(10**9):09d}"

    def order_no(self) -> str:
        while True:
            number = str(self.order_numbers.randrange(ORDER_NO_LOW, ORDER_NO_HIGH))
            if number not in self.used_order_numbers:
                self.used_order_numbers.add(number)
                return number

    def name(self) -> str:
        given = "".join(self.rng.sample(GIVEN, self.rng.choice([1, 2])))
        return self.rng.choice(SURNAMES) + given

    def add_products(self) -> None:
        for index, (name, category, specs, price) in enumerate(PRODUCTS, start=1):
            product = Product(
                sku=f"SKU{index:05d}",
                name=name,
                category=category,
                specs=specs,
                price_cents=price,
                # A few products are sold out, to answer "有货吗" both ways.
                stock=0 if index % 9 == 0 else self.rng.randrange(5, 500),
                description=f"{name}，{category}类热销商品。",
            )
            self.session.add(product)
            self.products.append(product)

    def add_customer(
        self, token: str, name: str, phone: str, level: str, demo: bool
    ) -> Customer:
        customer = Customer(
            token_hash=token_hash(token),
            name=name,
            phone_masked=mask_phone(phone),
            phone_hash=phone_hash(phone),
            level=level,
            registered_at=self.now - timedelta(days=self.rng.randrange(30, 1500)),
            demo=demo,
        )
        region, _ = self.rng.choice(REGIONS)
        customer.addresses.append(
            Address(
                consignee=name,
                phone_masked=customer.phone_masked,
                phone_hash=customer.phone_hash,
                region=region,
                detail=f"{self.rng.choice(STREETS)}{self.rng.randrange(1, 999)}号"
                f"{self.rng.randrange(1, 30)}栋{self.rng.randrange(101, 2999)}室",
                is_default=True,
            )
        )
        self.session.add(customer)
        customer._phone = phone  # used only while seeding, never stored
        return customer

    def add_order(
        self,
        customer: Customer,
        status: str,
        created_days_ago: float,
        signed_days_ago: Optional[float] = None,
        stalled: bool = False,
    ) -> Order:
        created = self.now - timedelta(days=created_days_ago)
        self.order_seq += 1
        address = customer.addresses[0]
        order = Order(
            order_no=self.order_no(),
            customer=customer,
            status=status,
            created_at=created,
            consignee=address.consignee,
            phone_masked=address.phone_masked,
            phone_hash=address.phone_hash,
            phone_last4=customer._phone[-4:],
            region=address.region,
            address_detail=address.detail,
            total_cents=0,
        )
        for product in self.rng.sample(self.products, self.rng.choice([1, 1, 1, 2, 3])):
            spec = "，".join(
                self.rng.choice(values) for values in product.specs.values()
            )
            quantity = self.rng.choice([1, 1, 1, 2])
            order.items.append(
                OrderItem(
                    product=product,
                    spec=spec,
                    quantity=quantity,
                    unit_price_cents=product.price_cents,
                )
            )
            order.total_cents += product.price_cents * quantity
        method = self.rng.choice(PAY_METHODS)
        if status == "pending_payment":
            order.payment = Payment(
                method=method, status="pending", amount_cents=order.total_cents
            )
        elif status == "cancelled":
            paid = self.rng.random() < 0.5
            order.cancelled_at = created + timedelta(hours=self.rng.randrange(1, 20))
            order.payment = Payment(
                method=method,
                status="refunded" if paid else "closed",
                amount_cents=order.total_cents,
                paid_at=created + timedelta(minutes=5) if paid else None,
            )
        else:
            order.paid_at = created + timedelta(minutes=self.rng.randrange(1, 30))
            order.payment = Payment(
                method=method,
                status="paid",
                amount_cents=order.total_cents,
                transaction_no=f"PAY{self.order_seq:012d}",
                paid_at=order.paid_at,
            )
        if status in ("shipped", "signed"):
            self.add_shipment(order, signed_days_ago, stalled)
        self.session.add(order)
        return order

    def add_shipment(
        self, order: Order, signed_days_ago: Optional[float], stalled: bool
    ) -> None:
        courier, prefix = self.rng.choice(COURIERS)
        self.tracking_seq += 1
        shipped = order.paid_at + timedelta(hours=self.rng.randrange(4, 40))
        order.shipped_at = shipped
        hub_name, hub_city = self.rng.choice(list(HUBS.items()))
        region = order.region
        city = next(c for r, c in REGIONS if r == region)
        shipment = Shipment(
            courier=courier,
            tracking_no=f"{prefix}{7300000000000 + self.tracking_seq}",
            shipped_at=shipped,
            estimated_delivery=shipped + timedelta(days=3),
        )
        steps = [
            (0, f"{hub_name}仓", f"商家已发货，{courier}已揽收"),
            (6, f"{hub_city}转运中心", f"快件已到达【{hub_city}转运中心】"),
            (10, f"{hub_city}转运中心", f"快件离开【{hub_city}转运中心】，发往{city}"),
            (30, f"{city}转运中心", f"快件已到达【{city}转运中心】"),
            (40, f"{city}营业点", f"快件已到达【{city}营业点】，正在安排派送"),
            (44, city, "快递员正在派送，请保持电话畅通"),
        ]
        if order.status == "signed":
            signed = self.now - timedelta(days=signed_days_ago or 0)
            order.signed_at = signed
            order.shipped_at = shipped = min(shipped, signed - timedelta(days=2))
            shipment.shipped_at = shipped
            shipment.estimated_delivery = shipped + timedelta(days=3)
            for hours, location, text in steps:
                shipment.events.append(
                    TrackingEvent(
                        occurred_at=min(shipped + timedelta(hours=hours), signed),
                        location=location,
                        description=text,
                    )
                )
            shipment.events.append(
                TrackingEvent(
                    occurred_at=signed,
                    location=city,
                    description=self.rng.choice(
                        ["已签收，签收人：本人", "已签收，已放入快递柜"]
                    ),
                )
            )
        else:
            # In transit: events up to now; a stalled parcel stops at a hub days ago.
            cutoff = self.now - timedelta(days=3) if stalled else self.now
            for hours, location, text in steps[: 3 if stalled else len(steps)]:
                at = shipped + timedelta(hours=hours)
                if at <= cutoff:
                    shipment.events.append(
                        TrackingEvent(
                            occurred_at=at, location=location, description=text
                        )
                    )
        order.shipment = shipment

    def add_after_sale(
        self, order: Order, kind: str, reason: str, state: str, new_spec: str = None
    ) -> AfterSale:
        item = order.items[0]
        created = (order.signed_at or order.paid_at) + timedelta(hours=20)
        request = AfterSale(
            request_no="",
            order=order,
            item=item,
            kind=kind,
            reason=reason,
            new_spec=new_spec,
            state=state,
            amount_cents=0
            if kind == "exchange"
            else item.unit_price_cents * item.quantity,
            created_at=created,
        )
        path = {
            "submitted": ["submitted"],
            "approved": ["submitted", "approved"],
            "returning": ["submitted", "approved", "returning"],
            "refunded": ["submitted", "approved", "refunded"],
            "exchanged": ["submitted", "approved", "returning", "exchanged"],
            "rejected": ["submitted", "rejected"],
            "closed": ["submitted", "closed"],
        }[state]
        notes = {
            "submitted": "用户提交售后申请",
            "approved": "商家审核通过",
            "returning": "请在 7 天内寄回商品",
            "refunded": "退款已原路退回，1-3 个工作日到账",
            "exchanged": "换货商品已发出",
            "rejected": "商品已超出售后期限，审核未通过",
            "closed": "用户撤销申请",
        }
        for step, name in enumerate(path):
            request.events.append(
                AfterSaleEvent(
                    occurred_at=created + timedelta(hours=6 * step),
                    state=name,
                    note=notes[name],
                )
            )
        self.session.add(request)
        self.session.flush()
        request.request_no = f"AS{created:%Y%m%d}{request.id:06d}"
        return request

    def add_invoice(self, order: Order, state: str, kind: str = "normal") -> Invoice:
        invoice = Invoice(
            invoice_no="",
            order=order,
            kind=kind,
            title="上海示例科技有限公司" if kind == "vat_special" else "个人",
            tax_id="91310000MA1FL8TQ36" if kind == "vat_special" else None,
            email="invoice@example.com",
            state=state,
            requested_at=order.paid_at + timedelta(days=1),
            issued_at=order.paid_at + timedelta(days=2) if state == "issued" else None,
        )
        self.session.add(invoice)
        self.session.flush()
        invoice.invoice_no = f"INV{invoice.requested_at:%Y%m%d}{invoice.id:06d}"
        return invoice
