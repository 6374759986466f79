"""`python -m servicedesk erase-customer ID` and `python -m servicedesk purge [--days N]`:
the same erasure and retention as the API and the schedule, for operators."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from typing import Any

from servicedesk.analytics.setup import build_analytics
from servicedesk.clock import shifted_clock
from servicedesk.config import Settings
from servicedesk.db import make_engine, make_session_factory
from servicedesk.privacy.erasure import erase_and_scrub
from servicedesk.privacy.retention import purge
from servicedesk.privacy.tracker import TrackerStore

# Who the audit log names for erasures run from a shell.
CLI_ACTOR = "cli"


def add_privacy_commands(commands: Any) -> None:
    erase = commands.add_parser(
        "erase-customer", help="erase a customer's personal data (right to deletion)"
    )
    erase.add_argument("customer_id", type=int)
    retention = commands.add_parser(
        "purge", help="purge conversations older than the retention period"
    )
    retention.add_argument(
        "--days", type=float, default=None, help="default: RETENTION_DAYS (180)"
    )


def run_privacy_command(args: argparse.Namespace, settings: Settings) -> bool:
    """Runs the command if it is one of ours; False otherwise."""
    if args.command not in ("erase-customer", "purge"):
        return False
    session_factory = make_session_factory(make_engine(settings.database_url))
    tracker = TrackerStore(settings.tracker_store_url)
    clock = shifted_clock(settings.clock_offset_days)
    now = clock()
    if args.command == "erase-customer":
        analytics = build_analytics(settings.database_url, session_factory, clock)
        with session_factory() as session:
            counts = erase_and_scrub(
                session, tracker, args.customer_id, CLI_ACTOR, now, analytics
            )
    else:
        days = settings.retention_days if args.days is None else args.days
        analytics = build_analytics(settings.database_url, session_factory, clock)
        counts = purge(
            session_factory, tracker, now, days, actor=CLI_ACTOR, analytics=analytics
        )
    print(json.dumps(asdict(counts), ensure_ascii=False))
    return True
