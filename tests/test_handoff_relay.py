"""Which saved turns the tracker store relays to the agent."""

from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from addons.handoff_relay import paused_user_text


def tracker(*events):
    return DialogueStateTracker.from_events("u", list(events))


def test_a_message_while_paused_is_relayed_even_after_slot_extraction():
    paused = tracker(
        ActionExecuted("action_agent_joined"),
        ConversationPaused(),
        UserUttered("包裹没到"),
        SlotSet("order_no", None),
    )
    assert paused_user_text(paused) == "包裹没到"


def test_nothing_is_relayed_when_the_bot_is_in_charge_or_the_agent_spoke():
    assert paused_user_text(tracker(UserUttered("你好"))) is None
    assert (
        paused_user_text(
            tracker(ConversationPaused(), UserUttered("在吗"), BotUttered(text=None))
        )
        is None
    )
    resumed = tracker(ConversationPaused(), ConversationResumed(), UserUttered("5分"))
    assert paused_user_text(resumed) is None
