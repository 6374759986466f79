"""Finding 7: a customer's phone was stored as sha256(phone) beside the mask 138****8000,
so trying the 10^4 hidden digits gave the whole number back. The hash is now keyed."""

import hashlib
from datetime import datetime

import pytest
from sqlalchemy import select

from servicedesk.db import make_engine, make_session_factory
from servicedesk.shop.customer_tokens import token_hash
from servicedesk.shop.models import Customer
from tests.servicedesk.seeded_app import seeded_client

NOW = datetime(2026, 11, 21, 12, 0)
ZHANGWEI = "13800138000"  # the demo seed's phone of demo-vip-zhangwei
AGENT = {"username": "agent1", "password": "agent1-demo"}


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    directory = tmp_path_factory.mktemp("phones")
    client = seeded_client(directory, "test-token", NOW)
    return client, f"sqlite:///{directory / 'servicedesk.db'}"


def stored_customer(url, token):
    with make_session_factory(make_engine(url))() as session:
        customer = session.execute(
            select(Customer).where(Customer.token_hash == token_hash(token))
        ).scalar_one()
        return customer.phone_masked, customer.phone_hash


def test_the_masked_digits_cannot_be_guessed_from_the_hash(desk):
    _, url = desk
    masked, stored = stored_customer(url, "demo-vip-zhangwei")
    prefix, suffix = masked.split("****")
    # The attack: every candidate the mask leaves open, hashed as the old code did.
    candidates = (f"{prefix}{middle:04d}{suffix}" for middle in range(10_000))
    found = [c for c in candidates if hashlib.sha256(c.encode()).hexdigest() == stored]
    assert found == []


def test_the_desk_still_finds_a_customer_by_phone(desk):
    client, _ = desk
    token = client.post("/api/agent/login", json=AGENT).json()["token"]
    created = client.post(
        "/api/agent/tickets",
        json={"subject": "回访", "customer_phone": "138-0013-8000"},
        headers={"X-Agent-Token": token},
    )
    assert created.status_code == 201
    assert created.json()["customer"]["phone"] == "138****8000"


def test_without_a_configured_key_each_process_gets_its_own(monkeypatch):
    from servicedesk.shop import customers, phone_key

    monkeypatch.setenv("SERVICEDESK_PHONE_KEY", "one key")
    keyed = customers.phone_hash(ZHANGWEI)
    monkeypatch.setenv("SERVICEDESK_PHONE_KEY", "another key")
    assert customers.phone_hash(ZHANGWEI) != keyed
    monkeypatch.delenv("SERVICEDESK_PHONE_KEY")
    # A random key, the same for the whole process, never a published default.
    assert phone_key.phone_key() == phone_key.phone_key()
    assert phone_key.phone_key() not in (b"", b"one key", b"another key")
    assert (
        customers.phone_hash(ZHANGWEI) != hashlib.sha256(ZHANGWEI.encode()).hexdigest()
    )
