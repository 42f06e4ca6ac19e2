"""The CP-SAT model and its lexicographic solve.

Variables: `x[unit, release]` booleans, exactly one per unit over the horizon's releases
plus a "not in horizon" slot (None), created only for the slots no hard unary rule bars
(decision in time, scope baseline, frozen, window, fixed: `solver.rules.base.UnaryRule`);
an integer release index per unit channelled from them; `uplift[release, spec]` booleans
equal to "some unit in the release changes the spec". Any other hard rule adds plain
constraints; a soft one adds them behind one enforcement literal, free and penalised; when
explaining, every hard rule too gets a literal, used as an assumption, and no slot is left
out.

Solve: one CP-SAT solve per objective priority level, each level's optimum fixed before
the next; then a tie-break (every unit as early as possible among the optimal plans).
By default one worker searches, deterministic, and every stage is hinted with the previous
one's plan, so the same scenario gives the same plan.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from solver import progress
from solver.budget import Budget
from solver.check import check_assignment
from solver.cores import Cost, solve_by_cores
from solver.cpsat import cp_model, run_solver
from solver.instance import Instance, Unit
from solver.model import ObjectiveTerm
from solver.objective import level_values, levels, term_values
from solver.rules import RuleBase
from solver.rules.base import UnaryRule

TIE_BREAK_DETERMINISTIC_TIME = 5.0
"""Budget of the tie-break in CP-SAT's deterministic time (about seconds): it orders equally
good plans and need not be proven, and a deterministic budget keeps the result
reproducible."""
LINEARIZATION_LEVEL = 2
"""CP-SAT's LP relaxation with every constraint linearised and its cuts: the capacity
knapsacks, uplift caps and cumulative precedences make the LP bound what proves a plan
optimal (measured in benchmarks/: the 100-item scenario 33 s -> under 2 s, the NRP suite's
classic instances from unproven to under a second)."""
FULL_LP_MAX_VARIABLES = 100_000
"""Above this many placement variables the LP is kept to CP-SAT's default level (1): each
node's LP then costs more than its bound is worth within a minute. At 10,000 generated
items (154k variables) the second level improved on the first level's plan with it
(884,157, bound 872,693, at 120 s) and not at all with the full LP; at 5,000 items (76k)
the full LP took the second level to 0.07 % of its bound in the default minute where
level 1 left 1.9 % (benchmarks/README.md, "Cores"). (Until the first level was solved by
cores, `solver.cores`, the limit was 50k: minimising that level at 5,000 items with the
full LP had left 175 units out.)"""
PROBING_DETERMINISTIC_TIME = 0.1
"""CP-SAT's probing budget in presolve (its default: 1.0). Probing took 7 s of wall time
per presolve round on 5,000 items (measured with CP-SAT's three rounds, every stage): with
0.1 the search started after 13 s instead of 32 s and a plan was found within 60 s; smaller
models and the NRP suite solve as fast or faster (benchmarks/README.md)."""

INTERLEAVED_MIN_VARIABLES = 100_000
"""Above this many placement variables a search with no plan to start from is CP-SAT's
interleaved portfolio on INTERLEAVED_WORKERS threads (its full-problem subsolvers with and
without LP, quick restarts, then LNS, in deterministic batches): at 10,000 generated items
(164k variables) the single LP-guided worker found no plan for the first level in 300 s,
the portfolio one in 20 s. A stage hinted with a plan keeps the single worker, which
improves it where the portfolio does not: the second level at 10,000 items, 884,157
against the portfolio's 1,079,583 (the first level's plan) at 120 s. At 5,000 items (76k)
the single worker is better anyway. (Since a base scenario's second level starts from no
plan, it is the portfolio at 10,000 items: 886,034, bound 885,474, at 60 s; the single
worker unhinted 890,498, bound 880,852.)"""
INTERLEAVED_WORKERS = 2
"""Threads of the interleaved portfolio (this machine has two cores); its batches, and so
the plan, are the same whatever the core count."""
SYMMETRY_MAX_HINTED_VARIABLES = 100_000
"""Above this many placement variables a hinted search runs without CP-SAT's symmetries: at
10,000 generated items (164k variables) CP-SAT 9.15's presolve spent 34-55 s keeping the
hint feasible across its symmetry fixings (after "Found orbitope of size 20 x 102"), and the
stage ended with its hint's plan and no bound (a what-if hinted with a plan: 1,237,672 and
no bound at 60 s; without symmetries 891,611, bound 880,852). Unhinted, or at 5,000 items,
the step takes seconds, and the 5,000-item result was the same without it."""
PROBING_LEVEL = 1
"""CP-SAT's probing level (its default: 2, which also probes every Boolean once more when the
search starts, 7 s of wall time at 5,000 generated items). With 1 the first level there is
proven in 32 s instead of 42-47 s, 1,000 items end closer to their bound and the NRP suite's
slowest proof (nrp4, ratio 0.5) takes 33-47 s instead of 55-59 s (benchmarks/README.md)."""
PRESOLVE_ITERATIONS = 1
"""CP-SAT's presolve rounds (its default: 3). Each round cost 4-5 s at 5,000 generated
items: with one, the first level (unplaced and exceptions) is proven optimal in 42-47 s
instead of leaving 10-38 units unplaced at 60 s; 100 and 1,000 items and the NRP suite
solve as well or faster (benchmarks/README.md)."""


class NoPlanInTime(Exception):
    """The budget ran out before CP-SAT found any plan (neither found nor disproved)."""

    def __init__(self, seconds: float):
        super().__init__(
            f"no plan found within the time limit of {seconds:g} s; raise --time-limit"
        )


MAX_WORKERS = 256
"""Most CP-SAT workers (a solve's) or worker processes (a sweep's) a command starts: a
fuzz test's 100,000 made CP-SAT refuse the model with no reason and a sweep hang."""


@dataclass(frozen=True)
class SolveOptions:
    time_limit: float = 60.0
    """The solving budget in seconds: by default counted as CP-SAT's deterministic work, so
    that a limit cutting a search short gives the same result on every run
    (`solver.budget`)."""
    wall_clock: bool = False
    """Count `time_limit` by the clock instead: all of it is used, and a search it cuts
    short may end differently from run to run."""
    workers: int | None = None
    """None (the default): one CP-SAT worker with the full LP relaxation (on very large
    models CP-SAT's interleaved portfolio instead), deterministic, so the same input gives
    the same plan, byte for byte. A number: CP-SAT's free-running
    parallel portfolio with that many workers; the plan may then depend on thread timing
    when several plans are equally good."""
    seed: int = 0


DEFAULT_OPTIONS = SolveOptions()


@dataclass
class Solution:
    """What the solver found: status, assignment and the objective per priority level."""

    status: str
    assignment: dict[str, str | None] = field(default_factory=dict)
    level_values: list[int] = field(default_factory=list)
    level_bounds: list[int] = field(default_factory=list)
    clock_stopped: bool = False
    """The clock, not the budget's work, stopped a stage: the plan may differ between runs
    (`solver.budget`)."""

    @property
    def gap(self) -> float:
        """Relative gap of the first level not proven optimal (0 when all are)."""
        for value, bound in zip(self.level_values, self.level_bounds, strict=True):
            if value != bound:
                return (value - bound) / max(abs(value), 1)
        return 0.0


class ModelBuilder:
    """Builds the CP-SAT model of an instance; implements `solver.rules.Posting`."""

    def __init__(self, inst: Instance, hard_as_assumptions: bool = False):
        self.inst = inst
        self.model = cp_model.CpModel()
        self.slots: list[str | None] = [*inst.release_ids, None]
        # Hard unary rules shrink the domains instead of adding constraints (not when
        # explaining: every hard rule is then an assumption that may be dropped).
        plain = not hard_as_assumptions
        barred = {
            slot
            for rule in inst.rules
            if plain and rule.hard and isinstance(rule, UnaryRule)
            for slot in rule.barred(inst)
        }
        self._false = self.model.new_constant(0)
        self._x: dict[tuple[str, str | None], Any] = {}
        self._index: dict[str, Any] = {}
        self._vars = 0
        for unit in inst.units:
            ks = [k for k, rid in enumerate(self.slots) if (unit.id, rid) not in barred]
            row = [self.model.new_bool_var(f"x[{unit.id},{self.slots[k]}]") for k in ks]
            self._vars += len(row)
            self.model.add_exactly_one(row)  # no slot left: the model is infeasible
            for rid in self.slots:
                self._x[unit.id, rid] = self._false
            for k, var in zip(ks, row, strict=True):
                self._x[unit.id, self.slots[k]] = var
            idx = self.model.new_int_var_from_domain(
                cp_model.Domain.from_values(ks or [0]), f"index[{unit.id}]"
            )
            self.model.add(idx == sum(k * var for k, var in zip(ks, row, strict=True)))
            self._index[unit.id] = idx
        self._uplift: dict[tuple[str, str], Any] = {}
        specs = sorted({*inst.scenario.specifications, *(s for u in inst.units for s in u.specs)})
        changers_of = {spec: [u for u in inst.units if spec in u.specs] for spec in specs}
        for rid in inst.release_ids:
            for spec in specs:
                var = self.model.new_bool_var(f"uplift[{rid},{spec}]")
                changers = [
                    self._x[u.id, rid]
                    for u in changers_of[spec]
                    if self._x[u.id, rid] is not self._false
                ]
                if changers:
                    self.model.add_max_equality(var, changers)
                else:
                    self.model.add(var == 0)
                self._uplift[rid, spec] = var
        self.literals: dict[str, Any] = {}
        self.rules: dict[str, RuleBase] = {}
        for rule in inst.rules:
            self.rules[rule.name] = rule
            if rule.hard and plain:  # plain constraints (or domains): lightest to presolve
                if not isinstance(rule, UnaryRule):
                    rule.post(inst, self, [])
                continue
            lit = self.model.new_bool_var(rule.name)
            rule.post(inst, self, [lit])
            self.literals[rule.name] = lit

    @property
    def size(self) -> int:
        """Number of placement variables (barred slots have none)."""
        return self._vars

    # --- Posting ------------------------------------------------------------------------

    def x(self, unit: str, release: str | None) -> Any:
        return self._x[unit, release]

    def placed(self, unit: str) -> Any:
        return ~self._x[unit, None]

    def index(self, unit: str) -> Any:
        return self._index[unit]

    def uplift(self, release: str, spec: str) -> Any:
        return self._uplift[release, spec]

    # --- objective ----------------------------------------------------------------------

    def broken(self, term: str) -> list[Cost] | None:
        """`term` as costs paid when a literal is true: a unit left out of the horizon
        (True for a unit no release may take; none for one that must be placed), a soft
        rule broken (its penalty). None for a term that counts no such things."""
        if term == "unplaced":
            return [
                (self._x[u.id, None]
                 if any(self.can_use(u.id, rid) for rid in self.inst.release_ids) else True,
                 1, u.id)
                for u in self.inst.units if self.can_use(u.id, None)
            ]
        if term in ("exceptions", "soft-rules"):
            return [(~self.literals[r.name], r.penalty, r.name)
                    for r in self.rules.values() if not r.hard and r.term == term]
        return None

    def terms(self) -> dict[str, Any]:
        """The objective terms as linear expressions (see `solver.objective`)."""
        inst = self.inst
        counts = {
            term: sum(cost * lit for lit, cost, _ in self.broken(term) or [])
            for term in ("unplaced", "exceptions", "soft-rules")
        }
        delay = []
        for unit in inst.units:
            for release in inst.releases:
                months = inst.months_to(release)
                if months and unit.value:
                    delay.append(unit.value * months * self._x[unit.id, release.id])
            if unit.value:
                delay.append(unit.value * inst.unplaced_months * self._x[unit.id, None])
        return {
            **counts,
            "delay": sum(delay),
            "uplifts": sum(self._uplift.values()),
            "moves": sum(self._move(u) for u in inst.units),
        }

    def _move(self, unit: Unit) -> Any:
        """Cost of `unit` leaving its reference release, as an expression."""
        rid = self.inst.reference(unit)
        if rid is None:
            return 0
        cost = self.inst.move_cost(unit)
        if rid not in self.inst.release_ids:  # its release was cancelled: it must move
            return cost
        return cost * (1 - self._x[unit.id, rid])

    def assignment(self, solver: cp_model.CpSolver) -> dict[str, str | None]:
        return {
            unit.id: next(rid for rid in self.slots if solver.value(self._x[unit.id, rid]))
            for unit in self.inst.units
        }

    def can_use(self, unit: str, release: str | None) -> bool:
        """False when a hard unary rule bars `unit` from `release` (it has no variable)."""
        return self._x[unit, release] is not self._false

    def hint(self, assignment: dict[str, str | None], model: Any = None) -> None:
        """Hint `assignment` to CP-SAT, in this builder's model or in a `model` cloned from
        it (the variables keep their indexes). Written straight into the model's proto: a
        call per variable took 0.13 s at 1,000 items, a fall-back query twice.

        When `assignment` puts every unit in a slot it may use, the hint is complete:
        release indexes, uplifts and rule literals too (a literal true where its rule
        holds). CP-SAT then takes a hint that keeps the rules as its first plan at once;
        given placements alone it searched for the rest, 14 s at 5,000 generated items
        (benchmarks/README.md, "Complete hints"). A base plan may not (a unit new in the
        what-if, a release cancelled, a slot now barred): then placements only."""
        model = model if model is not None else self.model
        model.clear_hints()
        pairs = [
            (var.index, int(rid == assignment[uid]))
            for (uid, rid), var in self._x.items()
            if var is not self._false and uid in assignment
        ]
        if all(
            u.id in assignment and self._x.get((u.id, assignment[u.id]), self._false)
            is not self._false
            for u in self.inst.units
        ):
            pairs += [
                (self._index[u.id].index, self.slots.index(assignment[u.id]))
                for u in self.inst.units
            ]
            changed = self.inst.uplifts(assignment)
            pairs += [
                (var.index, int(spec in changed.get(rid, ())))
                for (rid, spec), var in self._uplift.items()
            ]
            pairs += [
                (lit.index, int(not self.rules[name].check(self.inst, assignment)))
                for name, lit in self.literals.items()
            ]
        model.proto.solution_hint.vars.extend([index for index, _ in pairs])
        model.proto.solution_hint.values.extend([value for _, value in pairs])


def make_solver(options: SolveOptions, budget: Budget, size: int = 0,
                most: float | None = None, hinted: bool = False) -> cp_model.CpSolver:
    """A CP-SAT solver set up by `options` for a model with `size` placement variables,
    stopping when `budget` is spent (or after `most` units of its work); `hinted`: the
    model is hinted with a plan."""
    solver = cp_model.CpSolver()
    interleaved = (options.workers is None and size > INTERLEAVED_MIN_VARIABLES
                   and not hinted)
    solver.parameters.num_workers = options.workers or (INTERLEAVED_WORKERS if interleaved else 1)
    solver.parameters.interleave_search = interleaved
    solver.parameters.linearization_level = (
        LINEARIZATION_LEVEL if size <= FULL_LP_MAX_VARIABLES else 1
    )
    solver.parameters.probing_deterministic_time_limit = PROBING_DETERMINISTIC_TIME
    solver.parameters.max_presolve_iterations = PRESOLVE_ITERATIONS
    solver.parameters.cp_model_probing_level = PROBING_LEVEL
    solver.parameters.random_seed = options.seed
    if hinted and size > SYMMETRY_MAX_HINTED_VARIABLES:
        solver.parameters.symmetry_level = 0
    budget.limit(solver, most)
    return solver


def make_core_solver(options: SolveOptions, budget: Budget, size: int,
                     core: bool) -> cp_model.CpSolver:
    """A solver for the core phase's questions (`solver.cores`): one worker even where the
    level would take several (CP-SAT's portfolio names every assumption as the core), and
    no LP, which finding a plan or a core does not need. A `core` question also gets the
    query solver's light presolve. At 5,000 generated items a core took 0.4 s so, 4-7 s
    with the level's settings, and the plan question 5 s without the LP, 8 s with it
    (benchmarks/README.md, "Cores")."""
    solver = make_query_solver(options, budget) if core else make_solver(options, budget, size)
    solver.parameters.num_workers = 1
    solver.parameters.interleave_search = False
    solver.parameters.linearization_level = 0
    return solver


def level_costs(builder: ModelBuilder, level: list[ObjectiveTerm]) -> list[Cost] | None:
    """A level as costs paid when literals are true (`ModelBuilder.broken`, weighted), or
    None when one of its terms counts something else (delay, uplifts, moves)."""
    costs: list[Cost] = []
    for term in level:
        broken = builder.broken(term.term)
        if broken is None:
            return None
        costs += [(lit, term.weight * cost, name) for lit, cost, name in broken
                  if term.weight * cost]  # a rule costing nothing is nothing to avoid
    return costs


def level_expressions(builder: ModelBuilder) -> list[Any]:
    """One weighted expression per objective priority level, most important first."""
    terms = builder.terms()
    return [
        sum(t.weight * terms[t.term] for t in level)
        for level in levels(builder.inst.scenario.objective)
    ]


def solve(
    inst: Instance,
    options: SolveOptions = DEFAULT_OPTIONS,
    hint: dict[str, str | None] | None = None,
    prepare: Callable[[ModelBuilder], list[Any]] | None = None,
    tie_break: bool = True,
    budget: Budget | None = None,
) -> Solution:
    """Lexicographic solve: each priority level in turn, then the tie-break (every unit as
    early as possible among the optimal plans).

    `prepare` may add constraints to the model and return expressions to minimise before
    the objective's levels (alternative plans use it). Without `tie_break` the level values
    are optimal but the plan is one of possibly several optima (enough for explaining).
    The stages share `budget` (default: a fresh one of `options`, which warns if the clock
    stops it; a caller sharing its own warns once, when done), charged in turn."""
    own = budget is None
    budget = budget or Budget.of(options)
    with model_of(inst) as builder:
        first = prepare(builder) if prepare else []
        stages: list[Any] = [*first, *level_expressions(builder)]
        is_level = [False] * len(first) + [True] * (len(stages) - len(first))
        names = [*(["preliminary stage"] * len(first)), *level_names(inst)]
        if tie_break:
            stages.append(sum(builder.index(u.id) for u in inst.units))
            is_level.append(False)
            names.append("tie-break (each item as early as possible)")
        grouped = levels(inst.scenario.objective)
        solution = Solution(status="optimal")
        found: dict[str, str | None] | None = None
        leads = True  # `found` is a start for the next level (see `guided` below)
        for k, expr in enumerate(stages):
            if isinstance(expr, int):  # a stage with no variables: nothing to decide
                if is_level[k]:
                    solution.level_values.append(expr)
                    solution.level_bounds.append(expr)
                continue
            lower, start, guided = 0, found or hint, leads or not is_level[k]
            costs = level_costs(builder, grouped[k - len(first)]) if is_level[k] else None
            if costs is not None:
                outcome = solve_by_cores(
                    builder, costs,
                    lambda part, core: make_core_solver(options, part, builder.size, core),
                    budget, start, names[k], _level_value(inst, k - len(first)))
                if outcome.proven and outcome.plan is not None:
                    found, lower, leads = outcome.plan, outcome.lower, hint is not None
                    solution.level_values.append(lower)
                    solution.level_bounds.append(lower)
                    builder.model.add(expr <= lower)
                    continue
                lower, found = outcome.lower, outcome.plan or found  # keeps the levels before
                start, guided = found or hint, guided or outcome.plan is not None
                if lower:
                    builder.model.add(expr >= lower)
            if not guided:
                # Not hinted with a plan an earlier level found for its own terms alone:
                # CP-SAT's search follows it (5,000 generated items: the second level 13 %
                # above its bound at 60 s, 0.24 % unhinted; benchmarks/README.md, "Hints
                # between levels"). A plan stemming from the caller's hint (a what-if's base
                # plan) or from a preliminary stage is still the start.
                start = None
            builder.model.minimize(expr)
            if start:
                builder.hint(start)
            last = tie_break and k == len(stages) - 1
            solver = make_solver(options, budget, builder.size,
                                 TIE_BREAK_DETERMINISTIC_TIME if last else None,
                                 hinted=bool(start))
            status = solve_reporting(solver, builder.model, names[k], k >= len(first), budget)
            if status == cp_model.INFEASIBLE:
                return Solution(status="infeasible")
            if status == cp_model.UNKNOWN and found is None:
                raise NoPlanInTime(options.time_limit)
            if status == cp_model.UNKNOWN:  # out of time: keep the plan of the last stage
                if is_level[k]:  # the kept plan's value (set below) and what CP-SAT proved
                    solution.level_values.append(0)
                    solution.level_bounds.append(
                        max(lower, _non_negative(solver.best_objective_bound)))
                if not last:  # a level left unsolved
                    solution.status = "feasible"
                break
            found = builder.assignment(solver)
            leads = hint is not None or not is_level[k]
            value = round(solver.objective_value)
            if is_level[k]:
                solution.level_values.append(value)
                solution.level_bounds.append(
                    max(lower, _non_negative(solver.best_objective_bound)))
                if status != cp_model.OPTIMAL:
                    solution.status = "feasible"
                    break
            builder.model.add(expr <= value)
        if found is None:  # nothing to optimise: any plan satisfying the rules will do
            builder.model.clear_objective()  # type: ignore[no-untyped-call]
            solver = make_solver(options, budget, builder.size)
            status = solve_reporting(solver, builder.model, "a plan keeping the rules", True,
                                     budget)
            if status == cp_model.INFEASIBLE:
                return Solution(status="infeasible")
            if status == cp_model.UNKNOWN:
                raise NoPlanInTime(options.time_limit)
            found = builder.assignment(solver)
        solution.assignment = found
        solution.clock_stopped = budget.clock_stopped
        if own:
            budget.warn()
        # Report what the plan achieves: a level stopped unproven may count a soft rule as
        # broken (its literal left false) that the plan keeps, so CP-SAT's value can be higher;
        # a level stopped before any answer has the previous stage's plan.
        achieved = level_values(inst.scenario.objective, term_values(inst, found))
        solution.level_values = achieved[: len(solution.level_values)]
        return solution


def _level_value(inst: Instance,
                 level: int) -> Callable[[dict[str, str | None]], int | None]:
    """What a plan pays at objective level `level` (0: the first), counted without CP-SAT;
    None for a plan the checker finds breaking a hard rule (a plan CP-SAT finds under
    assumptions is not taken on trust: OR-Tools issue 4109)."""

    def value(plan: dict[str, str | None]) -> int | None:
        if any(v.hard for v in check_assignment(inst, plan)):
            return None
        return level_values(inst.scenario.objective, term_values(inst, plan))[level]

    return value


def level_names(inst: Instance) -> list[str]:
    """How progress names each objective level: "level 1 of 2 (unplaced, exceptions)"."""
    grouped = levels(inst.scenario.objective)
    return [
        f"level {k} of {len(grouped)} ({', '.join(t.term for t in level)})"
        for k, level in enumerate(grouped, 1)
    ]


class _Improvements(cp_model.CpSolverSolutionCallback):
    """Reports each better plan CP-SAT finds in a stage, with its bound."""

    def __init__(self, stage: str, non_negative: bool):
        super().__init__()
        self.stage, self.non_negative = stage, non_negative

    def on_solution_callback(self) -> None:
        bound = _bound(self.best_objective_bound, self.non_negative)
        progress.report(self.stage, f"best {round(self.objective_value):,}, bound {bound}")


def solve_reporting(solver: cp_model.CpSolver, model: Any, stage: str,
                    non_negative: bool, budget: Budget) -> Any:
    """`solver.solve(model)`, charged to `budget`, reporting the stage's progress when
    anyone listens (`solver.progress`); the search is the same either way. `non_negative`:
    the stage's objective is never below 0 (a level, the tie-break: any stage after the
    caller's own), nor is its bound then shown.
    A model CP-SAT rejects is a fault of this program, raised, never a verdict."""
    if not progress.listening():
        status = run_solver(solver, model)
    else:
        progress.report(stage, "searching")
        status = run_solver(solver, model, _Improvements(stage, non_negative))
        value = f"{round(solver.objective_value):,}"
        bound = _bound(solver.best_objective_bound, non_negative)
        result = {
            cp_model.OPTIMAL: f"{value}, proven optimal" if model.has_objective() else "found",
            cp_model.FEASIBLE: f"best {value}, bound {bound}, not proven in the time given",
            cp_model.INFEASIBLE: "no plan satisfies the rules",
        }.get(status, "no plan within the time limit")
        progress.report(stage, f"{result} ({solver.wall_time:.1f} s)", done=True)
    if status == cp_model.MODEL_INVALID:
        raise RuntimeError(f"CP-SAT rejected the model: {model.validate()}")
    budget.charge(solver, model, status in (cp_model.OPTIMAL, cp_model.INFEASIBLE))
    return status


def _bound(bound: float, non_negative: bool) -> str:
    """CP-SAT's lower bound as text, as `_non_negative` says for a `non_negative` objective
    (a level, the tie-break)."""
    if non_negative:
        return f"{_non_negative(bound):,}"
    return f"{round(bound):,}" if math.isfinite(bound) else "none yet"


def _non_negative(bound: float) -> int:
    """A lower bound on a level: every term is a count or a sum of non-negative costs, so a
    level is never below 0 (nor is a bound not yet found)."""
    return max(0, round(bound)) if math.isfinite(bound) else 0


QUERY_PARAMETERS = {
    "linearization_level": 0,
    "max_presolve_iterations": 0,
    "cp_model_probing_level": 0,
    "symmetry_level": 0,
}
"""CP-SAT parameters of `make_query_solver`."""


def make_query_solver(options: SolveOptions, budget: Budget) -> cp_model.CpSolver:
    """A CP-SAT solver for a quick question about the hard model (can this unit go in that
    release?): one worker (or `options.workers`), CP-SAT's lightest presolve, no LP.

    Such a question is hinted with a plan a few moves from an answer; presolving the whole
    model took 0.9 of the 1.2 s of each query at 1,000 generated items, and the LP does not
    help to find a plan. With QUERY_PARAMETERS such a query took 0.16-0.24 s there (finding a
    fall-back's earliest release by minimising: 0.59 s), the answers the same
    (benchmarks/README.md, "Fall-backs"). It stops when `budget` is spent."""
    solver = make_solver(options, budget)  # no size: never the interleaved portfolio
    for name, value in QUERY_PARAMETERS.items():
        setattr(solver.parameters, name, value)
    return solver


def free_model(model: Any) -> None:
    """Let a CP-SAT model go as soon as nothing refers to it. A CpModel refers to itself
    (OR-Tools sets deprecated CamelCase aliases of its methods on every instance), so only
    the cyclic garbage collector would free it, and the CLI runs with that off: every
    fall-back query's copy of the model stayed until the process ended (the plan phase at
    1,000 generated items peaked at 477 MB instead of 152 MB), as did every solve's model
    when explaining all items."""
    vars(model).clear()


@contextmanager
def model_of(inst: Instance, hard_as_assumptions: bool = False) -> Iterator[ModelBuilder]:
    """A `ModelBuilder` of `inst` whose model is freed when the block ends."""
    builder = ModelBuilder(inst, hard_as_assumptions)
    try:
        yield builder
    finally:
        free_model(builder.model)


@contextmanager
def query_model(builder: ModelBuilder, hint: dict[str, str | None]) -> Iterator[Any]:
    """A copy of the builder's model hinted with `hint`, for one query, freed when done."""
    model = builder.model.clone()
    try:
        builder.hint(hint, model)
        yield model
    finally:
        free_model(model)


def _keep_placed(builder: ModelBuilder, model: Any, plan: dict[str, str | None],
                 unit: str) -> None:
    """Every unit but `unit` that `plan` places stays in some release of the horizon: a
    fall-back bought by pushing another item out is not where a re-plan puts it (one unit
    out either way, and the re-plan may as well leave this one out)."""
    for other, rid in plan.items():
        if rid is not None and other != unit:
            model.proto.variables[builder.x(other, None).index].domain[1] = 0  # [0, 1] -> [0, 0]


def earliest_release(
    builder: ModelBuilder,
    unit: str,
    forbidden: list[str],
    options: SolveOptions,
    plan: dict[str, str | None],
    budget: Budget | None = None,
    keep_placed: bool = True,
) -> str | None:
    """The earliest release `unit` can go in when barred from `forbidden`, every hard rule
    still holding and (with `keep_placed`) every other unit `plan` places still in the
    horizon (None: no such release). Raises `NoPlanInTime` when `budget`
    (default: one of `options`) runs out before the answer is proven. `builder` has every
    hard rule and nothing else (no objective: a fresh `ModelBuilder`).

    `plan` keeps every hard rule; the answer is most often the first release left, a few
    moves away from it, so that release is tried first (hinted with `plan`, `unit` moved
    there); only when it cannot be is the earliest of the others searched for. Thread-safe:
    each query works on its own copy of the builder's model."""
    budget = budget or Budget.of(options)
    first = next(
        (r for r in builder.inst.release_ids if r not in forbidden and builder.can_use(unit, r)),
        None,
    )
    if first is None:
        return None
    with query_model(builder, {**plan, unit: first}) as model:
        if keep_placed:
            _keep_placed(builder, model, plan, unit)
        model.add(model.get_bool_var_from_proto_index(builder.x(unit, first).index) == 1)
        solver = make_query_solver(options, budget)
        status = run_solver(solver, model)
        budget.charge(solver, model, status != cp_model.UNKNOWN)
        del model  # freed now, before the next copy
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return first
    if status == cp_model.UNKNOWN:
        raise NoPlanInTime(options.time_limit)
    with query_model(builder, plan) as model:
        if keep_placed:
            _keep_placed(builder, model, plan, unit)
        for rid in [*forbidden, first]:
            if builder.can_use(unit, rid):
                model.add(model.get_bool_var_from_proto_index(builder.x(unit, rid).index) == 0)
        index = model.get_int_var_from_proto_index(builder.index(unit).index)
        model.minimize(index)
        solver = make_query_solver(options, budget)
        status = run_solver(solver, model)
        budget.charge(solver, model, status in (cp_model.OPTIMAL, cp_model.INFEASIBLE))
    if status in (cp_model.UNKNOWN, cp_model.FEASIBLE):  # a later release, not yet proven
        raise NoPlanInTime(options.time_limit)
    if status != cp_model.OPTIMAL:
        return None
    k = round(solver.value(index))
    return builder.inst.release_ids[k] if k < len(builder.inst.releases) else None


def fewest_moves(
    builder: ModelBuilder,
    unit: str,
    release: str,
    options: SolveOptions,
    plan: dict[str, str | None],
    budget: Budget,
) -> list[str] | None:
    """The fewest other units that must leave their release in `plan` for `unit` to go in
    `release`, every hard rule holding and every unit `plan` places kept in the horizon: a
    fall-back that holds the unit "only if other items move" says which (a Panel read: "if
    others move" hid that SECMP0007 would slip with a minor modification). None when not
    proven within `budget`. One worker: the same set on every run."""
    with query_model(builder, plan) as model:
        _keep_placed(builder, model, plan, unit)
        model.add(model.get_bool_var_from_proto_index(builder.x(unit, release).index) == 1)
        stays = {other: model.get_bool_var_from_proto_index(builder.x(other, rid).index)
                 for other, rid in sorted(plan.items())
                 if other != unit and rid is not None and builder.can_use(other, rid)}
        model.maximize(sum(stays.values()))
        solver = make_query_solver(options, budget)
        status = run_solver(solver, model)
        budget.charge(solver, model, status in (cp_model.OPTIMAL, cp_model.INFEASIBLE))
        if status != cp_model.OPTIMAL:
            return None
        return [other for other, var in stays.items() if not solver.value(var)]
