"""A level that counts broken things (units left out of the horizon, soft rules broken),
solved by unsatisfiable cores before CP-SAT is asked to minimise it.

Such a level is a sum of costs, each paid when a literal is true. The core phase asks:

1. *Is there a plan paying only the lower bound?* A copy of the model with every open
   literal fixed false is a feasibility question: CP-SAT's presolve settles most of them
   at once, and no LP is needed to find a plan. A plan found pays exactly the lower bound,
   so the level is proven optimal.
2. *If not, which costs cannot all be avoided?* The model with every open literal assumed
   false, under the query solver's light presolve: CP-SAT gives a core, a set of them not
   all avoidable. Disjoint cores each cost at least their cheapest member, so the lower
   bound grows by that, and the core's literals leave the open set. Asked again until
   every open cost can be avoided: CP-SAT then gives a plan doing so.
3. That plan is optimal when it pays only the bound. If not (it pays twice in some core),
   the first question once more, each core now allowed to pay at most its cheapest cost.

Minimising such a level directly is slow on large models: CP-SAT's presolve rewrites
"unit left out" as one minus the unit's release Booleans, its default LP (at 10,000
generated items and above) holds none of the at-most-ones, and the bound climbs from far
below zero by search alone. Measured on the generated scenarios with the default budget
(benchmarks/README.md, "Cores"): at 5,000 items the first level (6 units out) was proven
in 28-43 s by minimising, in 2.3 s by cores (4 units no release may take, then two cores
of two units, 0.5 s each, and the plan of the last question paid 6); at 10,000 items
minimising left 70 units out (bound 0), where cores prove 10 in 11 s; at 20,000 items
minimising found no plan, cores prove 23 in 32 s.

The phase gives up, and the caller minimises as before (hinted with the last plan found),
when a question ends unanswered, when its share of the budget (CORE_SHARE) is spent, when
the cores' limits do not hold (the level's optimum pays more than one cost in some core),
or when CP-SAT gives no core it can be trusted with (empty, or naming a literal that was
no assumption: `_Questions.core`). The lower bound it proved is kept either way; whether
the hard rules clash is for the minimisation to say.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from solver import progress
from solver.budget import Budget
from solver.cpsat import cp_model, run_solver

if TYPE_CHECKING:
    from solver.engine import ModelBuilder

Allocation = dict[str, str | None]
"""Each unit's release (None: out of the horizon), as `ModelBuilder.assignment` reads it."""

Cost = tuple[Any, int, str]
"""A literal (or True: always paid), the cost paid when it is true, and what it names (a
unit left out, a rule broken)."""

CORE_SHARE = 0.75
"""At most this share of the budget left goes to the core phase; the rest stays for
minimising the level when the phase gives up. At 10,000 generated items a plan question
alone took 6 of the default budget's 18 units of work: with half the budget it went
unanswered, and the minimisation after it left 219 units out."""


@dataclass
class Outcome:
    """What the core phase proved: a lower bound on the level and, when `proven`, a plan
    paying exactly it (else the last plan found, if any). That no plan keeps the hard
    rules it leaves to the minimisation to say."""

    lower: int = 0
    plan: Allocation | None = None
    proven: bool = False


def solve_by_cores(
    builder: ModelBuilder,
    costs: Sequence[Cost],
    new_solver: Callable[[Budget, bool], cp_model.CpSolver],
    budget: Budget,
    hint: Allocation | None,
    stage: str,
    value: Callable[[Allocation], int | None],
) -> Outcome:
    """The core phase on `builder`'s model, its objective cleared; each CP-SAT call from
    `new_solver` (given its budget and whether it asks for a core) and charged to `budget`;
    `value`: what a plan pays at this level (None: it breaks a hard rule)."""
    builder.model.clear_objective()  # type: ignore[no-untyped-call]
    outcome = Outcome(lower=sum(cost for lit, cost, _ in costs if lit is True))
    open_costs = [c for c in costs if c[0] is not True]
    cores: list[list[Cost]] = []
    ask = _Questions(builder, new_solver, budget.part(budget.seconds_left() * CORE_SHARE))
    start = time.perf_counter()

    def proven(plan: Allocation) -> Outcome:
        outcome.plan, outcome.proven = plan, True
        seconds = f"{time.perf_counter() - start:.1f} s"
        clashes = f"{len(cores)} clash{'es' if len(cores) > 1 else ''}; " if cores else ""
        progress.report(stage, f"{outcome.lower:,}, proven optimal ({clashes}{seconds})",
                        done=True)
        return outcome

    try:
        progress.report(stage, f"looking for a plan of {outcome.lower:,}")
        answer = ask.plan_within(open_costs, cores, hint)
        if answer.plan is not None:
            return proven(answer.plan)
        while answer.status == cp_model.INFEASIBLE and ask.budget.left():
            answer = ask.core(open_costs, hint)
            if answer.core is None:  # every open cost avoided (a plan), or given up
                break
            cores.append(answer.core)
            outcome.lower += min(cost for _, cost, _ in answer.core)
            kept = {id(c) for c in answer.core}
            open_costs = [c for c in open_costs if id(c) not in kept]
            names = ", ".join(name for _, _, name in answer.core[:5])
            more = f" and {len(answer.core) - 5:,} more" if len(answer.core) > 5 else ""
            progress.report(stage, f"bound {outcome.lower:,}: not all of {names}{more} "
                                   "can be placed or kept")
        if answer.plan is None:
            return outcome
        outcome.plan = answer.plan  # avoids every open cost, may pay twice in a core
        if value(answer.plan) == outcome.lower:
            return proven(answer.plan)
        if not ask.budget.left():
            return outcome
        progress.report(stage, f"looking for a plan of {outcome.lower:,}")
        answer = ask.plan_within(open_costs, cores, answer.plan)
        return proven(answer.plan) if answer.plan is not None else outcome
    finally:
        budget.take(ask.budget.used, ask.budget.clock_stopped)


@dataclass
class _Answer:
    """CP-SAT's status on a question; when INFEASIBLE a core question's `core` (empty:
    the hard rules alone clash); a `plan` when one was found."""

    status: Any
    core: list[Cost] | None = None
    plan: Allocation | None = None


@dataclass
class _Questions:
    """The phase's two questions to CP-SAT on `builder`'s model, charged to `budget`."""

    builder: ModelBuilder
    new_solver: Callable[[Budget, bool], cp_model.CpSolver]
    budget: Budget

    def plan_within(self, open_costs: Sequence[Cost], cores: Sequence[Sequence[Cost]],
                    hint: Allocation | None) -> _Answer:
        """A plan paying no open cost and, in each core, at most its cheapest cost."""
        model = self.builder.model.clone()
        try:
            model.add_bool_and([~_in(model, lit) for lit, _, _ in open_costs])
            for core in cores:
                model.add(sum(cost * _in(model, lit) for lit, cost, _ in core)
                          <= min(cost for _, cost, _ in core))
            if hint:
                self.builder.hint(hint, model)
            return self._ask(model, core=False)[0]
        finally:
            vars(model).clear()  # solver.engine.free_model: the CLI runs without cyclic GC

    def core(self, open_costs: Sequence[Cost], hint: Allocation | None) -> _Answer:
        """Every open cost assumed avoided: a core of them, or a plan avoiding them all.
        A core naming anything but the assumptions (OR-Tools issue 5141: with presolve,
        CP-SAT 9.15 may name a literal of its own; the phase then took a feasible model
        for infeasible) is asked again without presolve; an empty one, or a second such
        core, gives the question up: the minimisation after the phase settles it."""
        named = {(~lit).index: cost for cost in open_costs for lit in [cost[0]]}
        model = self.builder.model
        if hint:
            self.builder.hint(hint)
        for presolve in (True, False):
            model.clear_assumptions()
            model.add_assumptions([~lit for lit, _, _ in open_costs])
            try:
                answer, solver = self._ask(model, core=True, presolve=presolve)
            finally:
                model.clear_assumptions()  # a copy of the model for the next question has none
            if answer.status != cp_model.INFEASIBLE:
                return answer
            core = list(solver.sufficient_assumptions_for_infeasibility())
            if core and all(index in named for index in core):
                answer.core = [named[index] for index in core]
                return answer
        return _Answer(cp_model.UNKNOWN)

    def _ask(self, model: Any, core: bool,
             presolve: bool = True) -> tuple[_Answer, cp_model.CpSolver]:
        solver = self.new_solver(self.budget, core)
        solver.parameters.cp_model_presolve = presolve
        status = run_solver(solver, model)
        self.budget.charge(solver, model, status in (cp_model.OPTIMAL, cp_model.INFEASIBLE))
        found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        return _Answer(status, plan=self.builder.assignment(solver) if found else None), solver


def _in(model: Any, lit: Any) -> Any:
    """`lit` of the builder's model as the same literal of `model`, a clone of it."""
    index = lit.index
    var = model.get_bool_var_from_proto_index(index if index >= 0 else -index - 1)
    return var if index >= 0 else ~var
