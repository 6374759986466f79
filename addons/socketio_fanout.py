"""socket.io emits shared across Rasa instances through Redis (SOCKETIO_REDIS_URL).

A widget's socket lives in one instance, but the service desk reaches the conversation
through the Rasa HTTP API behind a load balancer (an agent's reply, the rating request),
so the instance that emits the bot message is often not the one holding the socket.
With python-socketio's Redis manager every instance publishes its emits and delivers
those for the sockets it holds. Unset (one instance, `make run`): emits stay in-process.
"""

from __future__ import annotations

import os
from typing import Any, Optional, Text

URL_ENV = "SOCKETIO_REDIS_URL"
CHANNEL = "assistant-socketio"


def attach(sio: Any, url: Optional[Text] = None) -> bool:
    """Replaces the server's in-process manager by the Redis one, before any client."""
    url = url if url is not None else os.environ.get(URL_ENV, "")
    if not url:
        return False
    import socketio

    if sio.manager_initialized:
        raise RuntimeError("socket.io manager already in use; attach before serving")
    manager = socketio.AsyncRedisManager(url, channel=CHANNEL)
    manager.set_server(sio)
    sio.manager = manager
    return True
