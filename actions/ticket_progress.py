"""Ticket progress in the conversation, and the reminder of an open ticket on return.

"我的工单进度", "TK2026… 处理得怎么样了", "查进度": a known customer reads their own
tickets; an anonymous user reads the tickets left in this conversation, or proves
another one with the last four digits of the contact number (counted by the desk).
"""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import backend
from actions.identity import customer_token
from actions.outcomes import TicketLookup, TicketReminder
from actions.servicedesk_client import (
    Identity,
    ServiceDeskError,
    ServiceDeskUnavailable,
)

logger = logging.getLogger(__name__)

TICKET_NO = re.compile(r"TK\d{14}", re.IGNORECASE)
LAST4 = re.compile(r"(?<!\d)\d{4}(?!\d)")
OPEN_STATES = ("open", "in_progress")


def ticket_no_in(text: Text) -> Optional[Text]:
    found = TICKET_NO.search(text or "")
    return found.group().upper() if found else None


def when(iso: Optional[Text]) -> Text:
    """ "12月02日 10:27" from an ISO time; the desk's clock, not this server's."""
    if not iso:
        return ""
    date, _, clock = iso.partition("T")
    _, month, day = date.split("-")
    return f"{int(month)}月{int(day)}日 {clock[:5]}"


def progress_slots(ticket: Dict[Text, Any]) -> List[Dict[Text, Any]]:
    return [
        SlotSet("ticket_lookup", TicketLookup.FOUND),
        SlotSet("ticket_no", ticket["ticket_no"]),
        SlotSet("ticket_state", ticket["state_label"]),
        SlotSet("ticket_update", ticket.get("last_update") or "暂无"),
        SlotSet("ticket_due", when(ticket.get("due_at"))),
    ]


def pick(tickets: List[Dict[Text, Any]], wanted: Optional[Text]):
    if wanted:
        return next((t for t in tickets if t["ticket_no"] == wanted), None)
    # The newest unfinished one, else the newest.
    unfinished = [t for t in tickets if t["state"] in OPEN_STATES]
    return (unfinished or tickets or [None])[0]


class ActionTicketProgress(Action):
    def name(self) -> Text:
        return "action_ticket_progress"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        text = tracker.latest_message.get("text") or ""
        token = customer_token(tracker)
        asked = (
            ticket_no_in(text)
            or next(tracker.get_latest_entity_values("ticket_no"), None)
            or None
        )
        pending = tracker.get_slot("ticket_lookup") in (
            TicketLookup.NEED_LAST4, TicketLookup.WRONG_LAST4,
        )  # fmt: skip
        if asked is None and pending:
            asked = tracker.get_slot("ticket_no")
        identity = Identity(customer_token=token, end_user=tracker.sender_id)
        try:
            mine = backend.client.my_tickets(identity, tracker.sender_id)
            found = pick(mine, asked)
            if found is not None:
                return progress_slots(found)
            if asked is None:
                return [SlotSet("ticket_lookup", TicketLookup.NEED_NUMBER)]
            if token:
                return [SlotSet("ticket_lookup", TicketLookup.NOT_FOUND)]
            last4 = LAST4.search(text) if pending else None
            if last4 is None:
                return [
                    SlotSet("ticket_lookup", TicketLookup.NEED_LAST4),
                    SlotSet("ticket_no", asked),
                ]
            identity.phone_last4 = last4.group()
            return progress_slots(backend.client.ticket_progress(asked, identity))
        except ServiceDeskError as exc:
            outcome = {
                "VERIFICATION_FAILED": TicketLookup.WRONG_LAST4,
                "VERIFY_LOCKED": TicketLookup.LOCKED,
            }.get(exc.code, TicketLookup.NOT_FOUND)
            return [SlotSet("ticket_lookup", outcome)]
        except ServiceDeskUnavailable:
            return [SlotSet("ticket_lookup", TicketLookup.UNAVAILABLE)]


class ActionTicketReminder(Action):
    """Before the first greeting: an open ticket, or an answer not yet read, for
    utter_greet to mention."""

    def name(self) -> Text:
        return "action_ticket_reminder"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        identity = Identity(
            customer_token=customer_token(tracker), end_user=tracker.sender_id
        )
        try:
            tickets = backend.client.my_tickets(identity, tracker.sender_id)
        except (ServiceDeskError, ServiceDeskUnavailable) as exc:
            logger.warning("tickets unavailable for the greeting: %s", exc)
            return [SlotSet("ticket_reminder", None)]
        # The newest ticket that is still open or has an answer not yet shown.
        for ticket in tickets:
            if ticket["state"] in OPEN_STATES:
                return [
                    SlotSet("ticket_reminder", TicketReminder.OPEN),
                    SlotSet("ticket_no", ticket["ticket_no"]),
                ]
            if ticket["resolution"] and ticket["ticket_no"] != tracker.get_slot(
                "ticket_seen"
            ):
                return [
                    SlotSet("ticket_reminder", TicketReminder.ANSWERED),
                    SlotSet("ticket_no", ticket["ticket_no"]),
                    SlotSet("ticket_update", ticket["resolution"]),
                    SlotSet("ticket_seen", ticket["ticket_no"]),
                ]
        return [SlotSet("ticket_reminder", None)]
