"""Finding 11 (desk part): huge integer ids and malformed imports gave a 500.

They are the caller's mistakes: a 4xx with a clear code and message, never a 500.
"""

from datetime import datetime

import pytest
from fastapi.testclient import TestClient

from tests.servicedesk.seeded_app import seeded_client

NOW = datetime(2026, 11, 21, 12, 0)
TOKEN = "test-api-token"
HUGE = 99999999999999999999999


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    seeded = seeded_client(tmp_path_factory.mktemp("bad"), TOKEN, NOW)
    # Answers as a browser would see them, 500s included, rather than raised.
    return TestClient(seeded.app, raise_server_exceptions=False)


@pytest.fixture(scope="module")
def lead(client):
    login = {"username": "lead", "password": "lead-demo"}
    return {
        "X-Agent-Token": client.post("/api/agent/login", json=login).json()["token"]
    }


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("get", f"/api/agent/kb/entries/{HUGE}", None),
        ("put", f"/api/agent/kb/entries/{HUGE}", {"question": "q", "answer": "a"}),
        ("post", f"/api/agent/kb/misses/{HUGE}/resolve", {"entry_id": HUGE}),
        ("get", f"/api/agent/tickets/{HUGE}", None),
        ("get", f"/api/agent/handoffs/{HUGE}?after={HUGE}", None),
    ],
)
def test_huge_ids_are_refused_not_crashed(client, lead, method, path, body):
    response = client.request(method, path, json=body, headers=lead)
    assert 400 <= response.status_code < 500
    assert response.json()["error"]["code"]


@pytest.mark.parametrize(
    "format, text",
    [
        ("yaml", "entries: [a, {"),
        ("yaml", "entries: [just, words]"),
        ("yaml", "\tentries:\n- : :"),
        ("csv", 'question,answer\n"a\x00b,c'),
    ],
)
def test_malformed_imports_are_refused_with_a_reason(client, lead, format, text):
    response = client.post(
        f"/api/agent/kb/import?format={format}",
        content=text.encode(),
        headers={**lead, "Content-Type": "text/plain"},
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "KB_BAD_FILE"
    assert "文件格式不正确" in response.json()["error"]["message"]
