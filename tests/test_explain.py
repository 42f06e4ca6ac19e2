"""Explanations computed from the model: blocked releases name a minimal set of rules, open
ones state the trade-off; infeasible scenarios get a clash proven minimal."""

from __future__ import annotations

import dataclasses
import io
import math
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from rich.console import Console

from benchmarks.generate import generate
from solver import budget as budget_module
from solver import explain as explain_module
from solver.budget import NANO, WORK_PER_SECOND, Budget
from solver.check import check_assignment
from solver.engine import NoPlanInTime, Solution, SolveOptions, solve
from solver.explain import (
    NEIGHBOUR_RULE_SIZE,
    PlanView,
    barred_whatever_others_do,
    explain_items,
    minimal_clash,
    neighbourhood,
    other_single_relaxations,
    own_rules,
    ranked,
    release_options,
    smallest_relaxation,
    whole_plan_questions,
)
from solver.instance import Instance
from solver.model import Plan, Scenario
from solver.objective import level_values, term_values
from solver.plan import base_solution, make_plan, plan_scenario
from solver.report_text import print_clash, print_option_notes, print_options
from solver.scenario import load_scenario
from tests.conftest import SEC_2020, alignments_by_anchor_year, assert_valid, item, scenario

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
     "2021-06", {"frozen(2021-06)", "decision-in-time(A)"}),  # rules on A alone: all named
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
    base = base_solution(path, FAST)
    inst = Instance(load_scenario(path), base.assignment if base else None)
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
                  "deliver 25 value-months later",
                  "net +5 (priority 2: delay, uplifts, soft rules, moves)"):
        assert words in nov.summary
    # the level that decides first, then the rest (a Panel read: the terms of both
    # levels listed together before "net +1 (priority 1)")
    assert options[None].summary.startswith(
        "it would leave 1 item(s) outside the horizon (+1): net +1 (priority 1: unplaced, "
        "exceptions), so the plan keeps 2021-06; after that, it would also ")


def test_moving_the_anchor_out_of_its_year_lifts_the_alignment_it_does_not_honour(
        tmp_path: Path) -> None:
    """A Panel read: SECMP0007 leaving 2021 was said to "honour" the 2021 DUIS alignment,
    while the 2021-06 DUIS version still goes out without it (an alignment without a year
    of its own, binding in the anchor's)."""
    path = alignments_by_anchor_year(tmp_path, "secmp0067-send-back")
    base = base_solution(path, FAST)
    inst = Instance(load_scenario(path), base.assignment if base else None)
    best = solve(inst, FAST)
    name = "aligned-uplift(DUIS, SECMP0007)"
    options = {o.release: o for o in release_options(inst, best, "SECMP0007", FAST)}
    later = options["2022-06"]
    assert later.term_change["soft-rules"] == -10
    assert later.soft_lapsed == {
        name: "SECMP0007, its anchor, leaves 2021, where the rule binds as the plan stands"}
    assert later.soft_honoured == []
    assert f"lift {name} (SECMP0007, its anchor, leaves 2021" in later.summary
    assert "honour" not in later.summary
    # the same, judged by moving the item alone without the solver
    alone = PlanView(inst, best.assignment).alone_option(inst.unit("SECMP0007"), "2022-06")
    assert alone.soft_lapsed == later.soft_lapsed and "honour" not in alone.summary


def test_an_option_that_lifts_one_soft_rule_and_breaks_another_names_both(
        tmp_path: Path) -> None:
    """An acceptance test: SECMP0007 in 2022-06 lifts the DUIS alignment (-10) and breaks
    a soft pin to 2021-11 (+3); the words gave the lift alone, against a net -7."""
    path = tmp_path / "pinned.yaml"
    path.write_text(f"extends: {alignments_by_anchor_year(tmp_path, 'secmp0067-send-back')}\n"
                    "rules:\n  add:\n    - {rule: fixed, item: SECMP0007, release: '2021-11', "
                    "hard: false, penalty: 3}\n")
    base = base_solution(path, FAST)
    inst = Instance(load_scenario(path), base.assignment if base else None)
    best = solve(inst, FAST)
    later = next(o for o in release_options(inst, best, "SECMP0007", FAST)
                 if o.release == "2022-06")
    assert later.term_change["soft-rules"] == -7
    assert later.soft_broken == ["fixed(SECMP0007)"]
    assert ("lift aligned-uplift(DUIS, SECMP0007) (SECMP0007, its anchor, leaves 2021, where "
            "the rule binds as the plan stands) and break fixed(SECMP0007) (-7)") in later.summary


def test_an_item_leaving_the_horizon_lifts_a_precedence_it_was_breaking() -> None:
    """An acceptance test: B out of the horizon "honoured" a soft precedence(A, B), which
    only applies with B in a release."""
    items = [item("A", expected_decision="2021-12-01"), item("B", value=5)]
    soft = {"rule": "precedence", "before": "A", "after": "B", "hard": False, "penalty": 4}
    inst = Instance(scenario(items, [soft], objective=[
        {"term": "delay", "priority": 1}, {"term": "soft-rules", "priority": 1}]))
    best = solve(inst, FAST)
    assert best.assignment == {"A": "2022-06", "B": "2021-06"}  # broken: B comes first
    out = next(o for o in release_options(inst, best, "B", FAST) if o.release is None)
    assert out.soft_lapsed == {"precedence(A, B)": "B leaves the horizon: no release of it to "
                                                   "come after A"}
    assert out.soft_honoured == [] and "honour" not in out.summary


def test_the_option_of_no_release_reads_left_out() -> None:
    inst, best = _send_back()
    console = Console(width=300, record=True, file=io.StringIO())
    item = make_plan(inst, best, FAST).items
    print_options(inst, next(i for i in item if i.id == "SECMP0067"),
                  ranked(release_options(inst, best, "SECMP0067", FAST)), console)
    rows = [line.split() for line in console.export_text().splitlines()]
    assert ["left", "out", "possible:", "it", "would", "leave"] in [r[:6] for r in rows]
    assert not any(r[:2] == ["none", "possible:"] for r in rows)


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


def test_the_smallest_relaxation_says_what_relaxing_each_rule_takes() -> None:
    """Not only the rule's name: what the plan found without it does to it, as solve prints
    it. Of two one-rule relaxations, the pin the scenario wrote comes first, the built-in
    decision date (SECMP0067's by the November 2020 cut-off) after it (Panel review)."""
    s = load_scenario(SEC_2020 / "secmp0067-fixed-nov-2020.yaml")
    inst = Instance(s)
    relax = smallest_relaxation(inst, FAST)
    assert [(v.rule, v.message) for v in relax] == [
        ("fixed(SECMP0067)", "SECMP0067 is fixed in 2020-11 but goes in 2021-06")]
    others = other_single_relaxations(inst, ["decision-in-time(SECMP0067)", "fixed(SECMP0067)"],
                                      relax[0].rule, FAST)
    assert [v.rule for v in others] == ["decision-in-time(SECMP0067)"]
    assert others[0].message.startswith(  # a release id beside a date read as two dates
        "expected decision 2020-11-19 is after the cut-off of release 2020-11, 2020-07-05 ")
    plan = plan_scenario(s, FAST)
    plan.relaxation, plan.relaxation_alternatives = relax, others
    console = Console(width=300, record=True, file=io.StringIO())
    print_clash(inst, plan, console)
    shown = console.export_text()
    assert ("Or relax any one of these instead:\n  - decision-in-time(SECMP0067): expected "
            "decision 2020-11-19 is after the cut-off of release 2020-11, 2020-07-05") in shown


def _clash_of_three() -> tuple[Instance, list[str]]:
    """A pinned to 2021-11, a release after B, whose decision misses 2021-06: dropping any
    one of the three rules gives a plan."""
    s = scenario([item("A"), item("B", expected_decision="2021-06-01")], rules=[
        {"rule": "fixed", "item": "A", "release": "2021-11"},
        {"rule": "precedence", "before": "B", "after": "A"}])
    inst = Instance(s)
    clash = minimal_clash(inst, FAST)
    assert clash is not None and len(clash) == 3 and "decision-in-time(B)" in clash
    return inst, clash


def test_alternatives_to_the_smallest_relaxation_put_the_scenario_s_rules_first() -> None:
    inst, clash = _clash_of_three()
    [found] = smallest_relaxation(inst, FAST)
    assert found.rule in ("fixed(A)", "precedence(B, A)")
    others = other_single_relaxations(inst, clash, found.rule, FAST)
    assert [v.rule for v in others] == [
        next(n for n in clash if n not in (found.rule, "decision-in-time(B)")),
        "decision-in-time(B)"]  # not the clash's (alphabetical) order


def test_alternatives_the_budget_leaves_untried_are_named(
        monkeypatch: pytest.MonkeyPatch) -> None:
    inst, clash = _clash_of_three()
    monkeypatch.setattr(budget_module.Budget, "left", lambda self: 0.0)
    with pytest.warns(UserWarning, match=r"not settled as alternatives.*: "
                      r"precedence\(B, A\), decision-in-time\(B\)"):
        assert other_single_relaxations(inst, clash, "fixed(A)", FAST) == []


def test_an_alternative_whose_plan_is_not_found_in_time_is_named_too(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The budget left, but the plan without the rule not found in it: not an alternative
    known to work, nor one known not to (a review found it dropped unsaid)."""
    inst, clash = _clash_of_three()
    real = explain_module.solve

    def slow_without_precedence(relaxed: Instance, *args: Any, **kw: Any) -> Solution:
        if "precedence(B, A)" in relaxed.scenario.switched_off:
            raise NoPlanInTime(1.0)
        return real(relaxed, *args, **kw)

    monkeypatch.setattr(explain_module, "solve", slow_without_precedence)
    with pytest.warns(UserWarning, match=r"not settled as alternatives.*: precedence\(B, A\) "):
        others = other_single_relaxations(inst, clash, "fixed(A)", FAST)
    assert [v.rule for v in others] == ["decision-in-time(B)"]


def test_the_smallest_relaxation_is_judged_on_the_plan_made_without_it() -> None:
    """Dropping the pin on A is the one-rule relaxation; the plan made without it puts A in
    2021-11 (its earliest release apart from B's and C's), not wherever the search for the
    relaxation left it (no release)."""
    s = scenario([item(u, value=5) for u in "ABC"], rules=[
        {"rule": "fixed", "item": u, "release": "2021-06"} for u in "ABC"] + [
        {"rule": "never-together", "items": ["A", other]} for other in "BC"])
    relax = smallest_relaxation(Instance(s), FAST)
    assert [(v.rule, v.message) for v in relax] == [
        ("fixed(A)", "A is fixed in 2021-06 but goes in 2021-11")]


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
    placed = next(uid for uid, rid in plan.assignments.items() if rid is not None)
    explained |= explain_items(inst, plan, SolveOptions(time_limit=0), [placed])
    options = [(uid, o) for uid, opts in explained.items() for o in opts if not o.current]
    own = [(uid, o) for uid, o in options if not o.alone]  # barred whatever others do
    view = PlanView(inst, plan.assignments)
    assert own and all(o.blocked_by == barred_whatever_others_do(view, inst.unit(uid), o.release)
                       for uid, o in own)
    for uid, option in own:  # the item's own rules: every such rule, not one minimal set
        moved = {**plan.assignments, uid: option.release}
        broken = {v.rule for v in check_assignment(inst, moved) if v.hard}
        mine = own_rules(inst, inst.unit(uid)) & broken
        assert set(option.blocked_by) == mine or not mine
        assert option.summary.endswith("(each one bars it)") == (len(mine) > 1)
    assert any(len(o.blocked_by) > 1 for _, o in own)
    options = [(uid, o) for uid, o in options if o.alone]
    assert {bool(o.blocked_by) for _, o in options} == {True, False}  # both kinds met
    assert any(o.release is None for _, o in options)  # outside the horizon too
    before = term_values(inst, plan.assignments)
    for uid, option in options:
        moved = {**plan.assignments, uid: option.release}
        if option.blocked_by:
            broken = {v.rule for v in check_assignment(inst, moved) if v.hard}
            assert broken == set(option.blocked_by), uid
        else:
            after = term_values(inst, moved)
            assert option.term_change == {t: after[t] - before[t] for t in after
                                          if after[t] != before[t]}, uid
    text = Console(file=io.StringIO(), width=200)
    items = {i.id: i for i in plan.items}
    print_options(inst, items[placed], explained[placed], text)
    assert "moving it alone" in text.file.getvalue()  # type: ignore[attr-defined]
    # of many items the note comes once, with how many were judged alone and about what
    # limit would weigh them all (an acceptance test: 905 of 976 told only "raise it")
    every = [o for choices in explained.values() for o in choices]
    alone, asked = sum(o.alone for o in every), sum(not o.alone for o in every)
    assert alone and asked
    once = Console(file=io.StringIO(), width=400)
    print_option_notes(every, once, 2.0)
    said = once.file.getvalue()  # type: ignore[attr-defined]
    assert said.count("moving it alone") == 1
    assert (f"{alone:,} of {len(every):,} releases weighed were judged so: --time-limit "
            f"{math.ceil(2.0 * len(every) / asked)} or so would let the model weigh them all"
            ) in said


@pytest.mark.parametrize("wall_clock", [False, True])
def test_explaining_shares_the_time_limit_then_judges_alone(
    generated_plan: tuple[Instance, Plan], monkeypatch: pytest.MonkeyPatch, wall_clock: bool,
) -> None:
    """The model answers options in the order asked until the shared budget runs out; the
    rest are judged alone. Re-solves that each cost a fifth of the budget (its work, or 10 s
    of a clock that moves only then, with `wall_clock`) make it exact: five re-solves, the
    clashes free."""
    inst, plan = generated_plan
    clock = [0.0]
    real_solve, real_clash = explain_module.solve, explain_module.minimal_clash
    calls = []

    def solve_costing_a_fifth(*args: Any, budget: Budget, **kwargs: Any) -> Any:
        calls.append(args)
        found = real_solve(*args, **kwargs)
        clock[0] += 10
        budget.take(0 if wall_clock else round(50 * WORK_PER_SECOND / 5 * NANO))
        return found

    def free_clash(*args: Any) -> Any:
        return real_clash(*args[:-1])  # each with a budget of its own

    monkeypatch.setattr(budget_module, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    monkeypatch.setattr(explain_module, "solve", solve_costing_a_fifth)
    monkeypatch.setattr(explain_module, "minimal_clash", free_clash)
    explained = explain_items(inst, plan, SolveOptions(time_limit=50, wall_clock=wall_clock))
    view = PlanView(inst, plan.assignments)
    asked = [o for o in in_asked_order(explained, inst, plan.assignments)
             if not o.current and not (  # barred whatever others do: no solve
                 o.blocked_by and not o.alone
                 and o.blocked_by == barred_whatever_others_do(view, inst.unit(o.uid), o.release))]
    flags = [o.alone for o in asked]
    assert len(calls) == 5
    assert flags == [False] * 5 + [True] * (len(flags) - 5)
    # in turns: the five answered belong to five items, not the first item's releases
    assert len({o.uid for o in asked[:5]}) == 5


def test_a_re_solve_stopped_unproven_is_judged_alone(
    generated_plan: tuple[Instance, Plan], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A re-solve the time limit stopped before the first level was proven has no exact
    answer to give: the option is judged alone, not shown as the model's."""
    inst, plan = generated_plan
    real_solve = explain_module.solve

    def stopped(*args: Any, **kwargs: Any) -> Solution:
        found = real_solve(*args, **kwargs)
        return Solution(status="feasible", assignment=found.assignment,
                        level_values=found.level_values[:1])

    monkeypatch.setattr(explain_module, "solve", stopped)
    uid = next(u for u, rid in plan.assignments.items() if rid and inst.index(rid) > 2)
    options = explain_items(inst, plan, FAST, [uid])[uid]
    assert [o.alone for o in options if not o.current and not o.blocked_by] != []
    assert all(o.alone for o in options if not o.current and not o.blocked_by)


def test_a_clash_out_of_time_is_none_with_a_deadline() -> None:
    inst = Instance(load_scenario(SEC_2020 / "secmp0067-fixed-nov-2020.yaml"))
    assert minimal_clash(inst, FAST) == ["decision-in-time(SECMP0067)", "fixed(SECMP0067)"]
    assert minimal_clash(inst, FAST, budget=Budget(0)) is None


def in_asked_order(explained: dict[str, list[Any]], inst: Instance,
                   plan: dict[str, str | None]) -> list[Any]:
    """A whole plan's options in the order they were asked, not ranked: in turns, each
    item's own release, then its nearest earlier one, the next later one, and so on; each
    with its `uid`."""
    questions = {uid: whole_plan_questions(inst, rid) for uid, rid in plan.items()}
    by_release = {uid: {o.release: o for o in options} for uid, options in explained.items()}
    return [SimpleNamespace(**dict(by_release[uid][q[turn]]), uid=uid)
            for turn in range(max(map(len, questions.values())))
            for uid, q in questions.items() if turn < len(q)]


@pytest.fixture(scope="module")
def unproven_plan() -> tuple[Instance, Plan]:
    """250 generated items, planned within a budget that leaves the second level unproven."""
    inst = Instance(Scenario.model_validate(generate(250, 10, 1).scenario))
    plan = make_plan(inst, solve(inst, SolveOptions(time_limit=3)), SolveOptions(time_limit=1))
    assert plan.status == "feasible"
    return inst, plan


def test_a_plan_not_proven_is_explained_with_each_item_s_neighbours_free(
    unproven_plan: tuple[Instance, Plan], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The model is asked with only the item's neighbours free to move, everything else
    held: an open option is the plan with the item there against the plan with it kept
    where it is, both keeping every hard rule and moving no one else; a blocked one names
    the rules moving the item alone breaks, and its neighbours could make no room."""
    inst, plan = unproven_plan
    solved: dict[tuple[str | None, frozenset[str]], Solution] = {}
    real_held = explain_module._held

    def held(*args: Any) -> Solution | None:
        found = real_held(*args)
        if found is not None:
            solved[args[3], frozenset(args[6])] = found
        return found

    monkeypatch.setattr(explain_module, "_held", held)
    uid = next(u for u, rid in plan.assignments.items() if rid and inst.index(rid) >= 4)
    here = plan.assignments[uid]
    options = explain_items(inst, plan, SolveOptions(time_limit=60), [uid])[uid]
    asked = [o for o in options if not o.current]
    assert {o.alone for o in asked} == {False}
    assert [o for o in asked if o.neighbours is not None and not o.blocked_by]
    for option in asked:
        alone = {**plan.assignments, uid: option.release}
        broken = {v.rule for v in check_assignment(inst, alone) if v.hard}
        if option.neighbours is None:  # a rule on the item alone bars the release
            assert option.blocked_by and set(option.blocked_by) <= broken
            continue
        free = neighbourhood(inst, plan.assignments, inst.unit(uid), option.release)
        assert option.neighbours == len(free)
        moved = solved[option.release, frozenset(free)]
        if option.blocked_by:
            assert moved.status == "infeasible"
            assert set(option.blocked_by) == broken
            assert "none makes room" in option.summary
            continue
        stay = solved[here, frozenset(free)].assignment
        for found in (moved.assignment, stay):
            assert not [v for v in check_assignment(inst, found) if v.hard]
            assert {u for u, r in found.items() if r != plan.assignments[u]} <= free | {uid}
        assert moved.assignment[uid] == option.release and stay[uid] == here
        # the moves listed from the plan itself: applied to it, they give the option's plan
        # (listed from the re-solved `stay`, an equally good swap there left them short)
        assert option.other_moves == {u: (plan.assignments[u], r)
                                      for u, r in moved.assignment.items()
                                      if u != uid and plan.assignments[u] != r}
        recipe = {**plan.assignments, uid: option.release,
                  **{u: r for u, (_, r) in option.other_moves.items()}}
        assert recipe == moved.assignment
        after, before = term_values(inst, moved.assignment), term_values(inst, stay)
        assert option.term_change == {t: after[t] - before[t] for t in after
                                      if after[t] != before[t]}
        assert f"against keeping it in {here}" in option.summary
    text = Console(file=io.StringIO(), width=200)
    print_options(inst, next(i for i in plan.items if i.id == uid), options, text)
    assert "neighbours free to move" in text.file.getvalue()  # type: ignore[attr-defined]


@pytest.mark.parametrize("cut_short", ["moved", "kept"])
def test_a_neighbourhood_answer_cut_short_is_not_given_as_the_model_s(
    unproven_plan: tuple[Instance, Plan], monkeypatch: pytest.MonkeyPatch, cut_short: str,
) -> None:
    """A neighbourhood solve stopped before its proof (audit: +1,331 shown "near" where the
    proven answer was +247) leaves the option to be judged moving the item alone."""
    inst, plan = unproven_plan
    uid = next(u for u, rid in plan.assignments.items() if rid and inst.index(rid) >= 4)
    here = plan.assignments[uid]
    real_held = explain_module._held

    def held(*args: Any) -> Solution | None:
        found = real_held(*args)
        cut = (args[3] == here) == (cut_short == "kept")
        if found is None or found.status != "optimal" or not cut:
            return found
        return dataclasses.replace(found, status="feasible")  # as a search stopped early

    monkeypatch.setattr(explain_module, "_held", held)
    options = explain_items(inst, plan, SolveOptions(time_limit=60), [uid])[uid]
    asked = [o for o in options if not o.current]
    assert [o for o in asked if o.alone and not o.blocked_by]
    assert not [o for o in asked if o.neighbours is not None and not o.blocked_by]


def test_moves_are_listed_from_the_plan_not_from_its_equally_good_re_solve() -> None:
    """With neighbours free, the "kept where it is" plan is a re-solve that may swap two
    items the user's plan has the other way round (audit: CR1343 and MP294): the moves an
    option lists must start from the user's plan, or applying them breaks a rule."""
    inst = Instance(scenario([item(u) for u in "ABCD"]))
    users = {"A": "2021-06", "B": "2021-11", "C": "2022-06", "D": "2022-11"}
    re_solved = {**users, "B": "2022-06", "C": "2021-11"}  # B and C the other way round
    there = {**re_solved, "A": "2021-11", "B": "2021-06"}
    option = explain_module._open_option(
        inst, re_solved, _values(inst, re_solved), inst.unit("A"), "2021-11", there,
        _values(inst, there), "its 3 neighbour(s) free to move", moves_from=users)
    assert option.other_moves == {"B": ("2021-11", "2021-06"), "C": ("2022-06", "2021-11")}
    assert {**users, "A": "2021-11", **{u: r for u, (_, r) in option.other_moves.items()}} \
        == there


def _values(inst: Instance, plan: dict[str, str | None]) -> list[int]:
    return level_values(inst.scenario.objective, term_values(inst, plan))


def _not_proven(inst: Instance, assignments: dict[str, str | None]) -> Plan:
    """A valid plan as a solve stopped early might give, marked not proven optimal."""
    assert not [v for v in check_assignment(inst, assignments) if v.hard]
    plan = make_plan(inst, solve(inst, FAST), FAST)
    return plan.model_copy(update={"status": "feasible", "assignments": assignments,
                                   "objective": term_values(inst, assignments)})


def test_a_trade_off_with_other_items_moving_is_worded_as_the_plan_s() -> None:
    """B into the full 2021-06 pushes A (worth more) out to 2021-11: B itself comes sooner,
    the plan delivers later. The words must not say B would be later."""
    inst = Instance(scenario([item("A", value=5), item("B", value=1)],
                             [{"rule": "capacity", "releases": ["2021-06"], "max_count": 1,
                               "dcc_only": False}]))
    plan = make_plan(inst, solve(inst, FAST), FAST)
    assert plan.assignments == {"A": "2021-06", "B": "2021-11"}
    earlier = next(o for o in explain_items(inst, plan, FAST, ["B"])["B"]
                   if o.release == "2021-06")
    assert earlier.other_moves == {"A": ("2021-06", "2021-11")}
    assert earlier.summary.startswith("the plan would deliver 20 value-months later"), (
        earlier.summary)


def test_a_precedence_chain_moves_with_the_item() -> None:
    """Q before P before U, each a release apart: U can come a release earlier if P and Q
    do too, two links away."""
    inst = Instance(scenario([item("Q"), item("P"), item("U")],
                             [{"rule": "precedence", "before": "Q", "after": "P"},
                              {"rule": "precedence", "before": "P", "after": "U"}]))
    plan = _not_proven(inst, {"Q": "2021-11", "P": "2022-06", "U": "2022-11"})
    options = {o.release: o for o in explain_items(inst, plan, FAST, ["U"])["U"]}
    earlier = options["2022-06"]  # moving U alone breaks precedence(P, U)
    assert earlier.neighbours == 2 and not earlier.blocked_by
    assert next(d for d in earlier.level_change if d) < 0 and "missed it" in earlier.summary
    first = options["2021-06"]  # nothing can come before Q there
    assert first.neighbours == 2 and first.blocked_by == ["precedence(P, U)"]
    assert "none makes room" in first.summary


def test_a_move_is_costed_against_keeping_the_item_with_the_same_neighbours_free() -> None:
    """B could come sooner whatever A does: moving A later costs A's delay only, not B's
    gain, which keeping A where it is gets too."""
    inst = Instance(scenario([item("A", specs=["DUIS"], value=1),
                              item("B", specs=["DUIS"], value=10)]))
    plan = _not_proven(inst, {"A": "2021-11", "B": "2021-11"})
    options = {o.release: o for o in explain_items(inst, plan, FAST, ["A"])["A"]}
    later = options["2022-06"]
    assert later.neighbours == 1 and later.term_change["delay"] > 0
    assert next(d for d in later.level_change if d) > 0
    assert "so the plan keeps 2021-11" in later.summary and "sooner" not in later.summary


def test_a_full_release_with_a_fixed_neighbour_is_blocked_and_a_barred_one_needs_no_solve(
) -> None:
    inst = Instance(scenario(
        [item("ANCHOR", effort=3), item("A", effort=3, earliest="2021-11")],
        [FIX_ANCHOR, {"rule": "capacity", "max_effort": 4, "dcc_only": False}]))
    plan = _not_proven(inst, {"ANCHOR": "2021-11", "A": "2022-11"})
    options = {o.release: o for o in explain_items(inst, plan, FAST, ["A"])["A"]}
    full = options["2021-11"]
    assert full.blocked_by == ["capacity(all)"] and full.neighbours == 1
    assert "none makes room" in full.summary
    barred = options["2021-06"]
    assert barred.blocked_by == ["window(A)"] and barred.neighbours is None
    assert not barred.alone
    assert options["2022-06"].neighbours == 1 and "missed it" in options["2022-06"].summary


def test_neighbourhood_is_the_item_s_rules_and_specifications_in_the_years_it_touches(
    unproven_plan: tuple[Instance, Plan],
) -> None:
    inst, plan = unproven_plan
    uid = next(u for u, rid in plan.assignments.items() if rid and inst.index(rid) >= 4)
    unit, here = inst.unit(uid), plan.assignments[uid]
    near = neighbourhood(inst, plan.assignments, unit, here)
    far = neighbourhood(inst, plan.assignments, unit, inst.release_ids[0])
    assert uid not in far and near <= far
    years = {inst.release(here).year, inst.releases[0].year}
    assert far - near  # the first year's items too
    for other in far:
        rid = plan.assignments[other]
        small = any(other in scope and len(scope) <= NEIGHBOUR_RULE_SIZE
                    for r in inst.rules_for(uid) for scope in [r.scope(inst) or []])
        assert small or (rid is not None and inst.release(rid).year in years)


def test_a_reason_says_when_it_holds_the_rest_of_the_plan_still(
    seed_plans: dict[str, tuple[Instance, Plan]],
) -> None:
    """MP078 (GBCS) cannot go in 2021-06 alone: the uplift rules would break while
    SECMP0007 stays in 2021-11. That is not a rule against 2021-06 (`explain` ranks it open,
    with others moving), while its own decision date does bar 2020-11."""
    _, plan = seed_plans["secmp0067-send-back"]
    reasons = next(i.reasons for i in plan.items if i.id == "MP078")
    june = next(r for r in reasons if r.startswith("not 2021-06"))
    november = next(r for r in reasons if r.startswith("not 2020-11"))
    assert june.startswith("not 2021-06 (moving it alone): with MP078 in 2021-06, "
                           "uplift-cap(GBCS, 2021) breaks: GBCS is uplifted in 2 releases")
    assert november.startswith("not 2020-11: with MP078 in 2020-11, decision-in-time(MP078) "
                               "breaks: ")
    # its own decision bars SECMP0007 from 2021-06 whatever moves, though the GBCS rules
    # break there too (an acceptance test: it said "moving it alone")
    seven = next(i.reasons for i in plan.items if i.id == "SECMP0007")
    assert next(r for r in seven if r.startswith("not 2021-06")).startswith(
        "not 2021-06: with SECMP0007 in 2021-06, decision-in-time(SECMP0007) breaks: ")


def test_an_item_s_explanation_says_when_no_fall_back_is_left_and_why_it_is_outside() -> None:
    """Audit: "none in the horizon" was dropped from the item's line, and an item outside
    the horizon was explained as if in a release, with no reason."""
    inst = Instance(scenario([item("LATE", expected_decision="2022-06-01"),
                              item("NEVER", expected_decision="2023-01-01")]))
    plan = make_plan(inst, solve(inst, FAST), FAST)
    items = {i.id: i for i in plan.items}
    assert items["LATE"].release == "2022-11" and items["NEVER"].release is None
    explained = explain_items(inst, plan, FAST, ["LATE", "NEVER"])
    text = Console(file=io.StringIO(), width=300)
    for uid in ("LATE", "NEVER"):
        print_options(inst, items[uid], explained[uid], text)
    said = text.file.getvalue()  # type: ignore[attr-defined]
    assert (f"LATE Item LATE -> 2022-11; if the decision misses {items['LATE'].cut_off}: "
            "fall-back none in the horizon\n") in said
    assert ("NEVER Item NEVER -> no release\n"
            "  no release in the horizon satisfies its own rules: decision-in-time(NEVER)")\
        in said
    assert "chosen: the recommended plan leaves it out" in said
    never = {o.release: o.blocked_by for o in explained["NEVER"] if not o.current}
    assert never == {r: ["decision-in-time(NEVER)"] for r in inst.release_ids}


@pytest.mark.parametrize("time_limit", [0, 30])
def test_a_release_a_same_release_partner_cannot_take_is_barred_by_the_partner_s_rule(
    time_limit: float,
) -> None:
    """Audit (CR1313 of 250 items): 'moving it alone breaks capacity(all), same-release(...)'
    hid the real barrier, the partners' decisions. It holds whatever others do, so it is
    named without the solver, even with no time left (it read 'moving it alone')."""
    inst = Instance(scenario(
        [item("A"), item("B", expected_decision="2021-09-01"), item("C")],
        [{"rule": "same-release", "items": ["A", "B"]}]))
    best = solve(inst, FAST)
    assert best.assignment["A"] == best.assignment["B"] == "2021-11"
    options = {o.release: o for o in release_options(
        inst, best, "A", SolveOptions(time_limit=time_limit))}
    assert options["2021-06"].blocked_by == ["same-release(A, B)", "decision-in-time(B)"]
    assert not options["2021-06"].alone
    moved = {**best.assignment, "A": "2021-06", "B": "2021-06"}
    assert "decision-in-time(B)" in {v.rule for v in check_assignment(inst, moved) if v.hard}


def test_a_whole_plan_asks_each_item_why_not_sooner_and_why_not_the_next_release(
        seed_plans: dict[str, tuple[Instance, Plan]]) -> None:
    """SECMP0067 in June 2021 or with SECMP0007 in November 2021 is the Panel's question;
    an item in the last release has no next one."""
    inst, plan = seed_plans["secmp0067-send-back"]
    explained = explain_items(inst, plan, SolveOptions(time_limit=60))
    asked = {uid: {o.release for o in options} for uid, options in explained.items()}
    assert asked["SECMP0067"] == {"2020-11", "2021-06", "2021-11"}
    assert asked["MP084"] == {"2020-11", "2021-06"}
    assert asked["SECMP0007"] == {*inst.release_ids[:inst.index("2021-11") + 2]}
    later = next(o for o in explained["SECMP0067"] if o.release == "2021-11")
    assert not later.blocked_by and not later.alone and later.level_change[-1] == 5
    assert "net +5" in later.summary
    assert whole_plan_questions(inst, inst.release_ids[-1])[0] == inst.release_ids[-1]
    assert len(whole_plan_questions(inst, inst.release_ids[-1])) == len(inst.release_ids)


def test_the_plan_file_says_why_not_the_next_release_too(
        seed_plans: dict[str, tuple[Instance, Plan]]) -> None:
    inst, plan = seed_plans["secmp0067-send-back"]
    items = {i.id: i for i in plan.items}
    [later] = [r for r in items["SECMP0067"].reasons if "the next release" in r]
    assert later.startswith("not 2021-11, the next release (moving it alone): ")
    assert later.endswith("net +5 (priority 2: delay, uplifts, soft rules, moves), so the plan "
                          "keeps 2021-06; this rests on SECMP0067's value 5: at 4 or less, "
                          "2021-11 would cost no more")
    [pinned] = [r for r in items["MP081"].reasons if "the next release" in r]
    assert pinned == (  # its own rule, so not "moving it alone"; the move said as one
        "not 2021-06, the next release: with MP081 in 2021-06, fixed(MP081) breaks: MP081 is "
        "fixed in 2020-11 but goes in 2021-06")
    last = inst.release_ids[-1]
    assert all(not any("the next release" in r for r in i.reasons)
               for i in plan.items if i.release in (last, None))


@pytest.mark.parametrize("value", [4, 3])
def test_the_value_that_turns_a_choice_is_the_one_that_does(
        value: int, seed_plans: dict[str, tuple[Instance, Plan]]) -> None:
    """The send-back's explanation says June 2021 rests on SECMP0067's value 5, and that at
    4 or less November 2021 costs no more: re-planned at 4 (against the same base plan),
    November costs the same and the tie-break keeps June; at 3 the plan puts it in
    November."""
    inst, plan = seed_plans["secmp0067-send-back"]
    said = next(o for o in explain_items(inst, plan, FAST, ["SECMP0067"])["SECMP0067"]
                if o.release == "2021-11")
    assert said.summary.endswith("this rests on SECMP0067's value 5: at 4 or less, 2021-11 "
                                 "would cost no more")
    items = [i.model_copy(update={"value": value}) if i.id == "SECMP0067" else i
             for i in inst.scenario.items]
    other = Instance(inst.scenario.model_copy(update={"items": items}),
                     reference=inst.reference_plan)
    replanned = make_plan(other, solve(other, FAST), FAST)
    assert_valid(other, replanned)
    june = next(o for o in explain_items(other, replanned, FAST, ["SECMP0067"])["SECMP0067"]
                if o.release == "2021-06")
    if value == 4:
        assert replanned.assignments["SECMP0067"] == "2021-06"
        november = next(o for o in explain_items(other, replanned, FAST, ["SECMP0067"])[
            "SECMP0067"] if o.release == "2021-11")
        assert not any(november.level_change)
    else:
        assert replanned.assignments["SECMP0067"] == "2021-11" and june.level_change[-1] > 0


def _two_duis_items(value: int) -> Scenario:
    """A (value `value`, published in 2021-11) and B (in 2021-06) both change DUIS; moving A
    back to its published release saves a move (10) but delivers later; a second DUIS
    version is priced at a later priority."""
    return scenario(
        [item("A", specs=["DUIS"], value=value, baseline="2021-11"),
         item("B", specs=["DUIS"], value=1, baseline="2021-06")],
        objective=[{"term": "unplaced", "priority": 1, "weight": 1},
                   {"term": "delay", "priority": 2, "weight": 1},
                   {"term": "moves", "priority": 2, "weight": 10},
                   {"term": "uplifts", "priority": 3, "weight": 1}])


def test_a_value_claim_counts_the_later_priorities_at_a_tie() -> None:
    """An acceptance test: with uplifts at a later priority, a tie on delay and moves still
    keeps the plan, so the value that turns it is one lower, and the option then costs less."""
    inst = Instance(_two_duis_items(3))
    plan = make_plan(inst, solve(inst, FAST), FAST)
    assert plan.assignments["A"] == "2021-06"
    later = next(o for o in explain_items(inst, plan, FAST, ["A"])["A"] if o.release == "2021-11")
    claim = re.search(r"at (\d+) or less, 2021-11 would cost (less|no more)$", later.summary)
    assert claim, later.summary
    turn = int(claim[1])
    for value, expected in ((turn + 1, "2021-06"), (turn, "2021-11")):
        other = Instance(_two_duis_items(value))
        assert make_plan(other, solve(other, FAST), FAST).assignments["A"] == expected, value


def test_an_item_that_misses_its_deadline_says_which_rule_bars_which_releases() -> None:
    """An acceptance test: a BSC modification whose decision slipped past the cut-off of
    its regulatory deadline read "no release in the horizon satisfies its own rules" as if
    the horizon were too short; its decision bars the releases up to its deadline and its
    window the ones after."""
    inst = Instance(scenario([item("P457", latest="2021-11",
                                   expected_decision="2021-10-01")]))
    plan = make_plan(inst, solve(inst, FAST), FAST)
    [p457] = plan.items
    assert p457.release is None
    assert p457.reasons[0] == (
        "no release in the horizon satisfies its own rules: decision-in-time(P457) (P457's "
        "decision comes by the cut-off of its release) bars 2021-06 to 2021-11; window(P457) "
        "(P457 goes no later than 2021-11) bars 2022-06 to 2022-11")


def test_an_option_that_moves_others_says_which_rule_needs_them_to() -> None:
    """An acceptance test: P454 in 2028-06 read "other items would move: P457 2028-02 ->
    none" without the uplift cap that P454 alone there would break."""
    cap = {"rule": "capacity", "releases": ["2021-06"], "max_count": 1, "dcc_only": False}
    inst = Instance(scenario([item("A", value=5), item("B")], [cap]))
    best = solve(inst, FAST)
    assert best.assignment == {"A": "2021-06", "B": "2021-11"}
    option = next(o for o in release_options(inst, best, "B", FAST) if o.release == "2021-06")
    assert option.other_moves == {"A": ("2021-06", "2021-11")}
    assert option.moves_because == ["capacity(2021-06)"]
    assert ("; other items would move (with it alone there, capacity(2021-06) would break): "
            "A 2021-06 -> 2021-11") in option.summary
    later = next(o for o in release_options(inst, best, "A", FAST) if o.release == "2021-11")
    assert later.other_moves == {"B": ("2021-11", "2021-06")}  # by choice: no rule needs it
    assert not later.moves_because and "other items would move: B" in later.summary


def test_an_anchors_own_rule_is_said_as_what_bars_the_anchor() -> None:
    """A proposer read "blocked by aligned-uplift(GBCS, ANCHOR), decision-in-time(ANCHOR)"
    as the anchor's decision rule applying to their item: the anchor's own rule is said as
    what bars the anchor there."""
    from tests.conftest import item, scenario, solve_checked

    s = scenario([item("ANCHOR", specs=["GBCS"], expected_decision="2021-06-01"),
                  item("MINE", specs=["GBCS"])],
                 [{"rule": "aligned-uplift", "spec": "GBCS", "anchor": "ANCHOR", "year": 2021}])
    inst, plan = solve_checked(s)
    assert plan.assignments == {"ANCHOR": "2021-11", "MINE": "2021-11"}
    options = {o.release: o for o in explain_items(inst, plan, FAST, ["MINE"])["MINE"]}
    june = options["2021-06"]
    assert june.blocked_by == ["aligned-uplift(GBCS, ANCHOR)", "decision-in-time(ANCHOR)"]
    assert june.summary == ("aligned-uplift(GBCS, ANCHOR), as decision-in-time(ANCHOR) bars "
                            "ANCHOR there")
