"""A limit that cuts a search short gives the same result on every run: the budget is
CP-SAT's deterministic work, not the clock (`solver.budget`). A slow machine is played by a
progress listener that sleeps at every event: CP-SAT waits for it, the clock runs on."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks.generate import dump_yaml, generate_scenario
from solver import budget as budget_module
from solver import progress
from solver.check import check_assignment
from solver.engine import Solution, SolveOptions, solve
from solver.explain import PlanView
from solver.instance import Instance
from solver.model import Scenario
from solver.plan import fall_backs

CUT_SHORT = SolveOptions(time_limit=3)
"""At 250 generated items the second level is not proven within this."""
FEW_QUESTIONS = SolveOptions(time_limit=1.5)
"""Enough work for some of the 250 items' fall-back questions, not all."""


@pytest.fixture(scope="module")
def inst() -> Instance:
    return Instance(Scenario.model_validate(generate_scenario(250, 10, 1)))


@pytest.fixture
def slow_machine() -> Iterator[None]:
    progress.listen(lambda event: time.sleep(0.02))
    try:
        yield
    finally:
        progress.listen(None)


def planned(inst: Instance) -> tuple[Solution, tuple[dict[str, str | None], set[str]]]:
    solution = solve(inst, CUT_SHORT)
    return solution, fall_backs(PlanView(inst, solution.assignment), FEW_QUESTIONS)


@pytest.fixture(scope="module")
def quick(inst: Instance) -> tuple[Solution, tuple[dict[str, str | None], set[str]], float]:
    started = time.monotonic()
    return (*planned(inst), time.monotonic() - started)


def test_a_budget_cuts_the_search_short_where_the_work_ends(
    inst: Instance, quick: tuple[Solution, Any],
) -> None:
    solution, (found, unknown), _ = quick
    assert solution.status == "feasible" and solution.gap > 0  # cut short, by the budget
    assert not solution.clock_stopped
    assert not [v for v in check_assignment(inst, solution.assignment) if v.hard]
    assert found and unknown  # some fall-back questions answered, the rest out of budget


def test_a_slower_machine_gets_the_same_plan_and_fall_backs(
    inst: Instance, quick: tuple[Solution, Any], slow_machine: None,
) -> None:
    started = time.monotonic()
    solution, falls = planned(inst)
    slower = time.monotonic() - started - quick[2]
    assert solution.assignment == quick[0].assignment
    assert solution.level_values == quick[0].level_values
    assert solution.level_bounds == quick[0].level_bounds
    assert falls == quick[1]
    assert not solution.clock_stopped
    assert slower > 0.5  # the clock ran on while CP-SAT waited


def test_the_clock_stops_a_much_slower_machine_and_says_so(
    inst: Instance, slow_machine: None, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(budget_module, "CLOCK_FACTOR", 0.4)  # the clock at 1.2 s
    with pytest.warns(UserWarning, match="the clock stopped a search"):
        solution = solve(inst, CUT_SHORT)
    assert solution.clock_stopped and solution.status == "feasible"
    assert not [v for v in check_assignment(inst, solution.assignment) if v.hard]


def test_wall_clock_counts_the_limit_in_seconds(inst: Instance) -> None:
    started = time.monotonic()
    solution = solve(inst, SolveOptions(time_limit=3, wall_clock=True))
    assert 3 <= time.monotonic() - started < 6
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
    assert "note" not in runs[0].stderr
    by_clock = subprocess.run([sys.executable, "-m", "solver", "solve", str(path), "--json",
                               "--time-limit", "2", "--wall-clock"],
                              capture_output=True, text=True, check=False)
    assert by_clock.returncode == 0 and '"status": "feasible"' in by_clock.stdout
