"""Outcome slot values: what actions set and what domain.yml words agree both ways."""

import ast
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from actions.outcomes import DEFAULT_WORDING, SLOTS

ROOT = Path(__file__).resolve().parent.parent


def condition_values(domain):
    named = defaultdict(set)
    for variations in domain["responses"].values():
        for variation in variations:
            for condition in variation.get("condition") or []:
                if condition["name"] in SLOTS and condition["value"] is not None:
                    named[condition["name"]].add(condition["value"])
    return named


def dialogue_values():
    named = defaultdict(set)
    files = [*(ROOT / "data").rglob("*.yml"), ROOT / "tests" / "test_stories.yml"]
    for path in files:
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for flow in content.get("rules", []) + content.get("stories", []):
            steps = flow.get("steps", []) + flow.get("condition", [])
            for step in steps:
                for entry in (
                    step.get("slot_was_set", []) if "slot_was_set" in step else [step]
                ):
                    for name, value in entry.items():
                        if name in SLOTS and isinstance(value, str):
                            named[name].add(value)
    return named


@pytest.mark.parametrize("slot", sorted(SLOTS))
def test_every_condition_names_a_real_outcome(domain, slot):
    members = {member.value for member in SLOTS[slot]}
    named = condition_values(domain)[slot] | dialogue_values()[slot]
    assert named <= members, f"{slot}: {sorted(named - members)} are no outcome"


@pytest.mark.parametrize("slot", sorted(SLOTS))
def test_every_outcome_is_handled(domain, slot):
    in_conditions = condition_values(domain)[slot]
    handled = in_conditions | dialogue_values()[slot]
    default = DEFAULT_WORDING.get(slot, frozenset())
    members = {member.value for member in SLOTS[slot]}
    assert members <= handled | default, (
        f"{slot}: {sorted(members - handled - default)}"
    )
    assert not default & in_conditions, f"{slot}: listed as default but conditioned"


def outcome_literals(tree):
    """(slot, value) pairs where code sets an outcome slot to a bare string."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "SlotSet":
            args = node.args
            if len(args) == 2 and all(isinstance(a, ast.Constant) for a in args):
                slot, value = args[0].value, args[1].value
                if slot in SLOTS and value is not None:
                    yield slot, value
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value in SLOTS:
                    if isinstance(value, ast.Constant) and value.value is not None:
                        yield key.value, value.value


def test_actions_set_outcomes_only_through_the_enums():
    found = []
    for path in (ROOT / "actions").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found += [(path.name, *pair) for pair in outcome_literals(tree)]
    assert found == []


def test_the_check_catches_a_bare_string():
    tree = ast.parse('SlotSet("lookup_result", "found")\nx = {"kb_result": "none"}')
    assert list(outcome_literals(tree)) == [
        ("lookup_result", "found"),
        ("kb_result", "none"),
    ]
