"""Deterministic demo data: the same random seed gives the same shop every time.

Numbers (orders, customers, parcels) are the same whatever the date, so the README and
the tests can name them. Dates are laid out relative to the clock the caller passes, so
that return windows, stalled parcels and pending payments look current; the demo
calendar (demo_calendar.py) keeps them current on later days.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import List, Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from servicedesk import demo_calendar
from servicedesk.masking import mask_phone
from servicedesk.models import (
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
from servicedesk.services import phone_hash

SEED = 20241121
# Order numbers: 13 digits drawn from their own seeded generator, so they are stable and
# not sequential (a neighbour's number cannot be guessed from one's own).
ORDER_NO_LOW, ORDER_NO_HIGH = 3 * 10**12, 10**13
CUSTOMERS = 200
ORDERS = 1000

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文辉鹏宇浩然欣怡子涵雨轩晨梓萱一诺思远"
REGIONS = [
    ("上海市浦东新区", "上海"),
    ("北京市朝阳区", "北京"),
    ("广东省深圳市南山区", "深圳"),
    ("广东省广州市天河区", "广州"),
    ("浙江省杭州市西湖区", "杭州"),
    ("江苏省南京市鼓楼区", "南京"),
    ("四川省成都市武侯区", "成都"),
    ("湖北省武汉市洪山区", "武汉"),
    ("陕西省西安市雁塔区", "西安"),
    ("新疆乌鲁木齐市天山区", "乌鲁木齐"),
]
STREETS = [
    "人民路",
    "建设路",
    "中山路",
    "解放路",
    "和平街",
    "长江路",
    "科技园路",
    "世纪大道",
]
HUBS = {"华东": "上海", "华南": "广州", "华北": "北京"}
COURIERS = [("中通", "ZT"), ("韵达", "YD"), ("顺丰", "SF"), ("京东快递", "JD")]
PRODUCTS = [
    (
        "轻薄羽绒服",
        "服装",
        {"颜色": ["黑色", "白色", "卡其色"], "尺码": ["S", "M", "L", "XL"]},
        39900,
    ),
    (
        "加厚连帽羽绒服",
        "服装",
        {"颜色": ["黑色", "藏青"], "尺码": ["M", "L", "XL", "XXL"]},
        59900,
    ),
    ("碎花连衣裙", "服装", {"颜色": ["蓝色", "粉色"], "尺码": ["S", "M", "L"]}, 19900),
    (
        "纯棉圆领卫衣",
        "服装",
        {"颜色": ["灰色", "白色", "黑色"], "尺码": ["M", "L", "XL"]},
        12900,
    ),
    (
        "直筒牛仔裤",
        "服装",
        {"颜色": ["浅蓝", "深蓝"], "尺码": ["28", "30", "32", "34"]},
        15900,
    ),
    (
        "缓震跑步运动鞋",
        "鞋靴",
        {"颜色": ["白色", "黑色"], "尺码": ["39", "40", "41", "42", "43"]},
        45900,
    ),
    (
        "帆布休闲鞋",
        "鞋靴",
        {"颜色": ["白色", "米色"], "尺码": ["36", "37", "38", "39", "40"]},
        9900,
    ),
    ("降噪蓝牙耳机", "数码", {"颜色": ["黑色", "白色"]}, 69900),
    ("运动蓝牙耳机", "数码", {"颜色": ["黑色", "蓝色"]}, 19900),
    ("20000毫安充电宝", "数码", {"颜色": ["白色", "黑色"]}, 12900),
    ("智能手环", "数码", {"颜色": ["黑色", "粉色"]}, 24900),
    ("4L智能电饭煲", "家电", {"容量": ["3L", "4L"]}, 39900),
    ("5L空气炸锅", "家电", {"颜色": ["白色", "黑色"]}, 32900),
    ("扫拖一体扫地机器人", "家电", {"颜色": ["白色"]}, 199900),
    ("电动牙刷", "个护", {"颜色": ["白色", "粉色"]}, 29900),
    ("补水保湿面膜 10片", "美妆", {"规格": ["10片装", "20片装"]}, 9900),
    ("丝绒哑光口红", "美妆", {"色号": ["#999", "#316", "#888"]}, 32000),
    ("316不锈钢保温杯", "家居", {"容量": ["350ml", "500ml"]}, 8900),
    ("20寸登机行李箱", "箱包", {"颜色": ["银色", "黑色", "蓝色"]}, 49900),
    ("婴儿配方奶粉 3段", "母婴", {"规格": ["800g"]}, 26800),
    ("全价幼猫猫粮", "宠物", {"规格": ["2kg", "5kg"]}, 15900),
    ("纯棉四件套", "家纺", {"尺寸": ["1.5米床", "1.8米床"]}, 29900),
    ("乳胶枕", "家纺", {"规格": ["标准款"]}, 19900),
    ("办公笔记本电脑", "数码", {"配置": ["16G+512G", "32G+1T"]}, 549900),
]
NO_REASON = ["不想要了", "尺码不合适", "拍错了"]
QUALITY = ["质量问题", "发错货", "少件漏发", "与描述不符"]
PAY_METHODS = ["微信支付", "支付宝", "花呗分期", "银行卡"]

# Demo identities: documented in the README; every order status is covered.
DEMO_CUSTOMERS = [
    ("demo-vip-zhangwei", "张伟", "13800138000", "vip"),
    ("demo-lina", "李娜", "13912345678", "normal"),
    ("demo-new-wangfang", "王芳", "15088886666", "normal"),
]


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
            token=token,
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


def _demo_orders(builder: Builder, customers: List[Customer]) -> None:
    vip, regular, newcomer = customers
    builder.add_order(vip, "pending_payment", 0.2)
    builder.add_order(vip, "to_ship", 0.5)
    builder.add_order(vip, "shipped", 2)
    builder.add_order(vip, "shipped", 6, stalled=True)
    recent = builder.add_order(vip, "signed", 5, signed_days_ago=2)
    builder.add_invoice(recent, "issued")
    builder.add_order(vip, "signed", 14, signed_days_ago=10)
    builder.add_order(vip, "signed", 40, signed_days_ago=35)
    builder.add_order(vip, "cancelled", 8)
    refunding = builder.add_order(regular, "signed", 9, signed_days_ago=4)
    builder.add_after_sale(refunding, "return", "尺码不合适", "returning")
    builder.add_order(regular, "to_ship", 1)
    builder.add_order(regular, "shipped", 1.5)
    builder.add_order(newcomer, "to_ship", 0.3)


def seed(session: Session, now: datetime) -> bool:
    """Fills an empty database as of `now`; returns False (and changes nothing) if it
    has data."""
    if session.execute(select(func.count(Customer.id))).scalar_one():
        return False
    rng = random.Random(SEED)
    now = now.replace(minute=0, second=0, microsecond=0)
    demo_calendar.record(session, now)
    builder = Builder(session, rng, now)
    builder.add_products()
    demo = [
        builder.add_customer(token, name, phone, level, demo=True)
        for token, name, phone, level in DEMO_CUSTOMERS
    ]
    _demo_orders(builder, demo)
    others = [
        builder.add_customer(
            f"cust-{index:04d}-{rng.randrange(16**8):08x}",
            builder.name(),
            builder.phone(),
            "vip" if rng.random() < 0.12 else "normal",
            demo=False,
        )
        for index in range(CUSTOMERS)
    ]
    statuses = ["pending_payment"] * 8 + ["to_ship"] * 15 + ["shipped"] * 20
    statuses += ["signed"] * 47 + ["cancelled"] * 10
    signed_orders = []
    while builder.order_seq < ORDERS:
        status = rng.choice(statuses)
        created = (
            rng.uniform(0.1, 2)
            if status in ("pending_payment", "to_ship")
            else rng.uniform(1, 60)
        )
        signed_ago = None
        if status == "signed":
            created = max(created, 3)
            signed_ago = rng.uniform(0.5, created - 2)
        order = builder.add_order(
            rng.choice(others),
            status,
            created,
            signed_days_ago=signed_ago,
            stalled=status == "shipped" and rng.random() < 0.15,
        )
        if status == "signed":
            signed_orders.append(order)
    kinds = {
        "refund": ["submitted", "approved", "refunded", "rejected", "closed"],
        "return": [
            "submitted",
            "approved",
            "returning",
            "refunded",
            "rejected",
            "closed",
        ],
        "exchange": ["submitted", "approved", "returning", "exchanged", "rejected"],
    }
    candidates = iter(rng.sample(signed_orders, 120))
    for kind, states in kinds.items():
        for state in states:
            for _ in range(6):
                order = next(candidates)
                builder.add_after_sale(
                    order,
                    kind,
                    rng.choice(QUALITY + NO_REASON),
                    state,
                    new_spec="换大一码" if kind == "exchange" else None,
                )
    for order in rng.sample(signed_orders, 60):
        if not order.invoices:
            builder.add_invoice(
                order,
                rng.choice(["requested", "issued", "issued", "rejected"]),
                rng.choice(["normal", "normal", "vat_special"]),
            )
    return True
