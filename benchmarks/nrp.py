"""The Next Release Problem (NRP) suite: public benchmark instances solved as secplan scenarios.

    python -m benchmarks.nrp [--ratios 0.3,0.5] [--instances nrp1,nrp-e1] [--time-limit 60]
                             [--workers 8,default] [--rounding floor,ceil] [--data DIR]
                             [--write DIR] [--out benchmarks/results]

An NRP instance (Xuan et al., classic `nrp1`-`nrp5` and realistic `nrp-e/g/m*`, in
`../shared/data/nrp/`) is a one-release allocation, so it becomes a scenario with:

* one release in the horizon (June 2021) and `as_of` three weeks before it, both scope
  baselines at "0 days" so nothing is an exception and every item is decided in time;
* one item per requirement (`R0001`...), its effort the requirement's cost, value 0;
* the budget as a `capacity` rule on that release (`max_effort`, `dcc_only: false`);
* each prerequisite pair `A B` as `precedence(A, B)` with `min_gap: 0`;
* one zero-effort item per customer (`C0001`...), its value the customer's profit, after
  every requirement it requests (`precedence(R, C)`, `min_gap: 0`);
* the objective `delay` alone. With `as_of` in the release's month a placed item's delay is
  0 months and an item outside the horizon counts one month, so
  delay = total profit - profit of the customers placed, and minimising delay maximises the
  NRP profit (tests/test_nrp.py checks this against brute force).

The budget is `total * num // den` for the ratio `num/den` (floor) or its ceiling, exactly as
`reference_optima.csv`, which gives the optimum for both. Each solve goes through
`solver.engine.solve`; the profit reported is recomputed from the NRP data (customers whose
requests and all their prerequisites are chosen) and the plan is judged by the solver-free
checker. Results: `nrp.csv` and `nrp.md` in the out folder (rows of earlier runs are kept and
replaced case by case). See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from benchmarks.generate import dump_yaml
from benchmarks.run import fmt, machine_line, read_rows
from solver.check import check_assignment
from solver.engine import NoPlanInTime, SolveOptions, solve
from solver.instance import Instance
from solver.model import Calendar, Item, ObjectiveTerm, Policy, Scenario, Window
from solver.rules import Capacity, Precedence

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "nrp"
RELEASE_MONTH = "2021-06"
AS_OF = dt.date(2021, 6, 1)
"""In the release's month (go-live Thursday 24 June 2021): a placed item counts 0 months of
delay, one outside the horizon 1 month."""
COLUMNS = [
    "instance",
    "ratio",
    "rounding",
    "budget",
    "workers",
    "tie_break",
    "requirements",
    "customers",
    "dependencies",
    "profit",
    "reference",
    "match",
    "status",
    "bound",
    "solve_s",
    "instance_s",
    "hard_violations",
    "time_limit",
    "note",
    "date",
]
KEY = ("instance", "ratio", "rounding", "workers", "tie_break")


# --- parsing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Customer:
    profit: int
    requests: tuple[int, ...]
    """Requirement ids (1-based), as in the file (may repeat)."""


@dataclass(frozen=True)
class NrpInstance:
    """One NRP instance file: requirement costs by level, prerequisites, customers."""

    name: str
    level_sizes: tuple[int, ...]
    costs: tuple[int, ...]
    """Cost of requirement `i + 1`."""
    dependencies: tuple[tuple[int, int], ...]
    """`(a, b)`: requirement a is a prerequisite of b; as in the file (pairs may repeat)."""
    customers: tuple[Customer, ...]

    @property
    def total_cost(self) -> int:
        return sum(self.costs)

    def budget(self, ratio: Fraction, rounding: str) -> int:
        """`ratio` x total cost in exact arithmetic, rounded down (`floor`) or up (`ceil`)."""
        raw = self.total_cost * ratio.numerator
        return raw // ratio.denominator if rounding == "floor" else -(-raw // ratio.denominator)

    def profit(self, chosen: set[int]) -> int:
        """Profit of the customers whose requests are all chosen, or 0 if `chosen` breaks a
        prerequisite (an invalid selection earns nothing)."""
        if any(b in chosen and a not in chosen for a, b in self.dependencies):
            return 0
        return sum(c.profit for c in self.customers if set(c.requests) <= chosen)


def parse_nrp(text: str, name: str = "nrp") -> NrpInstance:
    """Parse the whitespace-separated format of Xuan et al. (see the data folder's README):
    levels with their costs, dependency pairs, customers `profit q id_1 ... id_q`."""
    tokens = [int(t) for t in text.split()]
    pos = 0

    def take(n: int = 1) -> list[int]:
        nonlocal pos
        if pos + n > len(tokens):
            raise ValueError(f"{name}: the file ends early (wanted {n} more numbers)")
        out = tokens[pos : pos + n]
        pos += n
        return out

    sizes, costs = [], []
    for _ in range(take()[0]):
        size = take()[0]
        sizes.append(size)
        costs += take(size)
    m = len(costs)
    deps = []
    for _ in range(take()[0]):
        a, b = take(2)
        deps.append((a, b))
    customers = []
    for _ in range(take()[0]):
        profit, q = take(2)
        customers.append(Customer(profit, tuple(take(q))))
    if pos != len(tokens):
        raise ValueError(f"{name}: {len(tokens) - pos} numbers left after the last customer")
    used = [i for a, b in deps for i in (a, b)] + [i for c in customers for i in c.requests]
    if any(not 1 <= i <= m for i in used):
        raise ValueError(f"{name}: a requirement id is outside 1..{m}")
    return NrpInstance(name, tuple(sizes), tuple(costs), tuple(deps), tuple(customers))


def read_nrp(path: Path) -> NrpInstance:
    return parse_nrp(path.read_text(encoding="ascii"), path.stem)


def instance_files(data: Path) -> dict[str, Path]:
    """Instance name -> file, classic before realistic, in the order of the reference CSV."""
    files = sorted((data / "classic").glob("nrp*.txt")) + sorted(
        (data / "realistic").glob("nrp*.txt")
    )
    return {f.stem: f for f in files}


def reference_optima(data: Path) -> dict[tuple[str, str, str], tuple[int, int]]:
    """(instance, ratio, rounding) -> (budget, optimum) from `reference_optima.csv`."""
    out = {}
    with (data / "reference_optima.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for rounding in ("floor", "ceil"):
                key = (row["instance"], row["ratio"], rounding)
                out[key] = (int(row[f"budget_{rounding}"]), int(row[f"optimum_{rounding}"]))
    return out


# --- conversion ---------------------------------------------------------------------------


def requirement_id(inst: NrpInstance, i: int) -> str:
    return f"R{i:0{len(str(len(inst.costs)))}d}"


def customer_id(inst: NrpInstance, j: int) -> str:
    return f"C{j:0{len(str(len(inst.customers)))}d}"


def to_scenario(inst: NrpInstance, budget: int) -> Scenario:
    """The NRP instance as a one-release secplan scenario (see the module docstring)."""
    common: dict[str, Any] = {"status": "approved", "decided": AS_OF}
    items = [
        Item(id=requirement_id(inst, i), title=f"Requirement {i}", effort=cost, value=0, **common)
        for i, cost in enumerate(inst.costs, start=1)
    ]
    items += [
        Item(id=customer_id(inst, j), title=f"Customer {j}", value=c.profit, **common)
        for j, c in enumerate(inst.customers, start=1)
    ]
    rules: list[Any] = [
        Capacity(rule="capacity", max_effort=budget, dcc_only=False, note="NRP budget")
    ]
    before_after = [
        (requirement_id(inst, a), requirement_id(inst, b))
        for a, b in dict.fromkeys(inst.dependencies)
    ] + [
        (requirement_id(inst, i), customer_id(inst, j))
        for j, c in enumerate(inst.customers, start=1)
        for i in dict.fromkeys(c.requests)
    ]
    rules += [
        Precedence(rule="precedence", before=first, after=then, min_gap=0)
        for first, then in before_after
    ]
    return Scenario(
        name=f"{inst.name}-budget-{budget}",
        description=(
            f"NRP instance {inst.name} with budget {budget} of total cost {inst.total_cost} "
            "(benchmarks.nrp)"
        ),
        as_of=AS_OF,
        calendar=Calendar(
            windows=[Window(month=6, weekday="thursday", week="last")],
            first=RELEASE_MONTH,
            last=RELEASE_MONTH,
        ),
        policy=Policy(dcc_baseline="0 days", full_baseline="0 days"),
        items=items,
        rules=rules,
        objective=[ObjectiveTerm(term="delay", priority=1, weight=1)],
    )


def chosen_requirements(inst: NrpInstance, assignment: dict[str, str | None]) -> set[int]:
    return {
        i
        for i in range(1, len(inst.costs) + 1)
        if assignment.get(requirement_id(inst, i)) is not None
    }


def scenario_yaml(scenario: Scenario) -> str:
    """The scenario as a file a user can read and `secplan solve`."""
    data = scenario.model_dump(mode="json", exclude_defaults=True)
    data["objective"] = [t.model_dump(mode="json") for t in scenario.objective]
    return dump_yaml(data)


# --- the suite ----------------------------------------------------------------------------


def solve_case(
    nrp: NrpInstance,
    budget: int,
    workers: int | None,
    time_limit: float,
    tie_break: bool,
) -> dict[str, Any]:
    """Convert, solve with the engine, judge: one row of the results."""
    start = time.perf_counter()
    inst = Instance(to_scenario(nrp, budget))
    built = time.perf_counter() - start
    start = time.perf_counter()
    try:
        solution = solve(inst, SolveOptions(time_limit=time_limit, wall_clock=True,
                                           workers=workers), tie_break=tie_break)  # fmt: skip
    except NoPlanInTime:
        return {"status": "no plan in time", "solve_s": time.perf_counter() - start}
    seconds = time.perf_counter() - start
    row: dict[str, Any] = {"status": solution.status, "solve_s": seconds, "instance_s": built}
    if solution.status == "infeasible":
        return row
    chosen = chosen_requirements(nrp, solution.assignment)
    total_profit = sum(c.profit for c in nrp.customers)
    hard = [v for v in check_assignment(inst, solution.assignment) if v.hard]
    row.update(
        profit=nrp.profit(chosen),
        bound=total_profit - solution.level_bounds[0],
        hard_violations=len(hard),
    )
    placed_profit = total_profit - solution.level_values[0]
    notes = []
    if placed_profit != row["profit"]:
        notes.append(f"customers placed earn {placed_profit}, the selection {row['profit']}")
    if sum(nrp.costs[i - 1] for i in chosen) > budget:
        notes.append("over budget")
    if hard:
        notes.append(hard[0].rule + ": " + hard[0].message)
    row["note"] = "; ".join(notes)
    return row


def budgets(nrp: NrpInstance, ratio: Fraction, roundings: list[str]) -> list[tuple[str, int]]:
    """(rounding, budget) pairs; one pair labelled `exact` when the budget is a whole number."""
    if nrp.budget(ratio, "floor") == nrp.budget(ratio, "ceil"):
        return [("exact", nrp.budget(ratio, "floor"))]
    return [(r, nrp.budget(ratio, r)) for r in roundings]


def run_suite(args: argparse.Namespace) -> list[dict[str, Any]]:
    files = instance_files(args.data)
    names = args.instances.split(",") if args.instances else list(files)
    unknown = [n for n in names if n not in files]
    if unknown:
        raise SystemExit(f"unknown instance(s) {', '.join(unknown)}; known: {', '.join(files)}")
    optima = reference_optima(args.data)
    rows = []
    for name in names:
        nrp = read_nrp(files[name])
        for ratio in args.ratios.split(","):
            for rounding, budget in budgets(nrp, Fraction(ratio), args.rounding.split(",")):
                if args.write:
                    path = args.write / f"{name}-{ratio}-{rounding}.yaml"
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_text(scenario_yaml(to_scenario(nrp, budget)), encoding="utf-8")
                ref_budget, ref = optima.get(
                    (name, ratio, "floor" if rounding == "exact" else rounding), (None, None)
                )
                for workers in args.workers:
                    row = {
                        "instance": name,
                        "ratio": ratio,
                        "rounding": rounding,
                        "budget": budget,
                        "workers": workers or "default",
                        "tie_break": "yes" if args.tie_break else "no",
                        "requirements": len(nrp.costs),
                        "customers": len(nrp.customers),
                        "dependencies": len(set(nrp.dependencies)),
                        "reference": ref if ref_budget == budget else None,
                        "time_limit": args.time_limit,
                    }
                    row.update(solve_case(nrp, budget, workers, args.time_limit, args.tie_break))
                    row["match"] = match(row)
                    print(summary(row), flush=True)
                    rows.append(row)
    return rows


def match(row: dict[str, Any]) -> str:
    if row.get("reference") is None or row.get("profit") is None:
        return ""
    if row["profit"] != row["reference"]:
        return "no"
    return "yes" if row["status"] == "optimal" else "yes (not proven)"


def summary(row: dict[str, Any]) -> str:
    keys = ("budget", "profit", "reference", "match", "status", "solve_s", "note")
    said = ", ".join(f"{k}={fmt(row.get(k))}" for k in keys if row.get(k) not in (None, ""))
    return f"{row['instance']} {row['ratio']} {row['rounding']} [workers {row['workers']}]: {said}"


# --- results ------------------------------------------------------------------------------

ROUNDING_ORDER = {"floor": 0, "exact": 0, "ceil": 1}


def write_results(out: Path, new_rows: list[dict[str, Any]], machine: str) -> None:
    """Merge `new_rows` into nrp.csv (replacing rows of the same case) and rewrite nrp.md."""
    out.mkdir(parents=True, exist_ok=True)
    csv_path = out / "nrp.csv"
    rows = {tuple(r[k] for k in KEY): r for r in read_rows(csv_path)}
    for row in new_rows:
        row.setdefault("date", dt.date.today().isoformat())
        clean = {k: fmt(row.get(k)) for k in COLUMNS}
        rows[tuple(clean[k] for k in KEY)] = clean
    order = list(instance_files(DATA)) if DATA.exists() else []
    ordered = sorted(
        rows.values(),
        key=lambda r: (
            order.index(r["instance"]) if r["instance"] in order else len(order),
            r["instance"], r["ratio"], ROUNDING_ORDER.get(r["rounding"], 2), r["rounding"],
            r["workers"], r["tie_break"],
        ),
    )  # fmt: skip
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(ordered)
    (out / "nrp.md").write_text(markdown(ordered, machine), encoding="utf-8")


def run_label(row: dict[str, Any]) -> str:
    """How a row was solved: the worker setting, and the tie-break when it ran."""
    return f"workers {row['workers']}" + (", tie-break" if row["tie_break"] == "yes" else "")


def markdown(rows: list[dict[str, Any]], machine: str) -> str:
    """One line per (instance, ratio, budget), the runs (worker settings) side by side."""
    runs = sorted({run_label(r) for r in rows})
    cases: dict[tuple[str, str, str], dict[str, dict[str, Any]]] = {}
    for r in rows:
        cases.setdefault((r["instance"], r["ratio"], r["rounding"]), {})[run_label(r)] = r
    head = ["instance", "ratio", "budget", "reqs", "customers", "reference optimum"]
    head += [f"{run}: {what}" for run in runs for what in ("profit", "match", "s")]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for (instance, ratio, rounding), by_run in cases.items():
        first = next(iter(by_run.values()))
        cells = [instance, ratio, f"{first['budget']} ({rounding})", first["requirements"],
                 first["customers"], first["reference"]]  # fmt: skip
        for run in runs:
            r = by_run.get(run, {})
            cells += [r.get("profit", ""), r.get("match", ""), r.get("solve_s", "")]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    notes = [
        f"- {r['instance']} {r['ratio']} {r['rounding']} ({run_label(r)}): {r['note']}"
        for r in rows
        if r.get("note")
    ]
    return "\n".join(
        [
            "# NRP suite",
            "",
            "Made by `python -m benchmarks.nrp` (see README.md). Latest run on: " + machine,
            "",
            "Each (instance, ratio, budget) solved as a one-release secplan scenario by "
            "`solver.engine.solve` (budget floor or ceiling of ratio x total cost; `exact` when "
            "they agree). `profit` is recomputed from the NRP data for the requirements the "
            "plan chose; `match`: equal to the reference optimum (HiGHS's, from "
            "`reference_optima.csv`) and proven optimal by CP-SAT, `yes (not proven)` when the "
            "time limit ended the search at the optimum; `s`: wall time of "
            "`solver.engine.solve`, CP-SAT model build included (the `Instance` build is "
            "`instance_s` in nrp.csv; no tie-break unless the run says so). `workers default` "
            "is the engine's deterministic search. CP-SAT's bounds are in nrp.csv.",
            "",
            *tallies(rows),
            "",
            *lines,
            "",
            "## Notes",
            "",
            *(notes or ["- none"]),
            "",
        ]
    )


def tallies(rows: list[dict[str, Any]]) -> list[str]:
    """Per run: how many reference optima were reached and proven, and the misses."""
    out = []
    for run in sorted({run_label(r) for r in rows}):
        mine = [r for r in rows if run_label(r) == run and r["match"]]
        hits = [r for r in mine if r["match"] == "yes"]
        times = sorted(float(r["solve_s"].replace(",", "")) for r in hits)
        slowest = f", the slowest in {times[-1]:.1f} s" if times else ""
        missed = ", ".join(
            f"{r['instance']} {r['ratio']} {r['rounding']}" for r in mine if r["match"] != "yes"
        )
        out.append(
            f"- {run}: {len(hits)} of {len(mine)} reference optima reached and proven"
            f"{slowest}" + (f"; not within the limit: {missed}" if missed else "")
        )
    return out


def parse_workers(text: str) -> list[int | None]:
    return [None if w.strip() == "default" else int(w) for w in text.split(",") if w.strip()]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.nrp",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--ratios", default="0.3,0.5", help="cost ratios, comma separated")
    parser.add_argument("--instances", help="comma separated (default: every classic and "
                        "realistic instance)")  # fmt: skip
    parser.add_argument("--rounding", default="floor,ceil",
                        help="budget rounding(s): floor, ceil or both")  # fmt: skip
    parser.add_argument("--time-limit", type=float, default=60.0, help="per solve, seconds")
    parser.add_argument("--workers", type=parse_workers, default=parse_workers("8"),
                        help="CP-SAT workers, comma separated; 'default' for the engine's "
                        "deterministic search (e.g. 8,default)")  # fmt: skip
    parser.add_argument(
        "--tie-break",
        action="store_true",
        help="also run the engine's tie-break after the optimum (as "
        "`secplan solve` does); off by default: it does not change the profit",
    )
    parser.add_argument("--data", type=Path, default=DATA, help="the NRP data folder")
    parser.add_argument("--write", type=Path, help="also write each scenario as YAML here")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args(argv)
    machine = machine_line()
    rows = run_suite(args)
    write_results(args.out, rows, machine)
    print(f"wrote {args.out / 'nrp.csv'} and {args.out / 'nrp.md'}")


if __name__ == "__main__":
    main()
