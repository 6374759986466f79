"""Starts `rasa run` with its secrets and origins from the environment.

`rasa run --auth-token …` would put the HTTP API's token on the command line, where
every local user reads it with `ps`; this process reads it from RASA_AUTH_TOKEN instead
(the kernel keeps the command line this script was started with, which has no secret).
Browsers may call the HTTP API only from RASA_CORS_ORIGINS (space-separated; by default
the service desk's own origin, which serves the widget), not from any origin with
credentials as `--cors "*"` allowed.
"""

from __future__ import annotations

import os
import sys


def rasa_arguments(environ: dict, extra: list) -> list:
    desk = environ.get("SERVICEDESK_PORT", "8000")
    origins = environ.get(
        "RASA_CORS_ORIGINS", f"http://127.0.0.1:{desk} http://localhost:{desk}"
    ).split()
    token = environ.get("RASA_AUTH_TOKEN", "")
    if not token:
        raise SystemExit("RASA_AUTH_TOKEN is not set (scripts/env.sh sets one)")
    return [
        "rasa",
        "run",
        "--enable-api",
        "--auth-token",
        token,
        "--cors",
        *origins,
        *extra,
    ]


def main() -> None:
    sys.argv = rasa_arguments(dict(os.environ), sys.argv[1:])
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
