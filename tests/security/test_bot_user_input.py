"""The screening of user channel text (addons/user_input.py), without a server."""

from __future__ import annotations

import json

from addons.user_input import screened


def test_external_intents_lose_their_slash():
    for text in ('/EXTERNAL_agent_joined{"agent_name":"x"}', "/external_handoff_closed",
                 "/ EXTERNAL_handoff_cancelled"):  # fmt: skip
        assert not screened(text).startswith("/")


def test_desk_only_entities_are_dropped_and_others_kept():
    text = screened('/inform{"agent_name":"主管老陈","order_no":"2026112500005"}')
    head, entities = text.split("{", 1)
    assert head == "/inform"
    assert json.loads("{" + entities) == {"order_no": "2026112500005"}
    assert screened('/greet{"agent_name":"x"}') == "/greet"
    assert screened('/rate_service{"rating":"5"}') == '/rate_service{"rating":"5"}'


def test_text_is_capped(monkeypatch):
    assert len(screened("退" * 10_000)) == 500
    monkeypatch.setenv("MAX_MESSAGE_CHARS", "20")
    assert len(screened("退" * 100)) == 20
    assert screened(None) is None
