"""Shared fixtures: paths of the project and its trained model."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "assistant.tar.gz"

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
# One phone-hash key for the whole run: a database seeded here is read by desk processes
# started from the tests (they inherit this environment).
os.environ.setdefault("SERVICEDESK_PHONE_KEY", "tests-phone-key-not-secret")
# Demo secrets are random per install; the tests name the published demo tokens and
# passwords (demo-vip-zhangwei, agent1-demo), so their desks keep those
# (tests/security/test_desk_demo_secrets.py runs without this).
os.environ.setdefault("SERVICEDESK_DEMO_PUBLISHED_SECRETS", "1")


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def domain(project_root) -> dict:
    import yaml

    return yaml.safe_load((project_root / "domain.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def trained_model() -> Path:
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does it first)")
    return MODEL


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    """A real service desk on a temporary seeded database, one per test module."""
    from tests.servicedesk_process import ServiceDeskProcess

    process = ServiceDeskProcess(tmp_path_factory.mktemp("desk"))
    process.start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def demo(desk):
    """Demo customer token -> their orders (number and status)."""
    import requests

    customers = requests.get(f"{desk.url}/api/demo/customers", timeout=5).json()
    return {c["token"]: c["orders"] for c in customers["customers"]}


@pytest.fixture
def desk_client(desk, monkeypatch):
    """Points the actions' one service-desk client at the test desk."""
    from actions import backend
    from actions.servicedesk_client import ServiceDeskClient
    from tests.servicedesk_process import API_TOKEN

    monkeypatch.setattr(backend, "client", ServiceDeskClient(desk.url, API_TOKEN))


@pytest.fixture(scope="session")
def stack(tmp_path_factory, trained_model):
    """Service desk, action server and Rasa server, shared by the end-to-end tests."""
    from tests.stack import Stack

    stack = Stack(tmp_path_factory.mktemp("stack"), trained_model)
    try:
        stack.start_actions()
        stack.start_rasa()
        yield stack
    finally:
        stack.stop()


@pytest.fixture
def online_agent(stack):
    """agent1 logged in and online for one test; offline again afterwards, because
    other tests rely on nobody being available."""
    import requests

    login = requests.post(
        f"{stack.desk.url}/api/agent/login",
        json={"username": "agent1", "password": "agent1-demo"},
        timeout=10,
    ).json()
    headers = {"X-Agent-Token": login["token"]}
    requests.post(
        f"{stack.desk.url}/api/agent/status",
        json={"status": "online"},
        headers=headers,
        timeout=10,
    ).raise_for_status()
    yield headers
    requests.post(
        f"{stack.desk.url}/api/agent/status",
        json={"status": "offline"},
        headers=headers,
        timeout=10,
    )


@pytest.fixture
def unpatched_rasa(monkeypatch):
    """Rasa as if none of our patches were installed, restored after the test."""
    import rasa.shared.utils.common
    from rasa.core.actions.action import RemoteAction
    from rasa.core.processor import MessageProcessor

    from addons import event_classes, nlu_thread, rasa_patches

    def rasas_validation(self, result):
        return True

    monkeypatch.setattr(RemoteAction, "_validate_action_result", rasas_validation)
    monkeypatch.setattr(
        rasa.shared.utils.common, "all_subclasses", event_classes._original
    )
    monkeypatch.setattr(MessageProcessor, "parse_message", nlu_thread._original)
    assert not rasa_patches.installed()
