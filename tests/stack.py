"""Starts the real Rasa server and action server for end-to-end tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

import requests

from tests.servicedesk_process import API_TOKEN, WIDGET_SECRET, ServiceDeskProcess

ROOT = Path(__file__).resolve().parent.parent
RASA = str(Path(sys.executable).parent / "rasa")
TOKEN = "test-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, timeout: float, what: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            if check():
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{what} not ready after {timeout} s")


class Stack:
    """Action server and Rasa server on free loopback ports, with a temp tracker DB."""

    def __init__(
        self,
        workdir: Path,
        model: Path,
        credentials: str = "credentials.yml",
        extra_env: Optional[Dict[str, str]] = None,
    ) -> None:
        self.workdir = workdir
        self.model = model
        self.credentials = credentials
        self.rasa_port = free_port()
        self.action_port = free_port()
        self.endpoints = workdir / "endpoints.yml"
        # Rasa's event broker lands every event here; the desk derives analytics from it.
        self.analytics_url = f"sqlite:///{workdir / 'analytics.db'}"
        self.endpoints.write_text(
            "action_endpoint:\n"
            f"  url: http://127.0.0.1:{self.action_port}/webhook\n"
            "tracker_store:\n"
            "  type: addons.handoff_relay.HandoffRelayTrackerStore\n"
            f"  url: sqlite:///{workdir / 'tracker.db'}\n"
            "event_broker:\n"
            "  type: addons.analytics_broker.MaskedSQLEventBroker\n"
            f"  url: {self.analytics_url}\n",
            encoding="utf-8",
        )
        self.env: Dict[str, str] = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "SANIC_HOST": "127.0.0.1",
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        }
        self.env.pop("TRACKER_STORE_URL", None)
        self.env.update(extra_env or {})
        self.env["ANALYTICS_DATABASE_URL"] = self.analytics_url
        # The desk drives handoffs through this Rasa server's HTTP API.
        # It erases and purges conversations in the same tracker database.
        self.desk = ServiceDeskProcess(
            workdir,
            {
                "RASA_URL": self.url,
                "RASA_AUTH_TOKEN": TOKEN,
                "TRACKER_STORE_URL": f"sqlite:///{workdir / 'tracker.db'}",
                "ANALYTICS_DATABASE_URL": self.analytics_url,
                # Derived within seconds, so tests see a conversation's row soon.
                "ANALYTICS_INTERVAL_S": "5",
            },
        )
        self.env["SERVICEDESK_URL"] = self.desk.url
        self.env["SERVICEDESK_API_TOKEN"] = API_TOKEN
        # The desk checks the widget session tokens this Rasa server issues.
        self.env["WIDGET_SESSION_SECRET"] = WIDGET_SECRET
        self.actions: Optional[subprocess.Popen] = None
        self.rasa: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def _spawn(self, args: List[str], log_name: str) -> subprocess.Popen:
        log = open(self.workdir / log_name, "ab")  # noqa: SIM115 - closed with process
        return subprocess.Popen(
            args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )

    def start_actions(self) -> None:
        self.desk.start()
        self.actions = self._spawn(
            [RASA, "run", "actions", "--port", str(self.action_port)], "actions.log"
        )
        wait_until(
            lambda: (
                requests.get(
                    f"http://127.0.0.1:{self.action_port}/health", timeout=2
                ).ok
            ),
            120,
            "action server",
            self.actions,
        )

    def start_rasa(self) -> None:
        # Started as `make run` starts it: the token from the environment.
        self.env["RASA_AUTH_TOKEN"] = TOKEN
        self.rasa = self._spawn(
            [sys.executable, str(ROOT / "scripts" / "serve_rasa.py")]
            + ["--interface", "127.0.0.1", "--port", str(self.rasa_port)]
            + ["--model", str(self.model), "--credentials", self.credentials]
            + ["--endpoints", str(self.endpoints)],
            "rasa.log",
        )
        wait_until(
            lambda: (
                requests.get(
                    f"{self.url}/status", params={"token": TOKEN}, timeout=2
                ).ok
            ),
            240,
            "Rasa server",
            self.rasa,
        )

    def stop_rasa(self) -> None:
        if self.rasa and self.rasa.poll() is None:
            self.rasa.terminate()
            self.rasa.wait(timeout=60)

    def stop(self) -> None:
        self.stop_rasa()
        if self.actions and self.actions.poll() is None:
            self.actions.terminate()
            self.actions.wait(timeout=60)
        self.desk.stop()

    def say(self, sender: str, message: str, **metadata) -> List[dict]:
        body = {"sender": sender, "message": message}
        if metadata:
            body["metadata"] = metadata
        response = requests.post(
            f"{self.url}/webhooks/rest/webhook", json=body, timeout=60
        )
        response.raise_for_status()
        return response.json()

    def parse(self, text: str) -> dict:
        response = requests.post(
            f"{self.url}/model/parse",
            params={"token": TOKEN},
            json={"text": text},
            timeout=60,
        )
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str) -> dict:
        response = requests.get(
            f"{self.url}/conversations/{sender}/tracker",
            params={"token": TOKEN},
            timeout=60,
        )
        response.raise_for_status()
        return response.json()
