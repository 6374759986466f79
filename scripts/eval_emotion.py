"""Precision and recall of the customer-emotion detector on a labelled TSV file.

    python scripts/eval_emotion.py [PATH]     (default tests/quality/emotion_blind.tsv)

The file has a header and the columns text, label (angry / negative / neutral /
positive). Only figures are printed, never a line of the file: the blind set stays
unseen by whoever tunes the detector.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from servicedesk.quality.emotion import EMOTIONS, emotion_of  # noqa: E402

DEFAULT = ROOT / "tests" / "quality" / "emotion_blind.tsv"


def load(path: Path) -> List[Tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        rows = [(r["text"] or "", (r["label"] or "").strip()) for r in reader]
    unknown = {label for _, label in rows} - set(EMOTIONS)
    if unknown:
        raise SystemExit(f"unknown labels in {path.name}: {sorted(unknown)}")
    return rows


def scores(pairs: List[Tuple[str, str]]) -> Dict[str, Dict[str, float]]:
    out = {}
    for emotion in EMOTIONS:
        tp = sum(1 for gold, got in pairs if gold == emotion and got == emotion)
        predicted = sum(1 for _, got in pairs if got == emotion)
        actual = sum(1 for gold, _ in pairs if gold == emotion)
        out[emotion] = {
            "precision": tp / predicted if predicted else 0.0,
            "recall": tp / actual if actual else 0.0,
            "support": actual,
        }
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    args = parser.parse_args()
    if not args.path.exists():
        print(f"no such file: {args.path}", file=sys.stderr)
        return 2
    rows = load(args.path)
    pairs = [(label, emotion_of(text)) for text, label in rows]
    table = scores(pairs)
    accuracy = sum(1 for gold, got in pairs if gold == got) / max(len(pairs), 1)
    print(f"{args.path.name}: {len(pairs)} lines, accuracy {accuracy:.3f}")
    angry = table["angry"]
    print(
        f"angry: precision {angry['precision']:.3f}, recall {angry['recall']:.3f} "
        f"({angry['support']} labelled angry)"
    )
    for emotion in EMOTIONS:
        row = table[emotion]
        print(
            f"  {emotion:9s} P {row['precision']:.3f}  R {row['recall']:.3f}"
            f"  n={row['support']}"
        )
    confusion = Counter(pairs)
    print("confusion (rows: label, columns: detected)")
    print("          " + " ".join(f"{e:>9s}" for e in EMOTIONS))
    for gold in EMOTIONS:
        cells = " ".join(f"{confusion[(gold, got)]:9d}" for got in EMOTIONS)
        print(f"{gold:9s} {cells}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
