"""Runs the real service desk as a process on a free port with a temporary database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, Optional

import requests

ROOT = Path(__file__).resolve().parent.parent
API_TOKEN = "test-servicedesk-token"
# The Rasa server of tests/stack.py signs widget sessions with the same secret.
WIDGET_SECRET = "test-widget-session-secret"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServiceDeskProcess:
    def __init__(
        self, workdir: Path, extra_env: Optional[Dict[str, str]] = None
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "SERVICEDESK_DATABASE_URL": f"sqlite:///{workdir / 'servicedesk.db'}",
            "SERVICEDESK_API_TOKEN": API_TOKEN,
            "WIDGET_SESSION_SECRET": WIDGET_SECRET,
            "SERVICEDESK_DEMO": "1",
            **(extra_env or {}),
        }
        self.log = open(workdir / "servicedesk.log", "ab")  # noqa: SIM115
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "servicedesk", "serve", "--port", str(self.port)],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("service desk exited")
            try:
                if requests.get(f"{self.url}/api/health", timeout=1).ok:
                    return
            except requests.RequestException:
                time.sleep(0.3)
        raise TimeoutError("service desk not ready")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.log.close()
