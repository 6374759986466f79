"""Checks custom-action responses with validators compiled once.

Rasa 3.6 validates every action server response with `jsonschema.validate`, which
re-checks the (constant) response schema against the JSON Schema metaschema on each
call and then tries every event against all 23 event schemas (`oneOf`). Under load that
was half of the Rasa server's CPU time (py-spy during `make bench`). Here each event is
checked against the schema of its own type, which accepts and rejects exactly what the
`oneOf` does (every alternative pins a different `event` value), at a fraction of the cost.
Installed by addons.rasa_patches.install(), on Rasa 3.6 only.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Text

from jsonschema import ValidationError, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.utils.schemas.events import EVENT_SCHEMA

from addons import rasa_version

PATCH = "addons.action_validation (replaces RemoteAction._validate_action_result)"

_validators: Optional[Dict[Text, Any]] = None


def _compiled(schema: Dict[Text, Any]) -> Any:
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _build(response_schema: Dict[Text, Any]) -> Dict[Text, Any]:
    base = {key: value for key, value in EVENT_SCHEMA.items() if key != "oneOf"}
    by_type = {
        alternative["properties"]["event"]["const"]: _compiled(
            {**base, "allOf": [alternative]}
        )
        for alternative in EVENT_SCHEMA["oneOf"]
    }
    outer = dict(response_schema)
    outer["properties"] = {
        **response_schema["properties"],
        "events": {"type": "array", "items": {"type": "object"}},
    }
    return {"outer": _compiled(outer), "event": _compiled(EVENT_SCHEMA), **by_type}


def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    global _validators
    if _validators is None:
        _validators = _build(self.action_response_format_spec())
    try:
        _validators["outer"].validate(result)
        for event in result.get("events") or []:
            kind = event.get("event")
            checker = _validators.get(kind) if kind not in ("outer", "event") else None
            (checker or _validators["event"]).validate(event)
        return True
    except ValidationError as e:
        e.message += (
            ". Failed to validate Action server response from API, "
            "make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise e


def install() -> None:
    """Replace Rasa's validation (idempotent); refuses a Rasa it was not written for."""
    rasa_version.require_supported(PATCH)
    RemoteAction._validate_action_result = _validate_action_result


def installed() -> bool:
    return RemoteAction._validate_action_result is _validate_action_result
