"""The demo works on any day: desks seeded on two different dates (the real one and
400 days on) hold the same order numbers, the README's, and an anonymous user proves
the phone through the order form on both."""

import re

import pytest
import requests
from rasa_sdk.executor import CollectingDispatcher

from actions import backend
from actions.servicedesk_client import ServiceDeskClient
from actions.tasks.lookup import ActionQueryOrder
from tests.form_conversation import Conversation
from tests.servicedesk_process import API_TOKEN, ServiceDeskProcess


@pytest.fixture(scope="module", params=[0, 400], ids=["today", "400-days-on"])
def dated_desk(request, tmp_path_factory):
    process = ServiceDeskProcess(
        tmp_path_factory.mktemp("dated"),
        {"SERVICEDESK_CLOCK_OFFSET_DAYS": str(request.param)},
    )
    process.start()
    yield process
    process.stop()


@pytest.fixture
def lina_to_ship(dated_desk, monkeypatch):
    monkeypatch.setattr(backend, "client", ServiceDeskClient(dated_desk.url, API_TOKEN))
    customers = requests.get(f"{dated_desk.url}/api/demo/customers", timeout=10)
    lina = next(c for c in customers.json()["customers"] if c["token"] == "demo-lina")
    return next(o["order_no"] for o in lina["orders"] if o["status"] == "to_ship")


def test_the_readme_example_order_exists_on_any_date(lina_to_ship, project_root):
    readme = (project_root / "README.md").read_text(encoding="utf-8")
    assert re.findall(r'"message":"查订单(\d+)"', readme) == [lina_to_ship]


def test_anonymous_verification_on_any_date(lina_to_ship, domain):
    talk = Conversation(domain, "query_order")
    talk.start(
        f"查订单{lina_to_ship}",
        entities=[{"entity": "order_no", "value": lina_to_ship}],
        order_no=lina_to_ship,
    )
    assert talk.asking == "phone_last4"
    assert "order_status" not in talk.slots
    talk.say("1234")
    assert talk.slots["form_hint"] == "not_verified"
    talk.say("5678")
    assert talk.asking is None
    assert talk.slots["verified_order"] == lina_to_ship
    assert talk.slots["order_status"] == "to_ship"
    events = ActionQueryOrder().run(
        CollectingDispatcher(), talk.tracker("", {}), talk.domain
    )
    assert {e["name"]: e["value"] for e in events}["lookup_result"] == "found"
