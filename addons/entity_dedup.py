"""Keep one extraction per entity: the regex one for pattern-shaped entities.

Order numbers, phones and amounts have an exact shape, so RegexEntityExtractor is the
authority for them. DIET is also trained on their annotations (the regex extractor only
uses patterns whose entity appears in the training data) and would report the same span
a second time, sometimes with a wrong boundary. This component drops every
non-regex extraction of those entity types.

Creating the component also installs our speed-ups of Rasa internals (rasa_patches.py),
as every component of ours in config.yml does.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, EXTRACTOR
from rasa.shared.nlu.training_data.message import Message

from addons import rasa_patches

REGEX_EXTRACTOR = "RegexEntityExtractor"


def prefer_regex(
    entities: List[Dict[Text, Any]], regex_types: List[Text]
) -> List[Dict]:
    """The entities without non-regex extractions of the regex-backed types."""
    return [
        entity
        for entity in entities
        if entity.get("entity") not in regex_types
        or entity.get(EXTRACTOR) == REGEX_EXTRACTOR
    ]


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False
)
class RegexEntityPreference(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"entities": ["order_no", "phone", "amount"]}

    def __init__(self, config: Dict[Text, Any]) -> None:
        rasa_patches.install()
        self._regex_types = list(config["entities"])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RegexEntityPreference:
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            entities = message.get(ENTITIES)
            if entities:
                message.set(
                    ENTITIES,
                    prefer_regex(entities, self._regex_types),
                    add_to_output=True,
                )
        return messages
