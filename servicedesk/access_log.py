"""The access log without query strings: a URL's query may carry a one-time ticket or,
from an older page or a careless client, a token, and logs are kept and copied."""

from __future__ import annotations

import copy
import logging
from typing import Any, Dict

from uvicorn.config import LOGGING_CONFIG


class DropQueryStrings(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # uvicorn.access logs (client, method, path with query, HTTP version, status).
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            path, mark, _ = args[2].partition("?")
            record.args = (*args[:2], path + ("?…" if mark else ""), *args[3:])
        return True


def log_config() -> Dict[str, Any]:
    """uvicorn's own logging setup, with the filter on its access log."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["drop_query_strings"] = {
        "()": "servicedesk.access_log.DropQueryStrings"
    }
    config["handlers"]["access"]["filters"] = ["drop_query_strings"]
    return config
