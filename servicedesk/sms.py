"""Text messages to a customer's phone: the sender interface and the demo outbox.

The desk stores phones only masked (plus a keyed hash), so a real sender looks the
number up in the shop's own systems by order number; this repository ships only the
demo outbox, which sends nothing: it writes each message to the desk's log and keeps
the latest for the demo page (`GET /api/demo/sms`, demo mode only), marked 演示短信.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from datetime import datetime
from typing import Deque, Dict, List, Protocol

from servicedesk.clock import Clock

logger = logging.getLogger(__name__)

DEMO_MARK = "演示短信"


class SmsSender(Protocol):
    def send(self, order_no: str, phone_masked: str, text: str) -> None:
        """Delivers `text` to the phone of order `order_no` (shown as `phone_masked`).

        `order_no` is "" for a code to a customer's own phone (binding a WeChat account,
        servicedesk/wechat/bindings.py): a real sender then finds the number by the
        customer's masked phone in the shop's systems."""


class DemoOutbox:
    """Sends nothing: logs each message and keeps the latest `limit` for the demo page."""

    def __init__(self, clock: Clock, limit: int = 50) -> None:
        self.clock = clock
        self._messages: Deque[Dict[str, str]] = deque(maxlen=limit)
        self._lock = threading.Lock()

    def send(self, order_no: str, phone_masked: str, text: str) -> None:
        at: datetime = self.clock()
        logger.info("%s (not sent) to %s: %s", DEMO_MARK, phone_masked, text)
        with self._lock:
            self._messages.append(
                {
                    "mark": DEMO_MARK,
                    "order_no": order_no,
                    "to": phone_masked,
                    "text": text,
                    "at": at.isoformat(timespec="seconds"),
                }
            )

    def recent(self) -> List[Dict[str, str]]:
        """Newest first."""
        with self._lock:
            return list(reversed(self._messages))
