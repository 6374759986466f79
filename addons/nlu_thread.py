"""Runs NLU in a worker thread instead of on the Rasa server's event loop.

Rasa 3.6 parses a message synchronously inside its async handler: while the e5 encoder,
DIET and the response selectors compute, no other conversation's turn moves (not even a
reply waiting for the action server). The graph now runs in one dedicated thread; the
loop serves other requests meanwhile, and the encoder's C engine and TensorFlow release
the GIL while they compute, so the two cores both work. One thread, not a pool: the
components were written to be called one message at a time. Installed by
addons.rasa_patches.install(), on Rasa 3.6 only (the replaced method's body is copied
from 3.6.21).
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, Optional, Text

from rasa.core.processor import MessageProcessor
from rasa.shared.core.trackers import DialogueStateTracker

from addons import rasa_version

PATCH = (
    "addons.nlu_thread (replaces rasa.core.processor.MessageProcessor.parse_message)"
)

_original = MessageProcessor.parse_message
_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nlu")


async def parse_message(
    self: MessageProcessor,
    message: Any,
    tracker: Optional[DialogueStateTracker] = None,
    only_output_properties: bool = True,
) -> Dict[Text, Any]:
    if self.http_interpreter:
        return await _original(self, message, tracker, only_output_properties)
    if tracker is None:
        tracker = DialogueStateTracker.from_events(message.sender_id, [])
    parse_data = await asyncio.get_running_loop().run_in_executor(
        _worker,
        self._parse_message_with_graph,
        message,
        tracker,
        only_output_properties,
    )
    # What 3.6.21's parse_message does after the graph, minus a debug log line.
    self._update_full_retrieval_intent(parse_data)
    self._check_for_unseen_features(parse_data)
    return parse_data


def install() -> None:
    """Replace Rasa's method (idempotent); refuses a Rasa it was not written for."""
    rasa_version.require_supported(PATCH)
    MessageProcessor.parse_message = parse_message


def installed() -> bool:
    return MessageProcessor.parse_message is parse_message
