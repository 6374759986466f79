"""The demo shop stays current: numbers never change, dates move with the calendar."""

from datetime import datetime, timedelta

from fastapi.testclient import TestClient

from servicedesk.app import create_app
from servicedesk.config import Settings
from servicedesk.db import make_engine, make_session_factory
from servicedesk.shop.seed import seed
from tests.stack import free_port

SEEDED = datetime(2026, 11, 20, 9, 0)
TOKEN = "test-api-token"
VIP = {"Authorization": f"Bearer {TOKEN}", "X-Customer-Token": "demo-vip-zhangwei"}


def seeded_database(directory, now=SEEDED) -> str:
    url = f"sqlite:///{directory / 'servicedesk.db'}"
    with make_session_factory(make_engine(url))() as session, session.begin():
        assert seed(session, now=now)
    return url


def started(url, now, demo=True) -> TestClient:
    settings = Settings(
        database_url=url,
        api_token=TOKEN,
        demo=demo,
        rasa_url=f"http://127.0.0.1:{free_port()}",
    )
    return TestClient(create_app(settings, clock=lambda: now))


def vip_orders(client):
    customers = client.get("/api/demo/customers").json()["customers"]
    vip = next(c for c in customers if c["token"] == "demo-vip-zhangwei")
    return [(o["order_no"], o["status"]) for o in vip["orders"]]


def parcels(client, orders):
    return [
        client.get(f"/api/orders/{number}/logistics", headers=VIP).json()
        for number, status in orders
        if status == "shipped"
    ]


def return_allowed(client, orders) -> bool:
    recent = [number for number, status in orders if status == "signed"][0]
    answer = client.post(
        f"/api/orders/{recent}/after-sales?dry_run=true",
        json={"kind": "return", "reason": "不想要了"},
        headers=VIP,
    )
    return answer.status_code < 300


def test_order_numbers_do_not_depend_on_the_seeding_date(tmp_path):
    first = started(seeded_database(tmp_path / "a"), SEEDED)
    later = SEEDED + timedelta(days=400, hours=7)
    second = started(seeded_database(tmp_path / "b", later), later)
    assert vip_orders(first) == vip_orders(second)
    assert all(len(number) == 13 for number, _ in vip_orders(first))


def test_a_demo_shop_started_days_later_looks_as_it_did_when_seeded(tmp_path):
    url = seeded_database(tmp_path)
    fresh = started(url, SEEDED)
    orders = vip_orders(fresh)
    before = parcels(fresh, orders)
    assert sorted(p["stalled"] for p in before) == [False, True]
    assert return_allowed(fresh, orders)

    month_later = SEEDED + timedelta(days=30)
    again = started(url, month_later)
    assert vip_orders(again) == orders
    after = parcels(again, orders)
    # The same parcel stories, a month on: one moving, one stuck for three days.
    assert [p["stalled"] for p in after] == [p["stalled"] for p in before]
    assert [p["hours_since_last_event"] for p in after] == [
        p["hours_since_last_event"] for p in before
    ]
    assert [p["events"][0]["time"] for p in after] != [
        p["events"][0]["time"] for p in before
    ]
    assert return_allowed(again, orders)
    # Started again within the hour: nothing moves twice.
    restarted = parcels(started(url, month_later + timedelta(minutes=50)), orders)
    assert [p["events"] for p in restarted] == [p["events"] for p in after]


def test_a_shop_that_is_not_a_demo_keeps_its_dates(tmp_path):
    url = seeded_database(tmp_path)
    orders = vip_orders(started(url, SEEDED))
    before = parcels(started(url, SEEDED), orders)
    later = started(url, SEEDED + timedelta(days=30), demo=False)
    after = parcels(later, orders)
    assert [p["events"] for p in after] == [p["events"] for p in before]
    assert all(p["stalled"] for p in after)
