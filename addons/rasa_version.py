"""The Rasa version that our code touching Rasa internals was written for.

The speed-ups in action_validation.py and event_classes.py replace Rasa functions, and
importer.py reads private attributes of Rasa's file importer. Rasa promises neither
between minor versions, so each of them refuses another version with an error naming
itself, rather than silently doing the wrong thing (or silently nothing) after an
upgrade. To upgrade: check each one against the new Rasa, then change SUPPORTED.
"""

from __future__ import annotations

from typing import Iterable, Text

import rasa

# Major and minor version; any 3.6.x patch release keeps these internals.
SUPPORTED = "3.6"


class UnsupportedRasaVersion(RuntimeError):
    """Code written against Rasa internals met a Rasa it was not written for."""


def installed() -> Text:
    # Read on every call, not at import, so that a test can substitute another version.
    return rasa.__version__


def is_supported(version: Text) -> bool:
    return version.split(".")[:2] == SUPPORTED.split(".")


def require_supported(patch: Text) -> None:
    """Raise unless the installed Rasa is the version `patch` was written for."""
    found = installed()
    if not is_supported(found):
        raise UnsupportedRasaVersion(
            f"{patch} was written for Rasa {SUPPORTED}.x but Rasa {found} is installed; "
            f"check it against Rasa {found}, then update SUPPORTED in {__name__}"
        )


def require_attributes(owner: object, names: Iterable[Text], patch: Text) -> None:
    """Raise unless `owner` has every private attribute that `patch` relies on."""
    missing = [name for name in names if not hasattr(owner, name)]
    if missing:
        raise UnsupportedRasaVersion(
            f"{patch} relies on {', '.join(missing)} of {type(owner).__name__}, which "
            f"Rasa {installed()} does not set (written for Rasa {SUPPORTED}.x)"
        )
