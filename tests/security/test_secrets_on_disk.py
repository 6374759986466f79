"""Finding 6 of the security review: the Rasa API token on the command line (visible in
`ps`), world-readable databases and logs under var/, and Rasa answering any Origin."""

from __future__ import annotations

import importlib.util
import os
import shutil
import stat
import subprocess
from pathlib import Path

import requests

from tests.stack import ROOT, TOKEN


def load_launcher():
    spec = importlib.util.spec_from_file_location(
        "serve_rasa", ROOT / "scripts" / "serve_rasa.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_rasa_token_is_not_on_any_command_line(stack):
    command_line = Path(f"/proc/{stack.rasa.pid}/cmdline").read_bytes()
    assert TOKEN.encode() not in command_line
    # ...and the server still requires it.
    assert requests.get(f"{stack.url}/status", timeout=10).status_code == 401
    assert requests.get(f"{stack.url}/status", params={"token": TOKEN}, timeout=10).ok


def test_rasa_allows_the_desks_origin_and_no_other(stack):
    # `make run` passed --cors "*": any page could drive the API with credentials.
    foreign = requests.get(
        f"{stack.url}/", headers={"Origin": "https://evil.example"}, timeout=10
    )
    assert foreign.headers.get("Access-Control-Allow-Origin") not in (
        "*",
        "https://evil.example",
    )
    desk = "http://127.0.0.1:8000"
    own = requests.get(f"{stack.url}/", headers={"Origin": desk}, timeout=10)
    assert own.headers.get("Access-Control-Allow-Origin") == desk


def test_the_launcher_takes_origins_from_the_environment():
    rasa_arguments = load_launcher().rasa_arguments
    arguments = rasa_arguments(
        {"RASA_AUTH_TOKEN": "t", "RASA_CORS_ORIGINS": "https://shop.example"}, []
    )
    cors = arguments[arguments.index("--cors") + 1 :]
    assert cors == ["https://shop.example"]
    assert "*" not in rasa_arguments({"RASA_AUTH_TOKEN": "t"}, [])


def test_var_and_the_secrets_in_it_are_the_owners_only(tmp_path):
    checkout = tmp_path / "checkout"
    (checkout / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "env.sh", checkout / "scripts" / "env.sh")
    env = {k: v for k, v in os.environ.items() if not k.endswith("_TOKEN")}
    subprocess.run(
        ["bash", "-c", ". scripts/env.sh && echo data > var/servicedesk.db"],
        cwd=checkout,
        env=env,
        check=True,
    )
    var = checkout / "var"
    assert stat.S_IMODE(var.stat().st_mode) == 0o700
    for path in var.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
