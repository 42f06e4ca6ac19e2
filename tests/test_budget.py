"""A limit that cuts a search short gives the same result on every run: the budget is
CP-SAT's deterministic work, not the clock (`solver.budget`). A slow machine is played by a
progress listener that sleeps at every event: CP-SAT waits for it, the clock runs on."""

from __future__ import annotations

import random
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from benchmarks.generate import dump_yaml, generate_scenario
from solver import budget as budget_module
from solver import plan as plan_module
from solver import progress
from solver.check import check_assignment
from solver.engine import NoPlanInTime, Solution, SolveOptions, solve
from solver.explain import PlanView
from solver.instance import Instance
from solver.model import Scenario
from solver.plan import (
    FallBacks,
    fall_backs,
    held_by_own_rules,
    make_plan,
    plan_file,
    releases_left,
)
from solver.report import build_report
from tests.conftest import clock_jumps_after_level_1

CUT_SHORT = SolveOptions(time_limit=3)
"""At 250 generated items the second level is not proven within this."""
FEW_QUESTIONS = SolveOptions(time_limit=0.3)
"""Enough work for some of the 250 items' fall-back questions to CP-SAT, not all (9 of 19
here; most fall-backs are found without the solver)."""


@pytest.fixture(scope="module")
def inst() -> Instance:
    return Instance(Scenario.model_validate(generate_scenario(250, 10, 1)))


@pytest.fixture
def slow_machine() -> Iterator[list[progress.Event]]:
    heard: list[progress.Event] = []

    def sleep(event: progress.Event) -> None:
        heard.append(event)
        time.sleep(0.02)

    progress.listen(sleep)
    try:
        yield heard
    finally:
        progress.listen(None)


def planned(inst: Instance) -> tuple[Solution, FallBacks]:
    solution = solve(inst, CUT_SHORT)
    return solution, fall_backs(PlanView(inst, solution.assignment), FEW_QUESTIONS)


@pytest.fixture(scope="module")
def quick(inst: Instance) -> tuple[Solution, FallBacks, float]:
    started = time.monotonic()
    return (*planned(inst), time.monotonic() - started)


def test_a_budget_cuts_the_search_short_where_the_work_ends(
    inst: Instance, quick: tuple[Solution, Any],
) -> None:
    solution, (found, unknown, *_), _ = quick
    assert solution.status == "feasible" and solution.gap > 0  # cut short, by the budget
    assert not solution.clock_stopped
    assert not [v for v in check_assignment(inst, solution.assignment) if v.hard]
    assert found and unknown  # some fall-back questions answered, the rest out of budget


def test_a_slower_machine_gets_the_same_plan_and_fall_backs(
    inst: Instance, quick: tuple[Solution, Any, float], slow_machine: list[progress.Event],
) -> None:
    solution, falls = planned(inst)
    assert len(slow_machine) > 15  # CP-SAT and the fall-backs waited that many times
    assert solution.assignment == quick[0].assignment
    assert solution.level_values == quick[0].level_values
    assert solution.level_bounds == quick[0].level_bounds
    assert falls == quick[1]
    assert not solution.clock_stopped


def test_fall_back_answers_are_taken_in_unit_order_whatever_the_threads_do(
    inst: Instance, quick: tuple[Solution, Any, float], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Questions that each cost a known amount of work, the costly ones slow, end out of
    order: the answers kept are those of the questions before the budget ran out, in unit
    order, every run."""
    total = round(FEW_QUESTIONS.time_limit * budget_module.WORK_PER_SECOND * budget_module.NANO)
    costly = {u.id for k, u in enumerate(inst.units) if k % 3 == 0}
    cost = {u.id: total // 4 if u.id in costly else total // 50 for u in inst.units}
    asked: list[str] = []

    def earliest(builder: Any, uid: str, forbidden: list[str], options: SolveOptions,
                 plan: dict[str, str | None], budget: budget_module.Budget) -> str | None:
        asked.append(uid)
        time.sleep(0.05 if uid in costly else random.random() / 100)
        budget.take(cost[uid])
        if uid.endswith("7"):
            raise NoPlanInTime(options.time_limit)
        return inst.release_ids[-1]

    monkeypatch.setattr(plan_module, "earliest_release", earliest)
    monkeypatch.setattr(plan_module, "fewest_moves", lambda *args: None)  # no work of its own
    view = PlanView(inst, quick[0].assignment)
    runs = []
    for seed in (1, 2):
        random.seed(seed)
        asked.clear()
        runs.append(fall_backs(view, FEW_QUESTIONS))
    assert runs[0] == runs[1]
    found, unknown, *_ = runs[0]
    # the fall-backs' own questions, asked first in unit order (then, as long as the budget
    # lasts, whether a fall-back found as the plan stands could come sooner)
    questions = [u.id for u in inst.units if (rid := view.plan.get(u.id))
                 and not u.decision_known and (left := releases_left(inst, u, rid))
                 and all(view.blocking(u, r) for r in left)
                 and not held_by_own_rules(inst, u, rid)]  # none left: no question
    assert set(asked) >= set(questions) - unknown
    used, expected = 0, set()
    for uid in questions:
        used += cost[uid]
        if used < total and not uid.endswith("7"):
            expected.add(uid)
    assert expected and {uid for uid in questions if uid not in unknown} == expected
    assert all(found[uid] == inst.release_ids[-1] for uid in expected)


def test_the_clock_stops_a_much_slower_machine_and_says_so(
    inst: Instance, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The clock jumps past the safety stop once the first level is proven: the second
    level has no time, and the solve says the clock stopped it."""
    with clock_jumps_after_level_1(monkeypatch), pytest.warns(
        UserWarning, match="the clock stopped a search"
    ):
        solution = solve(inst, CUT_SHORT)
    assert solution.clock_stopped and solution.status == "feasible"
    assert not [v for v in check_assignment(inst, solution.assignment) if v.hard]
    plan = make_plan(inst, solution, CUT_SHORT)  # plan.json and the report say so too
    assert plan.clock_stopped
    assert "the clock stopped the search" in build_report(inst, plan)


def test_a_plan_says_the_clock_stopped_its_fall_backs_or_its_base_plan(
    inst: Instance, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    """Review: only the plan's own solve was said; fall-backs cut short by the clock, or a
    what-if's base plan (its reference), may differ between runs just as well."""
    solution = solve(inst, CUT_SHORT)
    assert not make_plan(inst, solution, CUT_SHORT).clock_stopped
    late = [0.0]
    monkeypatch.setattr(budget_module, "time",
                        SimpleNamespace(monotonic=lambda: time.monotonic() + late[0]))
    made = plan_module.Budget.of

    def slower_after_made(*args: Any) -> budget_module.Budget:  # the fall-backs: made, then a jump
        budget = made(*args)
        late[0] += 1e6
        return budget

    monkeypatch.setattr(plan_module.Budget, "of", slower_after_made)
    with pytest.warns(UserWarning, match="the clock stopped"):
        assert make_plan(inst, solution, CUT_SHORT).clock_stopped
    monkeypatch.undo()
    jumped = [False]

    def jump_once(event: progress.Event) -> None:  # during the base scenario's solve only
        if event.done and event.stage.startswith("level 1") and not jumped[0]:
            jumped[0] = True
            late[0] += 1e6

    monkeypatch.setattr(budget_module, "time",
                        SimpleNamespace(monotonic=lambda: time.monotonic() + late[0]))
    progress.listen(jump_once)
    base, what_if = tmp_path / "base.yaml", tmp_path / "what-if.yaml"
    base.write_text(dump_yaml(inst.scenario.model_dump(mode="json", exclude_defaults=True)))
    what_if.write_text("extends: base.yaml\nname: what-if\n")
    try:
        with pytest.warns(UserWarning, match="the clock stopped"):
            _, plan = plan_file(what_if, CUT_SHORT)  # the base's second level is cut short
    finally:
        progress.listen(None)
    assert jumped[0] and plan.clock_stopped


def test_wall_clock_counts_the_limit_in_seconds(inst: Instance) -> None:
    started = time.monotonic()
    solution = solve(inst, SolveOptions(time_limit=3, wall_clock=True))
    assert time.monotonic() - started >= 3
    assert solution.status == "feasible" and not solution.clock_stopped


def test_secplan_solve_cut_short_prints_the_same_plan_twice(tmp_path: Path) -> None:
    path = tmp_path / "gen250.yaml"
    path.write_text(dump_yaml(generate_scenario(250, 10, 1)))
    runs = [subprocess.run([sys.executable, "-m", "solver", "solve", str(path), "--json",
                            "--time-limit", "2"], capture_output=True, text=True, check=False)
            for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr
    assert '"status": "feasible"' in runs[0].stdout
    assert runs[0].stdout == runs[1].stdout
    by_clock = subprocess.run([sys.executable, "-m", "solver", "solve", str(path), "--json",
                               "--time-limit", "2", "--wall-clock"],
                              capture_output=True, text=True, check=False)
    assert by_clock.returncode == 0 and '"status": "feasible"' in by_clock.stdout


def test_a_part_of_a_budget_of_work_stops_by_its_parents_safety_stop() -> None:
    parent = budget_module.Budget(10)
    parent.deadline -= 25  # most of its clock already gone: 5 s of the 30 left
    part = parent.part(10)
    assert part.work == parent.work  # its own work, as much as asked
    assert part.deadline <= parent.deadline  # but not past the parent's safety stop
