"""Finding 9 on the real stack: what users type is not kept in the clear anywhere.

A scripted conversation types a phone number and an e-mail into free text, a message
left when nobody is online, and a message to a human agent; then every database and log
file of the stack is scanned for them. And a running form still works with masking on.
"""

from __future__ import annotations

import sqlite3
import time

import requests

from tests.servicedesk_process import API_TOKEN

BOT = {"Authorization": f"Bearer {API_TOKEN}"}
NEW_ADDRESS = "杭州市西湖区文三路478号华星时代广场A座1203室"


def texts(messages):
    return " ".join(m.get("text", "") for m in messages)


def eventually(check, timeout=20.0):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.3)


def desk(stack, method, path, headers, body=None):
    response = requests.request(
        method, f"{stack.desk.url}{path}", json=body, headers=headers, timeout=30
    )
    response.raise_for_status()
    return response.json()


def files_with(workdir, secrets):
    """Every file under the stack's work dir (databases, their WAL files, logs) that
    holds one of the secrets."""
    found = []
    for path in sorted(p for p in workdir.rglob("*") if p.is_file()):
        content = path.read_bytes()
        found += [(path.name, s) for s in secrets if s.encode("utf-8") in content]
    return found


def test_a_message_left_for_the_agents_is_nowhere_in_the_clear(stack):
    phone, spaced, mail = "13900137788", "139 0013 7788", "left.probe@example.net"
    me = {"customer_token": "demo-lina"}
    stack.say("privacy-left", f"我的手机号是{spaced}，邮箱{mail}", **me)
    assert "留言" in texts(stack.say("privacy-left", "转人工", **me))
    stack.say("privacy-left", "/affirm", **me)
    stack.say("privacy-left", "麻烦尽快联系我处理", **me)
    stack.say("privacy-left", "尽快", **me)
    assert "工单号" in texts(stack.say("privacy-left", "/affirm", **me))
    assert files_with(stack.workdir, [phone, spaced, mail]) == []


def test_what_the_user_tells_an_agent_is_nowhere_in_the_clear(stack, online_agent):
    phone, mail = "13700246688", "agent.probe@example.net"
    me = {"customer_token": "demo-lina"}
    stack.say("privacy-agent", f"有事打{phone}或者发邮件到{mail}", **me)
    stack.say("privacy-agent", "转人工", **me)
    queued = desk(stack, "GET", "/api/agent/queue", online_agent)["queued"]
    handoff_no = next(
        h["handoff_no"] for h in queued if h["conversation_id"] == "privacy-agent"
    )
    path = f"/api/agent/handoffs/{handoff_no}"
    desk(stack, "POST", f"{path}/claim", online_agent)
    # Paused: the tracker store relays the words to the desk.
    stack.say("privacy-agent", f"我的电话{phone}，邮箱{mail}", **me)
    relayed = eventually(
        lambda: [
            m["text"]
            for m in desk(stack, "GET", path, online_agent)["messages"]
            if m["author"] == "user"
        ]
    )
    assert relayed == ["我的电话[手机号]，邮箱[邮箱]"]
    # The agent's transcript is masked too.
    summary = desk(stack, "GET", path, online_agent)["summary"]
    said = [t["text"] for t in summary["transcript"]]
    assert "有事打[手机号]或者发邮件到[邮箱]" in said
    desk(stack, "POST", f"{path}/close", online_agent, {"resolution": "solved"})
    assert files_with(stack.workdir, [phone, mail]) == []


def test_a_running_form_keeps_the_new_address_with_masking_on(stack):
    customers = requests.get(f"{stack.desk.url}/api/demo/customers", timeout=10)
    wangfang = next(
        c for c in customers.json()["customers"] if c["token"] == "demo-new-wangfang"
    )
    order_no = next(
        o["order_no"] for o in wangfang["orders"] if o["status"] == "to_ship"
    )
    me = {"customer_token": "demo-new-wangfang"}
    answers = {
        "order_no": order_no,
        "modify_field": "收货地址",
        "modify_value": NEW_ADDRESS,
    }
    reply = stack.say("privacy-form", "我要改收货地址", **me)
    for _ in range(6):
        asking = stack.tracker("privacy-form")["slots"].get("requested_slot")
        if asking == "confirmed":
            break
        reply = stack.say("privacy-form", answers[asking], **me)
    assert "[地址]" not in texts(reply) and "文三路478号" in texts(reply)
    done = texts(stack.say("privacy-form", "确认", **me))
    assert "已修改" in done, done

    with sqlite3.connect(stack.workdir / "servicedesk.db") as db:
        (stored,) = db.execute(
            "SELECT address_detail FROM orders WHERE order_no = ?", (order_no,)
        ).fetchone()
    # The region goes to its own column; the street and room arrive unmasked.
    assert "文三路478号华星时代广场A座1203室" in stored
    # The tracker database has the conversation, but not the address.
    with sqlite3.connect(stack.workdir / "tracker.db") as db:
        rows = [
            r[0]
            for r in db.execute(
                "SELECT data FROM events WHERE sender_id = 'privacy-form'"
            )
        ]
    assert rows and not any("\\u6587\\u4e09\\u8def478" in r for r in rows)
