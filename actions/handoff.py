"""Handing the conversation to a human: what the agent needs, and the queue's answer.

The summary carries what the bot already knows, so the agent never asks again: the
intents so far, the slots that hold the user's data, the self-service actions that ran,
and the trigger; the transcript is the text of both sides.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import orders
from actions.identity import identity_of
from actions.servicedesk_client import ServiceDeskError, ServiceDeskUnavailable

logger = logging.getLogger(__name__)

# Slots that describe the user's case (not the bot's bookkeeping).
CASE_SLOTS = (
    "task", "order_no", "order_status", "order_items", "reason", "aftersale_type",
    "request_no", "product", "lookup_result", "refusal",
)  # fmt: skip
TRANSCRIPT_LIMIT = 60


def trigger_of(tracker: Tracker) -> Text:
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    if intent == "complain":
        return "complaint"
    fallbacks = [
        e
        for e in tracker.events[-12:]
        if e.get("event") == "action" and e.get("name") == "utter_default"
    ]
    return "repeated_failure" if fallbacks else "user_request"


def summary_of(tracker: Tracker, trigger: Text) -> Dict[Text, Any]:
    intents: List[Text] = []
    transcript: List[Dict[Text, Text]] = []
    tried: List[Text] = []
    for event in tracker.events:
        kind = event.get("event")
        if kind == "user":
            name = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            if name and (not intents or intents[-1] != name):
                intents.append(name)
            transcript.append({"from": "user", "text": event.get("text") or ""})
        elif kind == "bot" and event.get("text"):
            transcript.append({"from": "bot", "text": event["text"]})
        elif kind == "action" and str(event.get("name", "")).startswith("action_"):
            if event["name"] not in ("action_listen", "action_session_start"):
                tried.append(event["name"])
    slots = {
        name: tracker.get_slot(name)
        for name in CASE_SLOTS
        if tracker.get_slot(name) not in (None, "")
    }
    return {
        "trigger": trigger,
        "intents": intents,
        "slots": slots,
        "self_service": sorted(set(tried)),
        "transcript": transcript[-TRANSCRIPT_LIMIT:],
    }


class ActionHandoff(Action):
    def name(self) -> Text:
        return "action_handoff"

    def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        trigger = trigger_of(tracker)
        try:
            handoff = orders.client.request_handoff(
                tracker.sender_id,
                identity_of(tracker),
                trigger,
                summary_of(tracker, trigger),
            )
        except (ServiceDeskError, ServiceDeskUnavailable) as exc:
            logger.error("handoff failed: %s", exc)
            return [SlotSet("handoff_result", "unavailable")]
        if handoff["state"] == "unavailable":
            # Nobody can take it now: offer a message instead of an endless wait.
            return [SlotSet("handoff_result", "no_agent")]
        return [
            SlotSet("handoff_result", "queued"),
            SlotSet("queue_position", str(handoff["position"])),
            SlotSet("queue_wait", str(handoff["estimated_wait_minutes"])),
        ]


class ActionLeaveMessage(Action):
    """A ticket with the conversation summary, for when no agent is available."""

    def name(self) -> Text:
        return "action_leave_message"

    def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        summary = summary_of(tracker, "no_agent")
        try:
            ticket = orders.client.create_ticket(
                identity_of(tracker),
                "留言：转人工时无客服在线",
                json.dumps(summary, ensure_ascii=False)[:4000],
                order_no=tracker.get_slot("order_no"),
            )
        except (ServiceDeskError, ServiceDeskUnavailable) as exc:
            logger.error("ticket failed: %s", exc)
            return [SlotSet("ticket_result", "unavailable")]
        # handoff_result stays as it is: the rule that led here is still running.
        return [
            SlotSet("ticket_result", "created"),
            SlotSet("ticket_no", ticket["ticket_no"]),
        ]
