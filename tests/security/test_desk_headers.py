"""Finding 13: the desk's pages had no CSP, X-Frame-Options, nosniff or Referrer-Policy,
so the workbench could be framed (clickjacking) and an injected inline script would run."""

from datetime import datetime

import pytest

from tests.servicedesk.seeded_app import seeded_client

TOKEN = "test-token"
NOW = datetime(2026, 11, 21, 12, 0)
PAGES = ["/", "/agent", "/widget/widget.js", "/static/shop/shop.js", "/api/health"]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return seeded_client(
        tmp_path_factory.mktemp("headers"),
        TOKEN,
        NOW,
        widget_socket_url="https://chat.example.com",
    )


def directives(policy: str) -> dict:
    parts = (p.strip().split() for p in policy.split(";") if p.strip())
    return {p[0]: p[1:] for p in parts}


@pytest.mark.parametrize("path", PAGES)
def test_every_page_forbids_framing_sniffing_and_referrers(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    policy = directives(response.headers["content-security-policy"])
    assert policy["frame-ancestors"] == ["'none'"]


def test_errors_carry_the_headers_too(client):
    response = client.get("/api/agent/queue")
    assert response.status_code == 401
    assert response.headers["x-frame-options"] == "DENY"
    assert "content-security-policy" in response.headers


def test_no_inline_script_runs_and_the_socket_may_connect(client):
    policy = directives(client.get("/").headers["content-security-policy"])
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    # socket.io polls over HTTPS and upgrades to a WebSocket: both forms are allowed.
    assert "https://chat.example.com" in policy["connect-src"]
    assert "wss://chat.example.com" in policy["connect-src"]
    assert policy["object-src"] == ["'none'"]


def test_the_pages_have_no_inline_script_left():
    # An inline script would be blocked by the policy above, and the page would break.
    from servicedesk.pages import WEB

    for page in ("shop/index.html", "agent/index.html"):
        html = (WEB / page).read_text(encoding="utf-8")
        assert "<script>" not in html, page
        assert " on" + "click=" not in html, page
