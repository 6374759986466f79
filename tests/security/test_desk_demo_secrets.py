"""Finding 8 (demo tokens rebuilt from the public seed): demo customers' tokens and
demo agents' passwords are drawn per install, listed only by the demo pages, and the
values named in the repository open nothing. (The other tests keep the published
values with SERVICEDESK_DEMO_PUBLISHED_SECRETS=1; these run without it.)"""

from datetime import datetime
from pathlib import Path

import pytest

from servicedesk.service.agents import DEMO_AGENTS
from servicedesk.shop.seed_catalogue import DEMO_CUSTOMERS
from tests.servicedesk.seeded_app import seeded_client

NOW = datetime(2026, 11, 21, 12, 0)
TOKEN = "test-api-token"
BOT = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def random_secrets(monkeypatch):
    monkeypatch.delenv("SERVICEDESK_DEMO_PUBLISHED_SECRETS", raising=False)


def listed_tokens(client):
    customers = client.get("/api/demo/customers").json()["customers"]
    return {c["name"]: c["token"] for c in customers}


def me(client, token):
    return client.get("/api/customers/me", headers={**BOT, "X-Customer-Token": token})


def login(client, username, password):
    return client.post(
        "/api/agent/login", json={"username": username, "password": password}
    )


@pytest.mark.usefixtures("random_secrets")
def test_each_install_draws_its_own_demo_secrets(tmp_path):
    first = seeded_client(tmp_path / "a", TOKEN, NOW)
    second = seeded_client(tmp_path / "b", TOKEN, NOW)
    tokens = listed_tokens(first)
    assert len(tokens) == len(DEMO_CUSTOMERS)
    assert set(tokens.values()).isdisjoint(listed_tokens(second).values())
    for published, *_ in DEMO_CUSTOMERS:
        assert published not in tokens.values()
        assert me(first, published).status_code == 401
    for token in tokens.values():
        assert me(first, token).status_code == 200

    agents = first.get("/api/demo/agents").json()
    assert "演示" in agents["notice"]
    passwords = {a["username"]: a["password"] for a in agents["agents"]}
    assert set(passwords) == {a[0] for a in DEMO_AGENTS}
    for username, _, published, *_ in DEMO_AGENTS:
        assert login(first, username, published).status_code == 401
        assert login(first, username, passwords[username]).status_code == 200
    others = second.get("/api/demo/agents").json()["agents"]
    assert set(passwords.values()).isdisjoint(a["password"] for a in others)


@pytest.mark.usefixtures("random_secrets")
def test_no_demo_pages_outside_demo_mode(tmp_path):
    client = seeded_client(tmp_path, TOKEN, NOW, demo=False)
    assert client.get("/api/demo/customers").status_code == 404
    assert client.get("/api/demo/agents").status_code == 404


def test_a_database_on_the_published_values_is_moved_to_random_ones(
    tmp_path, monkeypatch
):
    # Seeded as before (published tokens and passwords)...
    seeded_client(tmp_path, TOKEN, NOW)
    monkeypatch.delenv("SERVICEDESK_DEMO_PUBLISHED_SECRETS")
    # ...and started again: the desk replaces them.
    client = seeded_client_again(tmp_path)
    tokens = listed_tokens(client)
    assert me(client, "demo-vip-zhangwei").status_code == 401
    assert me(client, tokens["张*"]).status_code == 200
    assert login(client, "agent1", "agent1-demo").status_code == 401


def seeded_client_again(directory: Path):
    """A second desk on the same database (seed() leaves a seeded one alone)."""
    return seeded_client(directory, TOKEN, NOW)


@pytest.mark.usefixtures("random_secrets")
def test_an_erased_demo_customer_token_is_kept_nowhere(tmp_path):
    client = seeded_client(
        tmp_path,
        TOKEN,
        NOW,
        kb_dense=False,
        tracker_store_url=f"sqlite:///{tmp_path / 'tracker.db'}",
    )
    token = listed_tokens(client)["李*"]
    assert me(client, token).status_code == 200
    lead_password = next(
        a["password"]
        for a in client.get("/api/demo/agents").json()["agents"]
        if a["username"] == "lead"
    )
    lead = {"X-Agent-Token": login(client, "lead", lead_password).json()["token"]}
    customer_id = client.get(
        "/api/customers/me/orders", headers={**BOT, "X-Customer-Token": token}
    )
    assert customer_id.status_code == 200
    from sqlalchemy import select

    from servicedesk.shop.customer_tokens import token_hash
    from servicedesk.shop.models import Customer

    with client.app.state.session_factory() as session:
        lina = session.execute(
            select(Customer.id).where(Customer.token_hash == token_hash(token))
        ).scalar_one()
    erased = client.post(f"/api/agent/admin/customers/{lina}/erase", headers=lead)
    assert erased.status_code == 200, erased.text
    assert me(client, token).status_code == 401
    assert "李*" not in listed_tokens(client)
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("servicedesk.db*"))
    assert token.encode() not in raw
