"""Widget session tokens, the desk side: does this browser own that conversation id?

The Rasa server issues each socket.io session id with an HMAC of it under
WIDGET_SESSION_SECRET (addons/widget_session.py, the same function: the desk and the
bot share only the secret, and a test holds the copies equal). The widget sends it in
X-Widget-Session-Token, so knowing someone's conversation id is not enough.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

# Keeps these MACs apart from any other use of the same secret.
PURPOSE = b"widget-session:"


def token_for(session_id: str, secret: str) -> str:
    return hmac.new(
        secret.encode(), PURPOSE + session_id.encode(), hashlib.sha256
    ).hexdigest()


def is_valid(session_id: Any, token: Any, secret: str) -> bool:
    # No secret configured: nothing can be proved, so nothing is served.
    if not secret or not isinstance(session_id, str) or not isinstance(token, str):
        return False
    # As bytes: compare_digest refuses non-ASCII str, which a forger may send.
    return hmac.compare_digest(token_for(session_id, secret).encode(), token.encode())
