"""The desk's WeChat bindings: an openid proves a customer's phone with a texted code,
then its customer token opens that customer's orders; nobody else can bind or read."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import select

from servicedesk.wechat.models import WeChatBinding
from servicedesk.wechat.proof import proof_for
from tests.servicedesk.seeded_app import WIDGET_SECRET, seeded_client

NOW = datetime(2026, 11, 21, 12, 0)
TOKEN = "desk-api-token"
BOT = {"Authorization": f"Bearer {TOKEN}"}
ZHANGWEI_PHONE = "13800138000"


@pytest.fixture
def client(tmp_path):
    return seeded_client(tmp_path, TOKEN, NOW)


def who(openid):
    return {"openid": openid, "proof": proof_for(openid, WIDGET_SECRET)}


def latest_code(client):
    messages = client.get("/api/demo/sms").json()["messages"]
    return re.search(r"\d{6}", messages[0]["text"]).group(0) if messages else None


def bind(client, openid, phone=ZHANGWEI_PHONE):
    sent = client.post(
        "/api/wechat/bind-code", json={**who(openid), "phone": phone}, headers=BOT
    )
    assert sent.status_code == 200, sent.text
    code = latest_code(client)
    bound = client.post(
        "/api/wechat/bindings", json={**who(openid), "code": code}, headers=BOT
    )
    assert bound.status_code == 200, bound.text
    return bound.json()


def identity(client, openid):
    answer = client.post("/api/wechat/identity", json=who(openid), headers=BOT)
    assert answer.status_code == 200
    return answer.json()["customer_token"]


def test_a_bound_openid_gets_a_token_that_opens_the_customers_orders(client):
    assert identity(client, "o-zw") is None
    sent = client.post(
        "/api/wechat/bind-code",
        json={**who("o-zw"), "phone": ZHANGWEI_PHONE},
        headers=BOT,
    ).json()
    assert sent == {"phone": "138****8000", "expires_in": 300, "sent": True}
    assert "绑定微信公众号" in client.get("/api/demo/sms").json()["messages"][0]["text"]
    code = latest_code(client)
    assert client.post(
        "/api/wechat/bindings", json={**who("o-zw"), "code": code}, headers=BOT
    ).json() == {"bound": True}
    token = identity(client, "o-zw")
    assert token and token.startswith("wx-")
    assert identity(client, "o-zw") == token, "the same token each time"
    me = client.get("/api/customers/me", headers={**BOT, "X-Customer-Token": token})
    assert me.status_code == 200 and me.json()["name"].startswith("张")
    orders = client.get(
        "/api/customers/me/orders", headers={**BOT, "X-Customer-Token": token}
    )
    assert orders.status_code == 200 and orders.json()["orders"]


def test_an_unknown_phone_gets_the_same_answer_and_no_code(client):
    sent = client.post(
        "/api/wechat/bind-code",
        json={**who("o-nobody"), "phone": "13700001111"},
        headers=BOT,
    )
    assert sent.json() == {"phone": "137****1111", "expires_in": 300, "sent": True}
    assert client.get("/api/demo/sms").json()["messages"] == []
    wrong = client.post(
        "/api/wechat/bindings", json={**who("o-nobody"), "code": "123456"}, headers=BOT
    )
    assert wrong.status_code == 403 and wrong.json()["error"]["code"] == "CODE_INVALID"
    assert identity(client, "o-nobody") is None


def test_a_wrong_code_binds_nothing_and_guessing_locks(client):
    client.post(
        "/api/wechat/bind-code",
        json={**who("o-g"), "phone": ZHANGWEI_PHONE},
        headers=BOT,
    )
    code = latest_code(client)
    wrong = "000000" if code != "000000" else "111111"
    first = client.post(
        "/api/wechat/bindings", json={**who("o-g"), "code": wrong}, headers=BOT
    )
    assert first.json()["error"]["code"] == "CODE_INVALID"
    second = client.post(
        "/api/wechat/bindings", json={**who("o-g"), "code": wrong}, headers=BOT
    )
    assert second.status_code == 403
    # Two failures: the next try waits (the desk's lockout backoff), even the right code.
    third = client.post(
        "/api/wechat/bindings", json={**who("o-g"), "code": code}, headers=BOT
    )
    assert third.status_code == 429 and third.json()["error"]["code"] == "VERIFY_LOCKED"
    assert identity(client, "o-g") is None


def test_nobody_but_the_bot_with_the_channels_proof_may_bind_or_read(client):
    bind(client, "o-victim")
    forged = {"openid": "o-victim", "proof": "0" * 64}
    for path, extra in (
        ("/api/wechat/identity", {}),
        ("/api/wechat/bind-code", {"phone": ZHANGWEI_PHONE}),
        ("/api/wechat/bindings", {"code": "123456"}),
    ):
        # No bearer token (a browser, a customer, an agent): 401.
        assert client.post(path, json={**who("o-victim"), **extra}).status_code == 401
        agent = {"Authorization": "Bearer agent1-demo"}
        assert (
            client.post(
                path, json={**who("o-victim"), **extra}, headers=agent
            ).status_code
            == 401
        )
        # The bot's token, but an openid the WeChat channel did not sign: 403.
        refused = client.post(path, json={**forged, **extra}, headers=BOT)
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "WECHAT_PROOF_INVALID"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"openid": "o"},
        {"openid": "o" * 500, "proof": "p"},
        {"openid": 1, "proof": []},
    ],
)
def test_bad_bodies_are_4xx(client, body):
    assert (
        client.post("/api/wechat/identity", json=body, headers=BOT).status_code == 422
    )


def test_binding_again_replaces_the_old_token(client):
    bind(client, "o-re")
    old = identity(client, "o-re")
    bind(client, "o-re", phone="15088886666")
    new = identity(client, "o-re")
    assert new != old
    assert (
        client.get(
            "/api/customers/me", headers={**BOT, "X-Customer-Token": old}
        ).status_code
        == 401
    )
    me = client.get(
        "/api/customers/me", headers={**BOT, "X-Customer-Token": new}
    ).json()
    assert me["name"].startswith("王")


def test_erasing_the_customer_unbinds_their_wechat(client):
    from tests.security.privacy_helpers import agent

    bind(client, "o-erase")
    token = identity(client, "o-erase")
    with client.app.state.session_factory() as session:
        customer_id = session.execute(select(WeChatBinding.customer_id)).scalar_one()
    erased = client.post(
        f"/api/agent/admin/customers/{customer_id}/erase", headers=agent(client, "lead")
    )
    assert erased.status_code == 200, erased.text
    assert identity(client, "o-erase") is None
    gone = client.get("/api/customers/me", headers={**BOT, "X-Customer-Token": token})
    assert gone.status_code == 401
