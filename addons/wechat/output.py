"""Where the WeChat channel's bot messages go: the customer-service API at once
(WeChatOutput: agents' replies and everything sent after a turn), or, during a turn,
kept for the passive reply until the budget runs out (TurnOutput)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List, Optional, Text

import aiohttp
from rasa.core.channels.channel import OutputChannel

from addons.wechat import render
from addons.wechat.api import CustomerServiceApi, WeChatApiError

logger = logging.getLogger(__name__)


class WeChatOutput(OutputChannel):
    """Each bot message at once, as text, through the customer-service API."""

    def __init__(self, api: Optional[CustomerServiceApi]) -> None:
        self.api = api

    @classmethod
    def name(cls) -> Text:
        return "wechat"

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        text = render.text_of(message)
        if text:
            await self.send_text(recipient_id, text)

    async def send_text(self, recipient_id: Text, text: Text) -> None:
        if self.api is None:
            logger.warning("WeChat message not sent: WECHAT_APP_ID/_SECRET are not set")
            return
        try:
            await self.api.send_text(recipient_id, text)
        except (WeChatApiError, aiohttp.ClientError, asyncio.TimeoutError) as exc:
            # The user misses this message; the turn and the tracker are unaffected.
            logger.error("WeChat customer-service message failed: %s", exc)

    async def send_text_message(
        self, recipient_id: Text, text: Text, **kwargs: Any
    ) -> None:
        await self.send_text(recipient_id, text)


class TurnOutput(WeChatOutput):
    """A turn's messages: kept for the passive reply until the budget runs out, then
    sent (those kept, and every later one) through the customer-service API."""

    def __init__(self, api: Optional[CustomerServiceApi], openid: Text) -> None:
        super().__init__(api)
        self.openid = openid
        self.kept: List[Dict[Text, Any]] = []
        self.late = False

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        if self.late:
            await super().send_response(recipient_id, message)
        else:
            self.kept.append(message)

    async def go_late(self) -> None:
        self.late = True
        kept, self.kept = self.kept, []
        for message in kept:
            await super().send_response(self.openid, message)


async def finish_late(task: asyncio.Future[Any], collector: TurnOutput) -> None:
    await collector.go_late()
    try:
        await task
    except Exception:  # noqa: BLE001 - logged; nobody else awaits this task
        logger.exception("WeChat turn failed after its reply budget")
