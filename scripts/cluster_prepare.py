"""Creates the cluster's tables once, before its processes start.

Every Rasa instance, the event broker and the service desk create their tables when
they start; several doing it at once on an empty PostgreSQL database race (one's CREATE
TABLE fails on the other's). Done here first, their own attempts find the tables there.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    from addons.analytics_broker import MaskedSQLEventBroker
    from addons.tracker_store import UrlSQLTrackerStore
    from servicedesk.db import make_engine

    UrlSQLTrackerStore(host=os.environ["TRACKER_STORE_URL"]).engine.dispose()
    MaskedSQLEventBroker(os.environ["ANALYTICS_DATABASE_URL"]).engine.dispose()
    make_engine(os.environ["SERVICEDESK_DATABASE_URL"]).dispose()


if __name__ == "__main__":
    main()
