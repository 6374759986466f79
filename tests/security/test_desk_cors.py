"""Finding 13 (CORS): the desk answers browsers of listed origins only, from
SERVICEDESK_CORS_ORIGINS, defaulting to its own; a foreign page gets no
Access-Control-Allow-Origin and so cannot read any answer."""

from datetime import datetime

import pytest

from servicedesk.config import Settings
from tests.servicedesk.seeded_app import seeded_client

NOW = datetime(2026, 11, 21, 12, 0)
SHOP = "https://shop.example.com"
EVIL = "https://evil.example.net"
WIDGET_CALL = "/api/widget/config"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return seeded_client(
        tmp_path_factory.mktemp("cors"), "test-token", NOW, cors_origins=(SHOP,)
    )


def test_a_foreign_origin_gets_no_cors_headers(client):
    response = client.get(WIDGET_CALL, headers={"Origin": EVIL})
    assert "access-control-allow-origin" not in response.headers
    preflight = client.options(
        WIDGET_CALL,
        headers={"Origin": EVIL, "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in preflight.headers


def test_the_widget_embedded_on_a_listed_shop_works(client):
    response = client.get(WIDGET_CALL, headers={"Origin": SHOP})
    assert response.headers["access-control-allow-origin"] == SHOP
    # Never with credentials: a listed site still cannot ride on cookies.
    assert "access-control-allow-credentials" not in response.headers
    preflight = client.options(
        "/api/widget/handoffs/x/cancel",
        headers={"Origin": SHOP, "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == SHOP


def test_the_list_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv(
        "SERVICEDESK_CORS_ORIGINS", f"{SHOP}/  https://m.shop.example.com"
    )
    assert Settings.from_env().cors_origins == (SHOP, "https://m.shop.example.com")


def test_by_default_only_the_desks_own_origin(monkeypatch):
    monkeypatch.delenv("SERVICEDESK_CORS_ORIGINS", raising=False)
    monkeypatch.setenv("SERVICEDESK_URL", "http://127.0.0.1:8123")
    assert Settings.from_env().cors_origins == ("http://127.0.0.1:8123",)
