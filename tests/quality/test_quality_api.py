"""Quality inspection through the desk's HTTP API, in-process on a seeded database:
live reply flags, inspection on close, the review queue, verdicts, word lists, alerts,
and who may do what."""

import json
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from servicedesk.quality.angry_waiting import AlertWatcher
from servicedesk.quality.inspection import Turn
from tests.servicedesk.seeded_app import seeded_client

NOW = datetime(2026, 11, 24, 10, 0)  # Tuesday of 2026-W48
WEEK = "2026-W48"
TOKEN = "test-api-token"
BOT = {"Authorization": f"Bearer {TOKEN}"}
ANGRY = {
    "transcript": [
        {"from": "user", "text": "我的快递一个星期了还没到"},
        {"from": "bot", "text": "抱歉，正在为您查询"},
        {"from": "user", "text": "你们这什么破服务，气死我了，我要投诉！"},
    ]
}


class Clock:
    def __init__(self):
        self.now = NOW

    def __call__(self):
        return self.now


@pytest.fixture(scope="module")
def clock():
    return Clock()


@pytest.fixture(scope="module")
def client(tmp_path_factory, clock):
    return seeded_client(tmp_path_factory.mktemp("quality"), TOKEN, NOW, clock=clock)


def login(client, username):
    response = client.post(
        "/api/agent/login", json={"username": username, "password": f"{username}-demo"}
    )
    return {"X-Agent-Token": response.json()["token"]}


@pytest.fixture(scope="module")
def agent1(client):
    return login(client, "agent1")


@pytest.fixture(scope="module")
def lead(client):
    return login(client, "lead")


def queue_handoff(client, conversation, summary):
    response = client.post(
        "/api/handoffs",
        json={
            "conversation_id": conversation,
            "trigger": "complaint",
            "summary": summary,
        },
        headers=BOT,
    )
    assert response.status_code == 201, response.text
    return response.json()["handoff_no"]


def test_angry_customer_to_review_with_live_reply_flags(client, clock, agent1, lead):
    handoff_no = queue_handoff(client, "quality-angry-1", ANGRY)
    alerts = client.get("/api/agent/quality/alerts", headers=agent1).json()["alerts"]
    assert [a["handoff_no"] for a in alerts] == [handoff_no]
    assert alerts[0]["kind"] == "angry_customer_waiting"

    path = f"/api/agent/handoffs/{handoff_no}"
    assert client.post(f"{path}/claim", headers=agent1).status_code == 200
    after = client.get("/api/agent/quality/alerts", headers=agent1).json()["alerts"]
    assert handoff_no not in [a["handoff_no"] for a in after]  # no longer waiting

    clock.now = NOW + timedelta(seconds=20)
    client.post(f"{path}/messages", json={"text": "您好，非常抱歉"}, headers=agent1)
    client.post(
        "/api/handoffs/quality-angry-1/messages",
        json={"text": "到底什么时候到？？"},
        headers=BOT,
    )
    clock.now = NOW + timedelta(seconds=80)
    sent = client.post(
        f"{path}/messages", json={"text": "我保证明天一定到"}, headers=agent1
    ).json()
    replies = client.get(
        f"/api/agent/quality/handoffs/{handoff_no}/replies", headers=lead
    ).json()["replies"]
    assert [r["flags"] for r in replies if r["message_id"] == sent["id"]] == [
        [
            {"code": "promise", "severity": "major", "role": "agent",
             "agent": "agent1", "words": ["保证"]},
            {"code": "slow_reply", "severity": "minor", "agent": "agent1",
             "seconds": 60},
        ]
    ]  # fmt: skip
    assert replies[0]["flags"] == []  # the greeting was fine

    clock.now = NOW + timedelta(seconds=90)
    client.post(f"{path}/close", json={"resolution": "solved"}, headers=agent1)
    queue = client.get(f"/api/agent/quality/reviews?week={WEEK}", headers=lead).json()
    item = next(i for i in queue["flagged"] if i["handoff_no"] == handoff_no)
    assert {f["code"] for f in item["flags"]} >= {"customer_angry", "promise"}
    assert item["score"] < 80 and item["agents"] == ["agent1"]
    assert [e["emotion"] for e in item["emotions"]][:2] == ["negative", "angry"]
    assert item["review"] is None
    assert handoff_no in [i["handoff_no"] for i in queue["sample"]["agent1"]]

    detail = client.get(
        f"/api/agent/quality/inspections/{item['id']}", headers=lead
    ).json()
    assert "我保证明天一定到" in [t["text"] for t in detail["transcript"]]

    verdict = client.post(
        f"/api/agent/quality/inspections/{item['id']}/verdict",
        json={"verdict": "violation", "note": "违规承诺，需辅导"},
        headers=lead,
    )
    assert verdict.status_code == 201
    queue = client.get(f"/api/agent/quality/reviews?week={WEEK}", headers=lead).json()
    reviewed = next(i for i in queue["flagged"] if i["id"] == item["id"])
    assert reviewed["review"]["verdict"] == "violation"
    audit = client.get("/api/agent/audit", headers=lead).json()["entries"]
    assert any(
        e["action"] == "quality_verdict" and e["detail"]["verdict"] == "violation"
        for e in audit
    )
    clock.now = NOW


def test_inspect_and_store_is_idempotent(client):
    inspector = client.app.state.quality
    turns = [
        Turn("user", "你好", NOW),
        Turn("bot", "您好，请问有什么可以帮您？", NOW),
    ]
    first = inspector.inspect_and_store("session:quality-1", turns, "quality-1")
    again = inspector.inspect_and_store("session:quality-1", turns, "quality-1")
    assert first == again
    assert first["score"] == 100 and not first["flagged"]


def test_supervisors_edit_the_word_lists(client, agent1, lead):
    listed = client.get("/api/agent/quality/words", headers=agent1).json()
    assert {c["key"] for c in listed["categories"]} >= {
        "abuse", "promise", "competitor", "contact",
    }  # fmt: skip
    assert "保证" in [
        w["phrase"] for w in listed["words"] if w["category"] == "promise"
    ]

    added = client.post(
        "/api/agent/quality/words",
        json={"category": "competitor", "phrase": "小红书"},
        headers=lead,
    )
    assert added.status_code == 201
    word = added.json()
    inspector = client.app.state.quality
    said = [Turn("agent", "您好，小红书上更便宜，祝您愉快", NOW, "agent1")]
    flags = inspector.inspect_and_store("session:quality-2", said)["flags"]
    assert [(f["code"], f.get("words")) for f in flags] == [("competitor", ["小红书"])]

    off = client.post(
        f"/api/agent/quality/words/{word['id']}", json={"enabled": False}, headers=lead
    )
    assert off.json()["enabled"] is False
    assert inspector.inspect_and_store("session:quality-2", said)["flags"] == []

    assert (
        client.delete(
            f"/api/agent/quality/words/{word['id']}", headers=lead
        ).status_code
        == 200
    )
    audit = client.get("/api/agent/audit", headers=lead).json()["entries"]
    assert {"quality_word_add", "quality_word_change", "quality_word_delete"} <= {
        e["action"] for e in audit
    }


@pytest.mark.parametrize(
    "body",
    [
        {"category": "nope", "phrase": "x"},
        {"category": "promise", "phrase": "   "},
        {"category": "promise", "phrase": "字" * 51},
        {"category": "promise"},
    ],
)
def test_bad_words_are_refused_with_422(client, lead, body):
    response = client.post("/api/agent/quality/words", json=body, headers=lead)
    assert response.status_code == 422
    assert response.json()["error"]["code"]


def test_a_listed_word_twice_is_a_409(client, lead):
    response = client.post(
        "/api/agent/quality/words",
        json={"category": "promise", "phrase": "保证"},
        headers=lead,
    )
    assert response.status_code == 409


def test_bad_input_is_a_4xx(client, lead):
    assert (
        client.get("/api/agent/quality/reviews?week=2026-48", headers=lead).status_code
        == 422
    )
    assert (
        client.get("/api/agent/quality/reviews?week=2026-W60", headers=lead).status_code
        == 422
    )
    assert (
        client.get("/api/agent/quality/inspections/999999", headers=lead).status_code
        == 404
    )
    assert (
        client.get("/api/agent/quality/inspections/0", headers=lead).status_code == 422
    )
    bad = client.post(
        "/api/agent/quality/inspections/1/verdict",
        json={"verdict": "great"},
        headers=lead,
    )
    assert bad.status_code == 422


def test_ordinary_agents_get_403_and_strangers_401(client, agent1):
    supervisor_only = [
        ("GET", "/api/agent/quality/reviews", None),
        ("GET", "/api/agent/quality/inspections/1", None),
        ("POST", "/api/agent/quality/inspections/1/verdict", {"verdict": "pass"}),
        ("GET", "/api/agent/quality/handoffs/HO1/replies", None),
        ("POST", "/api/agent/quality/words", {"category": "promise", "phrase": "包邮"}),
        ("POST", "/api/agent/quality/words/1", {"enabled": False}),
        ("DELETE", "/api/agent/quality/words/1", None),
    ]
    for method, path, body in supervisor_only:
        response = client.request(method, path, json=body, headers=agent1)
        assert response.status_code == 403, (method, path)
    for method, path, body in supervisor_only + [
        ("GET", "/api/agent/quality/words", None),
        ("GET", "/api/agent/quality/alerts", None),
    ]:
        for headers in ({}, BOT):
            response = client.request(method, path, json=body, headers=headers)
            assert response.status_code == 401, (method, path)


class Hook(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802 - the http.server API
        length = int(self.headers["Content-Length"])
        Hook.received.append(json.loads(self.rfile.read(length)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_the_webhook_hears_of_an_angry_customer_once(client):
    handoff_no = queue_handoff(client, "quality-angry-webhook", ANGRY)
    server = HTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/alert"
        factory = client.app.state.session_factory
        watcher = AlertWatcher(factory, lambda: NOW, url, interval_s=0)
        assert watcher.tick() == [handoff_no]
        assert watcher.tick() == []  # once per handoff
    finally:
        server.shutdown()
    assert [(b["kind"], b["handoff_no"]) for b in Hook.received] == [
        ("angry_customer_waiting", handoff_no)
    ]
    client.post("/api/handoffs/quality-angry-webhook/cancel", headers=BOT)


def test_closed_handoffs_missed_while_down_are_caught_up(client, agent1):
    from servicedesk.quality.models import QualityInspection

    handoff_no = queue_handoff(client, "quality-catch-up", {"transcript": []})
    path = f"/api/agent/handoffs/{handoff_no}"
    client.post(f"{path}/claim", headers=agent1)
    client.post(
        f"{path}/messages", json={"text": "您好，已处理，祝您愉快"}, headers=agent1
    )
    client.post(f"{path}/close", json={"resolution": "solved"}, headers=agent1)
    inspector = client.app.state.quality
    with inspector.session_factory() as session:
        row = session.query(QualityInspection).filter_by(handoff_no=handoff_no).one()
        session.delete(row)  # as if the desk had stopped before inspecting it
        session.commit()
    assert inspector.catch_up() == 1
    assert inspector.catch_up() == 0
    with inspector.session_factory() as session:
        row = session.query(QualityInspection).filter_by(handoff_no=handoff_no).one()
        assert (row.score, row.flags) == (100, [])
