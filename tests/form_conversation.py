"""One conversation driven turn by turn through the order form's validation action."""

import asyncio
import uuid

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.order_form import ValidateOrderForm


class Conversation:
    """Slots of one conversation, advanced turn by turn through the form."""

    def __init__(self, domain, task, token=None, **slots):
        self.domain = domain
        self.token = token
        self.slots = {"task": task, "requested_slot": None, **slots}
        self.messages = []
        # One sender per conversation: the desk counts failed phone checks per sender,
        # and one test's wrong guesses must not lock another's.
        self.sender_id = f"form-test-{uuid.uuid4().hex[:12]}"

    def tracker(self, text, candidates, intent="inform", entities=()):
        metadata = {"customer_token": self.token} if self.token else {}
        before = [
            {"event": "slot", "name": name, "value": value}
            for name, value in self.slots.items()
            if value is not None
        ]
        events = (
            before
            + [
                {"event": "user", "text": text, "metadata": metadata},
                {"event": "action", "name": "order_form"},
            ]
            + [
                {"event": "slot", "name": name, "value": value}
                for name, value in candidates.items()
            ]
        )
        return Tracker(
            sender_id=self.sender_id,
            slots={**self.slots, **candidates},
            latest_message={
                "text": text,
                "intent": {"name": intent},
                "entities": list(entities),
            },
            events=events,
            paused=False,
            followup_action=None,
            active_loop={"name": "order_form"},
            latest_action_name="order_form",
        )

    def say(self, text="", intent="inform", entities=(), **candidates):
        """One user turn: the candidates the slot mappings extracted from `text`."""
        if not candidates and self.slots["requested_slot"]:
            candidates = {self.slots["requested_slot"]: text}
        dispatcher = CollectingDispatcher()
        events = asyncio.run(
            ValidateOrderForm().run(
                dispatcher,
                self.tracker(text, candidates, intent, entities),
                self.domain,
            )
        )
        changes = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
        self.slots.update(changes)
        return changes

    def start(self, text="", entities=(), **prefilled):
        """The form's activation: slots already known are validated again."""
        self.slots.update(prefilled)
        known = {
            name: value
            for name, value in self.slots.items()
            if name in self.domain["forms"]["order_form"]["required_slots"]
            and value is not None
        }
        return self.say(text, intent=self.slots["task"], entities=entities, **known)

    def submit(self, action):
        dispatcher = CollectingDispatcher()
        tracker = self.tracker("", {})
        events = action.run(dispatcher, tracker, self.domain)
        self.slots.update({e["name"]: e["value"] for e in events})
        return self.slots

    @property
    def asking(self):
        return self.slots["requested_slot"]
