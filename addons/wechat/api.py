"""The customer-service message API (message/custom/send) and its access token.

wechatpy has a client for it, but a synchronous one (requests, which would block Rasa's
event loop), with the token URL fixed to api.weixin.qq.com and a retry on an expired
token that repeats for as long as WeChat keeps refusing. This one is asynchronous, talks
to WECHAT_API_BASE_URL, caches the token until shortly before it expires, and on an
expired or invalid token (40001, 42001, 40014) fetches a new one and retries once.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any, Dict, Optional

import aiohttp

from addons.wechat.config import WeChatConfig

logger = logging.getLogger(__name__)

EXPIRED_TOKEN_CODES = frozenset({40001, 42001, 40014})
# A token is renewed this long before WeChat says it expires.
TOKEN_MARGIN_S = 300
TIMEOUT_S = 10


class WeChatApiError(Exception):
    def __init__(self, errcode: Any, errmsg: str = "") -> None:
        super().__init__(f"WeChat API error {errcode}: {errmsg}")
        self.errcode = errcode


class CustomerServiceApi:
    def __init__(self, config: WeChatConfig) -> None:
        self.config = config
        self._token: Optional[str] = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()

    async def _get_json(self, path: str, **kwargs: Any) -> Dict[str, Any]:
        url = f"{self.config.api_base_url}{path}"
        timeout = aiohttp.ClientTimeout(total=TIMEOUT_S)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.request(url=url, **kwargs) as response:
                if response.status >= 400:
                    raise WeChatApiError(response.status, "HTTP error")
                body = await response.json(content_type=None)
        if not isinstance(body, dict):
            raise WeChatApiError(None, "answer is not a JSON object")
        return body

    async def access_token(self, renew: bool = False) -> str:
        async with self._lock:
            if renew or not self._token or time.monotonic() >= self._expires_at:
                body = await self._get_json(
                    "/cgi-bin/token",
                    method="GET",
                    params={
                        "grant_type": "client_credential",
                        "appid": self.config.app_id,
                        "secret": self.config.app_secret,
                    },
                )
                token = body.get("access_token")
                if not token:
                    raise WeChatApiError(body.get("errcode"), body.get("errmsg", ""))
                lifetime = float(body.get("expires_in") or 7200)
                self._token = str(token)
                self._expires_at = time.monotonic() + max(
                    0.0, lifetime - TOKEN_MARGIN_S
                )
            return self._token

    async def _post(self, path: str, payload: Dict[str, Any]) -> Dict[str, Any]:
        for attempt in (1, 2):
            token = await self.access_token(renew=attempt == 2)
            body = await self._get_json(
                path,
                method="POST",
                params={"access_token": token},
                # Chinese as UTF-8, not \u escapes: WeChat's documented form.
                data=json.dumps(payload, ensure_ascii=False).encode(),
                headers={"Content-Type": "application/json; charset=utf-8"},
            )
            errcode = int(body.get("errcode") or 0)
            if errcode == 0:
                return body
            if errcode not in EXPIRED_TOKEN_CODES or attempt == 2:
                raise WeChatApiError(errcode, str(body.get("errmsg", "")))
            logger.info("WeChat access token refused (%s): fetching a new one", errcode)
        raise AssertionError("unreachable")  # pragma: no cover

    async def send_text(self, openid: str, text: str) -> None:
        await self._post(
            "/cgi-bin/message/custom/send",
            {"touser": openid, "msgtype": "text", "text": {"content": text}},
        )
