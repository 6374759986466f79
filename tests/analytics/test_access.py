"""Who may use analytics: supervisors read it, agents get 403, strangers 401; only the
bot's servers store a bot rating; bad input gets a 4xx with a reason."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.security.privacy_helpers import TOKEN, agent, bot
from tests.servicedesk.seeded_app import seeded_client

NOW = datetime(2026, 3, 11, 12, 0)
ENDPOINTS = [
    ("GET", "/api/agent/analytics/dashboard"),
    ("GET", "/api/agent/analytics/export/series"),
    ("GET", "/api/agent/analytics/export/agents"),
    ("GET", "/api/agent/analytics/alerts"),
    ("POST", "/api/agent/analytics/derive"),
]


@pytest.fixture
def client(tmp_path, monkeypatch):
    monkeypatch.delenv("ANALYTICS_DATABASE_URL", raising=False)
    return seeded_client(tmp_path, TOKEN, NOW, kb_dense=False)


def test_only_supervisors_read_analytics(client):
    agent1, lead = agent(client, "agent1"), agent(client, "lead")
    for method, path in ENDPOINTS:
        assert client.request(method, path).status_code == 401, path
        refused = client.request(method, path, headers=agent1)
        assert refused.status_code == 403, path
        assert refused.json()["error"]["code"] == "FORBIDDEN"
        assert client.request(method, path, headers=lead).status_code == 200, path
    # The bot's bearer token is no supervisor either.
    assert client.get(ENDPOINTS[0][1], headers=bot()).status_code == 401


def test_bad_ranges_are_refused_with_a_reason(client):
    lead = agent(client, "lead")
    url = "/api/agent/analytics/dashboard"
    cases = [
        ({"from": "2026-03-11", "to": "2026-03-01"}, 400, "BAD_RANGE"),
        ({"from": "2024-01-01", "to": "2026-03-01"}, 400, "RANGE_TOO_LONG"),
        ({"from": "2026-01-01", "to": "2026-03-01", "bucket": "hour"}, 400,
         "RANGE_TOO_LONG"),
        ({"from": "2026-02-30"}, 400, "BAD_DATE"),
        ({"from": "yesterday"}, 422, "VALIDATION_ERROR"),
        ({"bucket": "week"}, 422, "VALIDATION_ERROR"),
        ({"channel": "<script>"}, 422, "VALIDATION_ERROR"),
    ]  # fmt: skip
    for params, status, code in cases:
        response = client.get(url, params=params, headers=lead)
        assert response.status_code == status, params
        assert response.json()["error"]["code"] == code, params
    # The default range: the last seven days of the shop's calendar, empty but valid.
    body = client.get(url, headers=lead).json()
    assert body["summary"]["sessions"] == 0
    assert body["range"]["date_to"] == "2026-03-11"
    assert body["range"]["date_from"] == "2026-03-05"


def test_only_the_bot_stores_bot_ratings(client):
    body = {"conversation_id": "bot-only-1", "rating": 4, "comment": "打13912345678"}
    assert client.post("/api/bot-ratings", json=body).status_code == 401
    agent1 = agent(client, "agent1")
    assert client.post("/api/bot-ratings", json=body, headers=agent1).status_code == 401
    for bad in ({**body, "rating": 6}, {**body, "rating": 0}, {"rating": 3}):
        assert (
            client.post("/api/bot-ratings", json=bad, headers=bot()).status_code == 422
        )
    stored = client.post("/api/bot-ratings", json=body, headers=bot())
    assert stored.status_code == 201, stored.text
    from sqlalchemy import select

    from servicedesk.analytics.models import BotRating

    with client.app.state.session_factory() as session:
        rating = session.execute(select(BotRating)).scalar_one()
    assert (rating.conversation_id, rating.rating) == ("bot-only-1", 4)
    assert "13912345678" not in rating.comment
