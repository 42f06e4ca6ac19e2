"""A plan given as a hint is complete: every variable of the model gets the plan's value, so
CP-SAT takes it as its first plan without searching for the rest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks.generate import generate
from solver import engine
from solver.cpsat import cp_model, run_solver
from solver.engine import ModelBuilder, SolveOptions, level_expressions
from solver.instance import Instance
from solver.model import Scenario
from solver.plan import base_solution, plan_file
from tests.conftest import SEC_2020, assert_valid


def free_variables(model: Any) -> set[int]:
    """Indexes of the model's variables that are not constants."""
    return {
        k for k, var in enumerate(model.proto.variables) if var.domain[0] != var.domain[-1]
    }


def hinted_plan(builder: ModelBuilder) -> dict[str, str | None] | None:
    """Solve with every variable fixed to its hinted value: the plan, or None when the
    hinted values break a constraint."""
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 30
    status = run_solver(solver, builder.model)
    return builder.assignment(solver) if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None


def test_a_plan_keeping_the_rules_is_hinted_in_full() -> None:
    generated = generate(200, 10, 2)
    inst = Instance(Scenario.model_validate(generated.scenario))
    builder = ModelBuilder(inst)
    builder.model.minimize(level_expressions(builder)[-1])
    builder.hint(generated.witness)
    hinted = set(builder.model.proto.solution_hint.vars)
    assert free_variables(builder.model) - hinted == set()
    assert builder.literals  # the scenario's soft rules have literals to hint
    assert hinted_plan(builder) == generated.witness


def test_a_broken_rules_literal_is_hinted_false() -> None:
    generated = generate(200, 10, 2)
    inst = Instance(Scenario.model_validate(generated.scenario))
    fixed = next(r for r in inst.rules if r.name.startswith("fixed("))
    (uid,) = fixed.scope(inst) or []
    plan = {**generated.witness, uid: None}  # out of the horizon: the fixed rule breaks
    assert fixed.check(inst, plan)
    builder = ModelBuilder(inst, hard_as_assumptions=True)  # every rule has a literal
    builder.hint(plan)
    values = dict(zip(builder.model.proto.solution_hint.vars,
                      builder.model.proto.solution_hint.values, strict=True))
    assert values[builder.literals[fixed.name].index] == 0
    assert all(
        values[lit.index] == 1 for name, lit in builder.literals.items()
        if not builder.rules[name].check(inst, plan)
    )
    assert hinted_plan(builder) == plan


def test_a_plan_missing_units_hints_placements_only() -> None:
    generated = generate(50, 3, 1)
    inst = Instance(Scenario.model_validate(generated.scenario))
    builder = ModelBuilder(inst)
    first, other = (u.id for u in inst.units[:2])
    builder.hint({uid: rid for uid, rid in generated.witness.items() if uid != first})
    hinted = set(builder.model.proto.solution_hint.vars)
    assert builder.index(other).index not in hinted
    assert builder.x(first, generated.witness[first]).index not in hinted
    assert builder.x(other, generated.witness[other]).index in hinted


def test_a_base_plan_in_a_cancelled_release_hints_placements_only(tmp_path: Path) -> None:
    """A what-if cancelling a release its base plan uses: the base plan is the hint, with
    units in a release that is gone; the rest of the hint cannot be derived from it."""
    path = tmp_path / "cancel.yaml"
    path.write_text(f"extends: {SEC_2020 / 'baseline.yaml'}\n"
                    "changes:\n  - {cancel-release: '2021-11'}\n")
    solved = base_solution(path, SolveOptions(time_limit=30))
    assert solved is not None
    base = solved.assignment
    assert "2021-11" in base.values()
    inst, plan = plan_file(path)
    assert plan.status == "optimal" and "2021-11" not in plan.assignments.values()
    assert_valid(inst, plan)
    builder = ModelBuilder(inst)
    builder.hint(base)
    hinted = set(builder.model.proto.solution_hint.vars)
    assert all(builder.index(u.id).index not in hinted for u in inst.units)


def test_a_plan_in_a_barred_slot_hints_placements_only() -> None:
    generated = generate(50, 3, 1)
    inst = Instance(Scenario.model_validate(generated.scenario))
    builder = ModelBuilder(inst)
    unit, barred = next(
        (u.id, r) for u in inst.units for r in inst.release_ids if not builder.can_use(u.id, r)
    )
    builder.hint({**generated.witness, unit: barred})
    hinted = set(builder.model.proto.solution_hint.vars)
    assert builder.index(unit).index not in hinted
    assert builder.x(unit, generated.witness[unit]).index in hinted  # hinted 0


def hints_by_stage(monkeypatch: Any, inst: Instance,
                   hint: dict[str, str | None] | None) -> dict[str, int]:
    """How many variables each CP-SAT minimisation of `engine.solve` was hinted with, by
    stage name (the core phase's questions apart)."""
    seen: dict[str, int] = {}
    reporting = engine.solve_reporting

    def spy(solver: Any, model: Any, stage: str, *args: Any) -> Any:
        seen[stage] = len(model.proto.solution_hint.vars)
        return reporting(solver, model, stage, *args)

    monkeypatch.setattr(engine, "solve_reporting", spy)
    engine.solve(inst, SolveOptions(time_limit=30), hint=hint)
    return seen


def test_a_level_is_not_hinted_with_a_plan_found_for_an_earlier_level(monkeypatch: Any) -> None:
    """The second level of a base scenario starts from no plan: the first level's plan was
    found for the first level's terms alone, and CP-SAT's search would follow it. The
    tie-break starts from the second level's plan; a what-if's levels from its base plan."""
    generated = generate(50, 3, 1)
    inst = Instance(Scenario.model_validate(generated.scenario))
    second, tie_break = engine.level_names(inst)[1], "tie-break (each item as early as possible)"
    seen = hints_by_stage(monkeypatch, inst, None)
    assert seen[second] == 0 and seen[tie_break] > 0
    seen = hints_by_stage(monkeypatch, inst, generated.witness)
    assert seen[second] > 0 and seen[tie_break] > 0
