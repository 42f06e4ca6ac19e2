"""The NRP suite's parser and conversion, and the HiGHS peer model (benchmarks/)."""

from __future__ import annotations

import importlib.util
import itertools
import os
from fractions import Fraction
from pathlib import Path

import pytest

from benchmarks.generate import generate_scenario
from benchmarks.nrp import (
    DATA,
    NrpInstance,
    budgets,
    chosen_requirements,
    instance_files,
    parse_nrp,
    read_nrp,
    reference_optima,
    scenario_yaml,
    to_scenario,
)
from solver.check import check_assignment
from solver.engine import SolveOptions, solve
from solver.instance import Instance
from solver.model import Policy, Scenario
from solver.scenario import check_references, load_scenario

HAVE_HIGHS = importlib.util.find_spec("highspy") is not None
needs_highs = pytest.mark.skipif(
    not HAVE_HIGHS and os.environ.get("CI") != "true",
    reason="highspy is not installed (pip install highspy); required when CI=true",
)
needs_data = pytest.mark.skipif(not DATA.exists(), reason=f"no NRP data in {DATA}")

# Two levels (costs 2 3 4 | 1 5), prerequisites 1->4 (twice) and 2->5, five customers; one
# repeats a request, one asks for requirement 4 whose prerequisite 1 it does not name.
TINY = """2
3
2 3 4
2
1 5
3
1 4
2 5
1 4
5
10 2 1 4
7 1 2
6 2 3 5
4 1 4
3 2 3 3
"""


def brute_force(nrp: NrpInstance, budget: int) -> int:
    """The best NRP profit over every selection within budget that keeps prerequisites."""
    m = len(nrp.costs)
    best = 0
    for bits in itertools.product([False, True], repeat=m):
        chosen = {i + 1 for i in range(m) if bits[i]}
        if sum(nrp.costs[i - 1] for i in chosen) > budget:
            continue
        if any(b in chosen and a not in chosen for a, b in nrp.dependencies):
            continue
        best = max(best, nrp.profit(chosen))
    return best


def test_tiny_text_parses_with_repeats_kept(tmp_path: Path) -> None:
    path = tmp_path / "tiny.txt"
    path.write_text(TINY.replace("\n", "\r\n"), encoding="ascii")
    nrp = read_nrp(path)
    assert nrp.name == "tiny"
    assert nrp.level_sizes == (3, 2)
    assert nrp.costs == (2, 3, 4, 1, 5)
    assert nrp.dependencies == ((1, 4), (2, 5), (1, 4))
    assert [c.profit for c in nrp.customers] == [10, 7, 6, 4, 3]
    assert nrp.customers[4].requests == (3, 3)
    assert nrp.budget(Fraction("0.5"), "floor") == 7
    assert nrp.budget(Fraction("0.5"), "ceil") == 8
    assert budgets(nrp, Fraction("0.5"), ["floor", "ceil"]) == [("floor", 7), ("ceil", 8)]
    assert budgets(nrp, Fraction("0.2"), ["floor", "ceil"]) == [("exact", 3)]


@pytest.mark.parametrize(
    "text", ["1\n2\n1 1\n0\n1\n5 1 3\n", "1\n2\n1 1\n0\n2\n5 1 1\n", "1\n1\n1\n0\n0\n9\n"]
)
def test_bad_text_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_nrp(text)


def test_conversion_solved_by_the_engine_equals_brute_force(tmp_path: Path) -> None:
    path = tmp_path / "tiny.txt"
    path.write_text(TINY, encoding="ascii")
    nrp = read_nrp(path)
    total_profit = sum(c.profit for c in nrp.customers)
    for budget in range(sum(nrp.costs) + 1):
        inst = Instance(to_scenario(nrp, budget))
        assert list(check_references(inst.scenario)) == []
        solution = solve(inst, SolveOptions(time_limit=10))
        assert solution.status == "optimal"
        best = brute_force(nrp, budget)
        # delay alone: a placed item counts 0 months, an unplaced one its value x 1 month
        assert solution.level_values == [total_profit - best], budget
        chosen = chosen_requirements(nrp, solution.assignment)
        assert nrp.profit(chosen) == best
        assert sum(nrp.costs[i - 1] for i in chosen) <= budget
        assert not [v for v in check_assignment(inst, solution.assignment) if v.hard]


def test_written_yaml_loads_back_as_the_same_scenario(tmp_path: Path) -> None:
    nrp = parse_nrp(TINY, "tiny")
    scenario = to_scenario(nrp, 7)
    path = tmp_path / "tiny.yaml"
    path.write_text(scenario_yaml(scenario), encoding="utf-8")
    assert load_scenario(path) == scenario


@needs_data
def test_nrp1_counts_match_its_header() -> None:
    path = instance_files(DATA)["nrp1"]
    nrp = read_nrp(path)
    tokens = [int(t) for t in path.read_text(encoding="ascii").split()]
    assert tokens[0] == len(nrp.level_sizes) == 3
    assert nrp.level_sizes == (20, 40, 80)
    assert tokens[1] == 20 and tokens[1 + 1 + 20] == 40
    assert len(nrp.costs) == 140
    assert tokens[1 + 3 + 140] == len(nrp.dependencies) == 97
    customers_at = 1 + 3 + 140 + 1 + 2 * 97
    assert tokens[customers_at] == len(nrp.customers) == 100
    refs = reference_optima(DATA)
    assert refs[("nrp1", "0.3", "floor")] == (nrp.budget(Fraction("0.3"), "floor"), 1204)
    assert nrp.total_cost == 857


@needs_data
def test_every_instance_file_parses_to_the_reference_total_cost() -> None:
    import csv

    with (DATA / "reference_optima.csv").open(encoding="utf-8") as handle:
        totals = {r["instance"]: int(r["total_cost"]) for r in csv.DictReader(handle)}
    files = instance_files(DATA)
    assert set(files) == set(totals)
    for name, path in files.items():
        assert read_nrp(path).total_cost == totals[name], name


# --- the peer -------------------------------------------------------------------------------


def _generated(items: int, seed: int, exceptions: bool = False) -> Instance:
    scenario = Scenario.model_validate(generate_scenario(items, 10, seed))
    if exceptions:
        policy = Policy(exceptions="allowed")
        scenario = scenario.model_copy(update={"policy": policy})
    return Instance(scenario)


@needs_highs
@pytest.mark.parametrize(
    ("items", "seed", "exceptions"),
    [(10, 2, False), (12, 1, False), (15, 4, False), (12, 0, True)],
)
def test_highs_and_the_engine_reach_the_same_levels(
    items: int, seed: int, exceptions: bool
) -> None:
    from benchmarks.peer import solve_highs
    from solver.objective import level_values, term_values

    inst = _generated(items, seed, exceptions)
    peer = solve_highs(inst, time_limit=20)
    mine = solve(inst, SolveOptions(time_limit=20))
    assert peer.status == mine.status == "optimal"
    assert peer.level_values == mine.level_values
    assert not [v for v in check_assignment(inst, peer.assignment) if v.hard]
    values = term_values(inst, peer.assignment)
    assert level_values(inst.scenario.objective, values) == peer.level_values


@needs_highs
def test_highs_solves_the_tiny_nrp_to_brute_force() -> None:
    from benchmarks.peer import solve_highs

    nrp = parse_nrp(TINY, "tiny")
    total_profit = sum(c.profit for c in nrp.customers)
    for budget in (0, 5, 7, 8, 15):
        peer = solve_highs(Instance(to_scenario(nrp, budget)), time_limit=10)
        assert peer.level_values == [total_profit - brute_force(nrp, budget)]
