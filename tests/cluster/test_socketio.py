"""The widget's channel in the cluster: socket.io sessions stick to one instance
through nginx, and what any instance emits reaches the socket wherever it is."""

from __future__ import annotations

import asyncio
import json
import uuid

import requests

from tests.cluster.cluster import TOKEN
from tests.socket_user import SocketUser

HANDSHAKES = 16


def handshake(url: str) -> tuple:
    """An engine.io polling handshake without a cookie: (sid, cookies, instance)."""
    response = requests.get(
        f"{url}/socket.io/", params={"EIO": "4", "transport": "polling"}, timeout=10
    )
    response.raise_for_status()
    opened = json.loads(response.text[1:])
    return (
        opened["sid"],
        response.cookies.get_dict(),
        response.headers["X-Rasa-Instance"],
    )


def polling(url: str, sid: str, cookies: dict, data: str = None):
    """One request of the polling transport: POST sends packets, GET receives."""
    params = {"EIO": "4", "transport": "polling", "sid": sid}
    if data is None:
        return requests.get(
            f"{url}/socket.io/", params=params, cookies=cookies, timeout=30
        )
    return requests.post(
        f"{url}/socket.io/", params=params, data=data, cookies=cookies, timeout=30
    )


def test_polling_sessions_spread_over_instances_and_stick_to_theirs(live_cluster):
    cluster = live_cluster
    sessions = [handshake(cluster.url) for _ in range(HANDSHAKES)]
    # Every client comes from 127.0.0.1, yet they are spread (an ip_hash would not).
    assert {instance for _, _, instance in sessions} == {
        url.removeprefix("http://") for url in cluster.rasa_urls
    }
    for sid, cookies, instance in sessions:
        assert set(cookies) == {"rasa_node"}
        # The widget's opening, over polling: join the namespace, ask for a session.
        exchange = [
            polling(cluster.url, sid, cookies, "40"),
            polling(cluster.url, sid, cookies),
            polling(cluster.url, sid, cookies, '42["session_request",{}]'),
            polling(cluster.url, sid, cookies),
        ]
        for response in exchange:
            assert response.status_code == 200, response.text
            assert response.headers["X-Rasa-Instance"] == instance
        assert exchange[1].text.startswith("40")
        assert '"session_confirm"' in exchange[3].text
    # With another cookie a session's requests may land on another instance, which
    # does not know it: the stickiness is what keeps polling working.
    refused = [
        polling(cluster.url, sid, {"rasa_node": uuid.uuid4().hex}, "3")
        for sid, _, _ in sessions
    ]
    assert any(r.status_code == 400 and "Invalid session" in r.text for r in refused)


def test_a_bot_message_emitted_by_another_instance_reaches_the_socket(live_cluster):
    """What the service desk does for an agent's reply: a bot event appended through
    the HTTP API of an instance that does not hold the widget's socket."""
    cluster = live_cluster
    first, second = cluster.rasa_urls[:2]
    mark = f"集群消息 {uuid.uuid4().hex[:8]}"

    async def scenario() -> None:
        user = SocketUser(first)
        await user.connect()
        try:
            await user.say("你好")
            await user.wait_for(lambda m: bool(m.get("text")), timeout=60)
            response = await asyncio.to_thread(
                requests.post,
                f"{second}/conversations/{user.session_id}/tracker/events",
                params={
                    "token": TOKEN,
                    "output_channel": "latest",
                    "execute_side_effects": "true",
                },
                json=[{"event": "bot", "text": mark}],
                timeout=60,
            )
            response.raise_for_status()
            await user.wait_for(lambda m: m.get("text") == mark, timeout=30)
        finally:
            await user.close()

    asyncio.run(scenario())


def test_the_widget_through_nginx_gets_its_answers_and_every_pushed_message(
    live_cluster,
):
    """The widget's websocket through nginx, and messages pushed to it through the
    balanced HTTP API (as the desk does): round robin sends them to both instances,
    one of which does not hold the socket."""
    cluster = live_cluster
    marks = [f"推送 {i} {uuid.uuid4().hex[:6]}" for i in range(4)]

    async def scenario() -> None:
        user = SocketUser(cluster.url)
        await user.connect()
        try:
            await user.say("你好")
            await user.wait_for(lambda m: bool(m.get("text")), timeout=60)
            served = set()
            for mark in marks:
                response = await asyncio.to_thread(
                    requests.post,
                    f"{cluster.url}/rasa/conversations/{user.session_id}/tracker/events",
                    params={
                        "token": TOKEN,
                        "output_channel": "latest",
                        "execute_side_effects": "true",
                    },
                    json=[{"event": "bot", "text": mark}],
                    timeout=60,
                )
                response.raise_for_status()
                served.add(response.headers["X-Rasa-Instance"])
            assert len(served) == len(cluster.rasa_urls)
            for mark in marks:
                await user.wait_for(lambda m, mark=mark: m.get("text") == mark)
        finally:
            await user.close()

    asyncio.run(scenario())
