"""A left message's contact number, encrypted at rest.

The desk otherwise never stores a full phone number (masks and keyed hashes only), but
the agent working a ticket must be able to call the number an anonymous user left. It
is kept encrypted (Fernet: AES-128-CBC with HMAC-SHA256) under a key derived from
SERVICEDESK_PHONE_KEY, so the database alone does not give it away; it is decrypted
only for the assignee's audited view, the mask and the last-four-digits check.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Optional

from cryptography.fernet import Fernet, InvalidToken

from servicedesk.shop.phone_key import phone_key


def _fernet() -> Fernet:
    derived = hashlib.sha256(b"ticket-contact-phone:" + phone_key()).digest()
    return Fernet(base64.urlsafe_b64encode(derived))


def seal(phone: Optional[str]) -> Optional[str]:
    if not phone:
        return None
    return _fernet().encrypt(phone.encode()).decode()


def unseal(sealed: Optional[str]) -> Optional[str]:
    """The number, or None if there is none or it was sealed under another key."""
    if not sealed:
        return None
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except (InvalidToken, ValueError):
        return None
