"""Finding 8: customer tokens were stored in clear, and demo mode (which hands tokens out
at /api/demo/customers without auth) was on by default. Tokens are now stored as
SHA-256, databases from before are hashed on start, and demo mode needs SERVICEDESK_DEMO.
"""

import sqlite3
from datetime import datetime

import pytest
import requests
from sqlalchemy import func, select

from servicedesk.db import make_engine, make_session_factory
from servicedesk.shop.customer_tokens import token_hash
from servicedesk.shop.models import Customer
from servicedesk.shop.seed_catalogue import DEMO_CUSTOMERS
from tests.security.privacy_helpers import LINA, TOKEN, bot, database_bytes
from tests.servicedesk.seeded_app import seeded_client
from tests.servicedesk_process import ServiceDeskProcess

NOW = datetime(2026, 11, 21, 12, 0)
DEMO_TOKENS = [token for token, *_ in DEMO_CUSTOMERS]


@pytest.fixture
def seeded(tmp_path):
    client = seeded_client(tmp_path, TOKEN, NOW)
    return client, tmp_path / "servicedesk.db"


def test_the_database_file_holds_no_token_in_clear(seeded):
    client, db = seeded
    client.get("/api/customers/me", headers=bot(LINA["token"]))
    raw = database_bytes(db)
    for token in DEMO_TOKENS:
        assert token.encode() not in raw
        assert token_hash(token).encode() in raw
    # The other seeded customers' tokens are `cust-0000-…`.
    assert b"cust-0" not in raw


def names_lina(client) -> bool:
    me = client.get("/api/customers/me", headers=bot(LINA["token"]))
    # Names are masked in answers: 李娜 is 李*.
    return me.status_code == 200 and me.json()["name"] == LINA["name"][0] + "*"


def test_a_token_still_names_its_customer(seeded):
    client, _ = seeded
    assert names_lina(client)
    # Its stored digest is not a token.
    forged = bot(token_hash(LINA["token"]))
    assert client.get("/api/customers/me", headers=forged).status_code == 401


def test_demo_mode_lists_the_demo_tokens_from_the_seed(seeded):
    client, _ = seeded
    listed = client.get("/api/demo/customers").json()["customers"]
    assert sorted(c["token"] for c in listed) == sorted(DEMO_TOKENS)


def test_a_database_with_clear_tokens_is_hashed_on_start(seeded):
    client, db = seeded
    client.close()
    # As a desk from before stored it.
    with sqlite3.connect(db) as conn:
        conn.execute(
            "UPDATE customers SET token = ? WHERE token = ?",
            (LINA["token"], token_hash(LINA["token"])),
        )
    assert LINA["token"].encode() in database_bytes(db)

    for _ in range(2):  # a second start changes nothing
        make_engine(f"sqlite:///{db}").dispose()
        raw = database_bytes(db)
        assert LINA["token"].encode() not in raw
        assert token_hash(LINA["token"]).encode() in raw
    assert names_lina(seeded_client(db.parent, TOKEN, NOW))


def test_a_desk_started_without_demo_has_no_demo(tmp_path):
    desk = ServiceDeskProcess(tmp_path)
    desk.env.pop("SERVICEDESK_DEMO")
    desk.start()
    try:
        assert (
            requests.get(f"{desk.url}/api/demo/customers", timeout=5).status_code == 404
        )
        login = requests.post(
            f"{desk.url}/api/agent/login",
            json={"username": "agent1", "password": "agent1-demo"},
            timeout=5,
        )
        assert login.status_code == 401
    finally:
        desk.stop()
    engine = make_engine(f"sqlite:///{tmp_path / 'servicedesk.db'}")
    with make_session_factory(engine)() as session:
        assert session.execute(select(func.count(Customer.id))).scalar_one() == 0
    engine.dispose()
