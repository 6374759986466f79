"""Bot-only satisfaction: a conversation the bot handled alone is asked for a rating at
its end (goodbye). After a human service the handoff's own rating question was asked,
and nobody is asked twice in one session; the answer is stored by action_submit_rating.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.outcomes import BotRating

# A human took part in the session: its rating belongs to the handoff.
HUMAN_SERVICE_ACTIONS = {"action_agent_joined", "action_handoff_ended"}
RATING_QUESTIONS = {"utter_ask_rating", "utter_ask_bot_rating"}


def current_session(events: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
    for index in range(len(events) - 1, -1, -1):
        if events[index].get("event") == "session_started":
            return events[index:]
    return events


def rating_due(events: List[Dict[Text, Any]]) -> bool:
    for event in current_session(events):
        kind, name = event.get("event"), event.get("name")
        if kind == "action" and name in HUMAN_SERVICE_ACTIONS | RATING_QUESTIONS:
            return False
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if kind == "user" and intent == "rate_service":
            return False
    return True


class ActionOfferBotRating(Action):
    def name(self) -> Text:
        return "action_offer_bot_rating"

    def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        due = rating_due(list(tracker.events))
        return [SlotSet("bot_rating", BotRating.ASK if due else BotRating.SKIP)]
