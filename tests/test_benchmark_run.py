"""`python -m benchmarks.run` end to end on one small generated size: the case runs in its
own process, and the results land as CSV, Markdown (with the cost curve) and a PNG."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_a_small_run_writes_its_table_and_cost_curve(tmp_path: Path) -> None:
    out = tmp_path / "results"
    done = subprocess.run(
        [
            sys.executable, "-m", "benchmarks.run",
            "--sizes", "30", "--years", "2", "--no-seed-round", "--cli-max-items", "0",
            "--time-limit", "20", "--plan-budget", "20", "--out", str(out),
        ],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr
    with (out / "results.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["case"], r["mode"]) for r in rows] == [("gen30x2-s1", "engine")]
    row = rows[0]
    assert row["status"] in ("optimal", "feasible") and row["hard_violations"] == "0"
    markdown = (out / "results.md").read_text(encoding="utf-8")
    curve = markdown.split("## Cost curve", 1)[1].split("## ", 1)[0]
    assert f"| {row['units']} | {row['variables']} |" in curve
    assert (out / "cost-curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
