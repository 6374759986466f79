"""The cached validation of action server responses accepts and rejects like Rasa's."""

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from addons import rasa_patches

# What the Rasa server's components (tracker store, tokenizer) do when created.
rasa_patches.install()


def test_installed_on_import():
    assert RemoteAction._validate_action_result.__module__ == "addons.action_validation"


def test_valid_response_passes():
    action = RemoteAction("action_query_order", None)
    events = [{"event": "slot", "name": "order_no", "value": "1", "timestamp": None}]
    assert action._validate_action_result({"events": events, "responses": []})


def test_invalid_response_is_rejected_with_rasas_explanation():
    action = RemoteAction("action_query_order", None)
    with pytest.raises(ValidationError) as caught:
        action._validate_action_result({"events": [{"event": "slot"}]})
    assert "Failed to validate Action server response" in caught.value.message


@pytest.mark.parametrize(
    "event",
    [
        {"event": "slot", "name": 5, "value": 1},  # a slot name must be a string
        {"event": "no_such_event"},
        {"event": "bot", "text": "hi", "timestamp": "yesterday"},
    ],
)
def test_events_are_checked_against_their_own_schema(event):
    from jsonschema import validate

    action = RemoteAction("action_query_order", None)
    with pytest.raises(ValidationError):
        validate({"events": [event]}, action.action_response_format_spec())
    with pytest.raises(ValidationError):
        action._validate_action_result({"events": [event]})


def test_a_form_validation_with_many_slots_is_accepted():
    action = RemoteAction("validate_order_form", None)
    events = [{"event": "slot", "name": f"s{i}", "value": None} for i in range(30)]
    events += [
        {"event": "active_loop", "name": None},
        {"event": "followup", "name": "x"},
    ]
    assert action._validate_action_result({"events": events, "responses": [{}]})
