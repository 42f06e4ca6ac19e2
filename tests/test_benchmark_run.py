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


def test_the_cost_curve_reads_numbers_as_the_table_writes_them(tmp_path: Path) -> None:
    """`fmt` writes thousands with commas ("1,258.7"); a case without a plan has no levels
    and no plan time. The curve takes both, smallest case first."""
    from benchmarks.run import curve_rows, draw_cost_curve, fmt

    def row(case: str, units: int, status: str, mb: float, levels: str) -> dict[str, str]:
        return {
            "case": case, "mode": "engine", "units": fmt(units), "variables": fmt(units * 17),
            "load_s": "1.5", "build_s": fmt(1234.5), "solve_s": "60.0", "status": status,
            "level_values": levels, "level_bounds": levels.replace("87045", "86561"),
            "plan_s": "" if status.startswith("no plan") else "61.0", "wall_s": "128.0",
            "maxrss_mb": fmt(mb), "time_limit": "60.0",
        }

    rows = [
        row("gen20000x10-s1", 19453, "no plan in time", 1258.7, ""),
        row("gen1000x10-s1", 976, "feasible", 345.3, "0/87045"),
    ]
    assert rows[0]["maxrss_mb"] == "1,258.7"
    curve = curve_rows(rows)
    assert [r["units"] for r in curve] == [fmt(976), fmt(19453)]
    assert [r["levels_proven"] for r in curve] == ["1 of 2", "none"]
    assert curve[1]["setup_s"] == fmt(1.5 + 1234.5)
    draw_cost_curve(rows, tmp_path / "curve.png")
    assert (tmp_path / "curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_cost_curve_draws_its_lines_through_one_seed_per_size() -> None:
    """Results holding several seeds of a size (run to see how the engine fares across
    scenarios of it): each size's lowest seed is the line's point, in the rows' order."""
    from benchmarks.run import first_seeds

    rows = [{"case": case} for case in
            ("gen1000x10-s1", "gen5000x10-s3", "gen5000x10-s1", "gen5000x10-s2")]
    assert [r["case"] for r in first_seeds(rows)] == ["gen1000x10-s1", "gen5000x10-s1"]
