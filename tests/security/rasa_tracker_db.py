"""A real Rasa SQL tracker store on a temporary SQLite file, filled with conversations
at chosen times: what the desk's erasure and retention delete from."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import List

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker


class RasaTrackerDb:
    def __init__(self, directory: Path) -> None:
        self.path = directory / "tracker.db"
        self.url = f"sqlite:///{self.path}"
        self.store = SQLTrackerStore(Domain.empty(), host=self.url)

    def add(self, sender: str, at: datetime, *texts: str, **metadata) -> None:
        stamp = at.timestamp()
        events = []
        for text in texts:
            events.append(UserUttered(text, metadata=metadata, timestamp=stamp))
            events.append(BotUttered(f"收到：{text}", timestamp=stamp))
        tracker = DialogueStateTracker.from_events(sender, events)
        asyncio.run(self.store.save(tracker))

    def senders(self) -> List[str]:
        return sorted(asyncio.run(self.store.keys()))

    def close(self) -> None:
        self.store.engine.dispose()
