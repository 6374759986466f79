"""The WeChat channel's settings, from the environment (listed in .env.example).

Without WECHAT_TOKEN the channel is off: its webhook answers 503 and Rasa starts as
usual. The customer-service API (replies after the 5-second window, agents' messages)
also needs WECHAT_APP_ID and WECHAT_APP_SECRET; safe mode needs WECHAT_AES_KEY (the
43-character EncodingAESKey of the admin console).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Dict, Optional

DEFAULT_API_BASE_URL = "https://api.weixin.qq.com"
# WeChat drops a passive reply after 5 s and retries; the rest of the turn goes through
# the customer-service API.
DEFAULT_REPLY_BUDGET_S = 4.0
# A WeChat message is a few hundred bytes; an encrypted one a little more.
DEFAULT_MAX_BODY_BYTES = 64 * 1024


@dataclass(frozen=True)
class WeChatConfig:
    token: str = ""
    app_id: str = ""
    app_secret: str = ""
    aes_key: str = ""
    api_base_url: str = DEFAULT_API_BASE_URL
    reply_budget_s: float = DEFAULT_REPLY_BUDGET_S
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES

    @property
    def enabled(self) -> bool:
        return bool(self.token)

    @property
    def can_send(self) -> bool:
        """Whether messages outside a passive reply can be sent at all."""
        return bool(self.app_id and self.app_secret)

    @property
    def safe_mode(self) -> bool:
        return bool(self.aes_key)


def _number(raw: Optional[str], default: float) -> float:
    try:
        value = float(raw) if raw not in (None, "") else default
    except ValueError:
        return default
    return value if value >= 0 else default


def from_env(overrides: Optional[Dict[str, Any]] = None) -> WeChatConfig:
    """The environment's settings; `overrides` (credentials.yml) win over them."""
    env = os.environ
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    return WeChatConfig(
        token=str(given.get("token", env.get("WECHAT_TOKEN", ""))),
        app_id=str(given.get("app_id", env.get("WECHAT_APP_ID", ""))),
        app_secret=str(given.get("app_secret", env.get("WECHAT_APP_SECRET", ""))),
        aes_key=str(given.get("aes_key", env.get("WECHAT_AES_KEY", ""))),
        api_base_url=str(
            given.get(
                "api_base_url", env.get("WECHAT_API_BASE_URL", DEFAULT_API_BASE_URL)
            )
        ).rstrip("/")
        or DEFAULT_API_BASE_URL,
        reply_budget_s=_number(
            str(given.get("reply_budget_s", env.get("WECHAT_REPLY_BUDGET_S", ""))),
            DEFAULT_REPLY_BUDGET_S,
        ),
        max_body_bytes=int(
            _number(
                str(given.get("max_body_bytes", env.get("WECHAT_MAX_BODY_BYTES", ""))),
                DEFAULT_MAX_BODY_BYTES,
            )
        ),
    )
