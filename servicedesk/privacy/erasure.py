"""Erasure on request (PIPL art. 47, GDPR art. 17): one customer's personal data goes.

What stays is what the shop's accounts and statistics need, with nobody behind it: the
customer row (level, registration date) under a placeholder name, orders with amounts,
dates and status but no consignee, phone or street address, handoffs with their
trigger, dates, resolution and rating but no words, tickets with state and dates.
Every conversation linked to the customer is deleted from Rasa's tracker store and
from the analytics store (raw events and derived rows).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Iterable, List, Optional, Set

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from servicedesk import demo_secrets
from servicedesk.analytics.erasure import erase_analytics
from servicedesk.analytics.service import Analytics
from servicedesk.db import found
from servicedesk.knowledge.models import KbMiss
from servicedesk.privacy.links import linked_conversations
from servicedesk.privacy.models import CustomerConversation
from servicedesk.privacy.sqlite_scrub import scrub
from servicedesk.privacy.tracker import TrackerStore
from servicedesk.service.audit import audit
from servicedesk.service.contact_phone import unseal
from servicedesk.service.models import Handoff, Ticket
from servicedesk.shop.customer_tokens import token_hash
from servicedesk.shop.customers import phone_hash
from servicedesk.shop.models import Address, Customer
from servicedesk.throttle import FailureCount
from servicedesk.wechat.models import WeChatBindCode, WeChatBinding

ERASED = "[已删除]"
ERASED_NAME = "已注销用户"
OPEN_STATES = ("queued", "serving")
# Candidate phone numbers in free text: 11 digits, maybe split by spaces or dashes.
PHONE_LIKE = re.compile(r"1[\d\s-]{10,14}")


@dataclass
class ErasureCounts:
    conversations: int = 0
    tracker_events: int = 0
    handoffs: int = 0
    handoff_messages: int = 0
    tickets: int = 0
    ticket_comments: int = 0
    orders: int = 0
    addresses: int = 0
    invoices: int = 0
    kb_misses: int = 0
    analytics_events: int = 0


def _phones_in(text: str) -> List[str]:
    digits = ("".join(ch for ch in m if ch.isdigit()) for m in PHONE_LIKE.findall(text))
    return [d for d in digits if len(d) == 11]


def _mentions(text: str, hashes: Set[str], words: Iterable[str]) -> bool:
    text = text or ""
    if any(word and word in text for word in words):
        return True
    return any(phone_hash(number) in hashes for number in _phones_in(text))


def erase_handoff_content(handoff: Handoff) -> int:
    """Blanks what was said in a handoff; keeps its trigger, dates, outcome and rating."""
    for message in handoff.messages:
        message.text = ERASED
    handoff.summary = {"erased": True}
    handoff.rating_comment = None
    handoff.conversation_id = f"erased:{handoff.handoff_no}"
    return len(handoff.messages)


def erase_ticket(ticket: Ticket) -> int:
    ticket.subject = ERASED
    ticket.description = ERASED
    ticket.contact = ""
    # A left message's own words, number and answer (servicedesk/service/tickets.py).
    ticket.message = ERASED if ticket.message else None
    ticket.contact_phone = None
    ticket.callback_time = None
    ticket.resolution = ERASED if ticket.resolution else None
    for comment in ticket.comments:
        comment.text = ERASED
    return len(ticket.comments)


def erase_customer(
    session: Session,
    tracker: TrackerStore,
    customer_id: int,
    actor: str,
    now: datetime,
    analytics: Optional[Analytics] = None,
) -> ErasureCounts:
    """Erases in the session (the caller commits) and deletes from the tracker store.

    The tracker is deleted before the desk commits: if it fails, the desk keeps the
    links and the erasure can simply be run again.
    """
    customer = found(
        session.get(Customer, customer_id), "CUSTOMER_NOT_FOUND", "没有找到该客户。"
    )
    counts = ErasureCounts()
    conversations = linked_conversations(session, customer.id)
    counts.conversations = len(conversations)
    hashes = {customer.phone_hash}
    hashes |= {a.phone_hash for a in customer.addresses}
    hashes |= {o.phone_hash for o in customer.orders}
    hashes.discard("")
    # The token itself is not known here (only its hash is stored): nothing to look for.
    words = {customer.name, customer.phone_masked}
    words |= {a.consignee for a in customer.addresses}
    words.discard("")

    handoffs = session.execute(
        select(Handoff).where(
            or_(
                Handoff.customer_id == customer.id,
                Handoff.conversation_id.in_(conversations),
            )
        )
    ).scalars()
    for handoff in handoffs:
        if handoff.state in OPEN_STATES:
            handoff.state, handoff.closed_at = "cancelled", now
        counts.handoff_messages += erase_handoff_content(handoff)
        counts.handoffs += 1

    # A customer's tickets, and those left anonymously with one of their phones.
    for ticket in session.execute(select(Ticket)).scalars():
        if ticket.customer_id == customer.id or any(
            _mentions(text, hashes, ())
            for text in (ticket.contact, unseal(ticket.contact_phone))
        ):
            counts.ticket_comments += erase_ticket(ticket)
            counts.tickets += 1

    for miss in session.execute(select(KbMiss)).scalars():
        if _mentions(miss.text, hashes, words):
            session.delete(miss)
            counts.kb_misses += 1

    for order in customer.orders:
        order.consignee = ERASED_NAME
        order.phone_masked = order.phone_hash = order.phone_last4 = ""
        order.address_detail = ""
        counts.orders += 1
        for invoice in order.invoices:
            invoice.title, invoice.tax_id, invoice.email = ERASED, None, ""
            counts.invoices += 1

    counts.addresses = len(customer.addresses)
    session.execute(delete(Address).where(Address.customer_id == customer.id))
    session.execute(
        delete(CustomerConversation).where(
            CustomerConversation.customer_id == customer.id
        )
    )
    if conversations:
        keys = [
            f"{kind}-user:{c}" for c in conversations for kind in ("verify", "code")
        ]
        session.execute(delete(FailureCount).where(FailureCount.key.in_(keys)))
    # A bound WeChat would keep opening the account (and names the follower).
    session.execute(
        delete(WeChatBinding).where(WeChatBinding.customer_id == customer.id)
    )
    session.execute(
        delete(WeChatBindCode).where(WeChatBindCode.customer_id == customer.id)
    )
    customer.name = ERASED_NAME
    customer.phone_masked = customer.phone_hash = ""
    # Unique and non-null: the hash of a random token nobody holds, so the old token
    # names nobody.
    demo_secrets.forget_customer_token(session, customer.token_hash)
    customer.token_hash = token_hash(f"erased-{secrets.token_hex(16)}")
    session.flush()

    counts.tracker_events = tracker.delete_conversations(conversations)
    if analytics is not None:
        counts.analytics_events = erase_analytics(
            session, analytics, conversations, customer.id
        )
    audit(session, actor, "customer_erase", str(customer.id), now, **asdict(counts))
    return counts


def erase_and_scrub(
    session: Session,
    tracker: TrackerStore,
    customer_id: int,
    actor: str,
    now: datetime,
    analytics: Optional[Analytics] = None,
) -> ErasureCounts:
    counts = erase_customer(session, tracker, customer_id, actor, now, analytics)
    session.commit()
    scrub_files(session, tracker, analytics)
    return counts


def scrub_files(
    session: Session, tracker: TrackerStore, analytics: Optional[Analytics] = None
) -> None:
    scrub(session.get_bind())
    tracker.scrub()
    if analytics is not None:
        analytics.scrub()
