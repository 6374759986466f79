"""The shop's business rules. Every refusal is a RuleViolation (servicedesk/errors.py)
with a code and a Chinese explanation.

The bot maps the code to its own wording (domain.yml); the explanation is for API users,
agents and logs.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Iterable, Optional

from servicedesk.errors import RuleViolation

NO_REASON_DAYS = 7
QUALITY_DAYS = 15
# Reasons that are the shop's fault get the longer window.
QUALITY_REASONS = {"质量问题", "发错货", "少件漏发", "与描述不符"}
NO_REASON_REASONS = {"不想要了", "尺码不合适", "拍错了", "其他"}
ALL_REASONS = QUALITY_REASONS | NO_REASON_REASONS
# Requests that block another refund of the item (a finished refund too) ...
OPEN_AFTER_SALE_STATES = {"submitted", "approved", "returning", "refunded", "exchanged"}
# ... and those still being worked on, whose progress answers a new request.
IN_PROGRESS_AFTER_SALE_STATES = {"submitted", "approved", "returning"}
CHANGEABLE_STATUSES = {"pending_payment", "to_ship"}
# "退款" as customers say it: the money back, whatever that takes. Before shipment that is
# a refund; once the goods are out it means sending them back (退货退款).
REFUND_OR_RETURN = "refund_or_return"


def check_cancellable(status: str) -> None:
    if status == "cancelled":
        raise RuleViolation("ORDER_ALREADY_CANCELLED", "该订单已经取消，无需重复操作。")
    if status not in CHANGEABLE_STATUSES:
        raise RuleViolation(
            "ORDER_ALREADY_SHIPPED",
            "订单已发货，无法直接取消；可以拒收或签收后申请退货退款。",
        )


def check_modifiable(status: str) -> None:
    if status == "cancelled":
        raise RuleViolation("ORDER_ALREADY_CANCELLED", "该订单已经取消，无法修改。")
    if status not in CHANGEABLE_STATUSES:
        raise RuleViolation(
            "ORDER_ALREADY_SHIPPED",
            "订单已发货，收货信息无法修改；可以联系快递改派或拒收后重新下单。",
        )


def after_sale_kind(requested: str, status: str) -> str:
    """The kind of after-sales request a customer's wish comes to for this order."""
    if requested == REFUND_OR_RETURN:
        return "refund" if status in CHANGEABLE_STATUSES else "return"
    return requested


def check_invoiceable(status: str) -> None:
    if status in {"pending_payment", "cancelled"}:
        raise RuleViolation(
            "ORDER_NOT_INVOICEABLE", "未付款或已取消的订单不能开具发票。"
        )


def check_after_sale(
    kind: str,
    reason: str,
    status: str,
    signed_at: Optional[datetime],
    now: datetime,
    open_kinds_for_item: Iterable[str],
) -> None:
    """Whether an item of an order may get a refund, return or exchange now."""
    if reason not in ALL_REASONS:
        raise RuleViolation("INVALID_REASON", "请选择有效的售后原因。", status=422)
    open_kinds = set(open_kinds_for_item)
    if open_kinds & {"refund", "return"}:
        raise RuleViolation(
            "DUPLICATE_REFUND", "该商品已有退款或退货申请在处理中，不能重复申请。"
        )
    if kind == "exchange" and "exchange" in open_kinds:
        raise RuleViolation("DUPLICATE_EXCHANGE", "该商品已有换货申请在处理中。")
    if status == "pending_payment":
        raise RuleViolation(
            "ORDER_NOT_PAID", "订单尚未付款，无需退款，可以直接取消订单。"
        )
    if status == "cancelled":
        raise RuleViolation("ORDER_ALREADY_CANCELLED", "订单已取消，款项已原路退回。")
    if status == "to_ship":
        if kind != "refund":
            raise RuleViolation(
                "ORDER_NOT_SHIPPED", "订单还未发货，无需退换货，可以直接申请退款。"
            )
        return
    if status == "shipped":
        raise RuleViolation(
            "ORDER_IN_TRANSIT", "包裹正在运输中，请签收后再申请售后，或直接拒收。"
        )
    # signed
    days = QUALITY_DAYS if reason in QUALITY_REASONS else NO_REASON_DAYS
    if signed_at is None or now - signed_at > timedelta(days=days):
        code = (
            "QUALITY_WINDOW_EXPIRED"
            if days == QUALITY_DAYS
            else "RETURN_WINDOW_EXPIRED"
        )
        raise RuleViolation(
            code, f"已超过签收后 {days} 天的售后期限，如有疑问请联系人工客服。"
        )


# Unified social credit code (GB 32100-2015): 18 characters from this alphabet, the last
# one a check character.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_PATTERN = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def uscc_is_valid(code: str) -> bool:
    code = (code or "").strip().upper()
    if not _USCC_PATTERN.match(code):
        return False
    total = sum(
        _USCC_ALPHABET.index(char) * weight
        for char, weight in zip(code[:17], _USCC_WEIGHTS, strict=True)
    )
    check = (31 - total % 31) % 31
    return _USCC_ALPHABET[check] == code[17]


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


def check_invoice_title(title: str) -> None:
    if not title or not title.strip():
        raise RuleViolation("INVALID_TITLE", "请填写发票抬头。", status=422)


def check_invoice_email(email: str) -> None:
    if not _EMAIL.match((email or "").strip()):
        raise RuleViolation(
            "INVALID_EMAIL", "邮箱格式不正确，请检查后重新填写。", status=422
        )


def check_tax_id(tax_id: str) -> None:
    if not uscc_is_valid(tax_id or ""):
        raise RuleViolation(
            "INVALID_TAX_ID",
            "增值税专用发票需要有效的 18 位统一社会信用代码，请核对后重新填写。",
            status=422,
        )


def check_invoice(
    kind: str, title: str, tax_id: Optional[str], email: str, status: str
):
    check_invoiceable(status)
    check_invoice_title(title)
    check_invoice_email(email)
    if kind == "vat_special" or tax_id:
        check_tax_id(tax_id or "")
