"""Custom payloads for the chat widget, in the one shape every channel can carry.

Rasa's socket.io channel passes a custom payload's keys to `AsyncServer.emit()` as
keyword arguments, so only a payload under `data` reaches the browser (any other key
makes the emit fail). REST clients get the same `{"data": {...}}` under `custom`.
"""

from __future__ import annotations

from typing import Any, Dict


def widget_payload(kind: str, **fields: Any) -> Dict[str, Any]:
    return {"data": {"type": kind, **fields}}
