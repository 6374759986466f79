"""The WeChat channel's parts on their own: rendering, reading messages, retries of the
customer-service API against the fake WeChat server, and the desk's proof copy."""

from __future__ import annotations

import asyncio

import pytest
from wechatpy import parse_message

from addons.wechat import inbound, render
from addons.wechat.api import CustomerServiceApi, WeChatApiError
from addons.wechat.config import WeChatConfig, from_env
from addons.wechat.dedup import Deliveries
from tests.fake_wechat import APP_ID, APP_SECRET, FakeWeChat
from tests.wechat_user import message_xml


@pytest.fixture
def fake():
    server = FakeWeChat().start()
    yield server
    server.stop()


def api_for(fake, secret=APP_SECRET):
    return CustomerServiceApi(
        WeChatConfig(token="t", app_id=APP_ID, app_secret=secret, api_base_url=fake.url)
    )


def test_buttons_become_numbered_lines_and_a_number_picks_the_payload():
    message = {
        "text": "确认要取消订单吗？",
        "buttons": [
            {"title": "确认取消", "payload": "/affirm"},
            {"title": "再想想", "payload": "/deny"},
        ],
    }
    assert (
        render.text_of(message) == "确认要取消订单吗？\n回复 1 确认取消\n回复 2 再想想"
    )
    events = [
        {"event": "user", "text": "取消订单"},
        {
            "event": "bot",
            "text": message["text"],
            "data": {"buttons": message["buttons"]},
        },
        {"event": "action", "name": "action_listen"},
    ]
    assert render.payload_for("2", events) == "/deny"
    assert render.payload_for("２", events) == "/deny"
    assert render.payload_for("3", events) is None
    assert render.payload_for("2", events + [{"event": "user", "text": "x"}]) is None


def test_order_cards_and_agent_messages_become_text():
    cards = {
        "custom": {
            "data": {
                "type": "order_choices",
                "orders": [
                    {
                        "order_no": "2026A",
                        "item": "耳机",
                        "status_label": "已发货",
                        "payload": '/inform{"order_no":"2026A"}',
                    }
                ],
            }
        }
    }
    assert render.text_of(cards) == "回复 1 2026A  耳机  已发货"
    events = [{"event": "bot", "text": None, "data": cards}]
    assert render.payload_for("1", events) == '/inform{"order_no":"2026A"}'
    agent = {
        "custom": {
            "data": {"type": "agent_message", "agent": "客服小王", "text": "好的"}
        }
    }
    assert render.text_of(agent) == "客服小王：好的"
    # Decoration of a text already sent (handoff state, rating stars) says nothing.
    assert (
        render.text_of({"custom": {"data": {"type": "handoff", "state": "closed"}}})
        is None
    )
    assert render.joined([{"text": "一"}, agent]) == "一\n\n客服小王：好的"


@pytest.mark.parametrize(
    "msg_type, fields, expected",
    [
        ("text", {"Content": "查订单", "MsgId": "1"}, "查订单"),
        ("event", {"Event": "subscribe"}, "/greet"),
        ("event", {"Event": "CLICK", "EventKey": "query_order"}, "/query_order"),
        (
            "event",
            {"Event": "CLICK", "EventKey": "/EXTERNAL_x{}"},
            "/wechat_unsupported",
        ),
        ("image", {"PicUrl": "http://x/y.jpg", "MsgId": "2"}, "/wechat_unsupported"),
        ("voice", {"MediaId": "m", "MsgId": "3"}, "/wechat_unsupported"),
        ("event", {"Event": "unsubscribe"}, None),
        ("event", {"Event": "VIEW", "EventKey": "https://shop"}, None),
    ],
)
def test_what_each_message_says_to_rasa(msg_type, fields, expected):
    message = parse_message(message_xml("o-1", msg_type, fields, 1700000000))
    assert inbound.rasa_text(message) == expected


def test_retries_share_one_delivery_key():
    text = parse_message(message_xml("o-1", "text", {"Content": "a", "MsgId": "9"}, 1))
    event = parse_message(message_xml("o-1", "event", {"Event": "subscribe"}, 5))
    assert inbound.delivery_key(text) == "msg:9"
    assert inbound.delivery_key(event) != inbound.delivery_key(
        parse_message(message_xml("o-1", "event", {"Event": "subscribe"}, 6))
    )

    async def twice():
        deliveries = Deliveries()
        first, future = deliveries.first("msg:9")
        again, same = deliveries.first("msg:9")
        return first, again, future is same

    assert asyncio.run(twice()) == (True, False, True)


def test_the_token_is_cached_and_renewed_once_when_expired(fake):
    api = api_for(fake)

    async def scenario():
        await api.send_text("o-a", "一")
        await api.send_text("o-a", "二")
        fake.expire()
        await api.send_text("o-a", "三")

    asyncio.run(scenario())
    assert fake.texts_to("o-a") == ["一", "二", "三"]
    assert len(fake.token_fetches) == 2
    assert fake.refused == ["token-1"]


def test_a_token_refused_again_is_not_retried_forever(fake):
    fake.refuse_all = True
    with pytest.raises(WeChatApiError):
        asyncio.run(api_for(fake).send_text("o-b", "x"))
    assert len(fake.token_fetches) == 2 and len(fake.refused) == 2


def test_a_wrong_app_secret_is_an_error_not_a_hang(fake):
    with pytest.raises(WeChatApiError):
        asyncio.run(api_for(fake, secret="wrong").send_text("o-c", "x"))
    assert fake.sent == []


def test_unconfigured_means_off_and_bad_numbers_keep_defaults(monkeypatch):
    for name in (
        "WECHAT_TOKEN",
        "WECHAT_APP_ID",
        "WECHAT_APP_SECRET",
        "WECHAT_AES_KEY",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WECHAT_REPLY_BUDGET_S", "soon")
    config = from_env()
    assert not config.enabled and not config.can_send and not config.safe_mode
    assert config.reply_budget_s == 4.0
    assert from_env({"reply_budget_s": 0}).reply_budget_s == 0


def test_the_desk_checks_the_same_proof_the_channel_makes():
    from addons.wechat import proof as channel_proof
    from servicedesk.wechat import proof as desk_proof

    made = channel_proof.proof_for("o-xyz", "secret")
    assert desk_proof.is_valid("o-xyz", made, "secret")
    assert not desk_proof.is_valid("o-other", made, "secret")
    assert not desk_proof.is_valid("o-xyz", made, "")
    assert not desk_proof.is_valid("o-xyz", "证明", "secret")
    assert channel_proof.PURPOSE == desk_proof.PURPOSE


def test_a_reply_too_long_for_a_passive_reply_goes_through_the_api(fake, monkeypatch):
    from addons.wechat.channel import WeChatInput

    monkeypatch.delenv("WIDGET_SESSION_SECRET", raising=False)  # no desk to ask
    channel = WeChatInput(
        WeChatConfig(
            token="t",
            app_id=APP_ID,
            app_secret=APP_SECRET,
            api_base_url=fake.url,
            reply_budget_s=30,
        )
    )

    def bot(*texts):
        async def turn(message):
            for text in texts:
                await message.output_channel.send_response(
                    message.sender_id, {"text": text}
                )

        return turn

    def turn(openid, *texts):
        message = parse_message(
            message_xml(openid, "text", {"Content": "x", "MsgId": "1"}, 1)
        )
        return asyncio.run(channel._turn(None, bot(*texts), message, "x"))

    assert turn("o-short", "一", "二") == "一\n\n二"
    assert fake.texts_to("o-short") == []
    # 2,100 bytes of UTF-8: over WeChat's 2,048 for a passive reply.
    assert turn("o-long", "长" * 700, "短") is None
    assert fake.texts_to("o-long") == ["长" * 700, "短"]


def test_a_mistyped_aes_key_refuses_encrypted_messages_but_starts():
    from addons.wechat.channel import WeChatInput

    channel = WeChatInput(WeChatConfig(token="t", aes_key="too-short", app_id="wx1"))
    assert channel.crypto is None and channel.config.safe_mode
    assert channel.api is None, "no app secret: nothing is sent later"
