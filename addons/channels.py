"""Rasa's REST and socket.io channels with input checks in front of them.

Both are the stock channels (same URLs, same events, so any client keeps working); each
message passes addons.user_input before Rasa sees it. The REST channel also answers a
body it cannot use with a 4xx instead of Rasa's 500, refuses a missing sender (Rasa
would file the message under the shared id "default", one conversation for everyone)
and refuses a body or a message over the limits before any of it is parsed by NLU.
The socket.io channel also binds each session id to a signed token, so that knowing a
customer's id is not enough to join their conversation. Named in credentials.yml; on
Rasa 3.6 only (the request body layout and the socket.io handlers are 3.6's).
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from addons import rasa_version, socketio_fanout, user_input, widget_session

logger = logging.getLogger(__name__)

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
    """Rasa's socket.io channel; sessions are bound to a signed token, messages screened.

    Rasa's own `session_request` lets any client join the room of any session id it
    names, and so read that customer's replies live and write as them. Here a new
    session gets a server-made id and its token (addons/widget_session.py) in
    `session_confirm` ({"session_id", "session_token"}, the object form community
    widgets read too); an existing id is rejoined only with its token, otherwise the
    client gets a fresh session. A socket then speaks only for the session it was
    confirmed for.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        rasa_version.require_supported(f"{__name__}.GuardedSocketIOInput")
        super().__init__(*args, **kwargs)
        # Read at start-up so that a server without a secret fails now, not per user.
        self.session_secret = widget_session.secret_from_env()

    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        blueprint = super().blueprint(user_input.guard(on_new_message))
        sio = self.sio
        socketio_fanout.attach(sio)
        patch = f"{__name__}.GuardedSocketIOInput"
        rasa_version.require_attributes(sio, ["handlers"], patch)
        namespace = self.namespace or "/"
        stock_message_handler = sio.handlers[namespace][self.user_message_evt]

        async def session_request(sid: Text, data: Any) -> None:
            data = data if isinstance(data, dict) else {}
            session_id = data.get("session_id")
            if not widget_session.is_valid(
                session_id, data.get("session_token"), self.session_secret
            ):
                # New, or claimed without proof: a session of its own, never the one
                # named (the client learns the new id from the confirmation).
                session_id = uuid.uuid4().hex
            async with sio.session(sid, namespace=self.namespace) as state:
                previous = state.get("session_id")
                if self.session_persistence:
                    if previous and previous != session_id:
                        sio.leave_room(sid, previous, namespace=self.namespace)
                    sio.enter_room(sid, session_id, namespace=self.namespace)
                state["session_id"] = session_id
            confirmation = {
                "session_id": session_id,
                "session_token": widget_session.token_for(
                    session_id, self.session_secret
                ),
            }
            await sio.emit(
                "session_confirm", confirmation, room=sid, namespace=self.namespace
            )

        async def handle_message(sid: Text, data: Any) -> None:
            if self.session_persistence:
                # The session id in the message is the sender: it must be the one
                # this socket proved it owns.
                state = await sio.get_session(sid, namespace=self.namespace)
                claimed = data.get("session_id") if isinstance(data, dict) else None
                if not claimed or claimed != state.get("session_id"):
                    logger.warning(
                        "socket.io message refused: session not confirmed for socket"
                    )
                    return
            elif not isinstance(data, dict):
                return
            await stock_message_handler(sid, data)

        sio.on("session_request", session_request, namespace=self.namespace)
        sio.on(self.user_message_evt, handle_message, namespace=self.namespace)
        return blueprint
