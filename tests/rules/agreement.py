"""The posted CP-SAT constraints and the solver-free checker must agree on every plan."""

from __future__ import annotations

import itertools

from solver.check import check_assignment
from solver.cpsat import cp_model, run_solver
from solver.engine import ModelBuilder
from solver.instance import Instance
from solver.model import Scenario


def assert_post_and_check_agree(s: Scenario) -> int:
    """For every assignment of the (few) units: CP-SAT accepts it iff the checker finds no
    hard violation, both in the model `solve` builds (hard unary rules as variable domains)
    and in the one explanations build (every hard rule behind an assumed literal). Returns
    how many assignments were valid, so callers can assert the rule really bites."""
    inst = Instance(s)
    ids = [u.id for u in inst.units]
    slots: list[str | None] = [*inst.release_ids, None]
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    counts = []
    for builder in (ModelBuilder(inst), ModelBuilder(inst, hard_as_assumptions=True)):
        held = [lit for name, lit in builder.literals.items() if builder.rules[name].hard]
        valid = 0
        for combo in itertools.product(slots, repeat=len(ids)):
            plan = dict(zip(ids, combo, strict=True))
            builder.model.clear_assumptions()
            builder.model.add_assumptions([*held, *(builder.x(u, r) for u, r in plan.items())])
            feasible = run_solver(solver, builder.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
            violations = [v for v in check_assignment(inst, plan) if v.hard]
            assert feasible == (not violations), (plan, violations)
            valid += feasible
        counts.append(valid)
    return counts[0]


def broken_rules(s: Scenario, plan: dict[str, str | None]) -> set[str]:
    return {v.rule for v in check_assignment(Instance(s), plan) if v.hard}
