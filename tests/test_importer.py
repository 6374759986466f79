import warnings

import pytest
from rasa.shared.importers.importer import TrainingDataImporter

from addons.importer import RetrievalIntentsImporter


def load(project_root):
    return TrainingDataImporter.load_from_config(
        str(project_root / "config.yml"),
        str(project_root / "domain.yml"),
        [str(project_root / "data")],
    )


def test_merged_domain_has_retrieval_intents_without_warnings(project_root):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        domain = load(project_root).get_domain()
        stories = load(project_root).get_stories()
    messages = [str(w.message) for w in caught]
    assert not [m for m in messages if "duplicated" in m or "not part of" in m]
    assert {"faq", "chitchat"} <= set(domain.retrieval_intents)
    assert "utter_faq/shipping_fee" in domain.responses
    assert stories.story_steps


def test_domain_handed_to_the_merge_leaves_retrieval_intents_out(project_root):
    importer = RetrievalIntentsImporter(
        str(project_root / "config.yml"),
        str(project_root / "domain.yml"),
        [str(project_root / "data")],
    )
    intents = set(importer.get_domain().intents)
    assert "faq" not in intents and "chitchat" not in intents
    assert "request_refund" in intents


def importer(project_root):
    return RetrievalIntentsImporter(
        str(project_root / "config.yml"),
        str(project_root / "domain.yml"),
        [str(project_root / "data")],
    )


def test_patches_are_active_after_the_importer_is_created(project_root, unpatched_rasa):
    from addons import rasa_patches

    importer(project_root)
    assert rasa_patches.installed()


def test_missing_private_attributes_fail_loudly(project_root, monkeypatch):
    from rasa.shared.importers.rasa import RasaFileImporter

    from addons.rasa_version import UnsupportedRasaVersion

    def renamed_them(self, config_file=None, domain_path=None, paths=None):
        # What a Rasa that keeps its file lists under other names would leave.
        self.config_file = config_file
        self._domain_path = domain_path

    monkeypatch.setattr(RasaFileImporter, "__init__", renamed_them)
    with pytest.raises(UnsupportedRasaVersion) as caught:
        importer(project_root)
    message = str(caught.value)
    assert "RetrievalIntentsImporter" in message
    assert "_story_files, _conversation_test_files" in message
    assert "3.6.x" in message
