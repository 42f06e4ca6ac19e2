"""A peer solver side by side: the engine's allocation model as a MIP solved by HiGHS.

    python -m benchmarks.peer [--sizes 100,1000] [--years 10] [--seed 1] [--time-limit 60]
                              [--nrp nrp1,nrp-e1] [--ratios 0.3,0.5] [--out benchmarks/results]

Needs `highspy` (`pip install highspy`). For each generated scenario
(`benchmarks.generate.generate_scenario(items, years, seed)`) the same `solver.instance.Instance`
is solved three ways, one after the other: by `solver.engine.solve` with CP-SAT's portfolio
(`workers=8`), with the engine's default deterministic search, and by HiGHS on the MIP below.
All three solve only the objective's levels (the engine without its tie-break, which HiGHS
does not do). HiGHS's plan is judged by `solver.check.check_assignment` and its level values
recomputed from the plan with `solver.objective`, so neither the checker nor the values trust
the MIP.

The MIP (`build_mip`):

* binaries `x[u, r]` for every unit and release plus the "not in horizon" slot, exactly one
  per unit; binaries `uplift[r, s]` for each (release, specification) some unit changes, with
  `x[u, r] <= uplift[r, s] <= sum of the changers' x`;
* built-in rules as fixings (column bounds): decision in time, scope baseline (when
  exceptions are forbidden; when allowed each exception costs its penalty in the
  `exceptions` term), windows, frozen releases; `fixed` as a lower bound;
* uplift-cap, aligned-uplift, never-together, same-release, capacity as rows; precedence
  (`after` at least `min_gap` releases after `before`, and not placed while `before` is out)
  in the cumulative form `sum_{j<=k} x[after, j] <= sum_{j<=k-gap} x[before, j]` for every
  release k, which is tighter than a big-M on the release indices;
* a soft rule gets a violation binary `v` that relaxes its rows (`expr - M v <= limit`) and
  costs `penalty * v` in its term, as the engine's enforcement literal does;
* the objective's levels solved lexicographically like the engine: minimise level 1, add
  `level_1 <= optimum`, minimise level 2, and so on, each level warm-started from the
  previous plan, with a zero relative gap (objective coefficients are integers).

With `--nrp` the NRP instances (`benchmarks.nrp.to_scenario`, the same scenarios as the NRP
suite) are solved by HiGHS on the same MIP and compared with the reference optima; the
engine's times for those are read from `nrp.csv` (its default search) rather than solved again.
Results: `peer.csv` and `peer.md` in the out folder (rows of earlier runs are kept and
replaced case by case). See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from benchmarks.generate import generate_scenario
from benchmarks.nrp import (
    DATA,
    budgets,
    read_nrp,
    reference_optima,
    to_scenario,
)
from benchmarks.nrp import instance_files as nrp_files
from benchmarks.run import case_size, fmt, machine_line, read_rows, table
from solver.check import check_assignment
from solver.engine import NoPlanInTime, SolveOptions, solve
from solver.instance import Instance
from solver.model import Scenario
from solver.objective import level_values, levels, term_values
from solver.rules import (
    AlignedUplift,
    Capacity,
    DecisionInTime,
    Fixed,
    Frozen,
    NeverTogether,
    Precedence,
    RuleBase,
    SameRelease,
    ScopeBaseline,
    UpliftCap,
    Window,
)
from solver.rules.baseline import baseline_passed

ROOT = Path(__file__).resolve().parents[1]
ENGINE_FROM_NRP = "engine, default (from nrp.csv)"
Linear = dict[int, float]
"""A linear expression over the MIP's columns: column -> coefficient."""


# --- the MIP ------------------------------------------------------------------------------


@dataclass
class Mip:
    """A 0-1 program under construction: columns with bounds, rows, objective terms."""

    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    rows: list[tuple[float, float, Linear]] = field(default_factory=list)
    terms: dict[str, tuple[Linear, float]] = field(default_factory=dict)
    """Objective term -> (coefficients, constant), as in `solver.objective`."""

    def binary(self) -> int:
        self.lower.append(0.0)
        self.upper.append(1.0)
        return len(self.lower) - 1

    def fix(self, col: int, value: float) -> None:
        """Narrow a column's bounds to `value` (an empty range makes the MIP infeasible)."""
        self.lower[col] = max(self.lower[col], value)
        self.upper[col] = min(self.upper[col], value)

    def row(self, coefs: Linear, lower: float, upper: float) -> None:
        self.rows.append((lower, upper, coefs))

    def at_most(self, coefs: Linear, limit: float, soft: int | None, big: float) -> None:
        """`coefs <= limit`, or `coefs - big * soft <= limit` for a soft rule's violation."""
        if soft is not None:
            coefs = {**coefs, soft: coefs.get(soft, 0.0) - big}
        self.row(coefs, -INF, limit)

    def add_term(self, term: str, coefs: Linear, constant: float = 0.0) -> None:
        old, base = self.terms.setdefault(term, ({}, 0.0))
        for col, c in coefs.items():
            old[col] = old.get(col, 0.0) + c
        self.terms[term] = (old, base + constant)


INF = float("inf")


class MipBuilder:
    """The engine's model of an `Instance` as a `Mip` (see the module docstring)."""

    def __init__(self, inst: Instance):
        self.inst = inst
        self.mip = Mip()
        self.slots: list[str | None] = [*inst.release_ids, None]
        self.x: dict[tuple[str, str | None], int] = {}
        for unit in inst.units:
            cols = [self.mip.binary() for _ in self.slots]
            self.x.update({(unit.id, rid): c for rid, c in zip(self.slots, cols, strict=True)})
            self.mip.row(dict.fromkeys(cols, 1.0), 1.0, 1.0)
        self.uplift: dict[tuple[str, str], int] = {}
        for rid in inst.release_ids:
            for spec in sorted({s for u in inst.units for s in u.specs}):
                changers = [self.x[u.id, rid] for u in inst.units if spec in u.specs]
                col = self.uplift[rid, spec] = self.mip.binary()
                for x in changers:
                    self.mip.row({x: 1.0, col: -1.0}, -INF, 0.0)
                self.mip.row({col: 1.0, **{x: -1.0 for x in changers}}, -INF, 0.0)
        for rule in inst.rules:
            soft = None
            if not rule.hard and not isinstance(rule, ScopeBaseline):
                soft = self.mip.binary()
                self.mip.add_term(rule.term, {soft: float(rule.penalty)})
            self.post(rule, soft)
        self.objective()

    # --- rules ----------------------------------------------------------------------------

    def post(self, rule: RuleBase, soft: int | None) -> None:
        """Post one rule; its rows are relaxed by `soft` when the rule is soft."""
        posts = {
            DecisionInTime: self.post_fixings,
            Window: self.post_fixings,
            Frozen: self.post_fixings,
            ScopeBaseline: self.post_scope_baseline,
            Fixed: self.post_fixed,
            UpliftCap: self.post_uplift_cap,
            AlignedUplift: self.post_aligned_uplift,
            Precedence: self.post_precedence,
            SameRelease: self.post_same_release,
            NeverTogether: self.post_never_together,
            Capacity: self.post_capacity,
        }
        post = posts.get(type(rule))
        if post is None:
            raise NotImplementedError(f"no MIP for rule {rule.name}")
        post(rule, soft)  # type: ignore[operator]

    def post_fixings(self, rule: DecisionInTime | Window | Frozen, soft: int | None) -> None:
        """Built-in rules as column bounds (they are always hard)."""
        inst, x = self.inst, self.x
        if soft is not None or not rule.hard:
            raise NotImplementedError(f"soft built-in rule {rule.name}")
        if isinstance(rule, Frozen):
            for unit in inst.units:
                self.mip.fix(x[unit.id, rule.release], 1.0 if unit.baseline == rule.release else 0)
        elif isinstance(rule, DecisionInTime):
            unit = inst.unit(rule.item)
            for release in inst.releases:
                if inst.cut_off(unit, release) < unit.decision:
                    self.mip.fix(x[unit.id, release.id], 0.0)
        else:
            low = inst.index(rule.earliest) if rule.earliest else 0
            high = inst.index(rule.latest) if rule.latest else len(inst.releases)
            for k, rid in enumerate(inst.release_ids):
                if not low <= k <= high:
                    self.mip.fix(x[rule.item, rid], 0.0)

    def post_scope_baseline(self, rule: ScopeBaseline, soft: int | None) -> None:
        """Hard: fixings. Soft (exceptions allowed): each exception costs its penalty in the
        `exceptions` term; a unit sits in one release, so it is one exception at most."""
        inst = self.inst
        unit = inst.unit(rule.item)
        for release in inst.releases:
            if baseline_passed(inst, unit, release) and not inst.is_frozen(release):
                col = self.x[unit.id, release.id]
                if rule.hard:
                    self.mip.fix(col, 0.0)
                else:
                    self.mip.add_term(rule.term, {col: float(rule.penalty)})

    def post_fixed(self, rule: Fixed, soft: int | None) -> None:
        col = self.x[rule.item, rule.release]
        if soft is None:
            self.mip.fix(col, 1.0)
        else:  # x + v >= 1
            self.mip.at_most({col: -1.0}, -1.0, soft, 1.0)

    def post_uplift_cap(self, rule: UpliftCap, soft: int | None) -> None:
        cols = [
            self.uplift[r.id, rule.spec]
            for r in self.inst.releases
            if r.year == rule.year and (r.id, rule.spec) in self.uplift
        ]
        if len(cols) > rule.max:
            self.mip.at_most(dict.fromkeys(cols, 1.0), rule.max, soft, len(cols) - rule.max)

    def post_aligned_uplift(self, rule: AlignedUplift, soft: int | None) -> None:
        """The anchor in release r forbids an uplift of the spec in r's other releases of the
        year."""
        releases = self.inst.releases
        for release in releases:
            anchor = self.x[rule.anchor, release.id]
            for other in releases:
                uplift = self.uplift.get((other.id, rule.spec))
                if other.id != release.id and other.year == release.year and uplift is not None:
                    self.mip.at_most({anchor: 1.0, uplift: 1.0}, 1.0, soft, 1.0)

    def post_precedence(self, rule: Precedence, soft: int | None) -> None:
        """For each release k: `after` in a release <= k needs `before` in one <= k - gap
        (which also keeps `after` out while `before` is out)."""
        rids = self.inst.release_ids
        for k in range(len(rids)):
            coefs: Linear = {self.x[rule.after, rids[j]]: 1.0 for j in range(k + 1)}
            for j in range(k - rule.min_gap + 1):
                col = self.x[rule.before, rids[j]]
                coefs[col] = coefs.get(col, 0.0) - 1.0
            self.mip.at_most(coefs, 0.0, soft, 1.0)

    def post_same_release(self, rule: SameRelease, soft: int | None) -> None:
        first = rule.items[0]
        for other in rule.items[1:]:
            for rid in self.slots:
                a, b = self.x[first, rid], self.x[other, rid]
                self.mip.at_most({a: 1.0, b: -1.0}, 0.0, soft, 1.0)
                self.mip.at_most({a: -1.0, b: 1.0}, 0.0, soft, 1.0)

    def post_never_together(self, rule: NeverTogether, soft: int | None) -> None:
        for rid in self.inst.release_ids:
            cols = [self.x[i, rid] for i in rule.items]
            self.mip.at_most(dict.fromkeys(cols, 1.0), 1.0, soft, len(cols) - 1)

    def post_capacity(self, rule: Capacity, soft: int | None) -> None:
        inst = self.inst
        rids = rule.releases if rule.releases is not None else inst.release_ids
        units = [u for u in inst.units if u.dcc_impact or not rule.dcc_only]
        for rid in rids:
            if rule.max_effort is not None:
                total = sum(u.effort for u in units)
                if total > rule.max_effort:
                    load = {self.x[u.id, rid]: float(u.effort) for u in units if u.effort}
                    self.mip.at_most(load, rule.max_effort, soft, total - rule.max_effort)
            if rule.max_count is not None and len(units) > rule.max_count:
                count = {self.x[u.id, rid]: 1.0 for u in units}
                self.mip.at_most(count, rule.max_count, soft, len(units) - rule.max_count)

    # --- objective ------------------------------------------------------------------------

    def objective(self) -> None:
        """The terms of `solver.objective` (soft rules and exceptions were added by `post`)."""
        inst, mip, x = self.inst, self.mip, self.x
        mip.add_term("unplaced", {x[u.id, None]: 1.0 for u in inst.units})
        delay: Linear = {}
        for unit in inst.units:
            for release in inst.releases:
                if inst.months_to(release) and unit.value:
                    delay[x[unit.id, release.id]] = unit.value * inst.months_to(release)
            if unit.value:
                delay[x[unit.id, None]] = unit.value * inst.unplaced_months
        mip.add_term("delay", delay)
        mip.add_term("uplifts", dict.fromkeys(self.uplift.values(), 1.0))
        for unit in inst.units:
            rid = inst.reference(unit)
            if rid is None:
                continue
            cost = inst.move_cost(unit)
            if rid in inst.release_ids:
                mip.add_term("moves", {x[unit.id, rid]: -float(cost)}, cost)
            else:
                mip.add_term("moves", {}, cost)
        for term in ("exceptions", "soft-rules"):
            mip.add_term(term, {})

    def levels(self) -> list[tuple[Linear, float]]:
        """One (coefficients, constant) per priority level, most important first."""
        out = []
        for level in levels(self.inst.scenario.objective):
            coefs: Linear = {}
            constant = 0.0
            for t in level:
                term, base = self.mip.terms[t.term]
                for col, c in term.items():
                    coefs[col] = coefs.get(col, 0.0) + t.weight * c
                constant += t.weight * base
            out.append((coefs, constant))
        return out

    def assignment(self, values: list[float]) -> dict[str, str | None]:
        return {
            u.id: next(r for r in self.slots if values[self.x[u.id, r]] > 0.5)
            for u in self.inst.units
        }


# --- HiGHS --------------------------------------------------------------------------------


@dataclass
class PeerResult:
    status: str
    assignment: dict[str, str | None]
    level_values: list[int]
    level_bounds: list[int]
    build_s: float
    solve_s: float


def solve_highs(inst: Instance, time_limit: float, seed: int = 0) -> PeerResult:
    """Build the MIP and solve its levels lexicographically with HiGHS."""
    import highspy
    import numpy as np

    start = time.perf_counter()
    builder = MipBuilder(inst)
    mip = builder.mip
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(mip.lower), len(mip.rows)
    lp.col_cost_ = np.zeros(lp.num_col_)
    lp.col_lower_, lp.col_upper_ = np.array(mip.lower), np.array(mip.upper)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * lp.num_col_
    lp.row_lower_ = np.array([r[0] for r in mip.rows])
    lp.row_upper_ = np.array([r[1] for r in mip.rows])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.cumsum([0] + [len(r[2]) for r in mip.rows])
    lp.a_matrix_.index_ = np.array([c for r in mip.rows for c in r[2]], dtype=np.int32)
    lp.a_matrix_.value_ = np.array([v for r in mip.rows for v in r[2].values()])
    h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("random_seed", seed)
    h.passModel(lp)
    build = time.perf_counter() - start
    deadline = time.monotonic() + time_limit
    values: list[int] = []
    bounds: list[int] = []
    status = "optimal"
    solution: list[float] | None = None
    start = time.perf_counter()
    for coefs, constant in builder.levels():
        cols = np.arange(lp.num_col_)
        cost = np.zeros(lp.num_col_)
        cost[list(coefs)] = list(coefs.values())
        h.changeColsCost(lp.num_col_, cols, cost)
        h.setOptionValue("time_limit", max(deadline - time.monotonic(), 0.01))
        if solution is not None:
            hint = highspy.HighsSolution()
            hint.col_value = solution
            h.setSolution(hint)
        h.run()
        model_status = h.getModelStatus()
        if model_status == highspy.HighsModelStatus.kInfeasible:
            return PeerResult("infeasible", {}, [], [], build, time.perf_counter() - start)
        info = h.getInfo()
        if info.primal_solution_status != 2:  # no feasible solution yet
            status = "no plan in time" if solution is None else "feasible"
            break
        solution = list(h.getSolution().col_value)
        value = round(info.objective_function_value + constant)
        values.append(value)
        bounds.append(round(info.mip_dual_bound + constant))
        if model_status != highspy.HighsModelStatus.kOptimal:
            status = "feasible"
            break
        index = np.array(list(coefs), dtype=np.int32)
        h.addRow(-INF, value - constant + 0.5, len(coefs), index, np.array(list(coefs.values())))
    assignment = builder.assignment(solution) if solution is not None else {}
    return PeerResult(status, assignment, values, bounds, build, time.perf_counter() - start)


# --- side by side -------------------------------------------------------------------------

COLUMNS = [
    "case",
    "solver",
    "units",
    "releases",
    "rules",
    "soft_rules",
    "time_limit",
    "status",
    "level_values",
    "level_bounds",
    "checked_levels",
    "hard_violations",
    "build_s",
    "solve_s",
    "total_s",
    "same_optimum",
    "time_vs_highs",
    "profit",
    "reference",
    "note",
    "date",
]


def engine_row(inst: Instance, workers: int | None, time_limit: float) -> dict[str, Any]:
    """`solver.engine.solve` on the levels only (no tie-break: HiGHS does none either)."""
    start = time.perf_counter()
    try:
        solution = solve(inst, SolveOptions(time_limit=time_limit, wall_clock=True,
                                           workers=workers), tie_break=False)  # fmt: skip
    except NoPlanInTime:
        return {"status": "no plan in time", "total_s": time.perf_counter() - start}
    row = {
        "status": solution.status,
        "level_values": solution.level_values,
        "level_bounds": solution.level_bounds,
        "total_s": time.perf_counter() - start,
    }
    row.update(judge(inst, solution.assignment))
    return row


def highs_row(inst: Instance, time_limit: float) -> dict[str, Any]:
    result = solve_highs(inst, time_limit)
    row: dict[str, Any] = {
        "status": result.status,
        "level_values": result.level_values,
        "level_bounds": result.level_bounds,
        "build_s": result.build_s,
        "solve_s": result.solve_s,
        "total_s": result.build_s + result.solve_s,
    }
    if result.assignment:
        row.update(judge(inst, result.assignment))
    return row


def judge(inst: Instance, assignment: dict[str, str | None]) -> dict[str, Any]:
    """Hard violations by the solver-free checker; level values recomputed from the plan."""
    hard = [v for v in check_assignment(inst, assignment) if v.hard]
    checked = level_values(inst.scenario.objective, term_values(inst, assignment))
    return {
        "hard_violations": len(hard),
        "checked_levels": checked,
        "note": f"{hard[0].rule}: {hard[0].message}" if hard else "",
    }


def compare(rows: list[dict[str, Any]]) -> None:
    """Fill `same_optimum` and `time_vs_highs` of each engine row against the HiGHS row, and
    note a row whose level values differ from those recomputed from its plan."""
    peer = next(r for r in rows if r["solver"] == "HiGHS")
    for row in rows:
        checked = row.get("checked_levels") or []
        values = row.get("level_values") or []
        if checked and checked[: len(values)] != values:
            said = "level values differ from those of its plan"
            row["note"] = "; ".join(n for n in [row.get("note"), said] if n)
        if row is peer:
            continue
        if peer.get("total_s") and row.get("total_s") is not None:
            row["time_vs_highs"] = row["total_s"] / peer["total_s"]
        same = values == peer.get("level_values")
        if row["status"] == peer["status"] == "optimal":
            row["same_optimum"] = "yes" if same else "no"
        elif same:
            row["same_optimum"] = "same values, not both proven"


def case_facts(inst: Instance, case: str, time_limit: float) -> dict[str, Any]:
    return {
        "case": case,
        "units": len(inst.units),
        "releases": len(inst.releases),
        "rules": len(inst.scenario.rules),
        "soft_rules": sum(1 for r in inst.rules if not r.hard),
        "time_limit": time_limit,
    }


def generated_case(size: int, args: argparse.Namespace) -> list[dict[str, Any]]:
    scenario = Scenario.model_validate(generate_scenario(size, args.years, args.seed))
    inst = Instance(scenario)
    name = f"gen{size}x{args.years}-s{args.seed}"
    facts = case_facts(inst, name, args.time_limit)
    rows = [{**facts, "solver": "HiGHS", **highs_row(inst, args.time_limit)}]
    report(rows[-1])
    for workers, label in ((8, "engine, workers 8"), (None, "engine, default")):
        rows.append({**facts, "solver": label, **engine_row(inst, workers, args.time_limit)})
        report(rows[-1])
    compare(rows)
    return rows


def nrp_cases(args: argparse.Namespace) -> list[dict[str, Any]]:
    """HiGHS on the NRP suite's scenarios; the engine's numbers come from nrp.csv."""
    files = nrp_files(args.data)
    names = list(files) if args.nrp == "all" else args.nrp.split(",")
    optima = reference_optima(args.data)
    engine = {
        (r["instance"], r["ratio"], r["rounding"]): r
        for r in read_rows(args.out / "nrp.csv")
        if r["workers"] == "default" and r["tie_break"] == "no"
    }
    rows = []
    for name in names:
        nrp = read_nrp(files[name])
        total = sum(c.profit for c in nrp.customers)
        for ratio in args.ratios.split(","):
            for rounding, budget in budgets(nrp, Fraction(ratio), ["floor", "ceil"]):
                inst = Instance(to_scenario(nrp, budget))
                ref = optima[(name, ratio, "floor" if rounding == "exact" else rounding)][1]
                facts = {**case_facts(inst, f"{name} {ratio} {rounding}", args.time_limit),
                         "reference": ref}  # fmt: skip
                peer = {**facts, "solver": "HiGHS", **highs_row(inst, args.time_limit)}
                if peer["level_values"]:
                    peer["profit"] = total - peer["level_values"][0]
                report(peer)
                pair = [peer]
                mine = engine.get((name, ratio, rounding))
                if mine:
                    pair.append(engine_from_nrp(facts, mine, total))
                    compare(pair)
                rows += pair
    return rows


def engine_from_nrp(facts: dict[str, Any], mine: dict[str, str], total: int) -> dict[str, Any]:
    """An engine row rebuilt from the NRP suite's results (profit -> the delay level)."""

    def number(text: str) -> int | None:
        return int(text.replace(",", "")) if text else None

    profit, bound = number(mine["profit"]), number(mine["bound"])
    return {
        **facts,
        "solver": ENGINE_FROM_NRP,
        "status": mine["status"],
        "profit": profit,
        "level_values": [total - profit] if profit is not None else [],
        "level_bounds": [total - bound] if bound is not None else [],
        "total_s": float(mine["solve_s"].replace(",", "")),
        "hard_violations": mine["hard_violations"],
    }


def report(row: dict[str, Any]) -> None:
    keys = ("status", "level_values", "level_bounds", "hard_violations", "total_s", "note")
    said = ", ".join(f"{k}={fmt(row.get(k))}" for k in keys if row.get(k) not in (None, ""))
    print(f"{row['case']} [{row['solver']}]: {said}", flush=True)


# --- results ------------------------------------------------------------------------------

MD_TABLE = [
    ("case", "case"),
    ("solver", "solver"),
    ("units", "units"),
    ("rules", "rules"),
    ("soft_rules", "soft"),
    ("status", "status"),
    ("level_values", "levels"),
    ("level_bounds", "bounds"),
    ("hard_violations", "hard viol."),
    ("build_s", "build s"),
    ("total_s", "total s"),
    ("time_vs_highs", "time / HiGHS"),
    ("same_optimum", "same optimum"),
]


def write_results(out: Path, new_rows: Iterable[dict[str, Any]], machine: str) -> None:
    """Merge into peer.csv (replacing rows of the same case and solver) and rewrite peer.md."""
    out.mkdir(parents=True, exist_ok=True)
    csv_path = out / "peer.csv"
    rows = {(r["case"], r["solver"]): r for r in read_rows(csv_path)}
    for row in new_rows:
        row.setdefault("date", dt.date.today().isoformat())
        rows[(row["case"], row["solver"])] = {k: fmt(row.get(k)) for k in COLUMNS}
    order = list(nrp_files(DATA)) if DATA.exists() else []
    rounding = {"floor": 0, "exact": 0, "ceil": 1}

    def key(r: dict[str, Any]) -> tuple[Any, ...]:
        name, *rest = r["case"].split()
        where = order.index(name) if name in order else len(order)
        return (where, case_size(name), name, *rest[:1], rounding.get(rest[-1], 2) if rest else 0,
                r["solver"])  # fmt: skip

    ordered = sorted(rows.values(), key=key)
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(ordered)
    generated = [r for r in ordered if not r["reference"]]
    nrp = [r for r in ordered if r["reference"]]
    notes = [f"- {r['case']} ({r['solver']}): {r['note']}" for r in ordered if r.get("note")]
    text = [
        "# Peer solver side by side",
        "",
        "Made by `python -m benchmarks.peer` (see README.md). Latest run on: " + machine,
        "",
        "## Generated scenarios",
        "",
        "The same `Instance` solved by the engine (CP-SAT, levels only, no tie-break) and by "
        "HiGHS on the MIP of `benchmarks/peer.py`, level by level. `levels`: the objective per "
        "priority level; `total s`: model build and every level; `time / HiGHS`: the engine's "
        "total time over HiGHS's; `hard viol.`: the solver-free checker on each plan.",
        "",
        *table(generated, MD_TABLE),
        "",
        *(nrp_markdown(nrp) if nrp else []),
        "## Notes",
        "",
        *(notes or ["- none"]),
        "",
    ]
    (out / "peer.md").write_text("\n".join(text), encoding="utf-8")


def nrp_markdown(rows: list[dict[str, Any]]) -> list[str]:
    """HiGHS and the engine side by side, one line per NRP case."""
    pairs: dict[str, dict[str, dict[str, Any]]] = {}
    for r in rows:
        pairs.setdefault(r["case"], {})[r["solver"]] = r
    head = ["case", "units", "reference", "HiGHS profit", "HiGHS status", "HiGHS s",
            "engine profit", "engine status", "engine s", "engine s / HiGHS s"]  # fmt: skip
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for case, by in pairs.items():
        h, e = by.get("HiGHS", {}), by.get(ENGINE_FROM_NRP, {})
        cells = [case, h.get("units", e.get("units", "")), h.get("reference", "")]
        for r in (h, e):
            cells += [r.get("profit", ""), r.get("status", ""), r.get("total_s", "")]
        cells.append(e.get("time_vs_highs", ""))
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    proven = {
        who: sum(1 for by in pairs.values() if by.get(who, {}).get("status") == "optimal")
        for who in ("HiGHS", ENGINE_FROM_NRP)
    }
    ratios = sorted(
        float(by[ENGINE_FROM_NRP]["time_vs_highs"].replace(",", ""))
        for by in pairs.values()
        if by.get(ENGINE_FROM_NRP, {}).get("same_optimum") == "yes"
    )
    median = f"{ratios[len(ratios) // 2]:.1f}" if ratios else "n/a"
    return [
        "## NRP instances",
        "",
        "The NRP suite's scenarios (`benchmarks.nrp.to_scenario`) solved by HiGHS on the same "
        "MIP; the engine's numbers (CP-SAT, default search) are read from nrp.csv, not solved "
        "again. `profit` = total profit - the delay level.",
        "",
        f"- proven optimal within the limit: HiGHS {proven['HiGHS']} of {len(pairs)}, "
        f"the engine {proven[ENGINE_FROM_NRP]} of {len(pairs)}; where both proved, the "
        f"engine took {median} times HiGHS's time (median; from {ratios[0]:.1f} to "
        f"{ratios[-1]:.1f})"
        if ratios
        else "- no case proven by both",
        "",
        *lines,
        "",
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.peer",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--sizes", default="100,1000", help="item counts, comma separated")
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=60.0, help="per solve, seconds")
    parser.add_argument(
        "--nrp", default="", help="NRP instances for HiGHS, comma separated, or 'all'"
    )
    parser.add_argument("--ratios", default="0.3,0.5", help="NRP cost ratios")
    parser.add_argument("--data", type=Path, default=DATA, help="the NRP data folder")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args(argv)
    machine = machine_line()
    rows = []
    for size in (int(s) for s in args.sizes.split(",") if s.strip()):
        rows += generated_case(size, args)
    if args.nrp:
        rows += nrp_cases(args)
    write_results(args.out, rows, machine)
    print(f"wrote {args.out / 'peer.csv'} and {args.out / 'peer.md'}")


if __name__ == "__main__":
    main()
