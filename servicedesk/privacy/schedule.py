"""Runs the retention purge inside the desk, once per interval, on a daemon thread.

The first run waits a few minutes after start, so a starting stack is not compacting
databases while the Rasa server opens them; a desk that restarts daily still purges.
"""

from __future__ import annotations

import logging
import threading
from typing import Callable, Optional

logger = logging.getLogger(__name__)


class RetentionSchedule:
    def __init__(
        self,
        run: Callable[[], object],
        interval_s: float,
        first_delay_s: float,
    ) -> None:
        self._run = run
        self.interval_s = interval_s
        self.first_delay_s = first_delay_s
        self._stopped = threading.Event()
        self._thread: Optional[threading.Thread] = None

    @property
    def enabled(self) -> bool:
        return self.interval_s > 0

    def tick(self) -> None:
        """One purge; a failure is logged and retried at the next interval."""
        try:
            counts = self._run()
            logger.info("retention purge: %s", counts)
        except Exception:  # noqa: BLE001 - the schedule must outlive one failure
            logger.exception("retention purge failed")

    def _loop(self) -> None:
        delay = self.first_delay_s
        while not self._stopped.wait(delay):
            self.tick()
            delay = self.interval_s

    def start(self) -> None:
        if not self.enabled or self._thread is not None:
            return
        self._thread = threading.Thread(
            target=self._loop, name="retention", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
