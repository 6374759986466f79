"""A chat user on Rasa's socket.io channel, as the widget talks to it."""

from __future__ import annotations

import asyncio
import time
from typing import Any, Callable, Dict, List, Optional

import socketio


class SocketUser:
    """Asks for a new session, or rejoins `session_id` with its `session_token`.

    The session id and token are the ones the server confirms, which need not be the
    ones asked for (a claim without a valid token gets a fresh session).
    """

    def __init__(
        self,
        url: str,
        customer_token: Optional[str] = None,
        session_id: Optional[str] = None,
        session_token: Optional[str] = None,
    ) -> None:
        self.url = url
        self.session_id = session_id
        self.session_token = session_token
        self.customer_token = customer_token
        self.received: List[Dict[str, Any]] = []
        self.client = socketio.AsyncClient(reconnection=False)
        self.client.on("bot_uttered", self.received.append)

    async def connect(self) -> None:
        confirmed = asyncio.Event()

        def on_confirm(data: Dict[str, Any]) -> None:
            self.session_id = data["session_id"]
            self.session_token = data["session_token"]
            confirmed.set()

        self.client.on("session_confirm", on_confirm)
        await self.client.connect(self.url, transports=["websocket"])
        request = {}
        if self.session_id is not None:
            request = {"session_id": self.session_id}
            if self.session_token is not None:
                request["session_token"] = self.session_token
        await self.client.emit("session_request", request)
        await asyncio.wait_for(confirmed.wait(), 10)

    async def say(self, text: str, session_id: Optional[str] = None) -> None:
        """Sends `text` as the confirmed session, or as `session_id` if given."""
        metadata = (
            {"customer_token": self.customer_token} if self.customer_token else {}
        )
        await self.client.emit(
            "user_uttered",
            {
                "message": text,
                "session_id": session_id or self.session_id,
                "metadata": metadata,
            },
        )

    async def wait_for(
        self,
        check: Callable[[Dict[str, Any]], bool],
        timeout: float = 30,
        after: int = 0,
    ) -> Dict[str, Any]:
        """The first message received (from index `after`) so far or within `timeout`
        s that passes."""
        deadline = time.monotonic() + timeout
        seen = after
        while time.monotonic() < deadline:
            for message in self.received[seen:]:
                if check(message):
                    return message
            seen = len(self.received)
            await asyncio.sleep(0.1)
        raise AssertionError(f"nothing matched within {timeout} s: {self.received}")

    async def close(self) -> None:
        await self.client.disconnect()


def payload(kind: str, **fields: Any) -> Callable[[Dict[str, Any]], bool]:
    """Matches a widget payload (actions/widget_payload.py) with these fields."""
    return lambda m: (
        m.get("type") == kind and all(m.get(k) == v for k, v in fields.items())
    )


def text_containing(part: str) -> Callable[[Dict[str, Any]], bool]:
    return lambda m: part in (m.get("text") or "")
