"""First stage of the two-stage fallback: choose the intent to offer the user.

The wording and buttons of the offer live in the domain (`utter_ask_affirmation`, one
conditional variation per intent we can offer); this action only picks which one.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional, Set, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

SUGGESTION_SLOT = "suggested_intent"
OFFER_RESPONSE = "utter_ask_affirmation"
FALLBACK_INTENT = "nlu_fallback"
# Below this confidence a suggestion is a guess, and a plain "please rephrase" (the
# unconditional variation) serves the user better than a wrong offer.
MIN_CONFIDENCE = 0.15


def offerable_intents(domain: Dict[Text, Any]) -> Set[Text]:
    """Intents that have a conditional variation of the offer in the domain."""
    variations = domain.get("responses", {}).get(OFFER_RESPONSE, [])
    return {
        condition["value"]
        for variation in variations
        for condition in variation.get("condition") or []
        if condition.get("name") == SUGGESTION_SLOT and condition.get("value")
    }


def choose_suggestion(
    ranking: Iterable[Dict[Text, Any]], offerable: Set[Text]
) -> Optional[Text]:
    """The best-ranked offerable intent that is confident enough, if any."""
    for entry in ranking:
        name = entry.get("name")
        if name == FALLBACK_INTENT:
            continue
        if (entry.get("confidence") or 0.0) < MIN_CONFIDENCE:
            return None
        if name in offerable:
            return name
    return None


class ActionSuggestIntent(Action):
    def name(self) -> Text:
        return "action_suggest_intent"

    def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        ranking = tracker.latest_message.get("intent_ranking") or []
        suggestion = choose_suggestion(ranking, offerable_intents(domain))
        return [SlotSet(SUGGESTION_SLOT, suggestion)]
