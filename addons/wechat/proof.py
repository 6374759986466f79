"""Proof that an openid came from a signed WeChat message, for the service desk.

The channel puts the openid and this HMAC (under WIDGET_SESSION_SECRET, which the Rasa
server and the desk share) into each message's metadata. Any REST client could write
`wechat_openid` into its metadata; only the channel can write the matching proof, and
the desk's WeChat endpoints check it (servicedesk/wechat/proof.py is the same function;
a test holds the copies equal).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Text

# Keeps these MACs apart from the widget session tokens under the same secret.
PURPOSE = b"wechat-openid:"


def proof_for(openid: Text, secret: Text) -> Text:
    return hmac.new(
        secret.encode(), PURPOSE + openid.encode(), hashlib.sha256
    ).hexdigest()
