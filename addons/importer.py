"""Training data importer that lets Rasa add the retrieval intents itself.

The domain must list `faq` and `chitchat` so that rules and stories can use them. Rasa
then merges the domain with a second one it builds from the NLU data's retrieval
intents (faq/<key>), and warns that those intents are "duplicated across multiple domain
files" although there is only one domain file. This importer reads the domain file as
usual for stories and rules, but hands the merge a domain without the retrieval intents,
so the merged domain is the same and the spurious warning is gone.

Stories and conversation tests are read from the file lists the standard importer keeps
in private attributes; the importer checks on creation that they are there (a newer
Rasa may rename them) and fails with an error naming them if not.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Set, Text, Union

from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.structures import StoryGraph
from rasa.shared.importers import utils
from rasa.shared.importers.rasa import RasaFileImporter
from rasa.shared.utils.common import cached_method

from addons import rasa_patches, rasa_version

PRIVATE_ATTRIBUTES = ("_story_files", "_conversation_test_files")


def _intent_name(entry: Union[Text, Dict[Text, Any]]) -> Text:
    return next(iter(entry)) if isinstance(entry, dict) else entry


def without_intents(domain: Domain, names: Set[Text]) -> Domain:
    """The domain with the given intents removed."""
    data = domain.as_dict()
    data["intents"] = [i for i in data["intents"] if _intent_name(i) not in names]
    return Domain.from_dict(data)


class RetrievalIntentsImporter(RasaFileImporter):
    # The same signature as the parent's: Rasa passes the importer's config entries
    # that a constructor names as keyword arguments.
    def __init__(
        self,
        config_file: Optional[Text] = None,
        domain_path: Optional[Text] = None,
        training_data_paths: Optional[Union[List[Text], Text]] = None,
    ) -> None:
        rasa_patches.install()
        super().__init__(config_file, domain_path, training_data_paths)
        rasa_version.require_attributes(
            self, PRIVATE_ATTRIBUTES, f"{__name__}.{type(self).__name__}"
        )

    @cached_method
    def get_domain(self) -> Domain:
        domain = super().get_domain()
        retrieval_intents = self.get_nlu_data().retrieval_intents
        if not retrieval_intents:
            return domain
        return without_intents(domain, set(retrieval_intents))

    def get_stories(self, exclusion_percentage: Optional[int] = None) -> StoryGraph:
        return utils.story_graph_from_paths(
            self._story_files, super().get_domain(), exclusion_percentage
        )

    def get_conversation_tests(self) -> StoryGraph:
        return utils.story_graph_from_paths(
            self._conversation_test_files, super().get_domain()
        )
