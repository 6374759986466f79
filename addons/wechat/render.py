"""Bot messages as WeChat text: buttons and order cards become numbered choices.

A WeChat text message has no buttons, so each choice is a line "回复 1 …" and a user's
reply "1" is read as that choice's payload. The choices are those of the latest bot
message that had any, read back from the conversation's tracker (see channel.py), so
no state lives in this process. Custom payloads (the widget's) become text where they
carry something to read: an agent's message, an order list; the rest (handoff states,
rating stars) is the widget's decoration of a text already sent.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List, Optional, Text, Tuple

Choice = Tuple[Text, Text]  # (what the user sees, the payload Rasa gets)

NUMBER = re.compile(r"^\s*([0-9０-９]{1,2})\s*$")
FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def _custom_data(message: Dict[str, Any]) -> Dict[str, Any]:
    custom = message.get("custom")
    if not isinstance(custom, dict):
        return {}
    data = custom.get("data", custom)
    return data if isinstance(data, dict) else {}


def choices_of(message: Dict[str, Any]) -> List[Choice]:
    """The numbered choices a bot message offers: its buttons, or its order cards."""
    found: List[Choice] = []
    for button in message.get("buttons") or []:
        if isinstance(button, dict) and button.get("payload"):
            found.append(
                (str(button.get("title") or button["payload"]), str(button["payload"]))
            )
    data = _custom_data(message)
    if data.get("type") == "order_choices":
        for order in data.get("orders") or []:
            if isinstance(order, dict) and order.get("payload"):
                label = "  ".join(
                    str(order[key])
                    for key in ("order_no", "item", "status_label")
                    if order.get(key)
                )
                found.append((label, str(order["payload"])))
    return found


def text_of(message: Dict[str, Any]) -> Optional[Text]:
    """What the user reads on WeChat for one bot message, or None for nothing."""
    parts: List[Text] = []
    if message.get("text"):
        parts.append(str(message["text"]))
    else:
        data = _custom_data(message)
        if data.get("type") == "agent_message" and data.get("text"):
            agent = data.get("agent")
            parts.append(f"{agent}：{data['text']}" if agent else str(data["text"]))
    if message.get("image"):
        parts.append(str(message["image"]))
    choices = choices_of(message)
    parts.extend(f"回复 {n} {label}" for n, (label, _) in enumerate(choices, start=1))
    return "\n".join(parts) if parts else None


def joined(messages: Iterable[Dict[str, Any]]) -> Optional[Text]:
    """Several bot messages as the one text a passive reply can carry."""
    texts = [text for text in map(text_of, messages) if text]
    return "\n\n".join(texts) if texts else None


def payload_for(reply: Text, events: List[Dict[str, Any]]) -> Optional[Text]:
    """The payload a numeric reply picks among the choices last offered, or None."""
    match = NUMBER.match(reply or "")
    if not match:
        return None
    number = int(match.group(1).translate(FULLWIDTH))
    for event in reversed(events):
        if event.get("event") == "user":
            return None  # the user has written since: the numbers are stale
        if event.get("event") != "bot":
            continue
        offered = choices_of({**(event.get("data") or {}), "text": event.get("text")})
        if offered:
            return offered[number - 1][1] if 1 <= number <= len(offered) else None
    return None
