"""Runs every custom action in a worker thread of the action server.

The actions talk to the service desk with blocking HTTP calls (servicedesk_client.py),
and rasa_sdk calls an action on its one event loop: while one conversation's action
waited for the desk, every other conversation's action waited behind it (make bench).
Each action call now runs in the loop's thread pool (async actions, such as form
validation, on a loop of the worker's own), so conversations overlap their waits.
The actions share nothing mutable but the desk client, whose connection pool is
thread-safe.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any, Callable, Text

import rasa_sdk
from rasa_sdk.executor import ActionExecutor

WRITTEN_FOR = "3.6."

_original_register_function = ActionExecutor.register_function


def threaded(action: Callable) -> Callable:
    """The action as a coroutine function that runs it in a worker thread."""

    def call(dispatcher: Any, tracker: Any, domain: Any) -> Any:
        result = action(dispatcher, tracker, domain)
        if asyncio.iscoroutine(result):
            return asyncio.run(result)
        return result

    @functools.wraps(action)
    async def run(dispatcher: Any, tracker: Any, domain: Any) -> Any:
        return await asyncio.to_thread(call, dispatcher, tracker, domain)

    run.threaded = True
    return run


def _register_function(self: ActionExecutor, name: Text, f: Callable) -> None:
    if not getattr(f, "threaded", False):
        f = threaded(f)
    _original_register_function(self, name, f)


def install() -> None:
    """Make the action server run each action in a worker thread; idempotent."""
    if not rasa_sdk.__version__.startswith(WRITTEN_FOR):
        raise RuntimeError(
            f"actions/threaded_executor.py was written for rasa_sdk {WRITTEN_FOR}x, "
            f"not {rasa_sdk.__version__}: check ActionExecutor.register_function"
        )
    ActionExecutor.register_function = _register_function


def installed() -> bool:
    return ActionExecutor.register_function is _register_function
