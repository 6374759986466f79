"""The WeChat official account (公众号) channel: Rasa's custom input channel.

GET  /webhooks/wechat/webhook  the admin console's URL check: the signature over token,
                               timestamp and nonce, then echostr back (403 otherwise).
POST /webhooks/wechat/webhook  messages and events, plain or, with WECHAT_AES_KEY, AES
                               encrypted (safe mode; plain ones are still taken, as in
                               the console's compatible mode, but always signed).

A turn answers in the HTTP response (the passive reply) when it finishes within
WECHAT_REPLY_BUDGET_S (4 s; WeChat waits 5). A slower turn answers "success" at once
and its messages, like everything sent later (an agent's replies during a handoff, the
rating question after it), go through the customer-service API (api.py): the Rasa HTTP
API's `output_channel=latest` reaches this channel's get_output_channel(). Retries of
one message are answered once (dedup.py). Bad signatures are 403, bodies over
WECHAT_MAX_BODY_BYTES 413, unreadable XML 400; nothing a client sends makes a 500.
Protocol work (signatures, AES, XML, replies) is wechatpy's.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import os
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.events import ClickEvent
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.replies import TextReply
from wechatpy.utils import WeChatSigner

from addons import rasa_version, user_input
from addons.wechat import config as wechat_config
from addons.wechat import inbound, render
from addons.wechat.api import CustomerServiceApi
from addons.wechat.dedup import Deliveries
from addons.wechat.identity import DeskIdentity
from addons.wechat.output import TurnOutput, WeChatOutput, finish_late
from addons.wechat.proof import proof_for

logger = logging.getLogger(__name__)

# What WeChat expects from a server that answers nothing now (a reply comes later).
NO_REPLY = "success"
UNSUPPORTED_RESPONSE = "utter_wechat_unsupported"
# WeChat refuses a passive text reply over 2048 bytes (the follower sees an error).
PASSIVE_REPLY_MAX_BYTES = 2048


def _signed(token: Text, signature: Text, *parts: Text) -> bool:
    signer = WeChatSigner()
    signer.add_data(token, *parts)
    # As bytes: compare_digest refuses non-ASCII str, which a forger may send.
    return hmac.compare_digest(signer.signature.encode(), signature.encode())


def _error(status: int, message: Text) -> HTTPResponse:
    return response.json({"error": message}, status=status)


class WeChatInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "wechat"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls(wechat_config.from_env(credentials))

    def __init__(self, config: Optional[wechat_config.WeChatConfig] = None) -> None:
        rasa_version.require_supported(f"{__name__}.WeChatInput")
        self.config = config or wechat_config.from_env()
        self.crypto = self._crypto()
        self.api = CustomerServiceApi(self.config) if self.config.can_send else None
        self.deliveries = Deliveries()
        self.identity = DeskIdentity()
        self.proof_secret = os.environ.get("WIDGET_SESSION_SECRET", "")
        if not self.config.enabled:
            logger.info("WeChat channel off: WECHAT_TOKEN is not set")

    def _crypto(self) -> Optional[WeChatCrypto]:
        if not self.config.safe_mode:
            return None
        try:
            return WeChatCrypto(
                self.config.token, self.config.aes_key, self.config.app_id
            )
        except (AssertionError, ValueError, TypeError):
            # A mistyped key must not stop Rasa: encrypted messages are refused instead.
            logger.error("WECHAT_AES_KEY is not a 43-character EncodingAESKey")
            return None

    def get_output_channel(self) -> Optional[OutputChannel]:
        return WeChatOutput(self.api)

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        handle = user_input.guard(on_new_message)
        blueprint = Blueprint(f"{self.name()}_webhook", __name__)

        @blueprint.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok", "enabled": self.config.enabled})

        @blueprint.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            if not self.config.enabled:
                return _error(503, "WeChat channel is not configured")
            args = request.args
            if not _signed(
                self.config.token,
                args.get("signature", ""),
                args.get("timestamp", ""),
                args.get("nonce", ""),
            ):
                return _error(403, "bad signature")
            return response.text(args.get("echostr", ""))

        @blueprint.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.config.enabled:
                return _error(503, "WeChat channel is not configured")
            if len(request.body or b"") > self.config.max_body_bytes:
                return _error(413, "body too large")
            args = request.args
            timestamp, nonce = args.get("timestamp", ""), args.get("nonce", "")
            if not _signed(
                self.config.token, args.get("signature", ""), timestamp, nonce
            ):
                return _error(403, "bad signature")
            encrypted = args.get("encrypt_type", "raw").lower() == "aes"
            try:
                xml = self._plain_xml(request, encrypted, timestamp, nonce)
                message = parse_message(xml)
            except (InvalidSignatureException, InvalidAppIdException):
                return _error(403, "bad message signature")
            except _Refused as exc:
                return _error(exc.status, str(exc))
            except Exception:  # noqa: BLE001 - any unreadable XML is the client's fault
                return _error(400, "body is not a WeChat message")
            if message is None or not getattr(message, "source", None):
                return _error(400, "body is not a WeChat message")
            text = inbound.rasa_text(message)
            if text is None:
                return response.text(NO_REPLY)
            if isinstance(message, ClickEvent) and not _known_intent(request, text):
                text = inbound.UNSUPPORTED
            first, answered = self.deliveries.first(inbound.delivery_key(message))
            if first:
                reply = (
                    _unsupported_answer(request)
                    if text == inbound.UNSUPPORTED
                    else None
                )
                reply = reply or await self._turn(request, handle, message, text)
                answered.set_result(reply)
            else:
                try:
                    reply = await asyncio.wait_for(
                        asyncio.shield(answered), self.config.reply_budget_s
                    )
                except asyncio.TimeoutError:
                    reply = None
            return self._passive(message, reply, encrypted, timestamp, nonce)

        return blueprint

    def _plain_xml(
        self, request: Request, encrypted: bool, timestamp: Text, nonce: Text
    ) -> Text:
        body = (request.body or b"").decode("utf-8")
        if not encrypted:
            return body
        if self.crypto is None:
            raise _Refused(503, "safe mode is not configured (WECHAT_AES_KEY)")
        return self.crypto.decrypt_message(
            body, request.args.get("msg_signature", ""), timestamp, nonce
        )

    def _passive(
        self,
        message: Any,
        reply: Optional[Text],
        encrypted: bool,
        timestamp: Text,
        nonce: Text,
    ) -> HTTPResponse:
        if not reply:
            return response.text(NO_REPLY)
        xml = TextReply(message=message, content=reply).render()
        if encrypted and self.crypto is not None:
            xml = self.crypto.encrypt_message(xml, nonce, timestamp)
        return response.text(xml, content_type="application/xml")

    async def _turn(
        self,
        request: Request,
        handle: Callable[[UserMessage], Awaitable[Any]],
        message: Any,
        text: Text,
    ) -> Optional[Text]:
        openid = str(message.source)
        text = await self._choice(request, openid, text) or text
        collector = TurnOutput(self.api, openid)
        user_message = UserMessage(
            text,
            collector,
            openid,
            input_channel=self.name(),
            metadata=await self._metadata(openid),
        )
        task = asyncio.ensure_future(handle(user_message))
        try:
            await asyncio.wait_for(asyncio.shield(task), self.config.reply_budget_s)
        except asyncio.TimeoutError:
            logger.info("WeChat turn over budget: answering via customer service")
            asyncio.ensure_future(finish_late(task, collector))
            return None
        except Exception:  # noqa: BLE001 - a failed turn must not fail the webhook
            logger.exception("WeChat turn failed")
            return None
        reply = render.joined(collector.kept)
        if reply and len(reply.encode()) > PASSIVE_REPLY_MAX_BYTES and self.api:
            # Too long for one passive reply: each message on its own through the API.
            await collector.go_late()
            return None
        return reply

    async def _metadata(self, openid: Text) -> Dict[Text, Any]:
        if not self.proof_secret:
            return {"wechat_openid": openid}
        proof = proof_for(openid, self.proof_secret)
        metadata: Dict[Text, Any] = {"wechat_openid": openid, "wechat_proof": proof}
        token = await self.identity.customer_token(openid, proof)
        if token:
            metadata["customer_token"] = token
        return metadata

    async def _choice(
        self, request: Request, openid: Text, text: Text
    ) -> Optional[Text]:
        """A numeric reply to numbered choices: the payload of the one picked."""
        if not render.NUMBER.match(text):
            return None
        agent = getattr(request.app.ctx, "agent", None)
        if agent is None or agent.tracker_store is None:
            return None
        tracker = await agent.tracker_store.retrieve(openid)
        if tracker is None:
            return None
        return render.payload_for(text, [event.as_dict() for event in tracker.events])


def _known_intent(request: Request, payload: Text) -> bool:
    """Whether a menu key names an intent of the model (a typo in the console does not
    reach the NLU as an intent Rasa has never heard of)."""
    agent = getattr(request.app.ctx, "agent", None)
    domain = getattr(agent, "domain", None)
    return domain is None or payload.lstrip("/") in domain.intents


def _unsupported_answer(request: Request) -> Optional[Text]:
    """The domain's answer to a message type the bot cannot read, said without a turn:
    a picture in the middle of a form leaves the form waiting for its answer."""
    agent = getattr(request.app.ctx, "agent", None)
    domain = getattr(agent, "domain", None)
    variations = (domain.responses if domain else {}).get(UNSUPPORTED_RESPONSE) or []
    texts = [v.get("text") for v in variations if isinstance(v, dict) and v.get("text")]
    return texts[0] if texts else None


class _Refused(Exception):
    def __init__(self, status: int, message: Text) -> None:
        super().__init__(message)
        self.status = status
