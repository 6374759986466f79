"""The service desk's calls into the Rasa HTTP API (protected by RASA_AUTH_TOKEN).

An agent's actions reach the user through the conversation in Rasa, on the channel the
user last wrote from (`output_channel=latest`): claiming triggers EXTERNAL_agent_joined
(the bot says who joined and pauses itself), agent messages are appended as bot events
with a widget payload, closing resumes the conversation and triggers
EXTERNAL_handoff_closed (the bot asks for a rating). Every call says whether it got
through; a Rasa server that is down never stops the agent's work in the service desk.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional
from urllib.parse import quote

import requests

logger = logging.getLogger(__name__)

TIMEOUT = 10


class RasaBridge:
    def __init__(self, url: str, token: str) -> None:
        self.url = url.rstrip("/")
        self.token = token
        self.session = requests.Session()

    def _post(self, conversation_id: str, path: str, body: Any) -> bool:
        url = f"{self.url}/conversations/{quote(conversation_id, safe='')}/{path}"
        params = {"token": self.token, "output_channel": "latest"}
        if path == "tracker/events":
            params["execute_side_effects"] = "true"
        try:
            response = self.session.post(url, params=params, json=body, timeout=TIMEOUT)
        except requests.RequestException as exc:
            # The exception's text holds the URL, and the URL holds the token.
            logger.warning(
                "Rasa unreachable for %s: %s", conversation_id, type(exc).__name__
            )
            return False
        if not response.ok:
            logger.warning(
                "Rasa refused %s for %s: %s %s",
                path,
                conversation_id,
                response.status_code,
                response.text[:200],
            )
        return response.ok

    def _trigger(
        self, conversation_id: str, intent: str, entities: Optional[Dict] = None
    ) -> bool:
        body = {"name": intent, "entities": entities or {}}
        return self._post(conversation_id, "trigger_intent", body)

    def _append(self, conversation_id: str, events: List[Dict[str, Any]]) -> bool:
        return self._post(conversation_id, "tracker/events", events)

    def _push(self, conversation_id: str, payload: Dict[str, Any]) -> bool:
        # A bot event without text: the payload alone is sent, so the widget shows the
        # message once, styled as the agent's (see actions/widget_payload.py).
        event = {"event": "bot", "text": None, "data": {"custom": {"data": payload}}}
        return self._append(conversation_id, [event])

    def agent_joined(self, conversation_id: str, agent_name: str) -> bool:
        return self._trigger(
            conversation_id, "EXTERNAL_agent_joined", {"agent_name": agent_name}
        )

    def transferred(self, conversation_id: str, agent_name: str) -> bool:
        payload = {
            "type": "handoff",
            "state": "serving",
            "agent": agent_name,
            "transferred": True,
        }
        return self._push(conversation_id, payload)

    def agent_message(
        self, conversation_id: str, message_id: int, agent_name: str, text: str
    ) -> bool:
        payload = {
            "type": "agent_message",
            "id": message_id,
            "agent": agent_name,
            "text": text,
        }
        return self._push(conversation_id, payload)

    def ticket_update(
        self,
        conversation_id: str,
        ticket_no: str,
        update_id: int,
        agent_name: str,
        text: str,
    ) -> bool:
        """A public update of a left message, in the conversation it came from; the
        widget remembers `update_id` so it does not show it again when it catches up."""
        payload = {
            "type": "agent_message",
            "id": None,
            "agent": agent_name,
            "text": text,
            "ticket_no": ticket_no,
            "update_id": update_id,
        }
        return self._push(conversation_id, payload)

    def closed(self, conversation_id: str) -> bool:
        # The paused conversation ends on the user's last message with no action after
        # it; an action_listen makes the trigger below a fresh turn that rules match.
        resumed = [{"event": "resume"}, {"event": "action", "name": "action_listen"}]
        return self._append(conversation_id, resumed) and self._trigger(
            conversation_id, "EXTERNAL_handoff_closed"
        )

    def cancelled(self, conversation_id: str) -> bool:
        return self._trigger(conversation_id, "EXTERNAL_handoff_cancelled")
