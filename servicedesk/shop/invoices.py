"""Invoices: requests checked by the rules, issued ones handed out by a signed link."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicedesk.errors import RuleViolation
from servicedesk.shop import rules
from servicedesk.shop.models import Invoice, Order
from servicedesk.shop.views import yuan


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


# -- download ---------------------------------------------------------------------------


def download_signature(key: str, invoice_no: str) -> str:
    return hmac.new(key.encode(), invoice_no.encode(), hashlib.sha256).hexdigest()[:32]


def download_url(base_url: str, key: str, invoice: Invoice) -> str:
    sig = download_signature(key, invoice.invoice_no)
    return (
        f"{base_url.rstrip('/')}/api/invoices/{invoice.invoice_no}/download?sig={sig}"
    )


def issued_for_download(
    session: Session, key: str, invoice_no: str, sig: str
) -> Invoice:
    """The issued invoice a download link names, if the link was signed by the desk."""
    if not hmac.compare_digest(sig, download_signature(key, invoice_no)):
        raise RuleViolation("INVALID_SIGNATURE", "下载链接无效或已过期。", 403)
    invoice = session.execute(
        select(Invoice).where(Invoice.invoice_no == invoice_no)
    ).scalar_one_or_none()
    if invoice is None or invoice.state != "issued":
        raise RuleViolation("INVOICE_NOT_ISSUED", "发票尚未开具。", 404)
    return invoice


def invoice_text(invoice: Invoice) -> str:
    kind = "增值税专用发票" if invoice.kind == "vat_special" else "电子普通发票"
    return (
        f"{kind}\n发票号码：{invoice.invoice_no}\n订单号：{invoice.order.order_no}\n"
        f"抬头：{invoice.title}\n税号：{invoice.tax_id or '-'}\n"
        f"金额：{yuan(invoice.order.total_cents)} 元\n"
        f"开票日期：{invoice.issued_at:%Y-%m-%d}\n"
    )
