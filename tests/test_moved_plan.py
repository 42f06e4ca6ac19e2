"""Explanations judge single moves through `MovedPlan` (no copy of the plan, uplifts and
capacity loads adjusted for the one unit moved): every rule must say exactly what it says
of the plan copied with that unit moved."""

from __future__ import annotations

from collections import Counter

from benchmarks.generate import generate
from solver.instance import Instance, MovedPlan
from solver.model import Scenario


def test_every_rule_judges_a_moved_plan_as_the_copied_plan() -> None:
    generated = generate(60, 3, 4)
    inst = Instance(Scenario.model_validate(generated.scenario))
    plan = dict(generated.witness)
    counts = Counter((rid, s) for u in inst.units if (rid := plan.get(u.id)) for s in u.specs)
    shared: dict[str, object] = {}
    families = {type(r).__name__ for r in inst.rules}
    assert {"Capacity", "UpliftCap", "AlignedUplift"} <= families
    differing = 0
    for unit in inst.units:
        for rid in [*inst.release_ids, None]:
            moved = MovedPlan(plan, counts, unit, rid, shared)
            copied = {**plan, unit.id: rid}
            assert dict(moved) == copied
            assert inst.uplifts(moved) == inst.uplifts(copied)
            for rule in inst.rules:
                said = rule.check(inst, moved)
                assert said == rule.check(inst, copied), (rule.name, unit.id, rid)
                differing += said != rule.check(inst, plan)
    assert differing > 0  # some moves do break rules the plan keeps
