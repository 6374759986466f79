"""The product catalogue as customers search it."""

from __future__ import annotations

from typing import List

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicedesk.shop.models import Product


def search_products(session: Session, query: str, limit: int) -> List[Product]:
    pattern = f"%{(query or '').strip()}%"
    return list(
        session.execute(
            select(Product)
            .where(Product.name.like(pattern))
            .order_by(Product.id)
            .limit(limit)
        ).scalars()
    )
