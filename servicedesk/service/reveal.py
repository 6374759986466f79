"""Audited reveal of masked fields next to a conversation.

Agents see names, phones and addresses masked (张*, 138****8000, 北京市朝阳区******).
Some work needs more, e.g. the full address to check a redirected parcel. The agent
serving the conversation, or a supervisor, may reveal the shipping fields of an order
in that conversation's context; each reveal is written to the audit log (who, which
conversation, order and fields). The desk never stores a full phone number (only the
mask and a keyed hash), so a phone cannot be revealed; the shop's own systems call it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Dict, List

from sqlalchemy.orm import Session

from servicedesk.errors import RuleViolation
from servicedesk.service.agent_context import context_order_numbers
from servicedesk.service.audit import audit
from servicedesk.service.models import Agent, Handoff
from servicedesk.shop.models import Order
from servicedesk.shop.orders import order_by_number

FIELDS = {
    "consignee": lambda order: order.consignee,
    "address": lambda order: f"{order.region}{order.address_detail}",
}
NOT_YOURS = ("NOT_YOUR_CONVERSATION", "只有接待该会话的客服或主管可以查看完整信息。")
NOT_IN_CONTEXT = ("ORDER_NOT_IN_CONTEXT", "该订单不在此会话的客户资料中。")


def may_reveal(handoff: Handoff, agent: Agent) -> bool:
    if agent.role == "supervisor":
        return True
    serving = handoff.agent
    return handoff.state == "serving" and serving is not None and serving.id == agent.id


def reveal(
    session: Session,
    handoff: Handoff,
    agent: Agent,
    order_no: str,
    fields: List[str],
    now: datetime,
) -> Dict[str, str]:
    if not may_reveal(handoff, agent):
        raise RuleViolation(*NOT_YOURS, 403)
    order: Order | None = None
    if order_no in context_order_numbers(session, handoff):
        order = order_by_number(session, order_no)
    if order is None:
        raise RuleViolation(*NOT_IN_CONTEXT, 404)
    audit(
        session,
        agent.username,
        "reveal",
        handoff.handoff_no,
        now,
        order_no=order_no,
        fields=list(fields),
    )
    return {field: FIELDS[field](order) for field in fields}
