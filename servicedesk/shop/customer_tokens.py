"""Customer tokens are kept only as SHA-256 digests: a copy of the database names nobody.

Tokens are long random strings, so an unsalted, unkeyed digest cannot be guessed back
(unlike a phone number); a lookup hashes the token the caller presents.
"""

from __future__ import annotations

import hashlib
import string

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from servicedesk.shop.models import Customer

_HEX = frozenset(string.hexdigits.lower())


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def is_token_hash(value: str) -> bool:
    return len(value) == 64 and set(value) <= _HEX


def hash_plaintext_tokens(connection: Connection) -> int:
    """Hashes the tokens a database from before stored in clear; returns how many.

    No token this desk hands out is 64 hex digits (they are `demo-…`, `cust-…`), so a
    value that looks like a digest is one, and a second run changes nothing.
    """
    table = Customer.__table__
    rows = connection.execute(select(table.c.id, table.c.token)).all()
    plain = [(row_id, value) for row_id, value in rows if not is_token_hash(value)]
    for row_id, value in plain:
        connection.execute(
            update(table).where(table.c.id == row_id).values(token=token_hash(value))
        )
    return len(plain)
