"""Intent classification on meaning and characters: a logistic regression over the e5
sentence vector (E5SentenceFeaturizer) and character 1-3 gram TF-IDF of the message's
surface form (`surface`: no spaces or punctuation, long digit runs as one symbol).

Measured against DIET with the same e5 features (README, make eval-real): DIET leans on
the exact words of the training sentences and spreads its confidence thin on real
customers' wordings; a linear model over the encoder's vector generalises to them. DIET
stays in the pipeline for entities (intent_classification off).

A second, lexical regression over the character block alone, more strongly regularised,
is blended into the probabilities (`lexical_share`). The two disagree where the encoder
pulls a line away from the words it shares with the training data; averaging settles
those better than either alone (README: at a quarter, real customers' lines 0.806 ->
0.819; the written sets the same or better).

Persisted as plain arrays and JSON (no pickle), like Rasa's own components.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers import LABEL_RANKING_LENGTH
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, hstack

from addons.e5_featurizer import E5SentenceFeaturizer
from addons.filler_augmentation import wrap_in_filler
from addons.text_forms import surface

NGRAMS = (1, 3)


def balance(
    labels: List[Text], power: float, sizes: Optional[Counter] = None
) -> np.ndarray:
    """Sample weights that temper the class sizes: (smallest class / own class) ** power.
    The data has 15 times more product questions than invoice requests because shop
    chats do; a real post-sales chat has the opposite mix, and the prior must not decide
    a line that reads as both. Weights stay at most 1 so SAGA keeps its step size."""
    sizes = sizes or Counter(labels)
    smallest = min(sizes.values())
    return np.array([(smallest / sizes[label]) ** power for label in labels])


def softmax(scores) -> np.ndarray:
    scores = np.asarray(scores)
    scores = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(scores)
    return exp / exp.sum(axis=1, keepdims=True)


@dataclass
class Regression:
    """A fitted logistic regression's weights, kept only as (features x intents)
    columns, contiguous: a sparse row times sklearn's transposed (intents x features)
    view copies the whole matrix first, 1.4 ms per message for 55,000 n-grams and 25
    intents against 0.004."""

    columns: np.ndarray
    intercept: np.ndarray

    @classmethod
    def from_coef(cls, coef: np.ndarray, intercept: np.ndarray) -> Regression:
        return cls(np.ascontiguousarray(coef.T), intercept)

    @classmethod
    def of(cls, model) -> Regression:
        return cls.from_coef(model.coef_, model.intercept_)

    @property
    def coef(self) -> np.ndarray:
        """sklearn's layout, as stored."""
        return self.columns.T

    def probabilities(self, features) -> np.ndarray:
        return softmax(features @ self.columns + self.intercept)


def _vectorizer(vocabulary: Optional[Dict[str, int]] = None):
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=NGRAMS,
        sublinear_tf=True,
        lowercase=True,
        vocabulary=vocabulary,
    )


def ready(message: Message) -> bool:
    """Text and its e5 sentence vector are there (an empty message has neither)."""
    return bool(message.get(TEXT)) and message.get_dense_features(TEXT)[1] is not None


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class SemanticIntentClassifier(GraphComponent, IntentClassifier):
    @classmethod
    def required_components(cls) -> List[type]:
        return [E5SentenceFeaturizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # Chosen on the development sets (README): the e5 block weighs 2x a unit-length
        # TF-IDF row (3x until the data grew to 5,600 examples); C high because the
        # classes are many and the examples few (256 since the class balancing, whose
        # weights below 1 act as a smaller C). SAGA at tolerance 1e-3 fits in a fifth of
        # lbfgs's time (10 s against 50 s on 4,500 examples) with the same accuracy.
        # filler_share of the business examples get a copy wrapped in chat filler at
        # filler_weight (addons/filler_augmentation.py; 0 turns it off). The lexical
        # regression (C lexical_C, real examples only) weighs lexical_share of the
        # blended probabilities; 0 turns it off.
        return {
            "C": 256.0,
            "class_balance": 0.3,
            "e5_weight": 2.0,
            "filler_share": 0.6,
            "filler_weight": 0.5,
            "lexical_C": 64.0,
            "lexical_share": 0.25,
            "max_iter": 3000,
            "solver": "saga",
            "tol": 1e-3,
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        vectorizer=None,
        joint: Optional[Regression] = None,
        classes: Optional[List[Text]] = None,
        lexical: Optional[Regression] = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self.model_storage = model_storage
        self.resource = resource
        self.vectorizer = vectorizer
        # Over the characters and the e5 vector; None until trained.
        self.joint = joint
        self.classes = classes or []
        # Over the characters alone; None when off or in a model trained before it.
        self.lexical = lexical

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SemanticIntentClassifier:
        return cls(config, model_storage, resource)

    @staticmethod
    def inputs(messages: List[Message]):
        """Surface forms and unit e5 vectors of the messages."""
        texts = [surface(m.get(TEXT) or "") for m in messages]
        sentences = []
        for message in messages:
            _, sentence = message.get_dense_features(TEXT)
            sentences.append(sentence.features.reshape(-1))
        return texts, np.stack(sentences)

    def matrix(self, chars: csr_matrix, vectors: np.ndarray) -> csr_matrix:
        """The joint regression's features: character TF-IDF rows beside the
        weighted e5 vectors."""
        dense = vectors * self.config["e5_weight"]
        return hstack([chars, csr_matrix(dense)]).tocsr()

    def new_regression(self, C: float):
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(
            C=C,
            max_iter=self.config["max_iter"],
            solver=self.config["solver"],
            tol=self.config["tol"],
            random_state=42,
        )

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if ready(m)]
        labels = [m.get(INTENT) for m in examples]
        texts, vectors = self.inputs(examples)
        # The vocabulary and idf come from the real examples only: the wrapped copies
        # would count every filler n-gram again.
        self.vectorizer = _vectorizer()
        self.vectorizer.fit(texts)
        weights = balance(labels, self.config["class_balance"])
        lexical = self.train_lexical(texts, labels, weights)
        extra = wrap_in_filler(texts, labels, vectors, self.config["filler_share"])
        if extra.labels:
            # Weighted by the real examples' class sizes, like the originals.
            extra_weights = self.config["filler_weight"] * balance(
                extra.labels, self.config["class_balance"], Counter(labels)
            )
            texts = texts + extra.texts
            vectors = np.vstack([vectors, extra.vectors])
            labels = labels + extra.labels
            weights = np.concatenate([weights, extra_weights])
        model = self.new_regression(self.config["C"])
        chars = self.vectorizer.transform(texts)
        model.fit(self.matrix(chars, vectors), labels, sample_weight=weights)
        self.joint = Regression.of(model)
        self.classes = [str(c) for c in model.classes_]
        self.lexical = None
        if lexical is not None:
            # Both see the same label set, so sklearn orders their classes alike; a
            # blend of misaligned columns would be silently wrong.
            if [str(c) for c in lexical.classes_] != self.classes:
                raise ValueError("the two regressions' intents differ")
            self.lexical = Regression.of(lexical)
        self.persist()
        return self.resource

    def train_lexical(self, texts: List[Text], labels: List[Text], weights: np.ndarray):
        """The character-only regression, on the real examples: the wrapped copies
        teach the encoder's side to look past filler, which n-grams cannot."""
        if self.config["lexical_share"] <= 0:
            return None
        model = self.new_regression(self.config["lexical_C"])
        return model.fit(
            self.vectorizer.transform(texts), labels, sample_weight=weights
        )

    def probabilities(self, messages: List[Message]) -> np.ndarray:
        texts, vectors = self.inputs(messages)
        chars = self.vectorizer.transform(texts)
        joint = self.joint.probabilities(self.matrix(chars, vectors))
        if self.lexical is None:
            return joint
        share = self.config["lexical_share"]
        return (1 - share) * joint + share * self.lexical.probabilities(chars)

    def process(self, messages: List[Message]) -> List[Message]:
        ready_ones = [m for m in messages if self.joint is not None and ready(m)]
        if ready_ones:
            rows = self.probabilities(ready_ones)
            for message, row in zip(ready_ones, rows, strict=True):
                order = np.argsort(-row)[:LABEL_RANKING_LENGTH]
                ranking = [
                    {"name": self.classes[i], "confidence": float(row[i])}
                    for i in order
                ]
                message.set(INTENT, ranking[0], add_to_output=True)
                message.set("intent_ranking", ranking, add_to_output=True)
        done = {id(m) for m in ready_ones}
        for message in messages:
            if id(message) not in done and not message.get(INTENT):
                message.set(INTENT, {"name": None, "confidence": 0.0}, True)
                message.set("intent_ranking", [], add_to_output=True)
        return messages

    def persist(self) -> None:
        with self.model_storage.write_to(self.resource) as directory:
            # The joint regression's keys are the ones models have always had.
            arrays = {"coef": self.joint.coef, "intercept": self.joint.intercept}
            if self.lexical is not None:
                arrays["lexical_coef"] = self.lexical.coef
                arrays["lexical_intercept"] = self.lexical.intercept
            np.savez(directory / "weights.npz", **arrays)
            meta = {
                "classes": self.classes,
                "vocabulary": {
                    k: int(v) for k, v in self.vectorizer.vocabulary_.items()
                },
                "idf": self.vectorizer.idf_.tolist(),
            }
            (directory / "model.json").write_text(
                json.dumps(meta, ensure_ascii=False), encoding="utf-8"
            )

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SemanticIntentClassifier:
        try:
            with model_storage.read_from(resource) as directory:
                with np.load(directory / "weights.npz") as stored:
                    weights = dict(stored)
                meta = json.loads((directory / "model.json").read_text("utf-8"))
        except (ValueError, FileNotFoundError):
            return cls(config, model_storage, resource)
        vectorizer = _vectorizer(meta["vocabulary"])
        vectorizer.idf_ = np.asarray(meta["idf"])
        lexical = None
        if "lexical_coef" in weights:
            lexical = Regression.from_coef(
                weights["lexical_coef"], weights["lexical_intercept"]
            )
        return cls(
            config,
            model_storage,
            resource,
            vectorizer,
            Regression.from_coef(weights["coef"], weights["intercept"]),
            meta["classes"],
            lexical,
        )
