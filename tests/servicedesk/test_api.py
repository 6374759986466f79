"""The service desk API on a temporary, seeded SQLite database."""

from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from servicedesk.app import create_app
from servicedesk.config import Settings
from servicedesk.db import make_engine, make_session_factory
from servicedesk.shop.models import Customer, Order
from servicedesk.shop.seed import seed

NOW = datetime(2026, 11, 21, 12, 0)
TOKEN = "test-api-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('sd') / 'servicedesk.db'}"
    factory = make_session_factory(make_engine(url))
    with factory() as session, session.begin():
        assert seed(session, now=NOW)
    return url, factory


@pytest.fixture(scope="module")
def client(database):
    url, _ = database
    app = create_app(
        Settings(database_url=url, api_token=TOKEN, demo=True), clock=lambda: NOW
    )
    return TestClient(app)


@pytest.fixture(scope="module")
def demo(client):
    customers = client.get("/api/demo/customers").json()["customers"]
    return {c["token"]: c for c in customers}


def as_customer(token):
    return {**AUTH, "X-Customer-Token": token}


def order_of(demo, token, status, index=0):
    return [o["order_no"] for o in demo[token]["orders"] if o["status"] == status][
        index
    ]


def test_seed_is_deterministic_and_complete(database, tmp_path):
    _, factory = database
    with factory() as session:
        orders = session.execute(select(Order)).scalars().all()
        assert len(orders) >= 1000
        assert {o.status for o in orders} == {
            "pending_payment", "to_ship", "shipped", "signed", "cancelled"
        }  # fmt: skip
        assert len(session.execute(select(Customer)).scalars().all()) >= 200
        first = sorted(o.order_no for o in orders)[:5]
    other = make_session_factory(make_engine(f"sqlite:///{tmp_path / 'again.db'}"))
    with other() as session, session.begin():
        seed(session, now=NOW)
    with other() as session:
        again = sorted(o.order_no for o in session.execute(select(Order)).scalars())[:5]
    assert again == first
    with other() as session, session.begin():
        assert seed(session, now=NOW) is False  # a seeded database is left alone


def test_demo_customers_cover_every_status_and_a_vip(demo):
    statuses = {o["status"] for c in demo.values() for o in c["orders"]}
    assert statuses == {"pending_payment", "to_ship", "shipped", "signed", "cancelled"}
    assert any(c["level"] == "vip" for c in demo.values())
    assert all("****" in c["phone"] for c in demo.values())


def test_openapi_spec_is_served(client):
    spec = client.get("/openapi.json").json()
    assert "/api/orders/{order_no}" in spec["paths"]


def test_bearer_token_is_required(client, demo):
    order_no = order_of(demo, "demo-vip-zhangwei", "to_ship")
    assert client.get(f"/api/orders/{order_no}").status_code == 401
    bad = {"Authorization": "Bearer wrong", "X-Customer-Token": "demo-vip-zhangwei"}
    response = client.get(f"/api/orders/{order_no}", headers=bad)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "UNAUTHORIZED"


def test_customers_see_only_their_own_orders(client, demo):
    mine = order_of(demo, "demo-vip-zhangwei", "to_ship")
    response = client.get(
        f"/api/orders/{mine}", headers=as_customer("demo-vip-zhangwei")
    )
    assert response.status_code == 200
    detail = response.json()
    assert detail["status_label"] == "待发货" and detail["items"]
    assert "****" in detail["shipping"]["phone"]
    assert "*" in detail["shipping"]["consignee"]
    theirs = client.get(f"/api/orders/{mine}", headers=as_customer("demo-lina"))
    assert theirs.status_code == 404
    assert theirs.json()["error"]["code"] == "ORDER_NOT_FOUND"


def test_anonymous_access_needs_the_phone_last4(client, demo):
    order_no = order_of(demo, "demo-vip-zhangwei", "shipped")
    assert client.get(f"/api/orders/{order_no}", headers=AUTH).status_code == 403
    wrong = client.post(
        f"/api/orders/{order_no}/verify", json={"phone_last4": "0000"}, headers=AUTH
    )
    assert wrong.json()["error"]["code"] == "VERIFICATION_FAILED"
    ok = client.post(
        f"/api/orders/{order_no}/verify", json={"phone_last4": "8000"}, headers=AUTH
    )
    assert ok.json()["verified"] is True
    response = client.get(
        f"/api/orders/{order_no}", headers={**AUTH, "X-Order-Phone-Last4": "8000"}
    )
    assert response.status_code == 200


def test_recent_orders(client):
    response = client.get(
        "/api/customers/me/orders?limit=3", headers=as_customer("demo-vip-zhangwei")
    )
    orders = response.json()["orders"]
    assert len(orders) == 3
    assert orders[0]["created_at"] >= orders[1]["created_at"]


def item_names(client, token, order_no):
    detail = client.get(f"/api/orders/{order_no}", headers=as_customer(token)).json()
    return [item["name"] for item in detail["items"]]


def test_orders_naming_a_product_come_first(client):
    token = "demo-vip-zhangwei"
    response = client.get(
        "/api/customers/me/orders",
        params={"product": "充电宝", "limit": 3},
        headers=as_customer(token),
    )
    found = response.json()
    assert found["matched"] == 1
    assert any(
        "充电宝" in n for n in item_names(client, token, found["orders"][0]["order_no"])
    )
    assert len(found["orders"]) == 3

    luggage = client.get(
        "/api/customers/me/orders",
        params={"product": "行李箱"},
        headers=as_customer(token),
    ).json()
    assert luggage["matched"] == 2
    for order in luggage["orders"][:2]:
        assert any("行李箱" in n for n in item_names(client, token, order["order_no"]))


def test_a_product_nobody_bought_changes_nothing(client):
    headers = as_customer("demo-lina")
    plain = client.get("/api/customers/me/orders", headers=headers).json()
    named = client.get(
        "/api/customers/me/orders", params={"product": "帮我看看"}, headers=headers
    ).json()
    assert named["matched"] == 0
    assert named["orders"] == plain["orders"]


def test_only_ones_own_orders_are_matched(client):
    # 李娜 bought no power bank; the VIP's power bank is not hers to see.
    found = client.get(
        "/api/customers/me/orders",
        params={"product": "充电宝"},
        headers=as_customer("demo-lina"),
    ).json()
    assert found["matched"] == 0
    assert client.get(
        "/api/customers/me/orders", params={"product": "充电宝"}
    ).status_code in (401, 403, 422)


def test_logistics_and_stalled_parcel(client, demo):
    headers = as_customer("demo-vip-zhangwei")
    shipped = [
        o["order_no"]
        for o in demo["demo-vip-zhangwei"]["orders"]
        if o["status"] == "shipped"
    ]
    views = [
        client.get(f"/api/orders/{n}/logistics", headers=headers).json()
        for n in shipped
    ]
    assert all(v["shipped"] and v["events"] and v["tracking_no"] for v in views)
    assert sorted(v["stalled"] for v in views) == [False, True]
    pending = order_of(demo, "demo-vip-zhangwei", "to_ship")
    assert (
        client.get(f"/api/orders/{pending}/logistics", headers=headers).json()[
            "shipped"
        ]
        is False
    )


def test_cancel_rules_over_http(client, demo):
    headers = as_customer("demo-vip-zhangwei")
    shipped = order_of(demo, "demo-vip-zhangwei", "shipped")
    refused = client.post(f"/api/orders/{shipped}/cancel", headers=headers)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "ORDER_ALREADY_SHIPPED"
    unpaid = order_of(demo, "demo-vip-zhangwei", "pending_payment")
    asked = client.post(f"/api/orders/{unpaid}/cancel?dry_run=true", headers=headers)
    assert (
        asked.json()["cancellable"] is True
        and asked.json()["status"] == "pending_payment"
    )
    still = client.get(f"/api/orders/{unpaid}", headers=headers).json()
    assert still["status"] == "pending_payment"
    dry_refusal = client.post(
        f"/api/orders/{shipped}/cancel?dry_run=true", headers=headers
    )
    assert dry_refusal.json()["error"]["code"] == "ORDER_ALREADY_SHIPPED"
    done = client.post(f"/api/orders/{unpaid}/cancel", headers=headers)
    assert done.status_code == 200 and done.json()["status"] == "cancelled"
    again = client.post(f"/api/orders/{unpaid}/cancel", headers=headers)
    assert again.json()["error"]["code"] == "ORDER_ALREADY_CANCELLED"


def test_shipping_change_validates_the_phone(client, demo):
    headers = as_customer("demo-new-wangfang")
    order_no = order_of(demo, "demo-new-wangfang", "to_ship")
    bad = client.patch(
        f"/api/orders/{order_no}/shipping", json={"phone": "12345"}, headers=headers
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "INVALID_PHONE"
    ok = client.patch(
        f"/api/orders/{order_no}/shipping",
        json={"phone": "139-1234-0001", "address_detail": "世纪大道1号"},
        headers=headers,
    )
    assert ok.status_code == 200
    assert ok.json()["shipping"]["phone"] == "139****0001"


def test_return_request_and_no_second_refund(client, demo):
    headers = as_customer("demo-vip-zhangwei")
    recent = order_of(demo, "demo-vip-zhangwei", "signed", 0)
    created = client.post(
        f"/api/orders/{recent}/after-sales",
        json={"kind": "return", "reason": "尺码不合适"},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    request_no = created.json()["request_no"]
    assert request_no.startswith("AS") and created.json()["state"] == "submitted"
    shown = client.get(f"/api/after-sales/{request_no}", headers=headers).json()
    assert shown["timeline"][0]["state"] == "submitted"
    second = client.post(
        f"/api/orders/{recent}/after-sales",
        json={"kind": "refund", "reason": "质量问题"},
        headers=headers,
    )
    assert second.json()["error"]["code"] == "DUPLICATE_REFUND"


def test_expired_return_window(client, demo):
    headers = as_customer("demo-vip-zhangwei")
    old = order_of(demo, "demo-vip-zhangwei", "signed", 2)
    refused = client.post(
        f"/api/orders/{old}/after-sales",
        json={"kind": "return", "reason": "不想要了"},
        headers=headers,
    )
    assert refused.json()["error"]["code"] == "RETURN_WINDOW_EXPIRED"


def test_invoice_request_and_download(client, demo):
    headers = as_customer("demo-vip-zhangwei")
    issued_order = order_of(demo, "demo-vip-zhangwei", "signed", 0)
    existing = client.post(
        f"/api/orders/{issued_order}/invoices",
        json={"kind": "normal", "title": "个人", "email": "me@example.com"},
        headers=headers,
    )
    assert existing.status_code == 200 and existing.json()["existing"] is True
    url = existing.json()["download_url"]
    assert client.get(url).status_code == 200
    assert client.get(url.replace("sig=", "sig=0")).status_code == 403
    other = order_of(demo, "demo-vip-zhangwei", "signed", 1)
    bad = client.post(
        f"/api/orders/{other}/invoices",
        json={
            "kind": "vat_special",
            "title": "某公司",
            "tax_id": "123",
            "email": "a@b.cn",
        },
        headers=headers,
    )
    assert bad.json()["error"]["code"] == "INVALID_TAX_ID"
    good = client.post(
        f"/api/orders/{other}/invoices",
        json={
            "kind": "vat_special",
            "title": "某公司",
            "tax_id": "91350100M000100Y43",
            "email": "a@b.cn",
        },
        headers=headers,
    )
    assert good.status_code == 201 and good.json()["state"] == "requested"


def test_products_and_validation_errors(client):
    found = client.get("/api/products?q=羽绒服", headers=AUTH).json()["products"]
    assert found and all("羽绒服" in p["name"] for p in found)
    assert {"stock", "in_stock", "specs", "price"} <= set(found[0])
    invalid = client.get("/api/products?limit=999", headers=AUTH)
    assert invalid.status_code == 422
    assert invalid.json()["error"]["code"] == "VALIDATION_ERROR"


def test_ticket(client):
    created = client.post(
        "/api/tickets",
        json={
            "subject": "物流太慢",
            "description": "三天没更新",
            "contact": "138****8000",
        },
        headers=as_customer("demo-vip-zhangwei"),
    )
    assert created.status_code == 201 and created.json()["ticket_no"].startswith("TK")


def agent_login(client, username="agent1", password="agent1-demo"):
    response = client.post(
        "/api/agent/login", json={"username": username, "password": password}
    )
    assert response.status_code == 200, response.text
    return {"X-Agent-Token": response.json()["token"]}


def test_handoff_round_trip_over_http(client):
    vip = {**AUTH, "X-Customer-Token": "demo-vip-zhangwei"}
    nobody = client.post(
        "/api/handoffs",
        json={"conversation_id": "http-0", "trigger": "user_request"},
        headers=vip,
    )
    assert nobody.status_code == 200
    assert nobody.json() == {"state": "unavailable", "reason": "no_agent_online"}
    agent = agent_login(client)
    queued = client.post(
        "/api/handoffs",
        json={"conversation_id": "http-1", "trigger": "user_request",
              "summary": {"intents": ["query_order"], "slots": {"order_no": "1"}}},
        headers=vip,
    )  # fmt: skip
    assert queued.status_code == 201
    body = queued.json()
    assert body["state"] == "queued" and body["position"] >= 1
    assert body["customer"]["phone"] == "138****8000"  # masked

    queue = client.get("/api/agent/queue", headers=agent).json()["queued"]
    number = next(h["handoff_no"] for h in queue if h["conversation_id"] == "http-1")
    claimed = client.post(f"/api/agent/handoffs/{number}/claim", headers=agent)
    assert claimed.status_code == 200, claimed.text
    client.post("/api/handoffs/http-1/messages", json={"text": "在吗"}, headers=AUTH)
    client.post(
        f"/api/agent/handoffs/{number}/messages", json={"text": "您好"}, headers=agent
    )
    client.post(
        f"/api/agent/handoffs/{number}/messages",
        json={"text": "老客户", "note": True},
        headers=agent,
    )
    seen_by_user = client.get("/api/handoffs/http-1", headers=AUTH).json()
    texts = [m["text"] for m in seen_by_user["messages"]]
    assert "在吗" in texts and "您好" in texts and "老客户" not in texts
    assert seen_by_user["agent"] == "客服小王"
    detail = client.get(f"/api/agent/handoffs/{number}", headers=agent).json()
    assert detail["summary"]["slots"]["order_no"] == "1"
    assert "老客户" in [m["text"] for m in detail["messages"]]
    closed = client.post(
        f"/api/agent/handoffs/{number}/close", json={"resolution": "solved"},
        headers=agent,
    )  # fmt: skip
    assert closed.json()["state"] == "closed"
    rated = client.post(
        "/api/handoffs/http-1/rating", json={"rating": 5, "comment": "好"}, headers=AUTH
    )
    assert rated.json() == {"rating": 5}


def test_agent_routes_need_an_agent_login(client):
    assert client.get("/api/agent/queue").status_code == 401
    customer = {**AUTH, "X-Customer-Token": "demo-vip-zhangwei"}
    assert client.get("/api/agent/queue", headers=customer).status_code == 401
    forged = {"X-Agent-Token": "demo-vip-zhangwei"}
    assert client.get("/api/agent/queue", headers=forged).status_code == 401
    wrong = client.post(
        "/api/agent/login", json={"username": "agent1", "password": "nope"}
    )
    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == "LOGIN_FAILED"
    # The bot's routes still need the service token.
    assert client.post("/api/handoffs", json={}).status_code == 401


def test_the_desk_decides_what_a_refund_wish_comes_to(client, demo):
    headers = as_customer("demo-vip-zhangwei")

    def dry_run(order_no):
        return client.post(
            f"/api/orders/{order_no}/after-sales?dry_run=true",
            json={"kind": "refund_or_return", "reason": "质量问题"},
            headers=headers,
        ).json()

    assert dry_run(order_of(demo, "demo-vip-zhangwei", "to_ship"))["kind"] == "refund"
    received = order_of(demo, "demo-vip-zhangwei", "signed", 1)
    assert dry_run(received)["kind"] == "return"
    in_transit = order_of(demo, "demo-vip-zhangwei", "shipped")
    assert dry_run(in_transit)["error"]["code"] == "ORDER_IN_TRANSIT"


def test_an_invoice_dry_run_answers_before_any_field_is_known(client, demo):
    headers = as_customer("demo-vip-zhangwei")

    def dry_run(status, index=0, **fields):
        order_no = order_of(demo, "demo-vip-zhangwei", status, index)
        return client.post(
            f"/api/orders/{order_no}/invoices?dry_run=true",
            json=fields,
            headers=headers,
        )

    issued = dry_run("signed").json()
    assert issued["existing"] is True and issued["download_url"]
    refused = dry_run("pending_payment")
    assert refused.json()["error"]["code"] == "ORDER_NOT_INVOICEABLE"
    assert dry_run("signed", 1).json() == {
        "order_no": order_of(demo, "demo-vip-zhangwei", "signed", 1),
        "allowed": True,
    }
    bad_email = dry_run("signed", 1, email="not-an-email")
    assert bad_email.status_code == 422
    assert bad_email.json()["error"]["code"] == "INVALID_EMAIL"
    order_no = order_of(demo, "demo-vip-zhangwei", "signed", 1)
    incomplete = client.post(
        f"/api/orders/{order_no}/invoices", json={"kind": "normal"}, headers=headers
    )
    assert incomplete.status_code == 422


def test_a_shipping_dry_run_without_changes_asks_only_whether_it_may_change(
    client, demo
):
    headers = as_customer("demo-vip-zhangwei")

    def dry_run(status):
        order_no = order_of(demo, "demo-vip-zhangwei", status)
        return client.patch(
            f"/api/orders/{order_no}/shipping?dry_run=true", json={}, headers=headers
        ).json()

    assert dry_run("to_ship")["modifiable"] is True
    assert dry_run("shipped")["error"]["code"] == "ORDER_ALREADY_SHIPPED"
    assert dry_run("cancelled")["error"]["code"] == "ORDER_ALREADY_CANCELLED"
