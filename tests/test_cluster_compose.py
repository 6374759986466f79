"""docker-compose.yml describes the cluster of scripts/run_cluster.sh: same services,
commands, environment, databases and nginx configuration. Nothing is started here."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

from scripts.cluster_nginx import render

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = (ROOT / "scripts" / "run_cluster.sh").read_text(encoding="utf-8")
CLUSTER_ENV = (ROOT / "scripts" / "cluster_env.sh").read_text(encoding="utf-8")
POSTGRES = (ROOT / "scripts" / "cluster_postgres.sh").read_text(encoding="utf-8")
ENDPOINTS = (ROOT / "cluster" / "endpoints.yml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def kind(name: str) -> str:
    """rasa-2 -> rasa: numbered services are instances of one kind."""
    return re.sub(r"-(\d+|\$\(\(.*\)\))$", "", name)


def script_services() -> set:
    names = re.findall(r'^\s*supervise ("[^"]+"|\S+)', SCRIPT, re.MULTILINE)
    return {kind(name.strip('"')) for name in names}


def defaults() -> dict:
    return dict(re.findall(r"export (\w+)=\$\{\1:-([^}]*)\}", CLUSTER_ENV))


def test_the_same_services(compose):
    assert script_services() == {
        "postgres",
        "redis",
        "desk",
        "actions",
        "rasa",
        "nginx",
    }
    # The one-shot table preparation is a step of the script.
    assert "scripts/cluster_prepare.py" in SCRIPT
    assert {kind(name) for name in compose["services"]} == script_services() | {
        "prepare"
    }
    rasa = [name for name in compose["services"] if kind(name) == "rasa"]
    assert len(rasa) == int(defaults()["CLUSTER_RASA_INSTANCES"]) >= 2


def test_rasa_instances_run_the_same_command(compose):
    script = re.search(r"scripts/serve_rasa\.py .*?(?=\n\S|\ndone)", SCRIPT, re.DOTALL)
    script_args = shlex.split(script.group(0).replace("\\\n", " "))
    for name, service in compose["services"].items():
        if kind(name) != "rasa":
            continue
        args = shlex.split(service["command"])
        for option in ("--model", "--credentials", "--endpoints"):
            assert (
                args[args.index(option) + 1]
                == script_args[script_args.index(option) + 1]
            ), (name, option)
    assert "python -m servicedesk serve" in compose["services"]["desk"]["command"]
    assert "rasa run actions" in compose["services"]["actions-1"]["command"]


def test_every_setting_the_script_gives_is_given_in_compose(compose):
    exported = set(re.findall(r"^export (\w+)=", CLUSTER_ENV, re.MULTILINE))
    # The script's own ports and folders, and the parts of the database URLs.
    script_only = {name for name in exported if name.startswith("CLUSTER_")}
    expected = exported - script_only
    for name, service in compose["services"].items():
        if kind(name) in {"rasa", "desk", "actions", "prepare"}:
            missing = expected - set(service["environment"])
            assert not missing, (name, missing)
    # Every ${VAR} the endpoints file reads is set for the Rasa instances.
    needed = set(re.findall(r"\$\{(\w+)\}", ENDPOINTS))
    assert needed and needed <= expected


def test_the_same_databases(compose):
    script = set(
        re.search(r"ARRAY\[([^\]]*)\]", POSTGRES)
        .group(1)
        .replace("'", "")
        .replace(" ", "")
        .split(",")
    )
    sql = (ROOT / "deploy" / "postgres-init.sql").read_text(encoding="utf-8")
    assert set(re.findall(r"CREATE DATABASE (\w+);", sql)) == script
    env = compose["services"]["desk"]["environment"]
    for variable, database in (
        ("TRACKER_STORE_URL", "tracker"),
        ("ANALYTICS_DATABASE_URL", "analytics"),
        ("SERVICEDESK_DATABASE_URL", "servicedesk"),
    ):
        assert env[variable].endswith(f"/{database}")
        assert f"{variable}=$pg/{database}" in CLUSTER_ENV


def test_nginx_configuration_is_the_generated_one(compose):
    services = compose["services"]
    rasa = [f"{n}:5005" for n in services if kind(n) == "rasa"]
    actions = [f"{n}:5055" for n in services if kind(n) == "actions"]
    port = defaults()["CLUSTER_PORT"]
    lb_port = defaults()["CLUSTER_ACTIONS_LB_PORT"]
    expected = render(port, rasa, "desk:8000", lb_port, actions)
    assert (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8") == expected
    assert services["nginx"]["ports"] == [f"${{CLUSTER_PORT:-{port}}}:{port}"]
    env = services["rasa-1"]["environment"]
    assert env["ACTION_SERVER_URL"] == f"http://nginx:{lb_port}/webhook"
    assert env["RASA_URL"] == f"http://nginx:{port}/rasa"
