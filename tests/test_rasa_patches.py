"""The patches of Rasa internals: installed on purpose, once, and only on Rasa 3.6."""

import pytest
import rasa
import rasa.shared.utils.common
from rasa.core.actions.action import RemoteAction

from addons import (
    action_validation,
    event_classes,
    nlu_thread,
    rasa_patches,
    rasa_version,
)
from addons.rasa_version import UnsupportedRasaVersion


def test_importing_the_package_patches_nothing():
    import subprocess
    import sys

    probe = (
        "import rasa.shared.utils.common as c; "
        "from rasa.core.actions.action import RemoteAction as R; "
        "before = (c.all_subclasses, R._validate_action_result); "
        "import addons, addons.importer, addons.jieba_tokenizer, "
        "addons.entity_dedup, addons.handoff_relay, addons.nlu_thread; "
        "assert (c.all_subclasses, R._validate_action_result) == before"
    )
    subprocess.run([sys.executable, "-c", probe], check=True)


def test_install_is_idempotent(unpatched_rasa):
    rasa_patches.install()
    validation = RemoteAction._validate_action_result
    lookup = rasa.shared.utils.common.all_subclasses
    rasa_patches.install()
    assert rasa_patches.installed()
    assert RemoteAction._validate_action_result is validation
    assert rasa.shared.utils.common.all_subclasses is lookup
    # The cache still wraps Rasa's own walk, not itself.
    assert event_classes._original is not event_classes.all_subclasses


@pytest.mark.parametrize("version", ["3.6.0", "3.6.21", "3.6.30rc1"])
def test_any_3_6_release_is_accepted(monkeypatch, unpatched_rasa, version):
    monkeypatch.setattr(rasa, "__version__", version)
    rasa_patches.install()
    assert rasa_patches.installed()


@pytest.mark.parametrize("version", ["3.7.0", "3.5.17", "4.0.0"])
@pytest.mark.parametrize("patch", [action_validation, event_classes, nlu_thread])
def test_another_version_is_refused_loudly(monkeypatch, unpatched_rasa, patch, version):
    monkeypatch.setattr(rasa, "__version__", version)
    with pytest.raises(UnsupportedRasaVersion) as caught:
        patch.install()
    message = str(caught.value)
    assert patch.__name__ in message
    assert "3.6.x" in message and f"Rasa {version}" in message
    assert not patch.installed()


def test_install_stops_before_patching_another_version(monkeypatch, unpatched_rasa):
    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    with pytest.raises(UnsupportedRasaVersion, match="addons.action_validation"):
        rasa_patches.install()
    assert not action_validation.installed() and not event_classes.installed()
    assert not nlu_thread.installed()


def test_the_installed_version_is_the_supported_one():
    assert rasa_version.is_supported(rasa.__version__)


def test_components_on_another_version_fail_loudly(monkeypatch, tmp_path):
    from addons.entity_dedup import RegexEntityPreference

    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    with pytest.raises(UnsupportedRasaVersion, match="3.7.0"):
        RegexEntityPreference(RegexEntityPreference.get_default_config())


def test_patches_are_active_after_the_entity_filter_is_created(unpatched_rasa):
    from addons.entity_dedup import RegexEntityPreference

    RegexEntityPreference(RegexEntityPreference.get_default_config())
    assert rasa_patches.installed()


def test_nlu_runs_off_the_event_loop(unpatched_rasa):
    """The parse happens in the NLU worker thread and gives what Rasa's own gives."""
    import asyncio
    import threading
    from types import SimpleNamespace

    from rasa.core.processor import MessageProcessor

    seen = []

    def graph(self, message, tracker, only_output_properties=True):
        seen.append(threading.current_thread().name)
        return {"text": message.text, "intent": {"name": "greet"}, "entities": []}

    processor = SimpleNamespace(
        http_interpreter=None,
        _parse_message_with_graph=graph.__get__(object()),
        _update_full_retrieval_intent=lambda data: None,
        _check_for_unseen_features=lambda data: None,
    )
    message = SimpleNamespace(text="你好", sender_id="someone")
    rasa_patches.install()
    parsed = asyncio.run(MessageProcessor.parse_message(processor, message))
    assert parsed["intent"]["name"] == "greet"
    assert seen and seen[0].startswith("nlu")
