"""Intent macro-F1 of the trained model on the held-out NLU file.

The held-out examples (tests/nlu/heldout.yml) are never used for training. Exits 1 when
the macro-F1 falls below the threshold (NLU_MIN_MACRO_F1, default 0.90).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Tuple

ROOT = Path(__file__).resolve().parent.parent
HELDOUT = ROOT / "tests" / "nlu" / "heldout.yml"
MODEL = ROOT / "models" / "assistant.tar.gz"
OUT = ROOT / "results" / "nlu-heldout"
SUMMARY_KEYS = {"accuracy", "macro avg", "micro avg", "weighted avg"}


def macro_f1(report: Dict[str, Any]) -> float:
    return float(report["macro avg"]["f1-score"])


def weakest_intents(report: Dict[str, Any], limit: int = 5) -> List[Tuple[str, float]]:
    """The intents with the lowest F1, worst first."""
    scores = [
        (name, float(values["f1-score"]))
        for name, values in report.items()
        if name not in SUMMARY_KEYS and isinstance(values, dict)
    ]
    return sorted(scores, key=lambda item: item[1])[:limit]


def run_rasa_test() -> Dict[str, Any]:
    rasa = Path(sys.executable).parent / "rasa"
    subprocess.run(
        [str(rasa), "test", "nlu", "--model", str(MODEL), "--nlu", str(HELDOUT)]
        + ["--out", str(OUT), "--no-plot"],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    return json.loads((OUT / "intent_report.json").read_text(encoding="utf-8"))


def main() -> int:
    threshold = float(os.environ.get("NLU_MIN_MACRO_F1", "0.90"))
    report = run_rasa_test()
    score = macro_f1(report)
    print(f"held-out NLU: intent macro-F1 {score:.3f} (threshold {threshold:.2f})")
    print(f"held-out NLU: intent accuracy {float(report['accuracy']):.3f}")
    for name, f1 in weakest_intents(report):
        print(f"  weakest: {name:<26} F1 {f1:.3f}")
    if score < threshold:
        print("held-out NLU: below threshold", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
