"""Alerts: a customer waiting past the first-response target and a high fallback rate
over the last hour raise banner alerts, are posted once to the webhook, and another part
of the desk can add its own alert to the registry."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from addons.analytics_broker import MaskedSQLEventBroker
from servicedesk.analytics.alerts import Alert, alerts
from servicedesk.service.models import Handoff
from tests.analytics import fixture_events as fx
from tests.security.desk_clock import ManualClock
from tests.security.privacy_helpers import TOKEN, agent
from tests.servicedesk.seeded_app import seeded_client

NOW = "2026-03-11 04:00:00"  # UTC


class Receiver(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802 - the http.server API
        length = int(self.headers["Content-Length"])
        Receiver.received.append(json.loads(self.rfile.read(length)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook():
    Receiver.received = []
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/alerts", Receiver.received
    server.shutdown()


@pytest.fixture
def client(tmp_path, monkeypatch, webhook):
    monkeypatch.delenv("ANALYTICS_DATABASE_URL", raising=False)
    monkeypatch.setenv("ANALYTICS_ALERT_WEBHOOK_URL", webhook[0])
    monkeypatch.setenv("ANALYTICS_FALLBACK_ALERT_MIN_TURNS", "4")
    clock = ManualClock(fx.desk_time(NOW))
    client = seeded_client(tmp_path, TOKEN, clock.now, clock=clock, kb_dense=False)
    client.clock = clock
    return client


def banner(client):
    response = client.get("/api/agent/analytics/alerts", headers=agent(client, "lead"))
    assert response.status_code == 200
    return {a["code"]: a for a in response.json()["alerts"]}


def queue(client, minutes_ago: float) -> None:
    with client.app.state.session_factory() as session, session.begin():
        session.add(
            Handoff(
                handoff_no="HOWAIT1",
                conversation_id="waiting-1",
                trigger="user_request",
                state="queued",
                summary={},
                created_at=client.clock.now - timedelta(minutes=minutes_ago),
            )
        )


def test_a_long_wait_raises_the_banner_and_the_webhook_once(client, webhook):
    _, received = webhook
    queue(client, minutes_ago=0.25)
    assert "queue_wait" not in banner(client), "15 s is within the 30 s target"
    client.clock.advance(seconds=30)
    raised = banner(client)["queue_wait"]
    assert (raised["value"], raised["threshold"]) == (45, 30.0)
    assert raised["detail"] == {"waiting": 1}
    analytics = client.app.state.analytics
    analytics.tick()
    analytics.tick()
    assert [r["code"] for r in received] == ["queue_wait"]
    assert received[0]["value"] == 45 and received[0]["at"].endswith("Z")


def test_the_fallback_rate_of_the_last_hour(client, webhook):
    _, received = webhook
    analytics = client.app.state.analytics
    broker = MaskedSQLEventBroker(analytics.settings.database_url)
    lost = {
        "lost-1": [
            fx.user("啊啊啊", "nlu_fallback", "2026-03-11 03:40:00", "rest"),
            fx.user("运费谁出", "faq", "2026-03-11 03:41:00", "rest"),
            fx.user("嗯嗯嗯", "nlu_fallback", "2026-03-11 03:42:00", "rest"),
            fx.user("哈哈哈", "nlu_fallback", "2026-03-11 03:43:00", "rest"),
        ]
    }
    fx.land(broker, lost)
    broker.flush()
    broker.engine.dispose()
    analytics.tick()
    raised = banner(client)["fallback_rate"]
    assert (raised["value"], raised["threshold"]) == (0.75, 0.25)
    assert raised["detail"] == {"user_turns": 4, "fallbacks": 3}
    assert [r["code"] for r in received] == ["fallback_rate"]
    # Two hours later that hour is over: the alert clears.
    client.clock.advance(hours=2)
    analytics.tick()
    assert "fallback_rate" not in banner(client)


def test_another_part_of_the_desk_adds_an_alert(client):
    def angry_customer_waiting(ctx):
        return Alert("angry_customer_waiting", 1, 0, {"handoff_no": "HO1"})

    alerts.register(angry_customer_waiting)
    try:
        assert banner(client)["angry_customer_waiting"]["detail"] == {
            "handoff_no": "HO1"
        }
    finally:
        alerts.unregister(angry_customer_waiting)
    assert "angry_customer_waiting" not in banner(client)
