"""Answering each WeChat message once, however often WeChat delivers it.

WeChat retries a message it got no answer to within 5 s, up to three times, with the
same MsgId (events: the same sender and CreateTime). The first delivery runs the turn;
a retry waits for that turn's passive reply (within the same budget) instead of
running it again. Kept in this process's memory for a few minutes: enough for WeChat's
retries, which come within 15 s; several Rasa instances behind a load balancer need
sticky routing by openid for this (or a shared store).
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from typing import Optional, Text, Tuple

KEEP_S = 300
MAX_ENTRIES = 10_000


class Deliveries:
    def __init__(self, keep_s: float = KEEP_S, max_entries: int = MAX_ENTRIES) -> None:
        self.keep_s = keep_s
        self.max_entries = max_entries
        self._seen: OrderedDict[Text, Tuple[float, asyncio.Future]] = OrderedDict()

    def _forget_old(self, now: float) -> None:
        while self._seen:
            key, (at, _) = next(iter(self._seen.items()))
            if now - at < self.keep_s and len(self._seen) <= self.max_entries:
                break
            self._seen.pop(key)

    def first(self, key: Text) -> Tuple[bool, asyncio.Future[Optional[Text]]]:
        """(True, future to resolve with the reply) for a new message; (False, the
        first delivery's future) for a retry."""
        now = time.monotonic()
        self._forget_old(now)
        if key in self._seen:
            return False, self._seen[key][1]
        future: asyncio.Future[Optional[Text]] = (
            asyncio.get_running_loop().create_future()
        )
        self._seen[key] = (now, future)
        return True, future
