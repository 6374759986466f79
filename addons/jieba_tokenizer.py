"""Jieba tokenizer that never emits whitespace tokens and retrains on dictionary edits.

Rasa's JiebaTokenizer passes jieba's output through unchanged, so "订单号 12345" yields
a token " " between the two words. Such tokens get features, shift entity positions and
break regex-based entity alignment, so we drop them.

Rasa also caches training steps by their configuration, and the configuration names
only the dictionary directory: editing a dictionary file would reuse stale tokens. The
fingerprint therefore includes the dictionaries' contents.

Creating the tokenizer also installs our speed-ups of Rasa internals (rasa_patches.py),
so that every model trained from config.yml brings them to the server that loads it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message

from addons import rasa_patches


def dictionary_digest(path: Optional[Text]) -> Optional[Text]:
    """A hash of every dictionary file under `path` (None without dictionaries)."""
    if not path or not Path(path).is_dir():
        return None
    digest = hashlib.sha256()
    for file in sorted(Path(path).glob("*")):
        if file.is_file():
            digest.update(file.name.encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True
)
class CleanJiebaTokenizer(JiebaTokenizer):
    """JiebaTokenizer without whitespace tokens."""

    def __init__(
        self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource
    ) -> None:
        rasa_patches.install()
        super().__init__(config, model_storage, resource)

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[Text]:
        return dictionary_digest(config.get("dictionary_path"))

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        tokens = super().tokenize(message, attribute)
        kept = [token for token in tokens if token.text.strip()]
        # A text of only whitespace keeps one token: downstream featurizers expect at
        # least one token for a non-empty text.
        return kept or tokens[:1]
