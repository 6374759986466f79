"""Correctness of one conversation spread over several Rasa instances: the real cluster
of `make run-cluster` (PostgreSQL tracker store, Redis lock store, nginx), started by
the `cluster` fixture on free ports. Every test has its own sender ids and orders."""

from __future__ import annotations

import re
import threading
import time
import uuid

import pytest
import redis
import requests

from tests.cluster.cluster import TOKEN
from tests.servicedesk_process import API_TOKEN

ZHANGWEI = "demo-vip-zhangwei"
LINA = "demo-lina"
WANGFANG = "demo-new-wangfang"


def sender(tag: str) -> str:
    return f"cluster-{tag}-{uuid.uuid4().hex[:10]}"


def texts(messages) -> str:
    return " ".join(m.get("text") or "" for m in messages)


def payloads(messages) -> list:
    return [b["payload"] for m in messages for b in m.get("buttons", [])]


def order_status(cluster, order_no: str, customer: str) -> str:
    response = requests.get(
        f"{cluster.url}/api/orders/{order_no}",
        headers={"Authorization": f"Bearer {API_TOKEN}", "X-Customer-Token": customer},
        timeout=10,
    )
    response.raise_for_status()
    return response.json()["status"]


def test_alternating_instances_keep_the_context_and_the_form(live_cluster, demo_orders):
    """A return, turn by turn on instance 1, 2, 1, 2: each turn continues the last."""
    cluster = live_cluster
    first, second = cluster.rasa_urls[:2]
    me = {"customer_token": ZHANGWEI}
    order = demo_orders[ZHANGWEI]["signed"][0]
    user = sender("alternate")

    shown, _ = cluster.say(first, user, f'/inform{{"order_no":"{order}"}}', **me)
    assert order in texts(shown)
    # The order chosen on instance 1 is the context on instance 2.
    ask_reason, _ = cluster.say(second, user, "我要退货", **me)
    assert '/inform{"reason":"不想要了"}' in payloads(ask_reason)
    for url in (first, second):
        tracker = cluster.tracker(url, user)
        assert tracker["active_loop"]["name"] == "order_form"
        assert tracker["slots"]["requested_slot"] == "reason"
        assert tracker["slots"]["order_no"] == order
    confirm, _ = cluster.say(first, user, '/inform{"reason":"不想要了"}', **me)
    assert "确认提交" in texts(confirm) and order in texts(confirm)
    done, _ = cluster.say(second, user, "/affirm", **me)
    assert re.search(r"AS\d+", texts(done)), texts(done)
    # Both instances read one conversation, event for event.
    assert (
        cluster.tracker(first, user)["events"]
        == cluster.tracker(second, user)["events"]
    )


def test_a_conversation_through_nginx_is_spread_and_continues(
    live_cluster, demo_orders
):
    cluster = live_cluster
    me = {"customer_token": ZHANGWEI}
    order = demo_orders[ZHANGWEI]["signed"][1]
    user = sender("nginx")
    served = []
    for message in (
        f'/inform{{"order_no":"{order}"}}',
        "我要退货",
        '/inform{"reason":"质量问题"}',
    ):
        reply, instance = cluster.say(cluster.url, user, message, **me)
        served.append(instance)
    assert "确认提交" in texts(reply) and "质量问题" in texts(reply)
    done, instance = cluster.say(cluster.url, user, "/affirm", **me)
    served.append(instance)
    assert re.search(r"AS\d+", texts(done)), texts(done)
    # nginx balances the REST channel over every instance; stickiness is not needed.
    assert set(served) == {url.removeprefix("http://") for url in cluster.rasa_urls}
    # The HTTP API through nginx (as the service desk calls it) sees the same.
    tracker = cluster.tracker(f"{cluster.url}/rasa", user)
    assert tracker["slots"]["order_no"] == order


def test_two_messages_at_once_are_processed_in_order(live_cluster, demo_orders):
    """The second message arrives on the other instance while the first is being
    processed: it waits for the conversation's lock in Redis, then sees the first."""
    cluster = live_cluster
    first, second = cluster.rasa_urls[:2]
    me = {"customer_token": WANGFANG}
    order = demo_orders[WANGFANG]["to_ship"][0]
    user = sender("ordered")
    locks = redis.Redis(port=int(cluster.env["CLUSTER_REDIS_PORT"]), db=0)
    replies = {}

    def ask() -> None:
        replies["question"] = cluster.say(first, user, "帮我取消订单", **me)[0]

    asking = threading.Thread(target=ask)
    asking.start()
    # Send the answer while instance 1 holds the conversation's lock.
    deadline = time.monotonic() + 30
    while not locks.exists(f"assistant:lock:{user}"):
        assert asking.is_alive(), "the first message finished before its lock was seen"
        assert time.monotonic() < deadline
        time.sleep(0.002)
    answer, _ = cluster.say(second, user, "/affirm", **me)
    asking.join(timeout=120)

    assert "确认要取消订单" in texts(replies["question"])
    # Had instance 2 not waited, "/affirm" would have met no question.
    assert f"订单 {order} 已为您取消" in texts(answer)
    events = cluster.tracker(second, user)["events"]
    said = [e["text"] for e in events if e["event"] == "user"]
    assert said == ["帮我取消订单", "/affirm"]
    # The first turn ended (the bot listened again) before the second began.
    first_turn = events.index(next(e for e in events if e.get("text") == "/affirm"))
    assert events[first_turn - 1]["event"] == "action"
    assert events[first_turn - 1]["name"] == "action_listen"
    assert order_status(cluster, order, WANGFANG) == "cancelled"
    assert not locks.exists(f"assistant:lock:{user}")


def test_an_instance_killed_mid_form_the_other_continues(live_cluster, demo_orders):
    cluster = live_cluster
    first, second = cluster.rasa_urls[:2]
    me = {"customer_token": LINA}
    order = demo_orders[LINA]["to_ship"][0]
    user = sender("killed")
    question, _ = cluster.say(first, user, f"取消订单{order}", **me)
    assert "确认要取消订单" in texts(question)

    cluster.kill("rasa-1")
    with pytest.raises(requests.ConnectionError):
        cluster.say(first, user, "/affirm", **me)

    done, _ = cluster.say(second, user, "/affirm", **me)
    assert f"订单 {order} 已为您取消" in texts(done)
    # nginx takes the dead instance out: every request through it is answered.
    for _ in range(3):
        again, instance = cluster.say(cluster.url, user, f"取消订单{order}", **me)
        assert "已经取消了" in texts(again)
        # "dead, live" when nginx tried the dead one first.
        assert instance.split(", ")[-1] == second.removeprefix("http://")


def test_the_bot_apologises_while_the_desk_restarts_and_nothing_is_lost(
    live_cluster, demo_orders
):
    cluster = live_cluster
    me = {"customer_token": ZHANGWEI}
    before, during = (
        demo_orders[ZHANGWEI]["to_ship"][0],
        (demo_orders[ZHANGWEI]["pending_payment"][0]),
    )
    user = sender("desk")
    # Something the desk stored before its restart.
    cluster.say(cluster.url, user, f"取消订单{before}", **me)
    cancelled, _ = cluster.say(cluster.url, user, "/affirm", **me)
    assert "已为您取消" in texts(cancelled)

    cluster.hold("desk")
    try:
        cluster.kill("desk", sig=15)
        sorry, _ = cluster.say(cluster.url, user, f"取消订单{during}", **me)
        assert "暂时" in texts(sorry) and "稍后再试" in texts(sorry), texts(sorry)
        assert "已为您取消" not in texts(sorry)
    finally:
        cluster.release("desk")
    cluster.wait_healthy(f"{cluster.url}/api/health", timeout=180)

    assert order_status(cluster, before, ZHANGWEI) == "cancelled"
    question, _ = cluster.say(cluster.url, user, f"取消订单{during}", **me)
    assert "确认要取消订单" in texts(question), texts(question)
    done, _ = cluster.say(cluster.url, user, "/affirm", **me)
    assert f"订单 {during} 已为您取消" in texts(done)
    assert order_status(cluster, during, ZHANGWEI) == "cancelled"
    # The whole conversation, the apology included, is in the tracker store.
    said = [
        e["text"]
        for e in cluster.tracker(f"{cluster.url}/rasa", user)["events"]
        if e["event"] == "user"
    ]
    assert said == [f"取消订单{before}", "/affirm", f"取消订单{during}"] + [
        f"取消订单{during}",
        "/affirm",
    ]


def test_the_http_api_needs_the_token_through_nginx(cluster):
    tracker = f"{cluster.url}/rasa/conversations/anyone/tracker"
    assert requests.get(tracker, timeout=10).status_code == 401
    assert requests.get(tracker, params={"token": TOKEN}, timeout=10).ok
    # The action servers are not behind the public port.
    assert requests.post(f"{cluster.url}/webhook", json={}, timeout=10).status_code in (
        404,
        405,
    )
