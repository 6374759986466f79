"""What of a conversation event may be stored: the event as Rasa serialises it, masked.

Free text anywhere in an event (what the user typed, the parse data, entity values, the
bot's words and payloads, slot values) goes through pii_masking. The slots that hold
nothing but personal data are stored empty, so a form continued from the database asks
for them again instead of submitting a placeholder. Tokens in message metadata are
credentials and are dropped; a marker says one was there.
"""

from __future__ import annotations

from typing import Any, Dict

from addons.pii_masking import mask_text

# Slots whose whole value is personal data (domain.yml): phone, invoice e-mail, the
# new value of an order field (an address or a phone), a left message's number.
PERSONAL_SLOTS = frozenset({"phone", "email", "modify_value", "contact_phone"})
REDACTED_KEY = "redacted"


def mask_value(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, list):
        return [mask_value(item) for item in value]
    if isinstance(value, dict):
        return {key: mask_value(item) for key, item in value.items()}
    return value


def strip_tokens(metadata: Dict[str, Any]) -> Dict[str, Any]:
    kept = {k: v for k, v in metadata.items() if not k.lower().endswith("token")}
    dropped = sorted(k for k in metadata if k not in kept)
    if dropped:
        kept[REDACTED_KEY] = dropped
    return kept


def mask_event(data: Dict[str, Any]) -> Dict[str, Any]:
    """The serialised event (Event.as_dict()) as it may be stored."""
    if data.get("event") == "slot" and data.get("name") in PERSONAL_SLOTS:
        return {**data, "value": None}
    masked = mask_value(data)
    # A user event carries its metadata twice: on the event and in the parse data.
    for holder in (masked, masked.get("parse_data")):
        if isinstance(holder, dict) and isinstance(holder.get("metadata"), dict):
            holder["metadata"] = strip_tokens(holder["metadata"])
    return masked
