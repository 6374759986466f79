"""The cached subclass lookup finds what Rasa's own walk finds, also for new classes."""

import rasa.shared.utils.common
from rasa.shared.core.events import Event, SlotSet

from addons import event_classes, rasa_patches

# What the Rasa server's components (tracker store, tokenizer) do when created.
rasa_patches.install()


def test_installed_and_equal_to_the_original():
    assert rasa.shared.utils.common.all_subclasses is event_classes.all_subclasses
    assert set(event_classes.all_subclasses(Event)) == set(
        event_classes._original(Event)
    )


def test_events_still_deserialise():
    event = Event.from_parameters({"event": "slot", "name": "a", "value": 1})
    assert isinstance(event, SlotSet) and event.value == 1


def test_a_class_defined_later_is_found():
    class Base:
        pass

    class First(Base):
        pass

    assert event_classes.all_subclasses(Base) == [First]

    class Second(Base):
        pass

    assert set(event_classes.all_subclasses(Base)) == {First, Second}
