"""What an order task declares: the slots it asks after the order, what the request
itself already chose, what the service desk settles before any question, and how each
of its answers is validated."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Text, Tuple

from rasa_sdk import Tracker

from actions.form_answers import Values
from actions.servicedesk_client import Identity

Validator = Callable[[Any, Tracker], Values]


class OrderTask:
    name: Text = ""
    # Bookkeeping slots of this task that must not leak into the next request.
    resets: Tuple[Text, ...] = ()

    def slots(self, tracker: Tracker) -> List[Text]:
        """What the form asks once it knows the order (and the phone proof)."""
        return []

    def inferred(self, text: Text, tracker: Tracker) -> Values:
        """Choices the request itself already made ("改收货地址", "开专票", "换货")."""
        return {}

    def check(
        self, order: Dict[Text, Any], tracker: Tracker, identity: Identity
    ) -> Values:
        """What the service desk settles before anything is asked (its dry runs)."""
        return {}

    def validators(self) -> Dict[Text, Validator]:
        return {}
