"""Who a WeChat user is to the shop: the customer token of a bound openid.

A user who bound their WeChat to their customer account (the 绑定账号 menu item: the
phone, then the code texted to it; actions/wechat_binding.py) is known by the openid of
each signed message. The desk hands the channel a customer token for that binding
(POST /api/wechat/identity, the bot's API token plus the openid's proof), which goes
into the message's metadata as `customer_token`, exactly where the web widget puts a
logged-in customer's: the actions and the desk need nothing else. Tokens are cached a
few minutes; an unbound openid is asked again each message, so a fresh binding counts
at once. A desk that is down makes the user anonymous for that message, never an error.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from typing import Dict, Optional, Text, Tuple

import aiohttp

logger = logging.getLogger(__name__)

CACHE_S = 300
TIMEOUT_S = 3


class DeskIdentity:
    def __init__(self) -> None:
        self.url = os.environ.get("SERVICEDESK_URL", "http://127.0.0.1:8000").rstrip(
            "/"
        )
        self.api_token = os.environ.get("SERVICEDESK_API_TOKEN", "")
        self._cache: Dict[Text, Tuple[float, Text]] = {}

    async def customer_token(self, openid: Text, proof: Text) -> Optional[Text]:
        cached = self._cache.get(openid)
        if cached and time.monotonic() - cached[0] < CACHE_S:
            return cached[1]
        if not self.api_token:
            return None
        try:
            timeout = aiohttp.ClientTimeout(total=TIMEOUT_S)
            async with aiohttp.ClientSession(timeout=timeout) as session:
                async with session.post(
                    f"{self.url}/api/wechat/identity",
                    json={"openid": openid, "proof": proof},
                    headers={"Authorization": f"Bearer {self.api_token}"},
                ) as response:
                    if response.status != 200:
                        logger.warning(
                            "desk refused a WeChat identity: %s", response.status
                        )
                        return None
                    body = await response.json()
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            logger.warning(
                "desk unreachable for a WeChat identity: %s", type(exc).__name__
            )
            return None
        token = body.get("customer_token") if isinstance(body, dict) else None
        if not token:
            self._cache.pop(openid, None)
            return None
        self._cache[openid] = (time.monotonic(), str(token))
        return str(token)
