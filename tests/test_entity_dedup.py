from rasa.shared.nlu.training_data.message import Message

from addons.entity_dedup import RegexEntityPreference, prefer_regex

ORDER_BY_REGEX = {
    "entity": "order_no",
    "start": 2,
    "end": 15,
    "value": "2024112100123",
    "extractor": "RegexEntityExtractor",
}
ORDER_BY_DIET = {**ORDER_BY_REGEX, "extractor": "DIETClassifier", "confidence": 0.9}
REASON_BY_DIET = {
    "entity": "reason",
    "start": 16,
    "end": 20,
    "value": "质量问题",
    "extractor": "DIETClassifier",
}


def test_regex_wins_for_pattern_entities():
    kept = prefer_regex([ORDER_BY_DIET, ORDER_BY_REGEX, REASON_BY_DIET], ["order_no"])
    assert kept == [ORDER_BY_REGEX, REASON_BY_DIET]


def test_statistical_extraction_of_other_types_is_kept():
    assert prefer_regex([REASON_BY_DIET], ["order_no", "phone"]) == [REASON_BY_DIET]


def test_component_rewrites_message_entities():
    component = RegexEntityPreference(RegexEntityPreference.get_default_config())
    message = Message(data={"text": "订单2024112100123 质量问题"})
    message.set("entities", [ORDER_BY_DIET, ORDER_BY_REGEX, REASON_BY_DIET])
    component.process([message])
    assert message.get("entities") == [ORDER_BY_REGEX, REASON_BY_DIET]
