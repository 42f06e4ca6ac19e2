"""Levels counting broken things (units left out, soft rules broken) are solved by cores
(`solver.cores`): the same optimum as minimising them, proven, or the minimisation kept
where the cores' limits do not hold."""

from __future__ import annotations

import re
from typing import Any

import pytest

from benchmarks.generate import generate
from solver import engine, progress
from solver.engine import SolveOptions, solve
from solver.instance import Instance
from solver.model import Scenario
from solver.plan import make_plan
from tests.conftest import assert_valid, item, scenario

OPTIONS = SolveOptions(time_limit=30)
LEVEL_1 = "level 1 of 2 (unplaced, soft-rules)"


def _minimised(monkeypatch: pytest.MonkeyPatch, inst: Instance) -> engine.Solution:
    """The plan as before the core phase: every level minimised by CP-SAT."""
    with monkeypatch.context() as patched:
        patched.setattr(engine, "level_costs", lambda *_: None)
        return solve(inst, OPTIONS)


def _tight(seed: int) -> Scenario:
    """A generated round whose DCC releases take one item each, and whose first level
    weighs units left out against soft rules broken: several units out, several cores."""
    data: dict[str, Any] = generate(40, 2, seed).scenario
    for rule in data["rules"]:
        if rule["rule"] == "capacity":
            rule["max_count"] = 1
    data["objective"] = [
        {"term": "unplaced", "priority": 1, "weight": 3},
        {"term": "soft-rules", "priority": 1, "weight": 2},
        {"term": "delay", "priority": 2, "weight": 1},
    ]
    return Scenario.model_validate(data)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_cores_find_the_optimum_minimising_finds(monkeypatch: pytest.MonkeyPatch,
                                                 seed: int) -> None:
    inst = Instance(_tight(seed))
    got = solve(inst, OPTIONS)
    assert got.status == "optimal"
    assert_valid(inst, make_plan(inst, got, OPTIONS))
    want = _minimised(monkeypatch, inst)
    assert got.level_values == want.level_values and got.level_values[0] > 0
    assert got.level_bounds[0] == got.level_values[0]


def _events(inst: Instance) -> tuple[engine.Solution, list[progress.Event]]:
    events: list[progress.Event] = []
    progress.listen(events.append)
    try:
        return solve(inst, OPTIONS), events
    finally:
        progress.listen(None)


def _full(count: int, rules: list[dict[str, Any]] | None = None,
          unplaced_weight: int = 1) -> Scenario:
    """`count` items, each free to go in any of the four releases, which take one each."""
    return scenario(
        [item(f"I{k}", value=k, expected_decision="2020-12-01") for k in range(1, count + 1)],
        [{"rule": "capacity", "max_count": 1, "dcc_only": False}, *(rules or [])],
        objective=[{"term": "unplaced", "priority": 1, "weight": unplaced_weight},
                   {"term": "soft-rules", "priority": 1},
                   {"term": "delay", "priority": 2}],
    )


def test_a_level_paying_its_bound_is_proven_by_cores() -> None:
    inst = Instance(_full(5))  # one of five left out: one core, then a plan paying 1
    solution, events = _events(inst)
    assert solution.status == "optimal" and solution.level_values[0] == 1
    level = [e.detail for e in events if e.stage == LEVEL_1]
    assert level[0] == "looking for a plan of 0"
    assert re.fullmatch(r"bound 1: not all of I\d(, I\d){4} can be placed or kept", level[1])
    assert re.fullmatch(r"1, proven optimal \(1 clash; \d+\.\d s\)", level[-1])
    assert "searching" not in level


def test_cores_give_up_where_a_core_pays_twice_and_cp_sat_minimises() -> None:
    # Six items for four places: the first core (some five of them) can pay only once in
    # a plan of the bound 1, which fails; the other items then all fit, so no second core.
    inst = Instance(_full(6))
    solution, events = _events(inst)
    assert solution.status == "optimal"
    assert solution.level_values[0] == 2 and solution.level_bounds[0] == 2
    level = [e.detail for e in events if e.stage == LEVEL_1]
    assert "searching" in level and level[-1].startswith("2, proven optimal (")
    left_out = [u for u, rid in (solution.assignment or {}).items() if rid is None]
    assert left_out == ["I1", "I2"]  # the least valuable, by the second level


def test_soft_rules_count_their_penalty_times_their_weight(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Five items for four places: one left out (weight 3). I1 holds 2021-06, so the soft
    # wish to put I5 there (penalty 2, weight 1) is broken whatever the plan: 3 + 2.
    rules = [{"rule": "fixed", "item": "I1", "release": "2021-06"},
             {"rule": "fixed", "item": "I5", "release": "2021-06", "hard": False,
              "penalty": 2}]
    inst = Instance(_full(5, rules, unplaced_weight=3))
    solution, events = _events(inst)
    assert solution.status == "optimal" and solution.level_values[0] == 5
    level = [e.detail for e in events if e.stage == LEVEL_1]
    assert "searching" not in level and level[-1].startswith("5, proven optimal (")
    assert _minimised(monkeypatch, inst).level_values == solution.level_values


def test_hard_rules_that_clash_leave_no_plan() -> None:
    s = scenario([item("A", status="approved"), item("B", status="approved")],
                 [{"rule": "fixed", "item": "A", "release": "2021-06"},
                  {"rule": "fixed", "item": "B", "release": "2021-06"},
                  {"rule": "never-together", "items": ["A", "B"]}])
    assert solve(Instance(s), OPTIONS).status == "infeasible"
