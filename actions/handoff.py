"""Handing the conversation to a human: what the agent needs, and the queue's answer.

The summary carries what the bot already knows, so the agent never asks again: the
intents so far, the slots that hold the user's data, the self-service actions that ran,
and the trigger; the transcript is the text of both sides.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ConversationPaused, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import backend
from actions.identity import customer_token, identity_of
from actions.outcomes import HandoffResult, RatingResult, TicketResult
from actions.servicedesk_client import ServiceDeskError, ServiceDeskUnavailable
from actions.ticket_progress import when

logger = logging.getLogger(__name__)

ACTION_LISTEN = "action_listen"
# Slots that describe the user's case (not the bot's bookkeeping).
CASE_SLOTS = (
    "task", "order_no", "order_status", "order_items", "reason", "aftersale_type",
    "request_no", "product", "lookup_result", "refusal",
)  # fmt: skip
# Slots that name or describe one order: the agent gets them only for an order proven in
# this conversation, or the service desk would show an order anyone can type.
ORDER_SLOTS = ("order_no", "order_status", "order_items", "request_no", "product")
TRANSCRIPT_LIMIT = 60
# Actions that are Rasa's or this module's own machinery, not self-service the user tried.
BOOKKEEPING_ACTIONS = {
    "action_listen", "action_session_start", "action_deactivate_loop",
    "action_extract_slots", "action_handoff", "action_agent_joined",
    "action_handoff_ended", "action_handoff_cancelled", "action_default_fallback",
}  # fmt: skip


def trigger_of(tracker: Tracker) -> Text:
    """Why the user is handed over, as the agent's queue shows it."""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    if intent == "complain":
        return "complaint"
    recent = tracker.events[-12:]
    if any(
        e.get("event") == "action" and e.get("name") == "utter_default" for e in recent
    ):
        return "repeated_failure"
    slots_set = {
        e.get("name"): e.get("value") for e in recent if e.get("event") == "slot"
    }
    if slots_set.get("form_hint") == "offer_human":
        return "form_failure"
    if "unavailable" in (slots_set.get("lookup_result"), slots_set.get("refusal")):
        return "backend_error"
    return "user_request"


def proven_order(tracker: Tracker) -> Optional[Text]:
    """The current order, if this message's token (the desk checks the order is the
    customer's) or a passed phone check in this conversation backs it."""
    order_no = tracker.get_slot("order_no")
    if order_no and (
        customer_token(tracker) or tracker.get_slot("verified_order") == order_no
    ):
        return order_no
    return None


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
            if event["name"] not in BOOKKEEPING_ACTIONS:
                tried.append(event["name"])
    unproven = () if proven_order(tracker) else ORDER_SLOTS
    slots = {
        name: tracker.get_slot(name)
        for name in CASE_SLOTS
        if tracker.get_slot(name) not in (None, "") and name not in unproven
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
            handoff = backend.client.request_handoff(
                tracker.sender_id,
                identity_of(tracker),
                trigger,
                summary_of(tracker, trigger),
            )
        except (ServiceDeskError, ServiceDeskUnavailable) as exc:
            logger.error("handoff failed: %s", exc)
            return [SlotSet("handoff_result", HandoffResult.UNAVAILABLE)]
        if handoff["state"] == "unavailable":
            # Nobody can take it now: offer a message instead of an endless wait.
            return [SlotSet("handoff_result", HandoffResult.NO_AGENT)]
        if handoff["state"] == "serving":
            # Asked again while an agent already serves: nothing to queue.
            return [SlotSet("handoff_result", HandoffResult.SERVING)]
        return [
            SlotSet("handoff_result", HandoffResult.QUEUED),
            SlotSet("queue_position", str(handoff["position"])),
            SlotSet("queue_wait", str(handoff["estimated_wait_minutes"])),
        ]


class ActionLeaveMessage(Action):
    """A ticket with the user's message, how to call back and the conversation summary,
    for when no agent is available (the message form has asked; actions/leave_message.py).
    """

    def name(self) -> Text:
        return "action_leave_message"

    def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        summary = summary_of(tracker, "no_agent")
        # A known customer who keeps the number on file leaves none: the desk has it.
        phone = tracker.get_slot("contact_phone")
        try:
            ticket = backend.client.create_ticket(
                identity_of(tracker),
                "留言：转人工时无客服在线",
                json.dumps(summary, ensure_ascii=False)[:4000],
                order_no=proven_order(tracker),
                message=(tracker.get_slot("message_text") or "")[:1000],
                contact_phone=phone or None,
                callback_time=tracker.get_slot("callback_time"),
                conversation_id=tracker.sender_id,
                summary={k: summary[k] for k in ("trigger", "intents", "slots")},
            )
        except (ServiceDeskError, ServiceDeskUnavailable) as exc:
            logger.error("ticket failed: %s", exc)
            return [SlotSet("ticket_result", TicketResult.UNAVAILABLE)]
        # handoff_result stays as it is: the rule that led here is still running.
        return [
            SlotSet("ticket_result", TicketResult.CREATED),
            SlotSet("ticket_no", ticket["ticket_no"]),
            SlotSet("ticket_due", when(ticket.get("due_at"))),
            SlotSet("contact_phone", None),
        ]


class ActionAgentJoined(Action):
    """The service desk says an agent took the conversation: the bot steps aside.

    Triggered through Rasa's HTTP API (intent EXTERNAL_agent_joined with the agent's
    name as entity, which utter_agent_joined has already said). While the conversation is paused the user's messages are stored
    and relayed to the agent (addons/handoff_relay.py), and the bot predicts nothing.
    """

    def name(self) -> Text:
        return "action_agent_joined"

    def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        # A paused conversation stops before its action_listen; Rasa maps a user's
        # /restart to action_restart only after one, so without it /restart during a
        # handoff would fall back and the pause would hold for good.
        return [
            SlotSet("handoff_result", HandoffResult.SERVING),
            ConversationPaused(),
            ActionExecuted(ACTION_LISTEN),
        ]


class ActionHandoffEnded(Action):
    """The agent closed the conversation (the service desk resumed it first)."""

    def name(self) -> Text:
        return "action_handoff_ended"

    def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        return [
            SlotSet("handoff_result", HandoffResult.CLOSED),
            SlotSet("rating_result", None),
        ]


class ActionHandoffCancelled(Action):
    """The user left the queue (widget button); the bot is there as before."""

    def name(self) -> Text:
        return "action_handoff_cancelled"

    def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        return [
            SlotSet("handoff_result", None),
            SlotSet("queue_position", None),
            SlotSet("queue_wait", None),
        ]


# "5", "5分", "给4星" (the first number), or words, the negative ones first because
# 不满意 contains 满意.
RATING_WORDS = (
    ("非常不满意", 1), ("很不满意", 1), ("太差", 1), ("很差", 1), ("非常差", 1),
    ("不满意", 2), ("不太满意", 2), ("差", 2),
    ("一般", 3), ("还行", 3), ("凑合", 3),
    ("非常满意", 5), ("很满意", 5), ("超级满意", 5), ("满分", 5), ("很好", 5),
    ("满意", 4), ("不错", 4), ("挺好", 4),
)  # fmt: skip
NO_COMMENT = "-"


def rating_of(text: Text, entity: Optional[Text]) -> Optional[int]:
    for candidate in (entity, text):
        match = re.search(r"\d+", candidate or "")
        if match:
            # "10分" / "100分" on another scale still means the top mark.
            return min(max(int(match.group()), 1), 5)
    for word, value in RATING_WORDS:
        if word in (text or ""):
            return value
    return None


def comment_of(text: Text, entity: Optional[Text]) -> Text:
    if entity is not None:
        return "" if entity.strip() == NO_COMMENT else entity.strip()[:500]
    # A typed rating with more than a score ("4分，回复有点慢") keeps the words.
    if text and not text.startswith("/") and len(text.strip()) > 4:
        return text.strip()[:500]
    return ""


class ActionSubmitRating(Action):
    """Stores the user's rating: of the human service with the handoff, otherwise of
    the bot's own service (bot-only CSAT)."""

    def name(self) -> Text:
        return "action_submit_rating"

    def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        text = tracker.latest_message.get("text") or ""
        rating = rating_of(text, next(tracker.get_latest_entity_values("rating"), None))
        human = tracker.get_slot("handoff_result") == HandoffResult.CLOSED
        if rating is None:
            # Praise or a complaint without a score, outside the human service's
            # rating question, is simply thanked as before.
            return [SlotSet("rating_result", RatingResult.INVALID if human else None)]
        comment = comment_of(
            text, next(tracker.get_latest_entity_values("rating_comment"), None)
        )
        rate = backend.client.rate_handoff if human else backend.client.rate_bot_session
        try:
            rate(tracker.sender_id, rating, comment)
        except (ServiceDeskError, ServiceDeskUnavailable) as exc:
            logger.error("rating failed: %s", exc)
            return [SlotSet("rating_result", RatingResult.UNAVAILABLE)]
        # handoff_result stays "closed": the rule that runs this action is conditioned
        # on it until its last step; a later rating simply replaces this one.
        return [SlotSet("rating_result", RatingResult.SAVED)]
