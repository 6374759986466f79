"""CSV of any dashboard table (UTF-8 with a byte-order mark, so Excel reads Chinese)."""

from __future__ import annotations

import csv
import io
from typing import Any, Dict, List

BOM = "\ufeff"


def to_csv(rows: List[Dict[str, Any]]) -> str:
    out = io.StringIO()
    out.write(BOM)
    if not rows:
        return out.getvalue()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        # A cell starting with = + - @ would run as a formula in a spreadsheet.
        writer.writerow(
            {
                k: f"'{v}" if isinstance(v, str) and v[:1] in "=+-@" else v
                for k, v in row.items()
            }
        )
    return out.getvalue()
