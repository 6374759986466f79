"""Through the real stack: Rasa's event broker lands a conversation in the analytics
store (masked), the desk derives its session, and a bot-only conversation is asked for
a rating at its end, which the desk stores."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import requests
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from servicedesk.analytics.store import RawEvent, SessionRow


def texts(messages):
    return " ".join(m.get("text") or "" for m in messages)


def lead_login(stack):
    login = requests.post(
        f"{stack.desk.url}/api/agent/login",
        json={"username": "lead", "password": "lead-demo"},
        timeout=10,
    )
    return {"X-Agent-Token": login.json()["token"]}


def test_a_bot_only_conversation_is_rated_landed_and_derived(stack):
    sender = f"analytics-{uuid.uuid4().hex[:8]}"
    phone = "13800246135"
    stack.say(sender, "你好")
    stack.say(sender, f"我的手机号是{phone}，运费谁出")
    goodbye = texts(stack.say(sender, "拜拜"))
    assert "满意" in goodbye and "1-5" in goodbye, goodbye
    thanks = texts(stack.say(sender, '/rate_service{"rating":"4"}'))
    assert "感谢您的评价" in thanks, thanks

    lead = lead_login(stack)
    try:
        derived = requests.post(
            f"{stack.desk.url}/api/agent/analytics/derive", headers=lead, timeout=60
        )
        assert derived.status_code == 200, derived.text
        dashboard = requests.get(
            f"{stack.desk.url}/api/agent/analytics/dashboard", headers=lead, timeout=60
        )
        assert dashboard.status_code == 200
        assert dashboard.json()["summary"]["bot_ratings"] >= 1
    finally:
        requests.post(
            f"{stack.desk.url}/api/agent/status",
            json={"status": "offline"},
            headers=lead,
            timeout=10,
        )

    database = Path(stack.analytics_url.removeprefix("sqlite:///"))
    engine = create_engine(stack.analytics_url)
    try:
        with Session(engine) as db:
            raw = db.execute(
                select(RawEvent.data).where(RawEvent.sender_id == sender)
            ).scalars()
            said = [json.loads(data).get("text") or "" for data in raw]
            assert any("[手机号]" in text for text in said), said
            row = db.execute(
                select(SessionRow).where(SessionRow.sender_id == sender)
            ).scalar_one()
    finally:
        engine.dispose()
    assert (row.channel, row.rating, row.rating_kind) == ("rest", 4, "bot")
    assert row.user_turns == 4 and row.outcome == "self_served"
    assert "goodbye" in row.intents.split()
    assert phone.encode() not in database.read_bytes()
