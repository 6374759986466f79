"""Finding 1 (write actions), end to end over HTTP through the real Rasa server, action
server and desk: an anonymous user who knows an order's last four digits is asked for
the code sent to the order's phone before anything changes; the code arrives only in
the desk's demo outbox, never in the chat; a wrong one is asked again, quick guessing ends in
the locked answer (the desk's backoff and lock; tests/security/test_desk_order_code.py
shows the lock across conversations), and the right one lets the cancellation through.
"""

from __future__ import annotations

import re
import sqlite3
import uuid

import pytest
import requests

SIX_DIGITS = re.compile(r"(?<!\d)\d{6}(?!\d)")


def texts(messages):
    return " ".join(m.get("text", "") for m in messages)


def desk_db(stack) -> str:
    return stack.desk.env["SERVICEDESK_DATABASE_URL"].removeprefix("sqlite:///")


def unused_orders(stack, count):
    """Orders waiting for shipment of customers no other test touches (not demo
    ones), with the last four digits of their phones, from the desk's database."""
    with sqlite3.connect(desk_db(stack)) as db:
        return db.execute(
            "SELECT o.order_no, o.phone_last4, o.phone_masked FROM orders o "
            "JOIN customers c ON c.id = o.customer_id "
            "WHERE c.demo = 0 AND o.status = 'to_ship' ORDER BY o.id DESC LIMIT ?",
            (count,),
        ).fetchall()


@pytest.fixture(scope="module")
def orders(stack):
    return unused_orders(stack, 2)


def code_for(stack, order_no):
    outbox = requests.get(f"{stack.desk.url}/api/demo/sms", timeout=10).json()
    message = next(m for m in outbox["messages"] if m["order_no"] == order_no)
    assert message["mark"] == "演示短信"
    return SIX_DIGITS.search(message["text"]).group()


def status_of(stack, order_no, last4):
    """The order's state in the desk's database (the API would answer a locked order
    with the lock, which these tests cause on purpose)."""
    with sqlite3.connect(desk_db(stack)) as db:
        (status,) = db.execute(
            "SELECT status FROM orders WHERE order_no = ? AND phone_last4 = ?",
            (order_no, last4),
        ).fetchone()
    return status


def test_an_anonymous_cancellation_needs_the_code_from_the_phone(stack, orders):
    order_no, last4, masked = orders[0]
    me = f"code-{uuid.uuid4().hex[:10]}"
    assert "后四位" in texts(stack.say(me, f"订单{order_no}帮我取消"))
    asked = texts(stack.say(me, last4))
    assert "验证码" in asked and masked in asked
    code = code_for(stack, order_no)
    assert not SIX_DIGITS.search(asked)  # the code is never in the chat

    wrong = "000000" if code != "000000" else "111111"
    retry = texts(stack.say(me, wrong))
    assert "验证码不正确" in retry and "停止" not in retry
    # Straight to "yes" without the code: nothing is cancelled.
    stack.say(me, "/affirm")
    assert status_of(stack, order_no, last4) == "to_ship"

    question = texts(stack.say(me, f"订单{order_no}帮我取消"))
    if "后四位" in question:
        question = texts(stack.say(me, last4))
    if "验证码" in question:
        question = texts(stack.say(me, f"验证码是{code_for(stack, order_no)}"))
    assert "确认要取消订单" in question
    assert "已为您取消" in texts(stack.say(me, "/affirm"))
    assert status_of(stack, order_no, last4) == "cancelled"


def test_guessing_the_code_ends_in_the_locked_answer(stack, orders):
    order_no, last4, _ = orders[1]
    me = f"guess-{uuid.uuid4().hex[:10]}"
    stack.say(me, f"订单{order_no}地址要改一下")
    assert "验证码" in texts(stack.say(me, last4))
    answers = []
    # However fast the guesses come (the backoff answers quick ones with the lock) and
    # however many codes they burn (a used-up code is replaced), the fifth wrong code
    # locks the order: the answer that says so comes within seven guesses.
    for _ in range(7):
        code = code_for(stack, order_no)
        wrong = "000000" if code != "000000" else "111111"
        answers.append(texts(stack.say(me, wrong)))
        if "停止" in answers[-1]:
            break
    assert "停止" in answers[-1], answers
    assert "转人工" in answers[-1]
    assert all("验证码" in a for a in answers[:-1])
    # The form has ended: the right code now changes nothing either.
    stack.say(me, code_for(stack, order_no))
    assert status_of(stack, order_no, last4) == "to_ship"
