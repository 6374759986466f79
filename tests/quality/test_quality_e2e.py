"""Quality inspection end to end, with the real Rasa server, action server and desk:
an angry customer is handed over (and announced while waiting), the agent promises
what a shop must not, and both show up for the supervisor."""

from __future__ import annotations

from datetime import datetime

import requests

from servicedesk.quality.sampling import week_of
from tests.servicedesk_process import API_TOKEN

BOT = {"Authorization": f"Bearer {API_TOKEN}"}
SENDER = "quality-e2e-angry"


def get(stack, path, headers):
    response = requests.get(f"{stack.desk.url}{path}", headers=headers, timeout=10)
    response.raise_for_status()
    return response.json()


def post(stack, path, headers, body=None):
    response = requests.post(
        f"{stack.desk.url}{path}", json=body or {}, headers=headers, timeout=30
    )
    response.raise_for_status()
    return response.json()


def supervisor(stack):
    login = post(
        stack, "/api/agent/login", {}, {"username": "lead", "password": "lead-demo"}
    )
    headers = {"X-Agent-Token": login["token"]}
    # Logging in makes an agent available; the other tests count on nobody being so.
    post(stack, "/api/agent/status", headers, {"status": "offline"})
    return headers


def test_angry_customer_and_forbidden_promise_are_flagged(stack, online_agent):
    stack.say(SENDER, "我的快递一个星期了还没到")
    stack.say(SENDER, "你们这是什么破服务，气死我了，我要投诉！")
    stack.say(SENDER, "转人工")
    queue = get(stack, "/api/agent/queue", online_agent)["queued"]
    handoff = next(h for h in queue if h["conversation_id"] == SENDER)
    handoff_no = handoff["handoff_no"]

    alerts = get(stack, "/api/agent/quality/alerts", online_agent)["alerts"]
    assert handoff_no in [a["handoff_no"] for a in alerts]

    path = f"/api/agent/handoffs/{handoff_no}"
    post(stack, f"{path}/claim", online_agent)
    post(stack, f"{path}/messages", online_agent, {"text": "我保证明天一定到"})
    post(stack, f"{path}/close", online_agent, {"resolution": "solved"})

    lead = supervisor(stack)
    replies = get(stack, f"/api/agent/quality/handoffs/{handoff_no}/replies", lead)
    promise = [
        f for r in replies["replies"] for f in r["flags"] if f["code"] == "promise"
    ]
    assert promise and promise[0]["words"] == ["保证"]

    week = week_of(datetime.fromisoformat(handoff["created_at"]))
    flagged = get(stack, f"/api/agent/quality/reviews?week={week}", lead)["flagged"]
    item = next(i for i in flagged if i["handoff_no"] == handoff_no)
    codes = {f["code"] for f in item["flags"]}
    assert {"customer_angry", "promise"} <= codes
    assert "angry" in [e["emotion"] for e in item["emotions"]]
    assert item["agents"] == ["agent1"]

    detail = get(stack, f"/api/agent/quality/inspections/{item['id']}", lead)
    said = [t["text"] for t in detail["transcript"]]
    assert "你们这是什么破服务，气死我了，我要投诉！" in said
    assert "我保证明天一定到" in said

    # An ordinary agent sees neither the queue nor the flags.
    for forbidden in (
        f"/api/agent/quality/reviews?week={week}",
        f"/api/agent/quality/handoffs/{handoff_no}/replies",
    ):
        response = requests.get(
            f"{stack.desk.url}{forbidden}", headers=online_agent, timeout=10
        )
        assert response.status_code == 403
