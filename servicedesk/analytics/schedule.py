"""Derivation and alert checks inside the desk, every ANALYTICS_INTERVAL_S, on a daemon
thread (0: never; `python -m servicedesk analytics-derive` runs one round)."""

from __future__ import annotations

import logging
import threading
from typing import Callable, Optional

logger = logging.getLogger(__name__)


class AnalyticsSchedule:
    def __init__(self, tick: Callable[[], object], interval_s: float) -> None:
        self._tick = tick
        self.interval_s = interval_s
        self._stopped = threading.Event()
        self._thread: Optional[threading.Thread] = None

    def _loop(self) -> None:
        # The first round soon after start: a fresh dashboard shows what is there.
        delay = min(self.interval_s, 5.0)
        while not self._stopped.wait(delay):
            delay = self.interval_s
            try:
                self._tick()
            except Exception:  # noqa: BLE001 - the next round tries again
                logger.exception("analytics round failed")

    def start(self) -> None:
        if self.interval_s <= 0 or self._thread is not None:
            return
        self._thread = threading.Thread(
            target=self._loop, name="analytics", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
