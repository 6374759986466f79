import importlib.util

import pytest


@pytest.fixture(scope="module")
def evaluate_nlu(project_root):
    spec = importlib.util.spec_from_file_location(
        "evaluate_nlu", project_root / "scripts" / "evaluate_nlu.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REPORT = {
    "greet": {"precision": 1.0, "recall": 1.0, "f1-score": 1.0, "support": 10},
    "deny": {"precision": 0.8, "recall": 0.6, "f1-score": 0.686, "support": 10},
    "faq": {"precision": 0.9, "recall": 0.9, "f1-score": 0.9, "support": 10},
    "accuracy": 0.83,
    "macro avg": {"precision": 0.9, "recall": 0.83, "f1-score": 0.862, "support": 30},
    "weighted avg": {"precision": 0.9, "recall": 0.83, "f1-score": 0.862},
}


def test_macro_f1_is_read_from_the_report(evaluate_nlu):
    assert evaluate_nlu.macro_f1(REPORT) == pytest.approx(0.862)


def test_weakest_intents_skip_summary_rows(evaluate_nlu):
    assert evaluate_nlu.weakest_intents(REPORT, limit=2) == [
        ("deny", 0.686),
        ("faq", 0.9),
    ]
