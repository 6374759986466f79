"""Actions of different conversations overlap in the action server."""

from __future__ import annotations

import asyncio
import threading

from rasa_sdk import Action
from rasa_sdk.executor import ActionExecutor

import actions  # noqa: F401 - importing the package is what the action server does
from actions import threaded_executor

BARRIER_TIMEOUT = 10


def call(name: str, sender: str) -> dict:
    return {
        "next_action": name,
        "tracker": {
            "sender_id": sender,
            "slots": {},
            "latest_message": {},
            "events": [],
        },
        "domain": {},
    }


def test_the_actions_package_installs_the_threaded_executor():
    assert threaded_executor.installed()


def test_two_blocking_actions_run_at_the_same_time():
    # Each action blocks until the other has started: on one event loop without
    # threads the first would wait for ever and the barrier would break.
    barrier = threading.Barrier(2, timeout=BARRIER_TIMEOUT)

    class Meeting(Action):
        def name(self) -> str:
            return "action_test_meeting"

        def run(self, dispatcher, tracker, domain):
            barrier.wait()
            dispatcher.utter_message(text=tracker.sender_id)
            return []

    class AsyncMeeting(Meeting):
        def name(self) -> str:
            return "action_test_async_meeting"

        async def run(self, dispatcher, tracker, domain):
            return Meeting.run(self, dispatcher, tracker, domain)

    executor = ActionExecutor()
    executor.register_action(Meeting)
    executor.register_action(AsyncMeeting)

    async def both():
        return await asyncio.gather(
            executor.run(call("action_test_meeting", "a")),
            executor.run(call("action_test_async_meeting", "b")),
        )

    first, second = asyncio.run(both())
    assert [m["text"] for m in first["responses"]] == ["a"]
    assert [m["text"] for m in second["responses"]] == ["b"]
    assert not barrier.broken
