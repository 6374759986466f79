"""Rasa's REST and socket.io channels with input checks in front of them.

Both are the stock channels (same URLs, same events, so any client keeps working); each
message passes addons.user_input before Rasa sees it. The REST channel also answers a
body it cannot use with a 4xx instead of Rasa's 500, refuses a missing sender (Rasa
would file the message under the shared id "default", one conversation for everyone)
and refuses a body or a message over the limits before any of it is parsed by NLU.
Named in credentials.yml; on Rasa 3.6 only (the request body layout is 3.6's).
"""

from __future__ import annotations

import json
import os
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from addons import rasa_version, user_input

DEFAULT_MAX_REQUEST_BYTES = 16 * 1024
MAX_SENDER_CHARS = 255


def max_request_bytes() -> int:
    return int(os.environ.get("MAX_REQUEST_BYTES", DEFAULT_MAX_REQUEST_BYTES))


def refusal(request: Request) -> Optional[HTTPResponse]:
    """Why a REST webhook body cannot be taken (a 4xx response), or None."""
    if len(request.body or b"") > max_request_bytes():
        return response.json({"error": "body too large"}, status=413)
    try:
        body = json.loads(request.body or b"")
    except ValueError:
        return response.json({"error": "body is not JSON"}, status=400)
    if not isinstance(body, dict):
        return response.json({"error": "body must be a JSON object"}, status=400)
    sender = body.get("sender")
    if not isinstance(sender, str) or not sender.strip():
        return response.json({"error": "sender is required"}, status=400)
    if len(sender) > MAX_SENDER_CHARS:
        return response.json({"error": "sender is too long"}, status=400)
    message = body.get("message")
    if not isinstance(message, str):
        return response.json({"error": "message must be a string"}, status=400)
    if len(message) > user_input.max_message_chars():
        return response.json({"error": "message is too long"}, status=413)
    if not isinstance(body.get("metadata") or {}, dict):
        return response.json({"error": "metadata must be an object"}, status=400)
    return None


class GuardedRestInput(RestInput):
    """POST /webhooks/rest/webhook, as Rasa's, with the checks above."""

    def __init__(self) -> None:
        rasa_version.require_supported(f"{__name__}.GuardedRestInput")
        super().__init__()

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        blueprint = super().blueprint(user_input.guard(on_new_message))

        @blueprint.middleware("request")
        async def check_body(request: Request) -> Optional[HTTPResponse]:
            if request.method == "POST" and request.path.endswith("/webhook"):
                return refusal(request)
            return None

        return blueprint


class GuardedSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel; each message is screened before Rasa sees it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        rasa_version.require_supported(f"{__name__}.GuardedSocketIOInput")
        super().__init__(*args, **kwargs)

    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        return super().blueprint(user_input.guard(on_new_message))
