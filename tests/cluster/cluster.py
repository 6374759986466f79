"""The real cluster of `make run-cluster` (scripts/run_cluster.sh) on free loopback
ports with its state in a temporary folder, for the concurrency tests."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import requests

from tests.servicedesk_process import API_TOKEN, WIDGET_SECRET

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "cluster-test-token"
# Rasa loads its model in 20-60 s alone; two at once on two shared cores take longer.
START_TIMEOUT_S = 900


def free_ports(count: int) -> int:
    """The first of `count` consecutive free loopback ports."""
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            first = sock.getsockname()[1]
        if first + count > 65535:
            continue
        taken = False
        for port in range(first, first + count):
            with socket.socket() as sock:
                try:
                    sock.bind(("127.0.0.1", port))
                except OSError:
                    taken = True
                    break
        if not taken:
            return first


class Cluster:
    def __init__(self, instances: int = 2) -> None:
        # Not pytest's tmp_path: its folders are 0700 and the postgres account must
        # reach the data folder (the script opens only the folders it needs).
        self.dir = Path(tempfile.mkdtemp(prefix="cluster-test-"))
        self.instances = instances
        self.rasa_base = free_ports(instances)
        self.port = free_ports(1)
        self.env: Dict[str, str] = {
            **os.environ,
            "CLUSTER_DIR": str(self.dir),
            "CLUSTER_PORT": str(self.port),
            "CLUSTER_ACTIONS_LB_PORT": str(free_ports(1)),
            "CLUSTER_RASA_INSTANCES": str(instances),
            "CLUSTER_RASA_BASE_PORT": str(self.rasa_base),
            "CLUSTER_ACTION_INSTANCES": "1",
            "CLUSTER_ACTIONS_BASE_PORT": str(free_ports(1)),
            "CLUSTER_DESK_PORT": str(free_ports(1)),
            "CLUSTER_PG_PORT": str(free_ports(1)),
            "CLUSTER_REDIS_PORT": str(free_ports(1)),
            "CLUSTER_PG_PASSWORD": "cluster-test-password",
            "CLUSTER_RESTART_DELAY": "1",
            "CLUSTER_DEMO_HISTORY": "0",
            "RASA_AUTH_TOKEN": TOKEN,
            "SERVICEDESK_API_TOKEN": API_TOKEN,
            "WIDGET_SESSION_SECRET": WIDGET_SECRET,
            "SERVICEDESK_DEMO": "1",
        }
        for name in ("TRACKER_STORE_URL", "ANALYTICS_DATABASE_URL", "PUBLIC_URL"):
            self.env.pop(name, None)
        self.process: Optional[subprocess.Popen] = None
        self.log = self.dir / "run_cluster.log"

    @property
    def url(self) -> str:
        """nginx, the cluster's one entry point."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def rasa_urls(self) -> List[str]:
        return [f"http://127.0.0.1:{self.rasa_base + i}" for i in range(self.instances)]

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                ["bash", "scripts/run_cluster.sh"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while not (self.dir / "run" / "ready").exists():
            if self.process.poll() is not None:
                raise RuntimeError(f"run_cluster.sh exited; see {self.log}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"cluster not ready; see {self.log}")
            time.sleep(1)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=180)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)
        shutil.rmtree(self.dir, ignore_errors=True)

    # The processes, by the names of the script's supervisor (rasa-1, desk, ...).
    def pid(self, name: str) -> int:
        return int((self.dir / "run" / f"{name}.pid").read_text())

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        pid = self.pid(name)
        os.kill(pid, sig)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            # A child of the supervisor: gone once reaped.
            if _is_zombie(pid):
                return
            time.sleep(0.2)
        raise TimeoutError(f"{name} still running")

    def hold(self, name: str) -> None:
        """Keeps the supervisor from restarting `name` until release()."""
        (self.dir / "run" / f"{name}.hold").touch()

    def release(self, name: str) -> None:
        (self.dir / "run" / f"{name}.hold").unlink(missing_ok=True)

    def wait_healthy(self, url: str, timeout: float = START_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(url, timeout=3).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(1)
        raise TimeoutError(f"{url} not healthy after {timeout} s")

    def wait_all_instances(self) -> None:
        for url in self.rasa_urls:
            self.wait_healthy(url + "/")

    # Conversations.
    def say(
        self, url: str, sender: str, message: str, **metadata
    ) -> Tuple[List[dict], str]:
        """The bot's messages, and the instance that answered (nginx says which)."""
        body = {"sender": sender, "message": message}
        if metadata:
            body["metadata"] = metadata
        response = requests.post(f"{url}/webhooks/rest/webhook", json=body, timeout=120)
        response.raise_for_status()
        return response.json(), response.headers.get("X-Rasa-Instance", url)

    def tracker(self, url: str, sender: str) -> dict:
        response = requests.get(
            f"{url}/conversations/{sender}/tracker",
            params={"token": TOKEN},
            timeout=60,
        )
        response.raise_for_status()
        return response.json()


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"
