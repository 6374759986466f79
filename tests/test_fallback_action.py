import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionSuggestIntent, choose_suggestion, offerable_intents


def project_domain(project_root):
    return yaml.safe_load((project_root / "domain.yml").read_text(encoding="utf-8"))


def tracker_with_ranking(ranking):
    return Tracker(
        sender_id="u1",
        slots={},
        latest_message={
            "text": "嗯那个",
            "intent": ranking[0],
            "intent_ranking": ranking,
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def test_offerable_intents_come_from_the_domain(project_root):
    offerable = offerable_intents(project_domain(project_root))
    assert {"query_order", "request_refund", "request_human"} <= offerable
    assert "greet" not in offerable and "nlu_fallback" not in offerable


def test_choose_skips_fallback_and_unofferable_intents():
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.55},
        {"name": "inform", "confidence": 0.4},
        {"name": "request_refund", "confidence": 0.3},
    ]
    assert choose_suggestion(ranking, {"request_refund"}) == "request_refund"


def test_no_suggestion_for_a_weak_guess():
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.55},
        {"name": "request_refund", "confidence": 0.05},
    ]
    assert choose_suggestion(ranking, {"request_refund"}) is None
    assert choose_suggestion([], {"request_refund"}) is None


def test_action_sets_the_slot(project_root):
    tracker = tracker_with_ranking(
        [
            {"name": "nlu_fallback", "confidence": 0.55},
            {"name": "query_logistics", "confidence": 0.35},
        ]
    )
    dispatcher = CollectingDispatcher()
    events = ActionSuggestIntent().run(
        dispatcher, tracker, project_domain(project_root)
    )
    assert events == [
        {
            "event": "slot",
            "timestamp": None,
            "name": "suggested_intent",
            "value": "query_logistics",
        }
    ]
    assert dispatcher.messages == []
