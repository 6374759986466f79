"""Demo customers' tokens and demo agents' passwords: random per install.

The demo identities are named in the repository (demo-vip-zhangwei, agent1...), but
their secrets are drawn at random when a demo database is first seeded or started, so
no published value opens anyone's demo shop. The desk keeps customers' tokens only as
hashes and agents' passwords only as salted hashes; to hand them out on the demo pages
(`GET /api/demo/customers`, `GET /api/demo/agents`, demo mode only) it also keeps these
demo secrets in clear in `demo_secrets`, which never holds anything of a real customer.
A database from before, still on the published values, is moved to random ones at the
next start in demo mode.

Tests only: SERVICEDESK_DEMO_PUBLISHED_SECRETS=1 keeps the published values (tests and
the README's examples name them), and nothing is stored.
"""

from __future__ import annotations

import os
import secrets
from typing import Dict, List, Tuple

from sqlalchemy import Column, Integer, String, UniqueConstraint, delete, select
from sqlalchemy.orm import Session

from servicedesk.model_base import Base
from servicedesk.shop.customer_tokens import token_hash

CUSTOMER, AGENT = "customer", "agent"


class DemoSecret(Base):
    __tablename__ = "demo_secrets"
    __table_args__ = (UniqueConstraint("kind", "label"),)
    id = Column(Integer, primary_key=True)
    kind = Column(String(20), nullable=False)  # customer / agent
    # The published name: the customer's catalogue token, or the agent's username.
    label = Column(String(50), nullable=False)
    secret = Column(String(100), nullable=False)


def published() -> bool:
    return os.environ.get("SERVICEDESK_DEMO_PUBLISHED_SECRETS", "").strip() == "1"


def fresh_secret(label: str) -> str:
    # The label keeps it readable in the demo pages; the random part makes it secret.
    return f"{label}-{secrets.token_urlsafe(12)}"


def remember(session: Session, kind: str, label: str, secret: str) -> None:
    row = session.execute(
        select(DemoSecret).where(DemoSecret.kind == kind, DemoSecret.label == label)
    ).scalar_one_or_none()
    if row is None:
        session.add(DemoSecret(kind=kind, label=label, secret=secret))
    else:
        row.secret = secret


def stored(session: Session, kind: str) -> Dict[str, str]:
    """label -> secret."""
    rows = session.execute(select(DemoSecret).where(DemoSecret.kind == kind)).scalars()
    return {row.label: row.secret for row in rows}


def customer_tokens_by_hash(
    session: Session, catalogue: List[Tuple[str, ...]]
) -> Dict[str, str]:
    """token hash -> token of every demo customer token this install hands out."""
    tokens = list(stored(session, CUSTOMER).values())
    if published():
        tokens += [entry[0] for entry in catalogue]
    return {token_hash(token): token for token in tokens}


def forget_customer_token(session: Session, hashed: str) -> None:
    """An erased demo customer's token is kept nowhere."""
    for row in session.execute(
        select(DemoSecret).where(DemoSecret.kind == CUSTOMER)
    ).scalars():
        if token_hash(row.secret) == hashed:
            session.execute(delete(DemoSecret).where(DemoSecret.id == row.id))
