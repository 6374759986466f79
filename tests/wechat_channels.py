"""A second WeChat channel for the tests, named apart, with no time for a passive reply
(reply_budget_s: 0 in its credentials): every turn of it goes through the fake
WeChat server's customer-service API, with no sleeping to make a turn slow."""

from __future__ import annotations

from typing import Text

from addons.wechat.channel import WeChatInput


class ImpatientWeChatInput(WeChatInput):
    @classmethod
    def name(cls) -> Text:
        return "wechat_impatient"
