"""Shared by the privacy tests: who calls the desk, and reading database files raw."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Dict, Iterable, List

TOKEN = "test-api-token"
LINA = {"token": "demo-lina", "name": "李娜", "phone": "13912345678"}


def bot(customer_token: str = "", end_user: str = "") -> Dict[str, str]:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    if customer_token:
        headers["X-Customer-Token"] = customer_token
    if end_user:
        headers["X-End-User"] = end_user
    return headers


def agent(client, username: str) -> Dict[str, str]:
    login = client.post(
        "/api/agent/login",
        json={"username": username, "password": f"{username}-demo"},
    )
    return {"X-Agent-Token": login.json()["token"]}


def database_bytes(db: Path) -> bytes:
    """The file and whatever SQLite keeps beside it (log, journal)."""
    parts = [db, Path(f"{db}-wal"), Path(f"{db}-journal"), Path(f"{db}-shm")]
    return b"".join(p.read_bytes() for p in parts if p.exists())


def spellings(value: str) -> List[bytes]:
    """UTF-8, as SQLite stores text, and JSON's \\u escapes, as Rasa stores events."""
    return [value.encode(), json.dumps(value)[1:-1].encode()]


def found_in(files: Iterable[Path], *values: str) -> List[str]:
    """Which of `values` appear, in either spelling, in the files."""
    raw = b"".join(database_bytes(f) for f in files)
    return [v for v in values if any(s in raw for s in spellings(v))]
