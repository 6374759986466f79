"""The event broker's copy is masked like the tracker store's, and its database is the
one ANALYTICS_DATABASE_URL names."""

from __future__ import annotations

import json

from rasa.shared.core.events import SlotSet, UserUttered
from sqlalchemy import create_engine, text

from addons.analytics_broker import MaskedSQLEventBroker


def rows(url):
    engine = create_engine(url)
    with engine.connect() as conn:
        found = [
            json.loads(r[0]) for r in conn.execute(text("SELECT data FROM events"))
        ]
    engine.dispose()
    return found


def test_what_the_broker_stores_is_masked(tmp_path):
    url = f"sqlite:///{tmp_path / 'nested' / 'analytics.db'}"
    broker = MaskedSQLEventBroker(url)
    said = UserUttered(
        "我的手机13912345678，邮箱 someone@example.com",
        metadata={"customer_token": "demo-lina", "demo": True},
        input_channel="socketio",
    )
    broker.publish({"sender_id": "s1", **said.as_dict()})
    broker.publish({"sender_id": "s1", **SlotSet("phone", "13912345678").as_dict()})
    broker.flush()
    broker.engine.dispose()
    user, slot = rows(url)
    assert user["sender_id"] == "s1" and user["input_channel"] == "socketio"
    assert user["text"] == "我的手机[手机号]，邮箱 [邮箱]"
    assert user["metadata"] == {"demo": True, "redacted": ["customer_token"]}
    assert slot["value"] is None
    raw = (tmp_path / "nested" / "analytics.db").read_bytes()
    assert b"13912345678" not in raw and b"someone@example.com" not in raw


def test_the_environment_names_the_database(tmp_path, monkeypatch):
    chosen = f"sqlite:///{tmp_path / 'chosen.db'}"
    monkeypatch.setenv("ANALYTICS_DATABASE_URL", chosen)
    broker = MaskedSQLEventBroker(f"sqlite:///{tmp_path / 'configured.db'}")
    broker.publish({"sender_id": "s2", "event": "session_started", "timestamp": 1.0})
    broker.flush()
    broker.engine.dispose()
    assert [r["sender_id"] for r in rows(chosen)] == ["s2"]
    assert not (tmp_path / "configured.db").exists()
