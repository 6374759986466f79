"""`python -m servicedesk serve` starts the API on 8000; `seed` fills an empty database;
`kb-vectors` rewrites the seed's shipped e5 vectors after kb_seed.yml changed;
`erase-customer ID` erases a customer on request; `purge` applies retention now;
`analytics-derive` derives the analytics rows from the events landed so far."""

from __future__ import annotations

import argparse
import json
import logging
from dataclasses import asdict

from servicedesk.analytics.setup import build_analytics
from servicedesk.clock import shifted_clock
from servicedesk.config import Settings
from servicedesk.db import make_engine, make_session_factory
from servicedesk.knowledge.exchange import write_seed_vectors
from servicedesk.privacy.cli import add_privacy_commands, run_privacy_command
from servicedesk.shop.seed import seed


def seed_database(settings: Settings) -> bool:
    session_factory = make_session_factory(make_engine(settings.database_url))
    with session_factory() as session, session.begin():
        return seed(session, shifted_clock(settings.clock_offset_days)())


def main() -> None:
    parser = argparse.ArgumentParser(prog="servicedesk")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    commands.add_parser("seed", help="fill an empty database with demo data")
    commands.add_parser("kb-vectors", help="rewrite the knowledge-base seed's vectors")
    commands.add_parser(
        "analytics-derive", help="derive session rows from the landed events"
    )
    add_privacy_commands(commands)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    settings = Settings.from_env()
    if run_privacy_command(args, settings):
        return
    if args.command == "kb-vectors":
        print(f"{write_seed_vectors()} wordings embedded")
        return
    if args.command == "analytics-derive":
        session_factory = make_session_factory(make_engine(settings.database_url))
        clock = shifted_clock(settings.clock_offset_days)
        analytics = build_analytics(settings.database_url, session_factory, clock)
        print(json.dumps(asdict(analytics.derive())))
        return
    if args.command == "seed":
        print("seeded" if seed_database(settings) else "database already has data")
        return
    import uvicorn

    from servicedesk.access_log import log_config
    from servicedesk.app import create_app

    if settings.demo and seed_database(settings):
        logging.info("seeded an empty database with demo data")
    uvicorn.run(
        create_app(settings), host=args.host, port=args.port, log_config=log_config()
    )


if __name__ == "__main__":
    main()
