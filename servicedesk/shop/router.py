"""HTTP API of the shop: orders, after-sales, invoices, products and the demo customers.

The action server calls it with the bearer token, for a customer (X-Customer-Token) or
for an anonymous user who proves an order's phone (X-Order-Phone-Last4).
"""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from servicedesk import demo_secrets
from servicedesk.auth import Caller, caller, end_user
from servicedesk.context import DeskContext
from servicedesk.errors import RuleViolation
from servicedesk.shop import after_sales, invoices, orders, views
from servicedesk.shop.code_routes import build_code_router
from servicedesk.shop.customers import known_customer
from servicedesk.shop.models import Customer, Invoice, Order
from servicedesk.shop.order_codes import CodePolicy, OrderCodes
from servicedesk.shop.phone_check import PhoneCheck, verify_lockout
from servicedesk.shop.products import search_products
from servicedesk.shop.seed_catalogue import DEMO_CUSTOMERS
from servicedesk.sms import SmsSender


class ShippingChange(BaseModel):
    consignee: Optional[str] = Field(None, max_length=50)
    phone: Optional[str] = Field(None, max_length=30)
    region: Optional[str] = Field(None, max_length=50)
    address_detail: Optional[str] = Field(None, max_length=200)


class AfterSaleIn(BaseModel):
    # refund / return / exchange, or refund_or_return: the desk picks by the order.
    kind: str = Field(..., max_length=20)
    reason: str = Field(..., max_length=30)
    item_id: Optional[int] = None
    new_spec: Optional[str] = Field(None, max_length=100)


class InvoiceIn(BaseModel):
    # All required, except in a dry run, which may ask before anything is known.
    kind: Optional[str] = Field(None, max_length=20)
    title: Optional[str] = Field(None, max_length=100)
    tax_id: Optional[str] = Field(None, max_length=30)
    email: Optional[str] = Field(None, max_length=100)


class InvoiceFieldIn(BaseModel):
    field: str = Field(..., regex="^(title|tax_id|email)$")
    value: str = Field("", max_length=200)


class VerifyIn(BaseModel):
    phone_last4: str = Field(..., min_length=1, max_length=10)


def build_shop_router(desk: DeskContext, sms: Optional[SmsSender] = None) -> APIRouter:
    router = APIRouter()
    get_session, clock, settings = desk.get_session, desk.clock, desk.settings
    authorized = desk.auth.bot
    lockout = verify_lockout(settings)
    phone_check = PhoneCheck(desk.session_factory, clock, lockout)
    codes = OrderCodes(
        desk.session_factory, clock, lockout, CodePolicy.from_settings(settings), sms
    )
    router.include_router(build_code_router(desk, phone_check, codes, sms))

    def authorized_order(
        order_no: str,
        who: Caller = Depends(caller),
        person: Optional[str] = Depends(end_user),
        session: Session = Depends(get_session),
    ) -> Order:
        # FastAPI hands the endpoint the same session (dependencies are cached per request).
        return phone_check.authorize(session, order_no, *who, person)

    def proven_for_writing(
        order: Order = Depends(authorized_order),
        dry_run: bool = Query(False),
        who: Caller = Depends(caller),
        person: Optional[str] = Depends(end_user),
        session: Session = Depends(get_session),
    ) -> Order:
        """The order, for a write action: its owner, or an anonymous conversation that
        also gave the code sent to the order's phone. A dry run changes nothing and
        needs only the order (the last four digits)."""
        if not dry_run and not who[0]:
            codes.require_grant(session, order.order_no, person)
        return order

    def download_url(request: Request, invoice: Invoice) -> str:
        return invoices.download_url(str(request.base_url), settings.api_token, invoice)

    @router.get("/api/demo/customers")
    def demo_customers(session: Session = Depends(get_session)) -> dict:
        if not settings.demo:
            raise RuleViolation("NOT_FOUND", "演示模式未开启。", 404)
        customers = session.execute(
            select(Customer).where(Customer.demo.is_(True)).order_by(Customer.id)
        ).scalars()
        # The customers table keeps only hashes; this install's demo tokens are kept
        # for this page (servicedesk/demo_secrets.py). An erased demo customer's token
        # is none of them: not listed.
        tokens = demo_secrets.customer_tokens_by_hash(session, DEMO_CUSTOMERS)
        return {
            "customers": [
                {
                    **views.customer_view(c),
                    "token": tokens[c.token_hash],
                    "orders": [
                        {"order_no": o.order_no, "status": o.status}
                        for o in orders.recent_orders(c, 20)
                    ],
                }
                for c in customers
                if c.token_hash in tokens
            ]
        }

    @router.get("/api/customers/me", dependencies=authorized)
    def me(
        customer_token: str = Header(..., alias="X-Customer-Token"),
        session: Session = Depends(get_session),
    ) -> dict:
        return views.customer_view(known_customer(session, customer_token))

    @router.get("/api/customers/me/orders", dependencies=authorized)
    def my_orders(
        customer_token: str = Header(..., alias="X-Customer-Token"),
        limit: int = Query(5, ge=1, le=50),
        product: Optional[str] = Query(None, max_length=100),
        session: Session = Depends(get_session),
    ) -> dict:
        """Recent orders; with `product` (the customer's words for an item), the
        orders naming it come first and `matched` says how many there are."""
        customer = known_customer(session, customer_token)
        found, matched = orders.orders_for_product(customer, product, limit)
        return {
            "orders": [views.order_summary(o) for o in found],
            "matched": min(matched, limit),
        }

    @router.post("/api/orders/{order_no}/verify", dependencies=authorized)
    def verify(
        order_no: str,
        body: VerifyIn,
        person: Optional[str] = Depends(end_user),
        session: Session = Depends(get_session),
    ) -> dict:
        phone_check.authorize(session, order_no, None, body.phone_last4, person)
        return {"order_no": order_no, "verified": True}

    @router.get("/api/orders/{order_no}", dependencies=authorized)
    def order_detail(order: Order = Depends(authorized_order)) -> dict:
        return views.order_detail(order)

    @router.get("/api/orders/{order_no}/logistics", dependencies=authorized)
    def logistics(order: Order = Depends(authorized_order)) -> dict:
        return views.logistics_view(order, clock())

    @router.get("/api/orders/{order_no}/payment", dependencies=authorized)
    def payment(order: Order = Depends(authorized_order)) -> dict:
        return views.payment_view(order)

    @router.post("/api/orders/{order_no}/cancel", dependencies=authorized)
    def cancel(
        dry_run: bool = Query(False),
        order: Order = Depends(proven_for_writing),
        session: Session = Depends(get_session),
    ) -> dict:
        orders.cancel_order(order, clock())
        if dry_run:
            # Asking before doing: the rules answer, nothing is changed.
            session.rollback()
            return {**views.order_detail(order), "cancellable": True}
        session.commit()
        return views.order_detail(order)

    @router.patch("/api/orders/{order_no}/shipping", dependencies=authorized)
    def change_shipping(
        body: ShippingChange,
        dry_run: bool = Query(False),
        order: Order = Depends(proven_for_writing),
        session: Session = Depends(get_session),
    ) -> dict:
        if dry_run and not any(body.dict().values()):
            # Asked before the user says what to change: may anything change at all?
            orders.check_shipping_change(order)
            return {**views.order_detail(order), "modifiable": True}
        orders.update_shipping(
            order, body.consignee, body.phone, body.region, body.address_detail
        )
        if dry_run:
            session.rollback()
            return {**views.order_detail(order), "modifiable": True}
        session.commit()
        return views.order_detail(order)

    @router.get("/api/orders/{order_no}/after-sales", dependencies=authorized)
    def list_after_sales(order: Order = Depends(authorized_order)) -> dict:
        return {"after_sales": [views.after_sale_view(r) for r in order.after_sales]}

    @router.post(
        "/api/orders/{order_no}/after-sales", dependencies=authorized, status_code=201
    )
    def create_after_sale(
        body: AfterSaleIn,
        dry_run: bool = Query(False),
        order: Order = Depends(proven_for_writing),
        session: Session = Depends(get_session),
    ) -> dict:
        if dry_run:
            # The rules answer before the user has said everything; nothing is stored.
            _, kind = after_sales.check_after_sale(
                order, body.kind, body.reason, body.item_id, clock()
            )
            return {"order_no": order.order_no, "allowed": True, "kind": kind}
        request = after_sales.create_after_sale(
            session, order, body.kind, body.reason, body.item_id, body.new_spec, clock()
        )
        session.commit()
        return views.after_sale_view(request)

    @router.get("/api/after-sales/{request_no}", dependencies=authorized)
    def after_sale(
        request_no: str,
        who: Caller = Depends(caller),
        person: Optional[str] = Depends(end_user),
        session: Session = Depends(get_session),
    ) -> dict:
        request = after_sales.find_after_sale(session, request_no)
        phone_check.authorize(session, request.order.order_no, *who, person)
        return views.after_sale_view(request)

    @router.get("/api/orders/{order_no}/invoices", dependencies=authorized)
    def list_invoices(
        request: Request, order: Order = Depends(authorized_order)
    ) -> dict:
        return {
            "invoices": [
                views.invoice_view(i, download_url(request, i)) for i in order.invoices
            ]
        }

    @router.post("/api/orders/{order_no}/invoices", dependencies=authorized)
    def create_invoice(
        body: InvoiceIn,
        request: Request,
        dry_run: bool = Query(False),
        order: Order = Depends(proven_for_writing),
        session: Session = Depends(get_session),
    ) -> JSONResponse:
        if dry_run:
            # Before the form asks anything: an issued invoice is handed out again,
            # an order that cannot have one is refused; fields given are checked.
            issued = invoices.check_invoice_request(order)
            if issued is not None:
                view = views.invoice_view(issued, download_url(request, issued))
                return JSONResponse({**view, "existing": True})
            for field in ("title", "tax_id", "email"):
                if getattr(body, field) is not None:
                    invoices.check_invoice_field(field, getattr(body, field))
            return JSONResponse({"order_no": order.order_no, "allowed": True})
        if not (body.kind and body.title and body.email):
            raise RuleViolation("VALIDATION_ERROR", "请求参数不正确。", 422)
        invoice, existing = invoices.request_invoice(
            session, order, body.kind, body.title, body.tax_id, body.email, clock()
        )
        session.commit()
        payload = {**views.invoice_view(invoice, download_url(request, invoice))}
        payload["existing"] = existing
        return JSONResponse(payload, status_code=200 if existing else 201)

    @router.post("/api/invoices/check-field", dependencies=authorized)
    def check_invoice_field(body: InvoiceFieldIn) -> dict:
        """One invoice field against the rules, so a form can re-ask at once."""
        invoices.check_invoice_field(body.field, body.value)
        return {"field": body.field, "valid": True}

    @router.get("/api/invoices/{invoice_no}/download", response_class=PlainTextResponse)
    def download_invoice(
        invoice_no: str, sig: str = Query(...), session: Session = Depends(get_session)
    ) -> PlainTextResponse:
        invoice = invoices.issued_for_download(
            session, settings.api_token, invoice_no, sig
        )
        return PlainTextResponse(
            invoices.invoice_text(invoice),
            headers={"Content-Disposition": f'attachment; filename="{invoice_no}.txt"'},
        )

    @router.get("/api/products", dependencies=authorized)
    def products(
        q: str = Query("", max_length=50),
        limit: int = Query(5, ge=1, le=20),
        session: Session = Depends(get_session),
    ) -> dict:
        return {
            "products": [
                views.product_view(p) for p in search_products(session, q, limit)
            ]
        }

    return router
