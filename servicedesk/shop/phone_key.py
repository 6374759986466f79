"""The secret key of phone hashes (SERVICEDESK_PHONE_KEY).

Phone numbers are stored masked to 3+4 beside a hash that finds a customer by the whole
number. Unkeyed, that hash gives the number back in 10^4 guesses of the hidden digits;
keyed, the guesses need the key, which lives outside the database (var/ or the env).
"""

from __future__ import annotations

import logging
import os
import secrets
from functools import cache

logger = logging.getLogger(__name__)


@cache
def _process_key() -> bytes:
    # Never a fixed fallback: a published default key would be no key. Hashes made with
    # this one are found only by this process (tests seed and read in one process).
    logger.warning(
        "SERVICEDESK_PHONE_KEY is not set: phones are hashed with a random key of this "
        "process only; another process will not find them by phone (make run sets it)"
    )
    return secrets.token_bytes(32)


def phone_key() -> bytes:
    configured = os.environ.get("SERVICEDESK_PHONE_KEY", "")
    return configured.encode() if configured else _process_key()
