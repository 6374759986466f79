"""The e5 sentence features and the intent classifier built on them."""

from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from addons.e5_featurizer import E5SentenceFeaturizer, SentenceEncoder
from addons.semantic_intent_classifier import (
    SemanticIntentClassifier,
    balance,
    surface,
)
from addons.text_forms import folded

CONTEXT = ExecutionContext(GraphSchema({}), "test")
TRAINING = {
    "request_refund": ["我要退款", "申请退款", "把钱退给我", "退款什么时候到账"],
    "query_logistics": [
        "快递到哪了",
        "物流信息查一下",
        "什么时候发货",
        "包裹怎么还没到",
    ],
    "greet": ["你好", "在吗", "哈喽", "早上好"],
}


def featurizer(tmp_path: Path) -> E5SentenceFeaturizer:
    return E5SentenceFeaturizer.create(
        E5SentenceFeaturizer.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("e5"),
        CONTEXT,
    )


def messages(texts, intent=None):
    data = [{"text": t, **({"intent": intent} if intent else {})} for t in texts]
    return [Message(data=d) for d in data]


def test_each_message_gets_one_normalised_sentence_vector(tmp_path):
    featurised = featurizer(tmp_path).process(messages(["快递到哪了", ""]))
    _, sentence = featurised[0].get_dense_features("text")
    assert sentence.features.shape == (1, 384)
    assert np.isclose(np.linalg.norm(sentence.features), 1.0, atol=1e-3)
    assert featurised[1].get_dense_features("text") == (None, None)


def test_a_clicked_payload_is_not_encoded(tmp_path):
    clicked = featurizer(tmp_path).process(
        messages(['/inform{"order_no":"3018402746519"}'])
    )
    _, sentence = clicked[0].get_dense_features("text")
    assert sentence.features.shape == (1, 384)
    assert not sentence.features.any()


def test_meaning_is_closer_than_shared_characters():
    encoder = SentenceEncoder.shared()
    parcel, delivery, happy = encoder.encode(
        ["快递到哪了", "包裹什么时候送到", "快乐的一天"]
    )
    assert parcel @ delivery > parcel @ happy


def test_the_cache_is_bounded_and_answers_repeats():
    encoder = SentenceEncoder(num_threads=1, cache_size=2)
    first = encoder.encode(["好的", "转人工", "谢谢"])
    assert len(encoder.cache) == 2
    assert np.allclose(encoder.encode(["好的"]), first[:1])


def test_a_text_is_read_as_a_passage_unless_configured_as_a_query(tmp_path):
    encoder = SentenceEncoder(num_threads=1, cache_size=8)
    (passage,) = encoder.encode(["退款到哪了"])
    (query,) = encoder.encode(["退款到哪了"], as_query=True)
    # The two prefixes give two vectors, and the cache keeps them apart.
    assert passage @ query < 0.999
    assert len(encoder.cache) == 2
    featurised = featurizer(tmp_path).process(messages(["退款到哪了"]))
    _, sentence = featurised[0].get_dense_features("text")
    assert np.allclose(sentence.features[0], passage, atol=1e-6)


def test_numbers_are_folded_before_the_encoder_reads_them(tmp_path):
    assert folded("我的手机号是１３８００２４６１３５，OK") == "我的手机号是0,ok"
    # 12-18点 stays a time; the separators stay for the encoder.
    assert folded("下午 12-18点") == "下午 12-18点"
    one, other = featurizer(tmp_path).process(
        messages(["订单3018402746519到哪了", "订单2026112800003到哪了"])
    )
    assert np.allclose(
        one.get_dense_features("text")[1].features,
        other.get_dense_features("text")[1].features,
    )


def test_an_unknown_view_is_refused():
    config = {**E5SentenceFeaturizer.get_default_config(), "view": "document"}
    with pytest.raises(ValueError, match="view"):
        E5SentenceFeaturizer(config, "e5")


def train_classifier(tmp_path: Path, **config) -> SemanticIntentClassifier:
    storage = LocalModelStorage(tmp_path)
    examples = [
        m for intent, texts in TRAINING.items() for m in messages(texts, intent)
    ]
    featurizer(tmp_path).process(examples)
    classifier = SemanticIntentClassifier.create(
        {**SemanticIntentClassifier.get_default_config(), **config},
        storage,
        Resource("clf"),
        CONTEXT,
    )
    classifier.train(TrainingData(examples))
    return classifier


def test_unseen_wordings_are_classified_and_ranked(tmp_path):
    classifier = train_classifier(tmp_path)
    unseen = messages(["我的钱啥时候退回来", "包裹到哪儿了"])
    featurizer(tmp_path).process(unseen)
    classifier.process(unseen)
    assert [m.get("intent")["name"] for m in unseen] == [
        "request_refund",
        "query_logistics",
    ]
    ranking = unseen[0].get("intent_ranking")
    assert len(ranking) == 3 and np.isclose(sum(r["confidence"] for r in ranking), 1)


def test_a_loaded_classifier_predicts_what_the_trained_one_did(tmp_path):
    trained = train_classifier(tmp_path)
    loaded = SemanticIntentClassifier.load(
        SemanticIntentClassifier.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("clf"),
        CONTEXT,
    )
    probe = messages(["东西坏了我要退钱", "在不在"])
    featurizer(tmp_path).process(probe)
    assert np.allclose(trained.probabilities(probe), loaded.probabilities(probe))


def test_the_lexical_regression_is_blended_in_and_can_be_turned_off(tmp_path):
    probe = messages(["东西坏了我要退钱", "在不在", "物流查一下"])
    featurizer(tmp_path).process(probe)
    for name in ("both", "alone"):
        (tmp_path / name).mkdir()
    both = train_classifier(tmp_path / "both")
    alone = train_classifier(tmp_path / "alone", lexical_share=0.0)
    assert both.lexical is not None and alone.lexical is None
    # The joint regressions are the same fit; the blend is the configured share of the
    # character-only regression's probabilities, over the same intents.
    assert np.allclose(both.joint.coef, alone.joint.coef)
    plain = alone.probabilities(probe)
    texts, _ = both.inputs(probe)
    lexical = both.lexical.probabilities(both.vectorizer.transform(texts))
    share = both.config["lexical_share"]
    assert 0 < share < 1
    assert np.allclose(both.probabilities(probe), (1 - share) * plain + share * lexical)
    assert not np.allclose(lexical, plain)
    # A model stored without the lexical part loads with it off.
    loaded = SemanticIntentClassifier.load(
        SemanticIntentClassifier.get_default_config(),
        LocalModelStorage(tmp_path / "alone"),
        Resource("clf"),
        CONTEXT,
    )
    assert loaded.lexical is None
    assert np.allclose(loaded.probabilities(probe), plain)


def test_a_message_without_text_gets_no_intent(tmp_path):
    classifier = train_classifier(tmp_path)
    empty = messages([""])
    classifier.process(empty)
    assert empty[0].get("intent") == {"name": None, "confidence": 0.0}


def test_the_character_block_reads_the_wording_not_its_spacing_or_numbers():
    assert surface("你好，在吗？") == surface("你好 在吗") == "你好在吗"
    assert surface("订单号：2026112800003 到哪了") == surface(
        "订单号 3018402746519到哪了"
    )
    assert surface("ＯＫ 好的") == "ok好的"
    # Short numbers are kept: 7天, 3分 and 15号 carry the question.
    assert surface("7天无理由") == "7天无理由"
    # A range is not an order number.
    assert surface("下午（12-18点）") == "下午1218点"


def test_big_classes_weigh_less_but_no_weight_exceeds_one():
    weights = balance(["faq"] * 16 + ["thank"] * 4, power=0.5)
    assert weights.max() == 1.0
    assert np.isclose(weights[0], 0.5) and weights[-1] == 1.0
    assert np.allclose(balance(["faq", "thank", "thank"], power=0.0), 1.0)
