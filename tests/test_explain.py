"""Explanations computed from the model: blocked releases name a minimal set of rules, open
ones state the trade-off; infeasible scenarios get a clash proven minimal."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.generate import generate
from solver.check import check_assignment
from solver.engine import SolveOptions, solve
from solver.explain import explain_items, minimal_clash, ranked, release_options
from solver.instance import Instance
from solver.model import Plan, Scenario
from solver.objective import term_values
from solver.plan import base_assignment, make_plan, plan_file
from solver.scenario import load_scenario
from tests.conftest import SEC_2020, item, scenario

FAST = SolveOptions(time_limit=20, workers=2)
FIX_ANCHOR = {"rule": "fixed", "item": "ANCHOR", "release": "2021-11"}
GBCS = [item("ANCHOR", specs=["GBCS"]), item("A", specs=["GBCS"])]

CASES: list[tuple[str, list[dict[str, Any]], list[dict[str, Any]], dict[str, Any], str,
                  set[str]]] = [
    ("decision-in-time", [item("A", expected_decision="2021-06-01")], [], {}, "2021-06",
     {"decision-in-time(A)"}),
    ("scope-baseline", [item("A", expected_decision="2020-12-01")], [],
     {"as_of": "2021-01-01"}, "2021-06", {"scope-baseline(A)"}),
    ("frozen", [item("A", expected_decision="2020-12-01")], [], {"as_of": "2021-07-01"},
     "2021-06", {"frozen(2021-06)"}),
    ("uplift-cap", GBCS, [FIX_ANCHOR, {"rule": "uplift-cap", "spec": "GBCS", "year": 2021,
                                       "max": 1}], {}, "2021-06",
     {"uplift-cap(GBCS, 2021)", "fixed(ANCHOR)"}),
    ("aligned-uplift", GBCS, [FIX_ANCHOR, {"rule": "aligned-uplift", "spec": "GBCS",
                                           "anchor": "ANCHOR"}], {}, "2021-06",
     {"aligned-uplift(GBCS, ANCHOR)", "fixed(ANCHOR)"}),
    ("precedence", [item("ANCHOR"), item("A")],  # nothing comes before the first release
     [FIX_ANCHOR, {"rule": "precedence", "before": "ANCHOR", "after": "A"}], {}, "2021-06",
     {"precedence(ANCHOR, A)"}),
    ("precedence-fixed", [item("ANCHOR"), item("A")],
     [FIX_ANCHOR, {"rule": "precedence", "before": "ANCHOR", "after": "A"}], {}, "2021-11",
     {"precedence(ANCHOR, A)", "fixed(ANCHOR)"}),
    ("same-release", [item("ANCHOR"), item("A")],
     [FIX_ANCHOR, {"rule": "same-release", "items": ["A", "ANCHOR"]}], {}, "2021-06",
     {"same-release(A, ANCHOR)", "fixed(ANCHOR)"}),
    ("never-together", [item("ANCHOR"), item("A")],
     [{**FIX_ANCHOR, "release": "2021-06"}, {"rule": "never-together",
                                             "items": ["A", "ANCHOR"]}], {}, "2021-06",
     {"never-together(A, ANCHOR)", "fixed(ANCHOR)"}),
    ("capacity", [item("ANCHOR", effort=3), item("A", effort=3)],
     [FIX_ANCHOR, {"rule": "capacity", "max_effort": 4, "dcc_only": False}], {}, "2021-11",
     {"capacity(all)", "fixed(ANCHOR)"}),
    ("fixed", [item("A")], [{"rule": "fixed", "item": "A", "release": "2022-06"}], {},
     "2021-06", {"fixed(A)"}),
    ("window", [item("A", earliest="2022-06")], [], {}, "2021-06", {"window(A)"}),
]


@pytest.mark.parametrize(("family", "items", "rules", "fields", "release", "expected"), CASES,
                         ids=[c[0] for c in CASES])
def test_a_blocked_release_names_the_rules(family: str, items: list[dict[str, Any]],
                                           rules: list[dict[str, Any]], fields: dict[str, Any],
                                           release: str, expected: set[str]) -> None:
    inst = Instance(scenario(items, rules, **fields))
    best = solve(inst, FAST)
    assert best.assignment["A"] != release
    option = next(o for o in release_options(inst, best, "A", FAST) if o.release == release)
    assert set(option.blocked_by) == expected


def _send_back() -> tuple[Instance, Any]:
    path = SEC_2020 / "secmp0067-send-back.yaml"
    inst = Instance(load_scenario(path), base_assignment(path, FAST))
    return inst, solve(inst, FAST)


def test_secmp0067_why_june_and_not_november_2020_or_2021() -> None:
    inst, best = _send_back()
    options = {o.release: o for o in release_options(inst, best, "SECMP0067", FAST)}
    assert options["2021-06"].current
    assert options["2020-11"].blocked_by == ["decision-in-time(SECMP0067)"]
    nov = options["2021-11"]
    assert nov.blocked_by == []
    assert nov.term_change == {"delay": 25, "uplifts": -1, "soft-rules": -10}
    assert nov.level_change == [0, 5]
    for words in ("honour aligned-uplift(DUIS, SECMP0007)", "save 1 specification version",
                  "deliver 25 value-months later", "net +5 at priority 2"):
        assert words in nov.summary


def test_options_are_ranked_best_first() -> None:
    inst, best = _send_back()
    order = [o.release for o in ranked(release_options(inst, best, "SECMP0067", FAST))]
    assert order == ["2021-06", "2021-11", "2022-06", "2022-11", None, "2020-11"]


def test_infeasible_clash_is_minimal() -> None:
    s = load_scenario(SEC_2020 / "secmp0067-fixed-nov-2020.yaml")
    clash = minimal_clash(Instance(s), FAST)
    assert clash == ["decision-in-time(SECMP0067)", "fixed(SECMP0067)"]
    assert solve(Instance(s), FAST).status == "infeasible"
    for name in clash:  # without any one member, the remaining hard rules hold together
        relaxed = s.model_copy(update={"switched_off": [name]})
        assert solve(Instance(relaxed), FAST).status == "optimal"


@pytest.fixture(scope="module")
def generated_plan() -> tuple[Instance, Plan]:
    inst = Instance(Scenario.model_validate(generate(100, 10, 1).scenario))
    return inst, make_plan(inst, solve(inst, SolveOptions(time_limit=60)), FAST)


def test_options_past_the_time_limit_are_judged_moving_the_item_alone(
    generated_plan: tuple[Instance, Plan],
) -> None:
    """With no time for the model, every option is the solver-free judgement of moving the
    item alone, and says so; a blocked one names exactly the rules that move breaks, an
    open one the objective change the plan with that move has."""
    inst, plan = generated_plan
    explained = explain_items(inst, plan, SolveOptions(time_limit=0))
    options = [(uid, o) for uid, opts in explained.items() for o in opts if not o.current]
    assert {o.alone for _, o in options} == {True}
    assert {bool(o.blocked_by) for _, o in options} == {True, False}  # both kinds met
    before = term_values(inst, plan.assignments)
    for uid, option in options:
        moved = {**plan.assignments, uid: option.release}
        assert option.summary.endswith("(judged moving this item alone: no time left to ask "
                                       "the model)")
        if option.blocked_by:
            broken = {v.rule for v in check_assignment(inst, moved) if v.hard}
            assert broken == set(option.blocked_by), uid
        else:
            after = term_values(inst, moved)
            assert option.term_change == {t: after[t] - before[t] for t in after
                                          if after[t] != before[t]}, uid


def test_explaining_shares_the_time_limit_then_judges_alone(
    generated_plan: tuple[Instance, Plan],
) -> None:
    """The model answers options in order until the shared limit runs out; the rest are
    judged alone. With the whole seed round's time, none is."""
    inst, plan = plan_file(SEC_2020 / "secmp0067-send-back.yaml")
    assert not any(o.alone for opts in explain_items(inst, plan, FAST).values() for o in opts)
    inst, big = generated_plan
    explained = explain_items(inst, big, SolveOptions(time_limit=3))
    asked = [o for uid in big.assignments for o in release_options_in_order(
        explained[uid], inst, big.assignments[uid]) if not o.current]
    flags = [o.alone for o in asked]
    assert False in flags and True in flags
    assert flags == sorted(flags)  # once out of time, every later option is judged alone


def release_options_in_order(options: list[Any], inst: Instance, rid: str | None) -> list[Any]:
    """An item's options in the order they were asked (its earlier releases, then its own),
    not ranked."""
    earlier = inst.release_ids[: inst.index(rid)] if rid else inst.release_ids
    by_release = {o.release: o for o in options}
    return [by_release[r] for r in [*earlier, rid]]
