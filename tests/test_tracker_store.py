import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from addons.handoff_relay import HandoffRelayTrackerStore
from addons.tracker_store import DEFAULT_URL, UrlSQLTrackerStore, resolve_url


def test_url_precedence(monkeypatch):
    monkeypatch.delenv("TRACKER_STORE_URL", raising=False)
    assert resolve_url(None) == DEFAULT_URL
    assert resolve_url("sqlite:///x.db") == "sqlite:///x.db"
    monkeypatch.setenv("TRACKER_STORE_URL", "postgresql://u:p@127.0.0.1:5432/rasa")
    assert resolve_url("sqlite:///x.db") == "postgresql://u:p@127.0.0.1:5432/rasa"


async def _roundtrip(store, sender):
    tracker = DialogueStateTracker(sender, slots=[])
    tracker.update(UserUttered("我要退钱", intent={"name": "request_refund"}))
    await store.save(tracker)
    return await store.retrieve(sender)


def test_sqlite_file_in_a_new_directory_keeps_events(tmp_path, monkeypatch):
    import asyncio

    monkeypatch.delenv("TRACKER_STORE_URL", raising=False)
    db = tmp_path / "nested" / "dir" / "tracker.db"
    store = UrlSQLTrackerStore(domain=Domain.empty(), host=f"sqlite:///{db}")
    assert db.parent.is_dir()
    loaded = asyncio.run(_roundtrip(store, "u1"))
    assert loaded.latest_message.text == "我要退钱"
    # A second store on the same file (a restarted server) sees the same events.
    again = UrlSQLTrackerStore(domain=Domain.empty(), host=f"sqlite:///{db}")
    reloaded = asyncio.run(again.retrieve("u1"))
    assert reloaded.latest_message.intent["name"] == "request_refund"


def test_sqlite_uses_write_ahead_logging(tmp_path, monkeypatch):
    from addons.tracker_store import UrlSQLTrackerStore

    monkeypatch.delenv("TRACKER_STORE_URL", raising=False)
    store = UrlSQLTrackerStore(host=f"sqlite:///{tmp_path / 'wal.db'}")
    with store.engine.connect() as connection:
        mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        sync = connection.exec_driver_sql("PRAGMA synchronous").scalar()
    assert mode == "wal" and sync == 1  # NORMAL


@pytest.mark.parametrize("store_class", [UrlSQLTrackerStore, HandoffRelayTrackerStore])
def test_patches_are_active_after_the_store_is_created(
    store_class, tmp_path, monkeypatch, unpatched_rasa
):
    from addons import rasa_patches

    monkeypatch.delenv("TRACKER_STORE_URL", raising=False)
    store_class(host=f"sqlite:///{tmp_path / 'patched.db'}")
    assert rasa_patches.installed()
