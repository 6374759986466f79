"""Leaving a message when no agent is free: what the problem is, when and how to call.

The message reuses what the user already said about the problem (confirmed first);
a known customer confirms the masked number on file, an anonymous user types one,
after the consent line, and the desk validates it. The number is the form's last
question, so it goes to the desk in the same turn it is typed: the tracker store keeps
no phone (addons/event_masking.py).
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import backend
from actions.identity import customer_token, identity_of
from actions.outcomes import MessageHint
from actions.servicedesk_client import ServiceDeskError, ServiceDeskUnavailable

logger = logging.getLogger(__name__)

# Intents whose words are not a problem description.
NOT_A_PROBLEM = {
    "request_human", "affirm", "deny", "greet", "goodbye", "thank", "bot_challenge",
    "rate_service", "inform", "chitchat", "out_of_scope", "nlu_fallback", "query_ticket",
}  # fmt: skip
MIN_MESSAGE_CHARS = 4
MAX_MESSAGE_CHARS = 500
FORM_SLOTS = (
    "message_draft", "message_draft_ok", "message_text", "callback_time",
    "contact_on_file", "contact_ok", "contact_phone", "message_hint",
)  # fmt: skip
# Button titles of utter_ask_callback_time and the words that mean "whenever".
ANY_TIME = {"都可以", "随时", "随便", "无所谓", "尽快", "越快越好"}


def problem_said(tracker: Tracker) -> Optional[Text]:
    """The user's latest message that describes a problem, if any."""
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        text = (event.get("text") or "").strip()
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if text.startswith("/") or intent in NOT_A_PROBLEM:
            continue
        if len(text) >= MIN_MESSAGE_CHARS:
            return text[:MAX_MESSAGE_CHARS]
    return None


class ActionPrepareMessage(Action):
    """Before the message form: a draft from the conversation, the number on file."""

    def name(self) -> Text:
        return "action_prepare_message"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        on_file = None
        if customer_token(tracker):
            try:
                on_file = backend.client.me(identity_of(tracker)).get("phone")
            except (ServiceDeskError, ServiceDeskUnavailable) as exc:
                logger.warning("customer profile unavailable: %s", exc)
        values = {name: None for name in FORM_SLOTS}
        values.update(message_draft=problem_said(tracker), contact_on_file=on_file)
        return [SlotSet(name, value) for name, value in values.items()]


class ValidateMessageForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_message_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        slots = []
        if tracker.get_slot("message_draft") and not tracker.get_slot("message_text"):
            slots.append("message_draft_ok")
        slots += ["message_text", "callback_time"]
        if tracker.get_slot("contact_on_file"):
            slots.append("contact_ok")
            if tracker.get_slot("contact_ok") is False:
                slots.append("contact_phone")
        else:
            slots.append("contact_phone")
        return slots

    def validate_message_draft_ok(
        self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value is True:
            return {
                "message_draft_ok": True,
                "message_text": tracker.get_slot("message_draft"),
            }
        if isinstance(value, str):
            # The message typed anew instead of yes or no.
            checked = self.validate_message_text(value, dispatcher, tracker, domain)
            return {"message_draft_ok": False, "message_draft": None, **checked}
        # "重新写": the draft goes, the form asks for the message.
        return {"message_draft_ok": False, "message_draft": None}

    def validate_message_text(
        self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        text = str(value or "").strip()
        if text.startswith("/") or len(text) < 2:
            return {"message_text": None, "message_hint": MessageHint.TOO_SHORT}
        return {"message_text": text[:MAX_MESSAGE_CHARS], "message_hint": None}

    def validate_callback_time(
        self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        text = str(value or "").strip().lstrip("/")
        if not text or text in ANY_TIME:
            return {"callback_time": "尽快"}
        return {"callback_time": text[:30]}

    def validate_contact_ok(
        self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if isinstance(value, str):
            # A new number typed straight away instead of "换个号码".
            checked = self.validate_contact_phone(value, dispatcher, tracker, domain)
            return {"contact_ok": False, **checked}
        return {"contact_ok": bool(value)}

    def validate_contact_phone(
        self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        try:
            phone = backend.client.check_phone(str(value or ""))
        except ServiceDeskError:
            return {"contact_phone": None, "message_hint": MessageHint.INVALID_PHONE}
        except ServiceDeskUnavailable:
            # The desk checks the number again when the message is left.
            phone = str(value or "").strip()[:20]
        return {"contact_phone": phone, "message_hint": None}
