"""When a conversation the bot handled alone is asked for a rating at its end."""

from actions.survey import rating_due


def user(intent):
    return {"event": "user", "parse_data": {"intent": {"name": intent}}}


def action(name):
    return {"event": "action", "name": name}


START = [action("action_session_start"), {"event": "session_started"}]


def test_a_bot_only_session_is_asked_once():
    assert rating_due([*START, user("query_order"), user("goodbye")])
    asked = [*START, user("goodbye"), action("utter_ask_bot_rating"), user("goodbye")]
    assert not rating_due(asked)
    rated = [*START, user("rate_service"), user("goodbye")]
    assert not rating_due(rated)


def test_not_after_a_human_service_in_the_same_session():
    served = [*START, user("request_human"), action("action_agent_joined")]
    assert not rating_due([*served, user("goodbye")])
    # A new session starts afresh: the human service was in an earlier one.
    assert rating_due([*served, *START, user("goodbye")])
