"""What a user channel may hand to Rasa: a capped text that cannot act as the desk.

Rasa reads a text starting with "/" as an intent with entities, exactly as if NLU had
found them. Buttons rely on that, but so could a user: "/EXTERNAL_agent_joined{...}"
would announce a fake agent and pause the bot. EXTERNAL_* intents are the service
desk's, sent through Rasa's HTTP API with its token (never through a channel), so a
channel message naming one loses its leading "/" and is read as plain text; entities
only the desk sets are dropped from any other payload. Long texts are cut before NLU:
the encoder's cost grows with the length and a huge message stalls every conversation.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any, Awaitable, Callable, Text

from rasa.core.channels.channel import UserMessage

DEFAULT_MAX_MESSAGE_CHARS = 500
EXTERNAL_PREFIX = "external_"
# Entities that only the service desk's trigger_intent may set.
INTERNAL_ENTITIES = frozenset({"agent_name"})
# Rasa's own reading of "/intent{entities}" (YAMLStoryReader.unpack_regex_message).
PAYLOAD = re.compile(r"^(?P<head>/[^{@]+(?:@[0-9.]+)?)(?P<entities>{.+})(?P<rest>.*)$")


def max_message_chars() -> int:
    # Read on every call so that a test or a restart with another value applies it.
    return int(os.environ.get("MAX_MESSAGE_CHARS", DEFAULT_MAX_MESSAGE_CHARS))


def without_internal_entities(text: Text) -> Text:
    match = PAYLOAD.match(text)
    if not match:
        return text
    try:
        entities = json.loads(match.group("entities"))
    except ValueError:
        return text  # Rasa ignores entities it cannot read
    if not isinstance(entities, dict) or not INTERNAL_ENTITIES & entities.keys():
        return text
    kept = {k: v for k, v in entities.items() if k not in INTERNAL_ENTITIES}
    return (
        match.group("head")
        + (json.dumps(kept, ensure_ascii=False) if kept else "")
        + match.group("rest")
    )


def screened(text: Any) -> Any:
    """The text a user channel passes on: capped, with no say over the desk's intents."""
    if not isinstance(text, str):
        return text
    text = text[: max_message_chars()]
    if text.startswith("/") and text[1:].lstrip().lower().startswith(EXTERNAL_PREFIX):
        return text[1:].lstrip()
    return without_internal_entities(text)


def guard(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
) -> Callable[[UserMessage], Awaitable[Any]]:
    """Wraps a channel's message handler so every message is screened first."""

    async def screened_message(message: UserMessage) -> Any:
        message.text = screened(message.text)
        return await on_new_message(message)

    return screened_message
