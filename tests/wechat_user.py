"""A WeChat follower as the WeChat server delivers them: signed (and, in safe mode,
AES-encrypted) XML posted to the channel's webhook, replies read back the same way."""

from __future__ import annotations

import itertools
import time
import uuid
from typing import Dict, Optional

import requests
import xmltodict
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

TOKEN = "wechat-test-token"
# 43 characters, as the admin console generates them.
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
ACCOUNT = "gh_testaccount"
_numbers = itertools.count(int(time.time()) * 1000)


def sign(*parts: str, token: str = TOKEN) -> str:
    signer = WeChatSigner()
    signer.add_data(token, *parts)
    return signer.signature


def message_xml(
    openid: str, msg_type: str, fields: Dict[str, str], created: int
) -> str:
    body = "".join(f"<{k}><![CDATA[{v}]]></{k}>" for k, v in fields.items())
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{created}</CreateTime>"
        f"<MsgType><![CDATA[{msg_type}]]></MsgType>{body}</xml>"
    )


class WeChatUser:
    def __init__(
        self, webhook: str, safe: bool = False, app_id: str = "", openid: str = ""
    ) -> None:
        self.webhook = webhook
        self.safe = safe
        self.openid = openid or f"o-test-{uuid.uuid4().hex[:16]}"
        self.crypto = WeChatCrypto(TOKEN, AES_KEY, app_id) if safe else None

    def post_xml(self, xml: str, timeout: float = 60) -> requests.Response:
        timestamp, nonce = str(int(time.time())), uuid.uuid4().hex[:10]
        params = {
            "signature": sign(timestamp, nonce),
            "timestamp": timestamp,
            "nonce": nonce,
            "openid": self.openid,
        }
        body = xml
        if self.crypto is not None:
            encrypted = xmltodict.parse(
                self.crypto.encrypt_message(xml, nonce, timestamp)
            )
            params["encrypt_type"] = "aes"
            params["msg_signature"] = encrypted["xml"]["MsgSignature"]
            body = (
                f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
                f"<Encrypt><![CDATA[{encrypted['xml']['Encrypt']}]]></Encrypt></xml>"
            )
        return requests.post(
            self.webhook, params=params, data=body.encode("utf-8"), timeout=timeout
        )

    def reply_of(self, response: requests.Response) -> Optional[str]:
        """The passive reply's text, or None for "success" (nothing now)."""
        response.raise_for_status()
        if response.text == "success":
            return None
        xml = xmltodict.parse(response.text)["xml"]
        if self.crypto is not None:
            assert "Encrypt" in xml, "safe mode answers encrypted"
            xml = xmltodict.parse(
                self.crypto.decrypt_message(
                    response.text, xml["MsgSignature"], xml["TimeStamp"], xml["Nonce"]
                )
            )["xml"]
        assert xml["ToUserName"] == self.openid and xml["FromUserName"] == ACCOUNT
        assert xml["MsgType"] == "text"
        return xml["Content"]

    def xml(self, msg_type: str, msg_id: Optional[int] = None, **fields: str) -> str:
        created = int(time.time())
        if msg_type != "event":
            fields = {**fields, "MsgId": str(msg_id or next(_numbers))}
        return message_xml(self.openid, msg_type, fields, created)

    def say(self, text: str) -> Optional[str]:
        return self.reply_of(self.post_xml(self.xml("text", Content=text)))

    def click(self, key: str) -> Optional[str]:
        return self.reply_of(
            self.post_xml(self.xml("event", Event="CLICK", EventKey=key))
        )
