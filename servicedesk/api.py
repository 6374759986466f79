"""HTTP API of the service desk (FastAPI). The action server calls it with a bearer token."""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
from pathlib import Path
from typing import Iterator, Optional, Tuple

from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import (
    FileResponse,
    JSONResponse,
    PlainTextResponse,
    StreamingResponse,
)
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from servicedesk import agents, demo_calendar, live, services, views
from servicedesk.clock import Clock, shifted_clock
from servicedesk.config import Settings
from servicedesk.db import make_engine, make_session_factory
from servicedesk.handoff_api import build_router
from servicedesk.kb import KbSearcher, seed_kb
from servicedesk.kb_api import build_kb_router
from servicedesk.models import AfterSale, Agent, Customer, Invoice, Order
from servicedesk.rasa_bridge import RasaBridge
from servicedesk.rules import RuleViolation
from servicedesk.ticket_api import build_ticket_router

WEB = Path(__file__).resolve().parent.parent / "web"

logger = logging.getLogger(__name__)


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


class TicketIn(BaseModel):
    subject: str = Field(..., max_length=100)
    description: str = Field("", max_length=4000)
    contact: str = Field("", max_length=50)
    order_no: Optional[str] = Field(None, max_length=32)


def error(code: str, message: str, status: int) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message}}, status_code=status
    )


def create_app(
    settings: Optional[Settings] = None,
    clock: Optional[Clock] = None,
    bridge: Optional[RasaBridge] = None,
) -> FastAPI:
    settings = settings or Settings.from_env()
    clock = clock or shifted_clock(settings.clock_offset_days)
    bridge = bridge or RasaBridge(settings.rasa_url, settings.rasa_token)
    if not settings.api_token:
        raise ValueError("SERVICEDESK_API_TOKEN must be set")
    engine = make_engine(settings.database_url)
    session_factory = make_session_factory(engine)
    app = FastAPI(title="Service desk API", version="1.0.0")
    app.state.session_factory = session_factory
    with session_factory() as session:
        # The knowledge base is content, not demo data: an empty one starts from the seed.
        seed_kb(session, clock())
        if settings.demo:
            agents.ensure_demo_agents(session)
            moved = demo_calendar.bring_forward(session, clock())
            if moved:
                logger.info("demo shop dates moved forward by %s", moved)
        session.commit()

    def get_session() -> Iterator[Session]:
        # Endpoints that change data commit before they return: the exit code of a
        # yield dependency runs only after the response has been sent.
        session = session_factory()
        try:
            yield session
        finally:
            session.close()

    def require_token(authorization: str = Header("")) -> None:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            token.encode(), settings.api_token.encode()
        ):
            raise RuleViolation("UNAUTHORIZED", "缺少或错误的访问令牌。", 401)

    def download_signature(invoice_no: str) -> str:
        key = settings.api_token.encode()
        return hmac.new(key, invoice_no.encode(), hashlib.sha256).hexdigest()[:32]

    def download_url(request: Request, invoice: Invoice) -> str:
        base = str(request.base_url).rstrip("/")
        sig = download_signature(invoice.invoice_no)
        return f"{base}/api/invoices/{invoice.invoice_no}/download?sig={sig}"

    @app.exception_handler(RuleViolation)
    async def on_rule_violation(_: Request, exc: RuleViolation) -> JSONResponse:
        return error(exc.code, exc.message, exc.status)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        body = {
            "code": "VALIDATION_ERROR",
            "message": "请求参数不正确。",
            "details": jsonable_encoder(exc.errors()),
        }
        return JSONResponse({"error": body}, status_code=422)

    @app.exception_handler(Exception)
    async def on_unexpected(_: Request, exc: Exception) -> JSONResponse:
        logger.exception("unexpected error", exc_info=exc)
        return error("INTERNAL_ERROR", "服务暂时不可用，请稍后再试。", 500)

    authorized = [Depends(require_token)]

    def caller(
        customer_token: Optional[str] = Header(None, alias="X-Customer-Token"),
        phone_last4: Optional[str] = Header(None, alias="X-Order-Phone-Last4"),
    ) -> Tuple[Optional[str], Optional[str]]:
        return customer_token, phone_last4

    def authorized_order(
        order_no: str,
        who: Tuple[Optional[str], Optional[str]] = Depends(caller),
        session: Session = Depends(get_session),
    ) -> Order:
        # FastAPI hands the endpoint the same session (dependencies are cached per request).
        return services.authorize_order(session, order_no, *who)

    def current_agent(
        token: Optional[str] = Header(None, alias="X-Agent-Token"),
        session: Session = Depends(get_session),
    ) -> Agent:
        return agents.agent_for_token(session, token, clock())

    app.include_router(
        build_router(get_session, require_token, current_agent, clock, settings, bridge)
    )
    app.include_router(build_ticket_router(get_session, current_agent, clock))
    searcher = KbSearcher()
    app.include_router(
        build_kb_router(
            get_session, require_token, current_agent, clock, settings, searcher
        )
    )

    @app.on_event("startup")
    def warm_up_knowledge_base() -> None:
        # jieba's dictionary and the index take a second: not on the first question.
        def build() -> None:
            with session_factory() as session:
                searcher.index(session, clock())

        threading.Thread(target=build, daemon=True).start()

    @app.get("/api/agent/events")
    def agent_events(
        request: Request,
        token: str = Query(..., max_length=100),
    ) -> StreamingResponse:
        # EventSource cannot send headers: the agent token comes as a query parameter.
        # Its own short session: one held for the whole stream would keep a read
        # transaction open for hours.
        with session_factory() as session:
            agents.agent_for_token(session, token, clock())
        return StreamingResponse(
            live.changes(request, session_factory),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    @app.get("/api/widget/config")
    def widget_config() -> dict:
        return {"socket_url": settings.widget_socket_url, "demo": settings.demo}

    @app.get("/", include_in_schema=False)
    def shop_page() -> FileResponse:
        return FileResponse(WEB / "shop" / "index.html")

    @app.get("/agent", include_in_schema=False)
    def workbench_page() -> FileResponse:
        return FileResponse(WEB / "agent" / "index.html")

    app.mount("/widget", StaticFiles(directory=WEB / "widget"), name="widget")
    app.mount("/static", StaticFiles(directory=WEB), name="static")

    @app.get("/api/health")
    def health() -> dict:
        return {"status": "ok"}

    @app.get("/api/demo/customers")
    def demo_customers(session: Session = Depends(get_session)) -> dict:
        if not settings.demo:
            raise RuleViolation("NOT_FOUND", "演示模式未开启。", 404)
        customers = session.execute(
            select(Customer).where(Customer.demo.is_(True)).order_by(Customer.id)
        ).scalars()
        return {
            "customers": [
                {
                    **views.customer_view(c),
                    "token": c.token,
                    "orders": [
                        {"order_no": o.order_no, "status": o.status}
                        for o in services.recent_orders(c, 20)
                    ],
                }
                for c in customers
            ]
        }

    @app.get("/api/customers/me", dependencies=authorized)
    def me(
        customer_token: str = Header(..., alias="X-Customer-Token"),
        session: Session = Depends(get_session),
    ) -> dict:
        customer = services.customer_by_token(session, customer_token)
        if customer is None:
            raise RuleViolation("INVALID_CUSTOMER", "身份信息已失效，请重新登录。", 401)
        return views.customer_view(customer)

    @app.get("/api/customers/me/orders", dependencies=authorized)
    def my_orders(
        customer_token: str = Header(..., alias="X-Customer-Token"),
        limit: int = Query(5, ge=1, le=50),
        session: Session = Depends(get_session),
    ) -> dict:
        customer = services.customer_by_token(session, customer_token)
        if customer is None:
            raise RuleViolation("INVALID_CUSTOMER", "身份信息已失效，请重新登录。", 401)
        orders = services.recent_orders(customer, limit)
        return {"orders": [views.order_summary(o) for o in orders]}

    @app.post("/api/orders/{order_no}/verify", dependencies=authorized)
    def verify(
        order_no: str, body: VerifyIn, session: Session = Depends(get_session)
    ) -> dict:
        services.authorize_order(session, order_no, None, body.phone_last4)
        return {"order_no": order_no, "verified": True}

    @app.get("/api/orders/{order_no}", dependencies=authorized)
    def order_detail(
        order: Order = Depends(authorized_order),
    ) -> dict:
        return views.order_detail(order)

    @app.get("/api/orders/{order_no}/logistics", dependencies=authorized)
    def logistics(
        order: Order = Depends(authorized_order),
    ) -> dict:
        return views.logistics_view(order, clock())

    @app.get("/api/orders/{order_no}/payment", dependencies=authorized)
    def payment(
        order: Order = Depends(authorized_order),
    ) -> dict:
        return views.payment_view(order)

    @app.post("/api/orders/{order_no}/cancel", dependencies=authorized)
    def cancel(
        dry_run: bool = Query(False),
        order: Order = Depends(authorized_order),
        session: Session = Depends(get_session),
    ) -> dict:
        services.cancel_order(order, clock())
        if dry_run:
            # Asking before doing: the rules answer, nothing is changed.
            session.rollback()
            return {**views.order_detail(order), "cancellable": True}
        session.commit()
        return views.order_detail(order)

    @app.patch("/api/orders/{order_no}/shipping", dependencies=authorized)
    def change_shipping(
        body: ShippingChange,
        dry_run: bool = Query(False),
        order: Order = Depends(authorized_order),
        session: Session = Depends(get_session),
    ) -> dict:
        if dry_run and not any(body.dict().values()):
            # Asked before the user says what to change: may anything change at all?
            services.check_shipping_change(order)
            return {**views.order_detail(order), "modifiable": True}
        services.update_shipping(
            order, body.consignee, body.phone, body.region, body.address_detail
        )
        if dry_run:
            session.rollback()
            return {**views.order_detail(order), "modifiable": True}
        session.commit()
        return views.order_detail(order)

    @app.get("/api/orders/{order_no}/after-sales", dependencies=authorized)
    def list_after_sales(
        order: Order = Depends(authorized_order),
    ) -> dict:
        return {"after_sales": [views.after_sale_view(r) for r in order.after_sales]}

    @app.post(
        "/api/orders/{order_no}/after-sales", dependencies=authorized, status_code=201
    )
    def create_after_sale(
        body: AfterSaleIn,
        dry_run: bool = Query(False),
        order: Order = Depends(authorized_order),
        session: Session = Depends(get_session),
    ) -> dict:
        if dry_run:
            # The rules answer before the user has said everything; nothing is stored.
            _, kind = services.check_after_sale(
                order, body.kind, body.reason, body.item_id, clock()
            )
            return {"order_no": order.order_no, "allowed": True, "kind": kind}
        request = services.create_after_sale(
            session, order, body.kind, body.reason, body.item_id, body.new_spec, clock()
        )
        session.commit()
        return views.after_sale_view(request)

    @app.get("/api/after-sales/{request_no}", dependencies=authorized)
    def after_sale(
        request_no: str,
        who: Tuple[Optional[str], Optional[str]] = Depends(caller),
        session: Session = Depends(get_session),
    ) -> dict:
        request = session.execute(
            select(AfterSale).where(AfterSale.request_no == request_no)
        ).scalar_one_or_none()
        if request is None:
            raise RuleViolation("REQUEST_NOT_FOUND", "没有找到该售后申请。", 404)
        services.authorize_order(session, request.order.order_no, *who)
        return views.after_sale_view(request)

    @app.get("/api/orders/{order_no}/invoices", dependencies=authorized)
    def list_invoices(
        request: Request,
        order: Order = Depends(authorized_order),
    ) -> dict:
        return {
            "invoices": [
                views.invoice_view(i, download_url(request, i)) for i in order.invoices
            ]
        }

    @app.post("/api/orders/{order_no}/invoices", dependencies=authorized)
    def create_invoice(
        body: InvoiceIn,
        request: Request,
        dry_run: bool = Query(False),
        order: Order = Depends(authorized_order),
        session: Session = Depends(get_session),
    ) -> JSONResponse:
        if dry_run:
            # Before the form asks anything: an issued invoice is handed out again,
            # an order that cannot have one is refused; fields given are checked.
            issued = services.check_invoice_request(order)
            if issued is not None:
                view = views.invoice_view(issued, download_url(request, issued))
                return JSONResponse({**view, "existing": True})
            for field in ("title", "tax_id", "email"):
                if getattr(body, field) is not None:
                    services.check_invoice_field(field, getattr(body, field))
            return JSONResponse({"order_no": order.order_no, "allowed": True})
        if not (body.kind and body.title and body.email):
            raise RuleViolation("VALIDATION_ERROR", "请求参数不正确。", 422)
        invoice, existing = services.request_invoice(
            session, order, body.kind, body.title, body.tax_id, body.email, clock()
        )
        session.commit()
        payload = {**views.invoice_view(invoice, download_url(request, invoice))}
        payload["existing"] = existing
        return JSONResponse(payload, status_code=200 if existing else 201)

    @app.post("/api/invoices/check-field", dependencies=authorized)
    def check_invoice_field(body: InvoiceFieldIn) -> dict:
        """One invoice field against the rules, so a form can re-ask at once."""
        services.check_invoice_field(body.field, body.value)
        return {"field": body.field, "valid": True}

    @app.get("/api/invoices/{invoice_no}/download", response_class=PlainTextResponse)
    def download_invoice(
        invoice_no: str, sig: str = Query(...), session: Session = Depends(get_session)
    ) -> PlainTextResponse:
        if not hmac.compare_digest(sig, download_signature(invoice_no)):
            raise RuleViolation("INVALID_SIGNATURE", "下载链接无效或已过期。", 403)
        invoice = session.execute(
            select(Invoice).where(Invoice.invoice_no == invoice_no)
        ).scalar_one_or_none()
        if invoice is None or invoice.state != "issued":
            raise RuleViolation("INVOICE_NOT_ISSUED", "发票尚未开具。", 404)
        kind = "增值税专用发票" if invoice.kind == "vat_special" else "电子普通发票"
        body = (
            f"{kind}\n发票号码：{invoice.invoice_no}\n订单号：{invoice.order.order_no}\n"
            f"抬头：{invoice.title}\n税号：{invoice.tax_id or '-'}\n"
            f"金额：{views.yuan(invoice.order.total_cents)} 元\n"
            f"开票日期：{invoice.issued_at:%Y-%m-%d}\n"
        )
        return PlainTextResponse(
            body,
            headers={"Content-Disposition": f'attachment; filename="{invoice_no}.txt"'},
        )

    @app.get("/api/products", dependencies=authorized)
    def products(
        q: str = Query("", max_length=50),
        limit: int = Query(5, ge=1, le=20),
        session: Session = Depends(get_session),
    ) -> dict:
        return {
            "products": [
                views.product_view(p)
                for p in services.search_products(session, q, limit)
            ]
        }

    @app.post("/api/tickets", dependencies=authorized, status_code=201)
    def create_ticket(
        body: TicketIn,
        customer_token: Optional[str] = Header(None, alias="X-Customer-Token"),
        session: Session = Depends(get_session),
    ) -> dict:
        customer = services.customer_by_token(session, customer_token)
        ticket = services.create_ticket(
            session,
            customer,
            body.order_no,
            body.subject,
            body.description,
            body.contact,
            clock(),
        )
        session.commit()
        return {"ticket_no": ticket.ticket_no, "state": ticket.state}

    return app
