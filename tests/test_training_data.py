"""The training data keeps the intent contract and the held-out set stays unseen."""

from collections import Counter
from pathlib import Path

import pytest
import yaml

# ../shared/intents.md: names that outside evaluation relies on.
CONTRACT_INTENTS = [
    "greet", "goodbye", "thank", "affirm", "deny", "bot_challenge", "request_human",
    "query_order", "query_logistics", "modify_order", "cancel_order", "request_refund",
    "request_return_exchange", "request_invoice", "query_payment", "account_help",
    "product_inquiry", "complain", "inform", "rate_service", "faq", "chitchat",
    "out_of_scope", "nlu_fallback",
]  # fmt: skip


def examples_by_intent(files):
    found = {}
    for path in files:
        for block in yaml.safe_load(Path(path).read_text(encoding="utf-8"))["nlu"]:
            if "intent" in block:
                lines = [
                    line.strip()[2:]
                    for line in block["examples"].splitlines()
                    if line.strip().startswith("- ")
                ]
                found.setdefault(block["intent"], []).extend(lines)
    return found


def plain_text(example):
    import re

    return re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", example).strip()


@pytest.fixture(scope="module")
def training(project_root):
    return examples_by_intent(sorted((project_root / "data" / "nlu").glob("*.yml")))


def test_contract_matches_shared_file(project_root):
    shared = project_root.parent / "shared" / "intents.md"
    if not shared.exists():
        pytest.skip("../shared is not beside this checkout")
    names = {
        line.split("|")[1].strip()
        for line in shared.read_text(encoding="utf-8").splitlines()
        if line.startswith("| ") and not line.startswith("| intent")
    }
    assert names == set(CONTRACT_INTENTS)


def test_every_contract_intent_is_in_the_domain(domain):
    assert set(CONTRACT_INTENTS) <= set(domain["intents"])


def test_every_trained_intent_has_at_least_30_examples(training):
    totals = Counter()
    for name, examples in training.items():
        totals[name.split("/")[0]] += len(examples)
    for intent in CONTRACT_INTENTS:
        if intent == "nlu_fallback":
            continue
        assert totals[intent] >= 30, f"{intent} has {totals[intent]} examples"


def test_retrieval_intents_have_answers(training, domain):
    faq = [name for name in training if name.startswith("faq/")]
    chitchat = [name for name in training if name.startswith("chitchat/")]
    assert len(faq) >= 15 and len(chitchat) >= 10
    for name in faq + chitchat:
        assert f"utter_{name}" in domain["responses"], name


def test_required_entities(domain):
    assert {"order_no", "phone", "reason", "product"} <= set(domain["entities"])


def test_heldout_is_never_trained_on(training, project_root):
    heldout = examples_by_intent([project_root / "tests" / "nlu" / "heldout.yml"])
    trained = {plain_text(e) for examples in training.values() for e in examples}
    overlap = {
        plain_text(e) for examples in heldout.values() for e in examples
    } & trained
    assert not overlap, f"held-out examples also in data/: {sorted(overlap)}"
    assert sum(len(v) for v in heldout.values()) >= 200


def test_every_intent_and_response_is_exercised_by_a_test_story(project_root, domain):
    stories = yaml.safe_load(
        (project_root / "tests" / "test_stories.yml").read_text(encoding="utf-8")
    )["stories"]
    steps = [step for story in stories for step in story["steps"]]
    intents = {step["intent"] for step in steps if "intent" in step}
    actions = {step["action"] for step in steps if "action" in step}
    assert set(domain["intents"]) <= intents
    # Form prompts are sent by the form itself, never as a story step.
    prompts = {
        f"utter_ask_{slot}"
        for form in domain.get("forms", {}).values()
        for slot in form["required_slots"]
    }
    # utter_faq/* are the faq ResponseSelector's labels; the knowledge base answers.
    responses = {name.split("/")[0] for name in domain["responses"]} - prompts
    responses -= {"utter_faq"}
    assert responses <= actions, sorted(responses - actions)


def test_every_form_slot_has_a_prompt(domain):
    for name, form in domain["forms"].items():
        for slot in form["required_slots"]:
            assert f"utter_ask_{slot}" in domain["responses"] or (
                f"action_ask_{slot}" in domain["actions"]
            ), f"{name} cannot ask for {slot}"


def test_conditional_variations_never_overlap(domain):
    """Rasa picks at random among matching variations: at most one may match."""
    from itertools import combinations

    for name, variations in domain["responses"].items():
        conditions = [
            {c["name"]: c["value"] for c in v["condition"]}
            for v in variations
            if v.get("condition")
        ]
        for first, second in combinations(conditions, 2):
            shared = set(first) & set(second)
            assert any(first[k] != second[k] for k in shared), (name, first, second)
