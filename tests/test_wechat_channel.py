"""The WeChat channel end to end: a real Rasa server (with the action server and the
service desk) behind the channel's webhook, a fake WeChat API server on loopback for the
customer-service messages, and followers posting signed XML as WeChat does."""

from __future__ import annotations

import re
import threading

import pytest
import requests

from tests.fake_wechat import APP_ID, APP_SECRET, FakeWeChat, wait_until
from tests.servicedesk_process import API_TOKEN
from tests.stack import Stack
from tests.wechat_user import AES_KEY, WeChatUser, sign
from tests.wechat_user import TOKEN as WECHAT_TOKEN

BOT = {"Authorization": f"Bearer {API_TOKEN}"}
GREETING = "智能客服小智"
WANGFANG_PHONE = "15088886666"
CREDENTIALS = """\
addons.channels.GuardedRestInput:
addons.wechat.channel.WeChatInput:
tests.wechat_channels.ImpatientWeChatInput:
  reply_budget_s: 0
"""


@pytest.fixture(scope="module")
def fake():
    server = FakeWeChat().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def wx(tmp_path_factory, trained_model, fake):
    workdir = tmp_path_factory.mktemp("wechat")
    credentials = workdir / "credentials.yml"
    credentials.write_text(CREDENTIALS, encoding="utf-8")
    stack = Stack(
        workdir,
        trained_model,
        credentials=str(credentials),
        extra_env={
            "WECHAT_TOKEN": WECHAT_TOKEN,
            "WECHAT_APP_ID": APP_ID,
            "WECHAT_APP_SECRET": APP_SECRET,
            "WECHAT_AES_KEY": AES_KEY,
            "WECHAT_API_BASE_URL": fake.url,
            # Generous: a passive reply here must not depend on the machine's load;
            # the slow path is the impatient channel's (tests/wechat_channels.py).
            "WECHAT_REPLY_BUDGET_S": "30",
        },
    )
    try:
        stack.start_actions()
        stack.start_rasa()
        yield stack
    finally:
        stack.stop()


def webhook(wx, channel="wechat"):
    return f"{wx.url}/webhooks/{channel}/webhook"


def follower(wx, safe=False, channel="wechat"):
    return WeChatUser(webhook(wx, channel), safe=safe, app_id=APP_ID)


@pytest.fixture
def agent(wx):
    """agent1 online for one test, offline again afterwards."""
    desk = wx.desk.url
    login = requests.post(
        f"{desk}/api/agent/login",
        json={"username": "agent1", "password": "agent1-demo"},
        timeout=10,
    ).json()
    headers = {"X-Agent-Token": login["token"]}
    requests.post(
        f"{desk}/api/agent/status",
        json={"status": "online"},
        headers=headers,
        timeout=10,
    ).raise_for_status()
    yield headers
    requests.post(
        f"{desk}/api/agent/status",
        json={"status": "offline"},
        headers=headers,
        timeout=10,
    )


def test_url_verification_echoes_only_for_the_right_signature(wx):
    signed = {"timestamp": "1700000000", "nonce": "n0nce", "echostr": "echo-123"}
    ok = requests.get(
        webhook(wx),
        params={**signed, "signature": sign("1700000000", "n0nce")},
        timeout=10,
    )
    assert ok.status_code == 200 and ok.text == "echo-123"
    wrong = requests.get(
        webhook(wx), params={**signed, "signature": "0" * 40}, timeout=10
    )
    assert wrong.status_code == 403 and "echo-123" not in wrong.text
    assert requests.get(webhook(wx), params=signed, timeout=10).status_code == 403


def test_bad_requests_get_4xx_and_the_server_stays_up(wx):
    user = follower(wx)
    unsigned = requests.post(
        webhook(wx), data=user.xml("text", Content="你好"), timeout=10
    )
    assert unsigned.status_code == 403
    for junk in (
        "not xml at all",
        "<xml>text</xml>",
        "<xml><MsgType><a/></MsgType></xml>",
    ):
        assert user.post_xml(junk).status_code == 400, junk
    huge = "<xml>" + "好" * 40_000 + "</xml>"
    assert user.post_xml(huge).status_code == 413
    # Safe mode: the outer signature is right, the message's own one is not.
    timestamp, nonce = "1700000000", "abc"
    tampered = requests.post(
        webhook(wx),
        params={
            "signature": sign(timestamp, nonce),
            "timestamp": timestamp,
            "nonce": nonce,
            "encrypt_type": "aes",
            "msg_signature": "0" * 40,
        },
        data="<xml><Encrypt><![CDATA[AAAA]]></Encrypt></xml>",
        timeout=10,
    )
    assert tampered.status_code == 403
    assert GREETING in user.say("你好")


def test_plain_text_gets_the_passive_reply(wx, fake):
    user = follower(wx)
    assert GREETING in user.say("你好")
    assert fake.texts_to(user.openid) == [], "answered in the HTTP response only"


def test_safe_mode_decrypts_and_answers_encrypted(wx, fake):
    user = follower(wx, safe=True)
    assert GREETING in user.say("你好")
    assert fake.texts_to(user.openid) == []


def test_following_menu_clicks_and_pictures(wx):
    user = follower(wx)
    followed = user.reply_of(user.post_xml(user.xml("event", Event="subscribe")))
    assert GREETING in followed
    assert "只能看懂文字" in user.click("no_such_intent")
    asked = user.click("query_order")
    assert "订单" in asked
    picture = user.reply_of(
        user.post_xml(user.xml("image", PicUrl="http://x/p.jpg", MediaId="m1"))
    )
    assert "只能看懂文字" in picture
    # The form that asked keeps waiting for its answer.
    assert wx.tracker(user.openid)["active_loop"].get("name") == "order_form"
    unfollowed = user.post_xml(user.xml("event", Event="unsubscribe"))
    assert unfollowed.status_code == 200 and unfollowed.text == "success"


def test_an_order_form_over_several_turns(wx):
    customers = requests.get(f"{wx.desk.url}/api/demo/customers", timeout=10).json()
    lina = next(c for c in customers["customers"] if c["token"] == "demo-lina")
    order_no = next(o["order_no"] for o in lina["orders"] if o["status"] == "to_ship")
    user = follower(wx)
    assert "后四位" in user.say(f"查一下订单{order_no}")
    wrong = user.say("1234")
    assert "不符" in wrong
    shown = user.say("5678")
    assert order_no in shown and "待发货" in shown
    tracker = wx.tracker(user.openid)
    assert [e["input_channel"] for e in tracker["events"] if e["event"] == "user"] == [
        "wechat"
    ] * 3


def test_a_slow_turn_answers_through_the_customer_service_api(wx, fake):
    user = follower(wx, channel="wechat_impatient")
    assert user.say("你好") is None, "nothing in the HTTP response"
    sent = fake.wait_for(user.openid, lambda texts: texts)
    assert GREETING in sent[0]
    # The token expires (another server fetched one): fetched again, sent once.
    wait_until(lambda: False, timeout=2)  # the first turn's messages are all out
    before = len(fake.texts_to(user.openid))
    fetches = len(fake.token_fetches)
    fake.expire()
    assert user.say("在吗") is None
    again = fake.wait_for(user.openid, lambda texts: len(texts) > before)
    assert again[before]
    assert len(fake.token_fetches) == fetches + 1
    assert f"token-{fetches}" in fake.refused


def test_duplicate_deliveries_are_answered_once(wx, fake):
    user = follower(wx)
    xml = user.xml("text", Content="你好")
    first = user.reply_of(user.post_xml(xml))
    retried = user.reply_of(user.post_xml(xml))
    assert GREETING in first and retried in (None, first)
    said = [e for e in wx.tracker(user.openid)["events"] if e["event"] == "user"]
    assert len(said) == 1

    # WeChat retrying while the turn still runs: one turn, one message sent.
    slow = follower(wx, channel="wechat_impatient")
    xml = slow.xml("text", Content="你好")
    answers = []
    threads = [
        threading.Thread(target=lambda: answers.append(slow.post_xml(xml).text))
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == ["success"] * 3
    fake.wait_for(slow.openid, lambda texts: texts)
    wait_until(lambda: False, timeout=2)  # a second answer would arrive meanwhile
    # The same messages as the one passive reply above, each sent once.
    assert "\n\n".join(fake.texts_to(slow.openid)) == first
    said = [e for e in wx.tracker(slow.openid)["events"] if e["event"] == "user"]
    assert len(said) == 1


def test_binding_then_orders_and_numbered_buttons(wx, fake):
    user = follower(wx)
    assert "手机号" in user.click("bind_wechat")
    assert "验证码" in user.say(WANGFANG_PHONE)
    outbox = requests.get(f"{wx.desk.url}/api/demo/sms", timeout=10).json()["messages"]
    code = re.search(r"\d{6}", outbox[0]["text"]).group(0)
    assert "绑定成功" in user.say(code)
    orders = user.say("查一下我的订单")
    assert "待发货" in orders and "元" in orders
    question = user.say("帮我取消订单")
    assert "确认要取消订单" in question and "回复 1" in question
    assert "已为您取消" in user.say("1")


def test_a_rest_client_naming_an_openid_binds_nothing(wx):
    user = follower(wx)
    sender = f"rest-{user.openid}"
    said = wx.say(
        sender, "/bind_wechat", wechat_openid=user.openid, wechat_proof="0" * 64
    )
    assert any("只能在微信公众号" in m.get("text", "") for m in said)
    answer = requests.post(
        f"{wx.desk.url}/api/wechat/identity",
        json={"openid": user.openid, "proof": "0" * 64},
        headers=BOT,
        timeout=10,
    )
    assert answer.status_code == 403


def test_handoff_agent_replies_arrive_through_the_customer_service_api(wx, fake, agent):
    user = follower(wx)
    user.say("我的快递好几天没动了")
    assert "排队" in user.say("转人工")
    desk = wx.desk.url
    queue = requests.get(f"{desk}/api/agent/queue", headers=agent, timeout=10).json()
    mine = next(h for h in queue["queued"] if h["conversation_id"] == user.openid)
    path = f"{desk}/api/agent/handoffs/{mine['handoff_no']}"
    try:
        claimed = requests.post(
            f"{path}/claim", json={}, headers=agent, timeout=30
        ).json()
        assert claimed["delivered"] is True
        joined = fake.wait_for(user.openid, lambda t: any("已接入" in x for x in t))
        assert any("客服小王已接入" in text for text in joined)

        assert user.say("单号是多少") is None, "the bot stays quiet while paused"
        relayed = wait_until(
            lambda: [
                m
                for m in requests.get(path, headers=agent, timeout=10).json()[
                    "messages"
                ]
                if m["author"] == "user"
            ]
        )
        assert relayed and relayed[0]["text"] == "单号是多少"

        sent = requests.post(
            f"{path}/messages",
            json={"text": "您好，我帮您查一下"},
            headers=agent,
            timeout=30,
        ).json()
        assert sent["delivered"] is True
        texts = fake.wait_for(
            user.openid, lambda t: any("我帮您查一下" in x for x in t)
        )
        assert "客服小王：您好，我帮您查一下" in texts
    finally:
        closed = requests.post(
            f"{path}/close", json={"resolution": "solved"}, headers=agent, timeout=30
        ).json()
    assert closed["delivered"] is True
    after = fake.wait_for(user.openid, lambda t: any("打个分" in x for x in t))
    assert any("人工服务已结束" in text for text in after)


def test_unconfigured_the_channel_refuses_and_rasa_runs(stack):
    """The project's own credentials.yml with no WECHAT_TOKEN (the shared stack)."""
    assert "WECHAT_TOKEN" not in stack.env
    user = WeChatUser(webhook(stack))
    assert user.post_xml(user.xml("text", Content="你好")).status_code == 503
    verify = requests.get(webhook(stack), params={"echostr": "x"}, timeout=10)
    assert verify.status_code == 503
    assert requests.get(f"{stack.url}/webhooks/wechat/", timeout=10).json() == {
        "status": "ok",
        "enabled": False,
    }
