"""Remembers the subclasses of a class between calls.

Rasa 3.6 looks up an event's class by walking all subclasses of `Event` (and checking
each for abstractness) for every single event it deserialises: 9 ms of every message's
CPU time when the tracker store loads a conversation (cProfile, `make bench`). The classes
do not change while the server runs; the cache is keyed by the direct subclasses too, so a
class defined later is still found. Installed by addons.rasa_patches.install(), on Rasa
3.6 only.
"""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

import rasa.shared.utils.common

from addons import rasa_version

PATCH = "addons.event_classes (replaces rasa.shared.utils.common.all_subclasses)"

_original = rasa.shared.utils.common.all_subclasses
_cache: Dict[Tuple[Any, Tuple[Any, ...]], List[Any]] = {}


def all_subclasses(cls: Any) -> List[Any]:
    key = (cls, tuple(cls.__subclasses__()))
    found = _cache.get(key)
    if found is None:
        found = _cache[key] = _original(cls)
    return list(found)


def install() -> None:
    """Replace Rasa's lookup (idempotent); refuses a Rasa it was not written for."""
    rasa_version.require_supported(PATCH)
    rasa.shared.utils.common.all_subclasses = all_subclasses


def installed() -> bool:
    return rasa.shared.utils.common.all_subclasses is all_subclasses
