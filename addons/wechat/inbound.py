"""What a WeChat message or event says to Rasa, as the text of a user message.

Text is passed on as typed. A click on a custom-menu item sends its EventKey, which
names an intent (`query_order`, `bind_wechat`...): the admin console's menu keys are
the intents they start. Following the account is a greeting. Images, voice, video,
locations and links get the polite text-only answer (utter_wechat_unsupported in
domain.yml; the channel says it without a turn, a model without it gets the turn of
intent wechat_unsupported). Events that are not a user speaking (unfollowing, a link
menu item, location reports) start no turn at all.
"""

from __future__ import annotations

import re
from typing import Any, Optional, Text

from wechatpy.events import ClickEvent, SubscribeEvent, SubscribeScanEvent
from wechatpy.messages import TextMessage

GREETING = "/greet"
UNSUPPORTED = "/wechat_unsupported"
# Menu keys are intent names; anything else in a key is not passed to Rasa.
MENU_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
USER_MESSAGE_TYPES = frozenset(
    {"image", "voice", "shortvideo", "video", "location", "link", "miniprogrampage"}
)


def rasa_text(message: Any) -> Optional[Text]:
    """The user message for Rasa, or None when the message starts no turn."""
    if isinstance(message, TextMessage):
        return message.content or ""
    if isinstance(message, (SubscribeEvent, SubscribeScanEvent)):
        return GREETING
    if isinstance(message, ClickEvent):
        key = (message.key or "").strip()
        return f"/{key}" if MENU_KEY.match(key) else UNSUPPORTED
    if getattr(message, "type", "") == "event":
        return None
    raw_type = str((getattr(message, "_data", None) or {}).get("MsgType", "")).lower()
    if raw_type == "event":
        return None
    # Known non-text types and anything WeChat adds later: answered, politely.
    return UNSUPPORTED


def delivery_key(message: Any) -> Text:
    """One delivery of one message: WeChat retries with the same MsgId, and events
    (which have none) with the same sender, CreateTime, event and key."""
    data = getattr(message, "_data", None) or {}
    msg_id = data.get("MsgId")
    if msg_id:
        return f"msg:{msg_id}"
    parts = (data.get(k) for k in ("FromUserName", "CreateTime", "Event", "EventKey"))
    return "event:" + ":".join(str(part or "") for part in parts)
