"""What every action after the order form does: pass settled outcomes through, honour a
"no" to the confirmation, and turn the service desk's answer into result slots."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.outcomes import SETTLED, LookupResult
from actions.servicedesk_client import ServiceDeskError, ServiceDeskUnavailable

logger = logging.getLogger(__name__)


class FormSubmission:
    """Base of the submitting actions; not an Action itself (rasa-sdk registers those)."""

    confirm_first = True

    def submit(self, tracker: Tracker) -> List[Dict[Text, Any]]:  # pragma: no cover
        raise NotImplementedError

    def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        if tracker.get_slot("lookup_result") in SETTLED:
            return []
        if self.confirm_first and not tracker.get_slot("confirmed"):
            return [SlotSet("lookup_result", LookupResult.KEPT)]
        try:
            return self.submit(tracker)
        except ServiceDeskError as exc:
            logger.info("%s refused: %s", type(self).__name__, exc)
            return [
                SlotSet("lookup_result", LookupResult.REFUSED),
                SlotSet("refusal", exc.code),
            ]
        except ServiceDeskUnavailable:
            return [SlotSet("lookup_result", LookupResult.UNAVAILABLE)]
