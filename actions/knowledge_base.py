"""Answers from the service desk's knowledge base, which staff edit without retraining.

The NLU routes here (faq, or a message it is unsure about); the knowledge base decides:
an answer, up to three suggestions ("您是不是想问"), or nothing, and records what it
could not answer. The action only fills slots; utter_kb_answer words the outcome.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import backend
from actions.identity import identity_of
from actions.outcomes import KbResult
from actions.servicedesk_client import ServiceDeskError, ServiceDeskUnavailable

logger = logging.getLogger(__name__)

SUGGESTION_SLOTS = ("kb_s1", "kb_s2", "kb_s3")


def faq_key(tracker: Tracker) -> Tuple[Optional[Text], float]:
    """The faq/<key> sub-intent the ResponseSelector chose, with its confidence."""
    selected = (
        (tracker.latest_message.get("response_selector") or {}).get("faq")
    ) or {}
    response = selected.get("response") or {}
    key = response.get("intent_response_key") or ""
    if not key.startswith("faq/"):
        return None, 0.0
    return key.split("/", 1)[1], float(response.get("confidence") or 0.0)


def chosen_entry(tracker: Tracker) -> Optional[int]:
    value = next(tracker.get_latest_entity_values("kb_entry"), None)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def previous_question_unanswered(tracker: Tracker) -> bool:
    """Whether the knowledge base also had nothing for the user's previous question."""
    users = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            users += 1
            if users > 1:
                return False
        elif (
            users == 1
            and event.get("event") == "slot"
            and event.get("name") == "kb_result"
        ):
            return event.get("value") in (KbResult.NONE, KbResult.NONE_AGAIN)
    return False


def outcome_slots(result: Dict[str, Any], tracker: Tracker) -> List[Dict[Text, Any]]:
    outcome = result.get("outcome")
    if outcome == "answer":
        entry = result["entry"]
        return [
            SlotSet("kb_result", KbResult.ANSWER),
            SlotSet("kb_answer", entry["answer"]),
            SlotSet("kb_entry", str(entry["id"])),
        ]
    if outcome == "suggest":
        suggestions = result["suggestions"][: len(SUGGESTION_SLOTS)]
        events = [
            SlotSet("kb_result", KbResult.SUGGEST),
            SlotSet("kb_suggestions", str(len(suggestions))),
        ]
        for slot, suggestion in zip(SUGGESTION_SLOTS, suggestions, strict=False):
            events.append(SlotSet(slot, suggestion["question"]))
            # The whole payload: Rasa cannot fill a slot inside a JSON payload template.
            payload = json.dumps({"kb_entry": str(suggestion["id"])})
            events.append(SlotSet(f"{slot}_payload", f"/faq{payload}"))
        return events
    again = previous_question_unanswered(tracker)
    return [SlotSet("kb_result", KbResult.NONE_AGAIN if again else KbResult.NONE)]


class ActionKbAnswer(Action):
    # Only an answer counts (no suggestions, nothing recorded as unanswered).
    answer_only = False

    def name(self) -> Text:
        return "action_kb_answer"

    def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        return lookup(tracker, self.answer_only)


# The NLU's guesses for which only a clear match in the knowledge base answers.
OFF_TOPIC_INTENTS = ("out_of_scope", "chitchat")


def lookup(tracker: Tracker, answer_only: bool) -> List[Dict[Text, Any]]:
    """The knowledge base's outcome for the latest message, as kb_* slots. With
    answer_only, only a confident answer counts and nothing is recorded as unanswered."""
    text = tracker.latest_message.get("text") or ""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    # The sub-intent means something only when the NLU is sure it is a faq.
    key, confidence = faq_key(tracker) if intent == "faq" else (None, 0.0)
    try:
        result = backend.client.kb_answer(
            identity_of(tracker),
            "" if text.startswith("/") else text,
            key,
            confidence,
            chosen_entry(tracker),
            answer_only=answer_only,
            off_topic=intent in OFF_TOPIC_INTENTS,
        )
    except (ServiceDeskError, ServiceDeskUnavailable) as exc:
        logger.error("knowledge base failed: %s", exc)
        return [
            SlotSet("kb_result", KbResult.NONE if answer_only else KbResult.UNAVAILABLE)
        ]
    if answer_only and result.get("outcome") != "answer":
        return [SlotSet("kb_result", KbResult.NONE)]
    return outcome_slots(result, tracker)


class ActionKbFeedback(Action):
    """👎 on an answer: the question goes to the staff's list of answers to improve."""

    def name(self) -> Text:
        return "action_kb_feedback"

    def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        question = ""
        users = [e for e in tracker.events if e.get("event") == "user"]
        for event in reversed(users[:-1]):
            if not (event.get("text") or "").startswith("/"):
                question = event.get("text") or ""
                break
        entry = tracker.get_slot("kb_entry")
        try:
            backend.client.kb_feedback(int(entry) if entry else None, question, False)
        except (ServiceDeskError, ServiceDeskUnavailable, ValueError) as exc:
            logger.error("knowledge-base feedback failed: %s", exc)
        return []


class ActionKbFallback(ActionKbAnswer):
    """The same lookup for a message the NLU is unsure about. A name of its own because
    the fallback rules branch on the outcome (kb_result) and the faq rules do not, and
    Rasa wants one action to set the same slots in every rule."""

    def name(self) -> Text:
        return "action_kb_fallback"


class ActionKbCheck(ActionKbAnswer):
    """Small talk and out-of-scope guesses: the NLU is often sure of them for a topic
    staff added to the knowledge base after training. Only a confident answer counts;
    anything less leaves the usual reply, and nothing is recorded as unanswered."""

    def name(self) -> Text:
        return "action_kb_check"

    answer_only = True
