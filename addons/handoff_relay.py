"""Relays what a user types while a human agent serves them to the service desk.

While an agent serves, the service desk has paused the conversation (ConversationPaused)
and Rasa predicts nothing: the message is only parsed and stored. This tracker store
notices such a message as it is saved and posts it to the handoff in the service desk,
where the agent's workbench shows it. The Rasa channels stay the standard ones, so any
widget on socket.io or REST reaches the agent the same way.

The post runs in the background: the user's turn never waits for the service desk, and
a service desk that is down costs a logged warning, not the message (it stays in the
tracker).
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any, Optional, Set, Text
from urllib.parse import quote

import aiohttp
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from addons.tracker_store import UrlSQLTrackerStore

logger = logging.getLogger(__name__)

ATTEMPTS = 3
TIMEOUT = aiohttp.ClientTimeout(total=5)


class HandoffRelay:
    def __init__(self, url: Text, token: Text) -> None:
        self.url = url.rstrip("/")
        self.token = token
        self._pending: Set[asyncio.Task] = set()

    @classmethod
    def from_env(cls) -> Optional[HandoffRelay]:
        url = os.environ.get("SERVICEDESK_URL")
        token = os.environ.get("SERVICEDESK_API_TOKEN")
        return cls(url, token) if url and token else None

    def forward(self, conversation_id: Text, text: Text) -> None:
        task = asyncio.get_running_loop().create_task(self.post(conversation_id, text))
        # Keep a reference until done: the event loop holds tasks only weakly.
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def post(self, conversation_id: Text, text: Text) -> bool:
        path = f"/api/handoffs/{quote(conversation_id, safe='')}/messages"
        headers = {"Authorization": f"Bearer {self.token}"}
        for attempt in range(ATTEMPTS):
            try:
                async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
                    async with session.post(
                        self.url + path, json={"text": text[:2000]}, headers=headers
                    ) as response:
                        if response.status < 500:
                            if response.status >= 400:
                                logger.warning(
                                    "handoff relay refused for %s: %s",
                                    conversation_id,
                                    await response.text(),
                                )
                            return response.status < 400
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                logger.warning("handoff relay attempt %d failed: %s", attempt + 1, exc)
            await asyncio.sleep(0.5 * (attempt + 1))
        return False


def paused_user_text(tracker: DialogueStateTracker) -> Optional[Text]:
    """The text of a user message that arrived while the conversation is paused."""
    if not tracker.is_paused():
        return None
    # Slot extraction still runs on a paused conversation and may follow the message.
    for event in reversed(tracker.events):
        if isinstance(event, SlotSet):
            continue
        if isinstance(event, UserUttered) and event.text:
            return event.text
        return None
    return None


class HandoffRelayTrackerStore(UrlSQLTrackerStore):
    """The SQL tracker store that also relays paused conversations' user messages."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.relay = HandoffRelay.from_env()

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)
        text = paused_user_text(tracker)
        if text is not None and self.relay is not None:
            self.relay.forward(tracker.sender_id, text)
