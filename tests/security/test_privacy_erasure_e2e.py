"""The deletion test of the real stack: a known customer chats with their token, types
their phone, is served by an agent and leaves a message; a supervisor erases them; the
raw bytes of the desk's and the tracker's database files hold none of their phone, name
or token.

The stack is shared by the whole test session, so the customer is a fresh one added by
the desk's own seeding code: erasing a demo customer would change other tests' world.
"""

from __future__ import annotations

import random
import time
import uuid
from datetime import datetime

import requests
from sqlalchemy import select

from servicedesk.db import make_engine, make_session_factory
from servicedesk.shop.customer_tokens import token_hash
from servicedesk.shop.models import Customer
from servicedesk.shop.seed_builder import Builder
from tests.security.privacy_helpers import found_in

PHONE = "13766661234"
NAME = "隐私测试用户"


def add_customer(stack) -> dict:
    token = f"privacy-e2e-{uuid.uuid4().hex}"
    engine = make_engine(f"sqlite:///{stack.workdir / 'servicedesk.db'}")
    with make_session_factory(engine)() as session, session.begin():
        builder = Builder(session, random.Random(7), datetime(2026, 1, 1))
        builder.add_customer(token, NAME, PHONE, "normal", demo=False)
    with make_session_factory(engine)() as session:
        found = session.execute(
            select(Customer.id).where(Customer.token_hash == token_hash(token))
        )
        customer_id = found.scalar_one()
    engine.dispose()
    return {"id": customer_id, "token": token}


def desk(stack, method, path, headers, body=None):
    response = requests.request(
        method, f"{stack.desk.url}{path}", json=body, headers=headers, timeout=60
    )
    assert response.ok, response.text
    return response.json()


def eventually(check, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not (result := check()) and time.monotonic() < deadline:
        time.sleep(0.3)
    return result


def login(stack, username):
    body = {"username": username, "password": f"{username}-demo"}
    return {"X-Agent-Token": desk(stack, "POST", "/api/agent/login", {}, body)["token"]}


def test_erasure_leaves_nothing_of_the_customer(stack, online_agent):
    customer = add_customer(stack)
    sender = f"privacy-e2e-{uuid.uuid4().hex[:8]}"
    meta = {"customer_token": customer["token"]}
    stack.say(sender, "我的订单到哪了", **meta)
    stack.say(sender, f"我是{NAME}，我的手机号是{PHONE}", **meta)
    stack.say(sender, "转人工", **meta)

    queue = desk(stack, "GET", "/api/agent/queue", online_agent)["queued"]
    handoff_no = next(h["handoff_no"] for h in queue if h["conversation_id"] == sender)
    path = f"/api/agent/handoffs/{handoff_no}"
    desk(stack, "POST", f"{path}/claim", online_agent)
    desk(stack, "POST", f"{path}/messages", online_agent, {"text": f"{NAME}您好"})
    stack.say(sender, f"请回拨{PHONE}", **meta)
    assert eventually(
        lambda: any(
            m["author"] == "user"
            for m in desk(stack, "GET", path, online_agent)["messages"]
        )
    ), "the user's words reached the agent"
    desk(stack, "POST", f"{path}/close", online_agent, {"resolution": "solved"})

    files = [stack.workdir / "servicedesk.db", stack.workdir / "tracker.db"]
    secrets = (PHONE, NAME, customer["token"])
    # Phones and tokens are masked at rest anyway; the name typed is what is left to erase.
    assert found_in(files[1:], NAME) == [NAME], "the chat was stored"

    lead = login(stack, "lead")
    try:
        erased = desk(
            stack, "POST", f"/api/agent/admin/customers/{customer['id']}/erase", lead
        )["erased"]
    finally:
        # Logging in puts an agent online; other tests rely on nobody being available.
        desk(stack, "POST", "/api/agent/status", lead, {"status": "offline"})
    assert erased["conversations"] >= 1 and erased["tracker_events"] > 0
    assert found_in(files, *secrets) == []
    tracker = stack.tracker(sender)
    assert not [e for e in tracker["events"] if e["event"] == "user"]
