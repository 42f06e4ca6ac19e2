"""The posted CP-SAT constraints and the solver-free checker must agree on every plan."""

from __future__ import annotations

import itertools

from ortools.sat.python import cp_model

from solver.check import check_assignment
from solver.engine import ModelBuilder
from solver.instance import Instance
from solver.model import Scenario


def assert_post_and_check_agree(s: Scenario) -> int:
    """For every assignment of the (few) units: CP-SAT accepts it iff the checker finds no
    hard violation. Returns how many assignments were valid, so callers can assert the
    rule really bites."""
    inst = Instance(s)
    ids = [u.id for u in inst.units]
    slots: list[str | None] = [*inst.release_ids, None]
    builder = ModelBuilder(inst)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    valid = 0
    for combo in itertools.product(slots, repeat=len(ids)):
        plan = dict(zip(ids, combo, strict=True))
        builder.model.clear_assumptions()
        builder.model.add_assumptions([builder.x(u, r) for u, r in plan.items()])
        feasible = solver.solve(builder.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        violations = [v for v in check_assignment(inst, plan) if v.hard]
        assert feasible == (not violations), (plan, violations)
        valid += feasible
    return valid


def broken_rules(s: Scenario, plan: dict[str, str | None]) -> set[str]:
    return {v.rule for v in check_assignment(Instance(s), plan) if v.hard}
