"""Finding 3 of issue 17: an order only typed, never proven, must not reach the agent."""

from __future__ import annotations

import requests

from tests.servicedesk_process import API_TOKEN

BOT = {"Authorization": f"Bearer {API_TOKEN}"}
SENDER = "anon-typed-order"


def someone_elses_order(stack):
    customers = requests.get(f"{stack.desk.url}/api/demo/customers", timeout=10)
    lina = next(c for c in customers.json()["customers"] if c["token"] == "demo-lina")
    return lina["orders"][0]["order_no"]


def desk_get(stack, path, headers):
    response = requests.get(f"{stack.desk.url}{path}", headers=headers, timeout=10)
    response.raise_for_status()
    return response.json()


def test_a_typed_order_stays_out_of_the_agents_context(stack, online_agent):
    order_no = someone_elses_order(stack)
    stack.say(SENDER, f'/inform{{"order_no":"{order_no}"}}')
    stack.say(SENDER, "转人工")
    try:
        handoff = desk_get(stack, f"/api/handoffs/{SENDER}", BOT)
        detail = desk_get(
            stack, f"/api/agent/handoffs/{handoff['handoff_no']}", online_agent
        )
        assert "order_no" not in detail["summary"]["slots"]
        assert detail["context"]["orders"] == []
        assert detail["context"]["after_sales"] == []
    finally:
        requests.post(
            f"{stack.desk.url}/api/handoffs/{SENDER}/cancel", headers=BOT, timeout=10
        )
