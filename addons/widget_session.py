"""Widget session tokens, the Rasa side: proof that a socket.io session id was issued here.

A socket.io session id is the conversation's sender id, so whoever knows it could join
its room and read or send as that customer. The server therefore issues the id together
with an HMAC of it under WIDGET_SESSION_SECRET, and asks for both before a browser may
rejoin. The service desk checks the same token on its widget endpoints with its own
copy of this function (servicedesk/widget_session.py; the two processes share only the
secret, and a test holds the copies equal).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from typing import Any, Text

SECRET_ENV = "WIDGET_SESSION_SECRET"
# Keeps these MACs apart from any other use of the same secret.
PURPOSE = b"widget-session:"


def token_for(session_id: Text, secret: Text) -> Text:
    return hmac.new(
        secret.encode(), PURPOSE + session_id.encode(), hashlib.sha256
    ).hexdigest()


def is_valid(session_id: Any, token: Any, secret: Text) -> bool:
    if not secret or not isinstance(session_id, str) or not isinstance(token, str):
        return False
    # As bytes: compare_digest refuses non-ASCII str, which a forger may send.
    return hmac.compare_digest(token_for(session_id, secret).encode(), token.encode())


def secret_from_env() -> Text:
    """The shared secret; without one every token could be forged, so none is issued."""
    secret = os.environ.get(SECRET_ENV, "")
    if not secret:
        raise RuntimeError(f"{SECRET_ENV} is not set (scripts/env.sh sets one)")
    return secret
