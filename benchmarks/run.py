"""Scale benchmarks of secplan: the seed round through the CLI, generated scenarios through
the engine, one subprocess per case (so peak memory is per case), one case at a time.

    python -m benchmarks.run [--sizes 100,1000,5000] [--years 10] [--time-limit 60]
                             [--workers 8] [--out benchmarks/results]

Writes `results.csv` and `results.md` into the out folder; rows of earlier runs with other
cases are kept, so sizes can be run one at a time (e.g. 5,000 items with a longer limit).
See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from benchmarks.generate import dump_yaml, generate_scenario

ROOT = Path(__file__).resolve().parents[1]
SEED_ROUND = ROOT / "scenarios" / "sec-2020" / "secmp0067-send-back.yaml"
COLUMNS = [
    "case",
    "mode",
    "items",
    "units",
    "releases",
    "rules",
    "workers",
    "time_limit",
    "generate_s",
    "load_s",
    "instance_s",
    "build_s",
    "variables",
    "constraints",
    "solve_s",
    "status",
    "gap",
    "level_values",
    "level_bounds",
    "cpsat_calls",
    "cores_calls",
    "cpsat_cores_s",
    "levels_by_cores",
    "cpsat_level_s",
    "tiebreak_done",
    "cpsat_tiebreak_s",
    "model_build_in_solve_s",
    "hint_s",
    "assignment_s",
    "other_python_s",
    "unplaced",
    "check_s",
    "hard_violations",
    "plan_s",
    "plan_finished",
    "plan_cpsat_calls",
    "plan_cpsat_s",
    "plan_model_build_s",
    "wall_s",
    "cpu_s",
    "maxrss_mb",
    "exit",
    "note",
    "date",
]


@dataclass
class Measured:
    """A finished subprocess: exit code, wall time, peak memory and CPU time."""

    exit: int
    wall_s: float
    maxrss_mb: float
    cpu_s: float
    stdout: str
    stderr: str
    timed_out: bool


def user_environment() -> dict[str, str]:
    """This process's environment as a user's shell has it: Python writes the bytecode
    cache. A workplace that sets PYTHONDONTWRITEBYTECODE makes every run compile each of
    secplan's modules again (0.2-0.3 s of a one-second command) where a user's second run
    reads them from `__pycache__`."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run_measured(cmd: list[str], timeout: float, workdir: Path) -> Measured:
    """Run `cmd`, killing it after `timeout` seconds; `os.wait4` gives this child's own
    resource usage (peak resident memory), not a running maximum over all children."""
    workdir.mkdir(parents=True, exist_ok=True)
    out_path, err_path = workdir / "stdout.txt", workdir / "stderr.txt"
    with out_path.open("w") as out, err_path.open("w") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=ROOT, env=user_environment())
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            proc.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code
    return Measured(
        exit=code,
        wall_s=round(wall, 2),
        maxrss_mb=round(usage.ru_maxrss / 1024, 1),
        cpu_s=round(usage.ru_utime + usage.ru_stime, 2),
        stdout=out_path.read_text(encoding="utf-8", errors="replace"),
        stderr=err_path.read_text(encoding="utf-8", errors="replace"),
        timed_out=killed.is_set(),
    )


def workers_flag(args: argparse.Namespace) -> list[str]:
    return ["--workers", str(args.workers)] if args.workers else []


def secplan_command() -> list[str]:
    """The `secplan` script installed beside this interpreter (as a user's venv runs it,
    with no shim such as pyenv's in between), else the one on PATH, else `-m solver`."""
    beside = Path(sys.executable).parent / "secplan"
    found = str(beside) if beside.exists() else shutil.which("secplan")
    return [found] if found else [sys.executable, "-m", "solver"]


def compile_bytecode() -> None:
    """Write secplan's bytecode cache, as a user's first run does (`user_environment`)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "solver")],
                   check=True)


def cli_case(
    name: str, path: Path, args: argparse.Namespace, workdir: Path, runs: int = 1
) -> dict[str, Any]:
    """`secplan solve FILE --json`, end to end, as a user runs it, with the bytecode cache
    in place (`compile_bytecode`); with several `runs` the median wall and CPU time (single
    runs of a one-second command are noisy)."""
    cmd = [
        *secplan_command(),
        "solve",
        str(path),
        "--json",
        "--time-limit",
        str(args.time_limit),
        *workers_flag(args),
    ]
    compile_bytecode()
    measured = [run_measured(cmd, args.case_timeout, workdir) for _ in range(runs)]
    m = measured[-1]
    walls = sorted(r.wall_s for r in measured)
    row: dict[str, Any] = {
        "case": name,
        "mode": "cli: secplan solve",
        "workers": args.workers or "default",
        "time_limit": args.time_limit,
        "wall_s": statistics.median(walls),
        "maxrss_mb": max(r.maxrss_mb for r in measured),
        "exit": m.exit,
        "cpu_s": statistics.median(r.cpu_s for r in measured),
        "note": "killed at timeout" if m.timed_out else "",
    }
    if runs > 1:
        row["note"] = f"median of {runs} runs; wall {walls[0]:g}-{walls[-1]:g} s"
    try:
        plan = json.loads(m.stdout)
    except json.JSONDecodeError:
        row["note"] = f"no plan JSON: {m.stderr.strip().splitlines()[-1:]}"
        return row
    row.update(
        status=plan["status"],
        gap=plan.get("gap"),
        units=len(plan["assignments"]),
        releases=len(plan["releases"]),
        unplaced=sum(1 for r in plan["assignments"].values() if r is None),
        hard_violations=sum(1 for v in plan.get("violations", []) if v["hard"]),
    )
    return row


def engine_case(
    name: str, path: Path, args: argparse.Namespace, workdir: Path, profile: bool
) -> dict[str, Any]:
    """`benchmarks.case` in a subprocess: phase times, model size, status, gap."""
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.case",
        str(path),
        "--time-limit",
        str(args.time_limit),
        *workers_flag(args),
        "--plan-budget",
        str(args.plan_budget),
    ]
    if profile:
        cmd += ["--profile", str(args.out / f"profile-{name}.txt")]
    m = run_measured(cmd, args.case_timeout, workdir)
    row: dict[str, Any] = {
        "case": name,
        "mode": "engine (profiled)" if profile else "engine",
        "workers": args.workers or "default",
        "time_limit": args.time_limit,
        "wall_s": m.wall_s,
        "cpu_s": m.cpu_s,
        "maxrss_mb": m.maxrss_mb,
        "exit": m.exit,
    }
    phases = {}
    for line in m.stdout.splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            phases[record.pop("phase")] = record
    for phase, record in phases.items():
        seconds = record.pop("seconds")
        record.pop("maxrss_mb", None)
        if phase in ("load", "instance", "build", "solve", "check", "plan"):
            row[f"{phase}_s"] = seconds
        row.update({k: v for k, v in record.items() if k in COLUMNS})
    notes = []
    if m.timed_out:
        notes.append(f"killed at timeout {args.case_timeout:.0f} s after phase "
                     f"{next(reversed(phases), 'none')}")  # fmt: skip
    elif "done" not in phases:
        notes.append(f"failed: {m.stderr.strip().splitlines()[-1:]}")
    if any(b < 0 for b in phases.get("solve", {}).get("level_bounds", [])):
        notes.append("a level's bound is negative (no real bound yet), so the gap means little")
    if phases.get("plan", {}).get("plan_finished") is False:
        notes.append("make_plan stopped after the plan budget: plan_s is a lower bound")
    row["note"] = "; ".join(notes)
    return row


def fmt(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1 else f"{value:,.1f}"
    if isinstance(value, list):
        return "/".join(str(v) for v in value)
    return str(value)


def read_rows(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write_results(out: Path, new_rows: list[dict[str, Any]], machine: str) -> None:
    """Merge `new_rows` into results.csv (replacing rows of the same case and mode) and
    rewrite results.md from all rows."""
    csv_path = out / "results.csv"
    rows = {(r["case"], r["mode"]): r for r in read_rows(csv_path)}
    for row in new_rows:
        row.setdefault("date", dt.date.today().isoformat())
        rows[(row["case"], row["mode"])] = {k: fmt(row.get(k)) for k in COLUMNS}
    ordered = sorted(rows.values(), key=lambda r: (case_size(r["case"]), r["case"], r["mode"]))
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(ordered)
    (out / "results.md").write_text(markdown(ordered, machine), encoding="utf-8")
    draw_cost_curve(ordered, out / "cost-curve.png")


GENERATED_CASE = re.compile(r"gen(\d+)x(\d+)-s(\d+)")
"""Name of a generated case: `gen{items}x{years}-s{seed}` (see `main`)."""


def _generated(case: str) -> tuple[int, int] | None:
    """Items and years of a generated case's name, None for other cases."""
    found = GENERATED_CASE.fullmatch(case)
    return (int(found[1]), int(found[2])) if found else None


def case_size(case: str) -> int:
    """Items of a generated case (0 for other cases), to sort cases by size."""
    return (_generated(case) or (0, 0))[0]


def first_seeds(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Of the generated cases' rows, each size's row of its lowest seed (results may hold
    other seeds of a size, run to see how the engine fares across scenarios of it)."""
    def seed(row: dict[str, Any]) -> int:
        found = GENERATED_CASE.fullmatch(row["case"])
        return int(found[3]) if found else 0

    chosen: dict[int, dict[str, Any]] = {}
    for row in sorted(rows, key=seed):
        chosen.setdefault(case_size(row["case"]), row)
    kept = {id(row) for row in chosen.values()}
    return [row for row in rows if id(row) in kept]


MAIN_TABLE = [
    ("case", "case"),
    ("mode", "mode"),
    ("units", "units"),
    ("releases", "releases"),
    ("rules", "rules"),
    ("workers", "workers"),
    ("time_limit", "limit s"),
    ("load_s", "load s"),
    ("build_s", "build s"),
    ("variables", "vars"),
    ("constraints", "cons"),
    ("solve_s", "solve s"),
    ("status", "status"),
    ("gap", "gap"),
    ("unplaced", "unplaced"),
    ("hard_violations", "hard viol."),
    ("plan_s", "plan s"),
    ("wall_s", "wall s"),
    ("cpu_s", "CPU s"),
    ("maxrss_mb", "peak MB"),
]
SOLVE_TABLE = [
    ("case", "case"),
    ("level_values", "levels (value)"),
    ("level_bounds", "levels (bound)"),
    ("levels_by_cores", "levels by cores"),
    ("cores_calls", "cores: CP-SAT calls"),
    ("cpsat_cores_s", "cores: CP-SAT s"),
    ("cpsat_level_s", "CP-SAT levels s"),
    ("tiebreak_done", "tie-break CP-SAT calls"),
    ("cpsat_tiebreak_s", "CP-SAT tie-break s"),
    ("model_build_in_solve_s", "model build s"),
    ("hint_s", "hints s"),
    ("assignment_s", "read solution s"),
    ("other_python_s", "other Python s"),
    ("plan_cpsat_calls", "plan: CP-SAT calls"),
    ("plan_cpsat_s", "plan: CP-SAT s"),
    ("plan_model_build_s", "plan: model build s"),
]


CURVE_TABLE = [
    ("case", "case"),
    ("units", "units"),
    ("variables", "vars"),
    ("setup_s", "set-up s"),
    ("solve_s", "solve s"),
    ("levels_proven", "levels proven (of reached)"),
    ("gap", "gap"),
    ("plan_s", "plan s"),
    ("wall_s", "wall s"),
    ("maxrss_mb", "peak MB"),
]


def curve_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The generated cases' engine rows, smallest first, with the columns of the curve."""
    out = []
    for row in rows:
        if not (case_size(row["case"]) and row["mode"] == "engine"):
            continue
        values = [v for v in str(row.get("level_values", "")).split("/") if v]
        bounds = [b for b in str(row.get("level_bounds", "")).split("/") if b]
        proven = sum(1 for v, b in zip(values, bounds, strict=False) if v == b)
        setup = [
            number(row[k])
            for k in ("load_s", "instance_s", "build_s")
            if row.get(k) not in (None, "")
        ]
        out.append(
            {
                **row,
                "setup_s": fmt(sum(setup)) if setup else "",
                "levels_proven": f"{proven} of {len(values)}" if values else "none",
            }
        )
    return sorted(out, key=lambda r: int(number(r["units"] or 0)))


def number(text: Any) -> float:
    """A value of a results row as a float (`fmt` writes thousands with commas)."""
    return float(str(text).replace(",", ""))


def draw_cost_curve(rows: list[dict[str, Any]], path: Path) -> None:
    """Seconds (set-up, solve, plan) and peak memory against units, both axes logarithmic."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullFormatter, ScalarFormatter

    every = [r for r in curve_rows(rows) if r.get("units") and r.get("wall_s")]
    curve = first_seeds(every)  # the lines: one scenario per size
    if not curve:
        return
    units = [int(number(r["units"])) for r in curve]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
    for key, label, style in (
        ("setup_s", "set-up (load, instance, model)", "s-"),
        ("solve_s", "solve (levels, tie-break)", "o-"),
        ("plan_s", "plan (fall-backs, reasons)", "^-"),
        ("wall_s", "whole case", "D--"),
    ):
        points = [(u, number(r[key])) for u, r in zip(units, curve, strict=True) if r.get(key)]
        if points:
            left.plot(*zip(*points, strict=True), style, label=label)
    limits = {number(r["time_limit"]) for r in curve if r.get("time_limit")}
    limit = limits.pop() if len(limits) == 1 else 0.0
    if limit:
        left.axhline(limit, color="grey", linestyle=":", linewidth=1)
        left.annotate(f"time limit {limit:g} s", (units[0], limit), xytext=(0, 3),
                      textcoords="offset points", fontsize=8, color="grey")
    outcomes = (
        ("optimal", "solve: every level proven", "o", dict(color="tab:green")),
        ("feasible", "solve: stopped with a plan", "o",
         dict(color="white", edgecolor="tab:orange")),
        ("no plan in time", "solve: no plan in the limit", "X", dict(color="tab:red")),
    )
    for status, label, marker, colours in outcomes:
        points = [(number(r["units"]), number(r["solve_s"])) for r in every
                  if r.get("status") == status and r.get("solve_s")]  # every seed's
        if points:
            left.scatter(*zip(*points, strict=True), s=70, marker=marker, zorder=5,
                         linewidths=1.5, label=label, **colours)
    left.set(xscale="log", yscale="log", xlabel="units (items and parts)", ylabel="seconds",
             title="Time by phase")
    left.legend(fontsize=8, loc="lower right")
    mem = [(u, number(r["maxrss_mb"])) for u, r in zip(units, curve, strict=True)
           if r.get("maxrss_mb")]
    if mem:
        right.plot(*zip(*mem, strict=True), "o-", color="tab:purple")
        for u, mb in mem:
            right.annotate(f"{mb:,.0f} MB", (u, mb), xytext=(0, 6),
                           textcoords="offset points", fontsize=8, ha="center")
    right.set(xscale="log", yscale="log", xlabel="units (items and parts)",
              ylabel="peak resident memory, MB", title="Memory (one process per case)")
    for ax in (left, right):
        ax.grid(True, which="both", alpha=0.3)
        ax.yaxis.set_major_formatter(ScalarFormatter())
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.margins(x=0.12, y=0.15)
    years = sorted({str((_generated(r["case"]) or (0, 0))[1]) for r in curve})
    workers = sorted({str(r.get("workers") or "default") for r in curve})
    others = len(every) - len(curve)
    fig.suptitle(
        f"secplan cost curve: generated scenarios, {'/'.join(years)} years, "
        f"workers {'/'.join(workers)}"
        + (f"\nlines: one scenario per size; solve markers: every scenario run ({others} "
           "more, other seeds)" if others else "")
    )
    fig.savefig(path, dpi=110)
    plt.close(fig)


def table(rows: list[dict[str, Any]], columns: list[tuple[str, str]]) -> list[str]:
    lines = [
        "| " + " | ".join(title for _, title in columns) + " |",
        "|" + "|".join("---" for _ in columns) + "|",
    ]
    for row in rows:
        lines.append("| " + " | ".join(str(row.get(key, "")) for key, _ in columns) + " |")
    return lines


def markdown(rows: list[dict[str, Any]], machine: str) -> str:
    engine_rows = [r for r in rows if r["mode"].startswith("engine")]
    notes = [f"- {r['case']} ({r['mode']}): {r['note']}" for r in rows if r.get("note")]
    return "\n".join(
        [
            "# secplan benchmarks",
            "",
            "Made by `python -m benchmarks.run` (see README.md). Latest run on: " + machine,
            "",
            "`cli` rows: `secplan solve FILE --json` end to end (wall time and peak resident "
            "memory of the process). `engine` rows: `benchmarks.case`, phase by phase: "
            "`solve s` is `solver.engine.solve` (every objective level, then the tie-break); "
            "`plan s` is `solver.plan.make_plan` (fall-backs and reasons).",
            "",
            *table(rows, MAIN_TABLE),
            "",
            "## Cost curve",
            "",
            "Generated scenarios by size (engine rows; `cost-curve.png` draws them): how many "
            "of the objective's levels a plan reached were proven, the gap of the first that "
            "was not (0 when all were), and where the time goes (set-up: load, instance "
            "and model build).",
            "",
            *table(curve_rows(rows), CURVE_TABLE),
            "",
            "## Inside the solve and the plan",
            "",
            *table(engine_rows, SOLVE_TABLE),
            "",
            "## Notes",
            "",
            *(notes or ["- none"]),
            "",
        ]
    )


def source_version() -> str:
    """The commit measured, with `+changes` when the work tree differs from it."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "solver"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        return "unknown"
    return (commit or "unknown") + (" +changes in solver/" if dirty else "")


def machine_line() -> str:
    load = os.getloadavg()[0]
    return (
        f"{dt.date.today()}, secplan {source_version()}, {platform.platform()}, "
        f"{os.cpu_count()} CPUs, load average "
        f"{load:.2f} at start, Python {platform.python_version()}, OR-Tools {version('ortools')}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--sizes", default="100,1000,5000", help="item counts, comma separated")
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, help="CP-SAT workers (default: the engine's)")
    parser.add_argument(
        "--plan-budget",
        type=float,
        default=300.0,
        help="stop make_plan after this many seconds (its time is then a lower bound)",
    )
    parser.add_argument("--case-timeout", type=float, help="kill a case after this long")
    parser.add_argument(
        "--cli-max-items", type=int, default=100, help="also run `secplan solve` up to this size"
    )
    parser.add_argument("--no-seed-round", action="store_true")
    parser.add_argument(
        "--repeat", type=int, default=9, help="runs of the seed round's secplan solve (median)"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the engine cases")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args(argv)
    if args.case_timeout is None:
        args.case_timeout = 3 * args.time_limit + args.plan_budget + 300
    args.out.mkdir(parents=True, exist_ok=True)
    machine = machine_line()
    rows: list[dict[str, Any]] = []
    work = args.out / "work"
    if not args.no_seed_round:
        rows.append(cli_case("seed-round", SEED_ROUND, args, work / "seed-cli", args.repeat))
        rows.append(engine_case("seed-round", SEED_ROUND, args, work / "seed", args.profile))
        report(rows[-2:])
    for size in (int(s) for s in args.sizes.split(",") if s.strip()):
        name = f"gen{size}x{args.years}-s{args.seed}"
        path = args.out / "scenarios" / f"{name}.yaml"
        start = time.perf_counter()
        scenario = generate_scenario(size, args.years, args.seed)
        generated = time.perf_counter() - start
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump_yaml(scenario), encoding="utf-8")
        case_rows = [engine_case(name, path, args, work / name, args.profile)]
        case_rows[0].update(items=size, generate_s=round(generated, 2))
        if size <= args.cli_max_items:
            case_rows.append(cli_case(name, path, args, work / f"{name}-cli"))
            case_rows[-1]["items"] = size
        report(case_rows)
        rows += case_rows
    write_results(args.out, rows, machine)
    print(f"wrote {args.out / 'results.csv'} and {args.out / 'results.md'}")


def report(rows: list[dict[str, Any]]) -> None:
    """One line per finished case, so a long run shows progress."""
    for row in rows:
        keys = ("status", "gap", "solve_s", "plan_s", "wall_s", "maxrss_mb", "note")
        said = ", ".join(f"{k}={fmt(row.get(k))}" for k in keys if row.get(k) not in (None, ""))
        print(f"{row['case']} [{row['mode']}]: {said}", flush=True)


if __name__ == "__main__":
    main()
