"""Binding a WeChat follower to their customer account (the 绑定账号 menu item).

The follower names the phone of their account; the desk texts a code to it if it is a
customer's (and answers the same if not), and binds the openid once the code comes
back (servicedesk/wechat/bindings.py). The openid is only taken together with the
proof the WeChat channel signs into each message's metadata (addons/wechat/proof.py),
and only from a message that came in through a WeChat channel: a REST client naming
someone's openid in its metadata binds nothing, and elsewhere than WeChat the form ends
at once with the not_wechat answer. From then on the channel
passes the binding's customer token with every message, and 查订单 knows the customer.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import backend
from actions.form_answers import answer_text
from actions.order_code import code_in
from actions.servicedesk_client import ServiceDeskError, ServiceDeskUnavailable

logger = logging.getLogger(__name__)

GIVEN = "verified"


def wechat_identity(tracker: Tracker) -> Optional[Tuple[Text, Text]]:
    """(openid, proof) of the latest user message, if the WeChat channel sent it."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            # Set by Rasa from the channel that took the message, never by the client.
            if not str(event.get("input_channel") or "").startswith("wechat"):
                return None
            metadata = event.get("metadata") or {}
            openid, proof = metadata.get("wechat_openid"), metadata.get("wechat_proof")
            if isinstance(openid, str) and isinstance(proof, str) and openid and proof:
                return openid, proof
            return None
    return None


class ActionWeChatBindStart(Action):
    """A fresh binding: nothing left from an earlier one."""

    def name(self) -> Text:
        return "action_wechat_bind_start"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        result = None if wechat_identity(tracker) else "not_wechat"
        return [
            SlotSet("bind_phone", None),
            SlotSet("bind_code", None),
            SlotSet("bind_hint", None),
            SlotSet("bind_result", result),
        ]


def _send_code(identity: Tuple[Text, Text], phone: Text) -> Dict[Text, Any]:
    try:
        backend.client.wechat_bind_code(*identity, phone)
    except ServiceDeskError as exc:
        if exc.code == "INVALID_PHONE":
            return {"bind_phone": None, "bind_hint": "invalid_phone"}
        if exc.code == "VERIFY_LOCKED":
            return {"bind_result": "locked"}
        logger.error("WeChat binding code refused: %s", exc)
        return {"bind_result": "unavailable"}
    except ServiceDeskUnavailable:
        return {"bind_result": "unavailable"}
    return {"bind_phone": phone, "bind_hint": None}


class ValidateWeChatBindForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_wechat_bind_form"

    async def required_slots(
        self,
        domain_slots: List[Text],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        # Settled (bound, locked, not on WeChat...): nothing more to ask.
        return [] if tracker.get_slot("bind_result") else domain_slots

    def validate_bind_phone(
        self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        identity = wechat_identity(tracker)
        if identity is None:
            return {"bind_result": "not_wechat"}
        phone = "".join(ch for ch in answer_text(tracker, value) if ch.isdigit())
        if not phone:
            return {"bind_phone": None, "bind_hint": "invalid_phone"}
        return _send_code(identity, phone)

    def validate_bind_code(
        self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        identity = wechat_identity(tracker)
        if identity is None:
            return {"bind_result": "not_wechat"}
        code = code_in(answer_text(tracker, value))
        if not code:
            return {"bind_code": None, "bind_hint": "wrong_code"}
        try:
            backend.client.wechat_bind(*identity, code)
        except ServiceDeskError as exc:
            if exc.code == "CODE_INVALID":
                return {"bind_code": None, "bind_hint": "wrong_code"}
            if exc.code == "CODE_EXPIRED":
                resent = _send_code(identity, tracker.get_slot("bind_phone") or "")
                if resent.get("bind_result"):
                    return resent
                return {**resent, "bind_code": None, "bind_hint": "code_resent"}
            if exc.code == "VERIFY_LOCKED":
                return {"bind_result": "locked"}
            logger.error("WeChat binding refused: %s", exc)
            return {"bind_result": "unavailable"}
        except ServiceDeskUnavailable:
            return {"bind_result": "unavailable"}
        return {"bind_code": GIVEN, "bind_result": "bound", "bind_hint": None}
