"""scripts/eval_emotion.py prints figures of a labelled file, never its lines."""

import subprocess
import sys

from tests.conftest import ROOT

SCRIPT = ROOT / "scripts" / "eval_emotion.py"


def run(path):
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_figures_without_lines(tmp_path):
    lines = ["骗子，我要投诉你们", "快递怎么还没到", "帮我查一下订单", "谢谢，很满意"]
    labels = ["angry", "negative", "angry", "positive"]
    path = tmp_path / "set.tsv"
    path.write_text(
        "text\tlabel\n"
        + "".join(f"{t}\t{lb}\n" for t, lb in zip(lines, labels, strict=True)),
        encoding="utf-8",
    )
    result = run(path)
    assert result.returncode == 0, result.stderr
    # One of two angry lines found, and the one found is angry: P 1, R 0.5.
    assert "angry: precision 1.000, recall 0.500 (2 labelled angry)" in result.stdout
    assert not any(line in result.stdout + result.stderr for line in lines)


def test_unknown_labels_and_missing_files_fail(tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_text("text\tlabel\n好的\thappy\n", encoding="utf-8")
    assert run(path).returncode != 0
    assert run(tmp_path / "missing.tsv").returncode == 2
