"""Fall-backs on a generated scenario: the fast query (first release tried on its own, then
the rest) gives the earliest release the rules allow, as a plain CP-SAT minimisation says,
and that release has a plan the solver-free checker accepts."""

from __future__ import annotations

import csv
import gc
import io
import weakref
from typing import Any

import pytest
from rich.console import Console

from benchmarks.generate import generate
from solver import plan as plan_module
from solver.check import check_assignment
from solver.cpsat import cp_model, run_solver
from solver.engine import (
    ModelBuilder,
    Solution,
    SolveOptions,
    earliest_release,
    model_of,
    query_model,
    solve,
)
from solver.explain import PlanView
from solver.instance import Instance
from solver.model import Scenario
from solver.plan_io import plan_csv
from solver.report import build_report
from solver.report_text import fall_back_words, print_rid
from tests.conftest import item, scenario

OPTIONS = SolveOptions(time_limit=30)


def oracle(
    builder: ModelBuilder, unit: str, forbidden: list[str], plan: dict[str, str | None],
) -> tuple[str | None, dict[str, str | None] | None]:
    """The earliest release by one CP-SAT minimisation of the unit's slot (default
    settings, no hint), every other unit `plan` places kept in the horizon, with the plan
    that reaches it (None when no plan can: the unit is held in a release it is barred
    from, by a fixed item for instance)."""
    model = builder.model.clone()
    model.add(sum(builder.x(u, None) for u, r in plan.items() if r and u != unit) == 0)
    for rid in forbidden:
        if builder.can_use(unit, rid):
            model.add(model.get_bool_var_from_proto_index(builder.x(unit, rid).index) == 0)
    index = model.get_int_var_from_proto_index(builder.index(unit).index)
    model.minimize(index)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 30
    status = run_solver(solver, model)
    if status == cp_model.INFEASIBLE:
        return None, None
    assert status == cp_model.OPTIMAL
    k = round(solver.value(index))
    releases = builder.inst.release_ids
    plan = {
        u.id: next((r for r in releases if solver.value(builder.x(u.id, r))), None)
        for u in builder.inst.units
    }
    return (releases[k] if k < len(releases) else None), plan


def test_earliest_release_matches_a_plain_minimisation() -> None:
    generated = generate(120, 4, 5)
    inst = Instance(Scenario.model_validate(generated.scenario))
    plan = generated.witness
    first_taken = later = 0
    with model_of(inst) as builder:
        for unit in inst.units:
            rid = plan.get(unit.id)
            if rid is None:
                continue
            # barred from its own release and every one before it: the fall-back question,
            # and a harder one, as the first release left is often full
            forbidden = inst.release_ids[: inst.release_ids.index(rid) + 1]
            expected, witness = oracle(builder, unit.id, forbidden, plan)
            assert earliest_release(builder, unit.id, forbidden, OPTIONS, plan) == expected
            if witness is None:
                continue
            assert witness[unit.id] == expected
            assert not [v for v in check_assignment(inst, witness) if v.hard], unit.id
            assert all(witness[u] for u, r in plan.items() if r and u != unit.id)
            left = [
                r for r in inst.release_ids if r not in forbidden and builder.can_use(unit.id, r)
            ]
            if left and expected == left[0]:
                first_taken += 1
            elif left:
                later += 1
        assert not builder.model.proto.has_solution_hint()  # queries hint their own copies
    # both ways of answering are exercised: the first release left, and a later one
    assert first_taken >= 10
    assert later >= 1


def test_fall_backs_on_threads_equal_one_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    generated = generate(120, 4, 5)
    inst = Instance(Scenario.model_validate(generated.scenario))
    view = PlanView(inst, generated.witness)
    asked: list[str] = []

    def counted(builder: ModelBuilder, unit: str, *args: Any) -> str | None:
        asked.append(unit)
        return earliest_release(builder, unit, *args)

    monkeypatch.setattr(plan_module, "earliest_release", counted)
    monkeypatch.setattr(plan_module, "FALL_BACK_THREADS", 1)
    alone = plan_module.fall_backs(view, OPTIONS)
    monkeypatch.setattr(plan_module, "FALL_BACK_THREADS", 2)
    assert plan_module.fall_backs(view, OPTIONS) == alone
    found, unknown, *_ = alone
    assert unknown == set()
    assert len(set(asked)) >= 5  # answered by CP-SAT, not by the solver-free fast path
    assert set(asked) <= set(found)


def test_fall_backs_out_of_time_say_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """With no time left, each fall-back that needs CP-SAT is reported as not found, in the
    item's reasons, and the fast path's still are."""
    generated = generate(120, 4, 5)
    inst = Instance(Scenario.model_validate(generated.scenario))
    view = PlanView(inst, generated.witness)
    found, unknown, *_ = plan_module.fall_backs(view, SolveOptions(time_limit=0))
    assert len(unknown) >= 5
    assert found and not set(found) & unknown
    solution = Solution(status="feasible", assignment=dict(generated.witness))
    items = {i.id: i for i in plan_module.make_plan(inst, solution, SolveOptions(0)).items}
    for uid in unknown:
        assert items[uid].fall_back is None and not items[uid].fall_back_found
        assert "fall-back not found within the time limit" in items[uid].reasons
        assert fall_back_words(inst, items[uid]) == "not found in time"


def test_a_query_model_is_freed_without_the_garbage_collector() -> None:
    """The CLI runs with the cyclic garbage collector off; a query's copy of the model
    must still go as soon as the query is done, or every fall-back keeps one."""
    generated = generate(30, 2, 1)
    was_on = gc.isenabled()
    with model_of(Instance(Scenario.model_validate(generated.scenario))) as builder:
        gc.disable()
        try:
            with query_model(builder, generated.witness) as model:
                copy = weakref.ref(model)
                assert len(model.proto.solution_hint.vars) > 0
                del model
            assert copy() is None
        finally:
            if was_on:
                gc.enable()


def _holds(inst: Instance, plan: dict[str, str | None], uid: str, release: str,
           movers: list[str]) -> bool:
    """Whether a plan keeps every hard rule with `uid` in `release`, every other placed
    unit but `movers` where `plan` has it, and the movers in some release."""
    from ortools.sat.python import cp_model

    from solver.engine import ModelBuilder

    builder = ModelBuilder(inst)
    builder.model.add(builder.x(uid, release) == 1)
    for other, rid in plan.items():
        if other != uid and rid is not None:
            builder.model.add(builder.x(other, rid if other not in movers else None) ==
                              (1 if other not in movers else 0))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    return run_solver(solver, builder.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def test_a_fall_back_that_needs_others_to_move_says_so() -> None:
    """Only where no release left holds the item as the plan stands: moving it alone to its
    fall-back breaks a hard rule (judged by the checker), and the reasons say so."""
    generated = generate(120, 4, 5)
    inst = Instance(Scenario.model_validate(generated.scenario))
    solution = Solution(status="feasible", assignment=dict(generated.witness))
    plan = plan_module.make_plan(inst, solution, OPTIONS)
    said = [i for i in plan.items if i.fall_back_needs_moves]
    assert len(said) >= 3
    for placed in said:
        assert placed.fall_back is not None
        moved = {**plan.assignments, placed.id: placed.fall_back}
        broken = sorted({v.rule for v in check_assignment(inst, moved) if v.hard}
                        - {v.rule for v in check_assignment(inst, plan.assignments) if v.hard})
        assert broken, placed.id
        # the reasons name the rules that bar it there as the plan stands, as the checker does
        [reason] = [r for r in placed.reasons if r.startswith(f"fall-back {placed.fall_back}, "
                                                              "with ")]
        bar = "bars" if len(broken) == 1 else "bar"
        assert reason.endswith(f"({', '.join(broken)} {bar} it in {placed.fall_back} with the "
                               "others where they are)"), reason
        assert placed.fall_back_barred_by == broken  # and as data, for a tool to read
        # the fewest items that must move, each of them needed (a Panel read: "if others
        # move" hid which), and the reason names them
        assert placed.fall_back_moves and all(
            plan.assignments[m] is not None for m in placed.fall_back_moves)
        assert f", with {', '.join(placed.fall_back_moves)} moving too (the fewest that must)" \
            in reason  # a consequence, not a condition (a Panel read)
        assert _holds(inst, plan.assignments, placed.id, placed.fall_back,
                      placed.fall_back_moves)
        for kept in placed.fall_back_moves:
            fewer = [m for m in placed.fall_back_moves if m != kept]
            assert not _holds(inst, plan.assignments, placed.id, placed.fall_back, fewer)
    fast = [i for i in plan.items if i.fall_back is not None and i not in said]
    assert fast and all(
        not [v for v in check_assignment(inst, {**plan.assignments, i.id: i.fall_back})
             if v.hard] for i in fast)
    assert [i.id for i in plan.items if i.fall_back_needs_moves] == [i.id for i in said]
    assert all(not i.fall_back_barred_by for i in plan.items if not i.fall_back_needs_moves)


def test_scope_tables_mark_a_fall_back_that_needs_others_to_move() -> None:
    """The RID table (text and HTML) and plan.csv say which fall-backs hold the item only if
    other items move too, not only the item's reasons."""
    generated = generate(120, 4, 5)
    inst = Instance(Scenario.model_validate(generated.scenario))
    solution = Solution(status="feasible", assignment=dict(generated.witness))
    plan = plan_module.make_plan(inst, solution, OPTIONS)
    marked = next(i for i in plan.items if i.fall_back_needs_moves)
    alone = next(i for i in plan.items if i.fall_back and not i.fall_back_needs_moves)
    assert marked.release is not None and alone.release is not None
    console = Console(width=400, record=True, file=io.StringIO())
    for release in dict.fromkeys([marked.release, alone.release]):
        print_rid(inst, plan, release, console)
    rows = {line.split()[1].strip("│"): line for line in console.export_text().splitlines()
            if line.startswith("│")}
    movers = marked.fall_back_moves
    assert movers and f"{marked.fall_back}, with {movers[0]}" in rows[marked.id]
    assert f"{alone.fall_back}, with" not in rows[alone.id]
    page = build_report(inst, plan)
    scopes = page[page.index('<section id="releases"'):]  # (the summary lists them too)
    cells = scopes.count('<span class="note">with ')
    assert cells == sum(i.fall_back_needs_moves for i in plan.items)
    csv_rows = {r["item"]: r for r in csv.DictReader(io.StringIO(plan_csv(inst, plan)))}
    assert csv_rows[marked.id]["fall_back_needs_moves"] == "yes"
    assert csv_rows[marked.id]["fall_back_barred_by"] == ";".join(marked.fall_back_barred_by)
    assert csv_rows[marked.id]["fall_back_moves"] == ";".join(marked.fall_back_moves)
    assert marked.fall_back_barred_by
    assert csv_rows[alone.id]["fall_back_needs_moves"] == ""


def test_a_release_left_only_by_pushing_another_item_out_is_no_fall_back() -> None:
    """A misses 2022-06; 2022-11 takes one item and B, too late for any other release, is
    there. A re-plan leaves one of them out either way, so A has no fall-back in the
    horizon (it said "2022-11 (if others move)", which needed B out), and says why."""
    s = scenario([item("A", expected_decision="2021-10-15"),
                  item("B", expected_decision="2022-06-15")],
                 rules=[{"rule": "capacity", "releases": ["2022-11"], "max_count": 1,
                         "dcc_only": False}],
                 policy={"full_baseline": "1 month"})  # 2022-11's scope open on A's lapse
    inst = Instance(s)
    plan = plan_module.make_plan(inst, solve(inst, OPTIONS), OPTIONS)
    items = {i.id: i for i in plan.items}
    assert (items["A"].release, items["B"].release) == ("2022-06", "2022-11")
    assert items["A"].fall_back is None and not items["A"].fall_back_needs_moves
    assert ("no fall-back in the horizon: 2022-11 would hold it only if another item left "
            "the horizon") in items["A"].reasons
    assert items["A"].fall_back_if_one_leaves == "2022-11"
    assert items["A"].fall_back_if_others_move is None  # (that is for an earlier release)
    console = Console(width=300, record=True, file=io.StringIO())
    print_rid(inst, plan, "2022-06", console)
    # the table says where it could go (an acceptance test read "none" as nothing could)
    assert ("none in the horizon as the plan stands (2022-11 if another item leaves the "
            "horizon)") in console.export_text()


def test_a_pinned_pending_item_says_its_pin_leaves_it_no_fall_back() -> None:
    """An acceptance test: a pending item pinned to 2021-06 read "none in the horizon" with
    no word why; the pin bars every release it could still join, with no question to
    CP-SAT. Where it would go without the pin is said too (a proposer: a decision missing
    the cut-off still falls back; the pin is the Panel's target)."""
    s = scenario([item("A", expected_decision="2021-01-15")],
                 rules=[{"rule": "fixed", "item": "A", "release": "2021-06"}])
    inst = Instance(s)
    plan = plan_module.make_plan(inst, solve(inst, OPTIONS), OPTIONS)
    (a,) = plan.items
    assert (a.release, a.fall_back, a.fall_back_found) == ("2021-06", None, True)
    assert a.reasons[-1] == ("no fall-back: fixed(A) bars every release it could still join "
                             "(2022-06 to 2022-11); without it, 2022-06 as the plan stands")
    # (2021-11's scope is baselined by then)
    assert a.fall_back_without_own_rules == "2022-06"
    assert fall_back_words(inst, a) == "none: fixed(A) bars every release left (2022-06 " \
        "without it)"
    # where exceptions are allowed, the pin still bars 2021-11 (a review: "; 2021-11 only as
    # an exception" followed)
    loose = Instance(s.model_copy(update={"policy": s.policy.model_copy(
        update={"exceptions": "allowed"})}))
    (a,) = plan_module.make_plan(loose, solve(loose, OPTIONS), OPTIONS).items
    assert fall_back_words(loose, a) == "none: fixed(A) bars every release left (2022-06 " \
        "without it)"


def test_an_item_its_own_rules_keep_from_every_later_release_has_no_such_reason() -> None:
    """A (latest 2021-06) has no release left after missing 2021-06: no other item is in
    the way, so no reason may say one is."""
    s = scenario([item("A", latest="2021-06"), item("B")])
    inst = Instance(s)
    plan = plan_module.make_plan(inst, solve(inst, OPTIONS), OPTIONS)
    a = next(i for i in plan.items if i.id == "A")
    assert a.release == "2021-06" and a.fall_back is None
    assert a.fall_back_without_own_rules is None  # a window is a limit, not a target
    assert [r for r in a.reasons if "fall-back" in r] == [  # its own rule, none other
        "no fall-back: window(A) bars every release it could still join (2022-06 to 2022-11)"]


def test_a_fall_back_later_than_others_moving_allow_names_the_earlier_release() -> None:
    """A fall-back found as the plan stands may lie years after a release a re-plan could
    give by moving others (audit: 2025-06 stated, 2022-11 re-planned): the earliest such
    release is named beside it, and is exactly the earliest with others free (kept in the
    horizon), where moving the item alone breaks a hard rule."""
    generated = generate(120, 4, 5)
    inst = Instance(Scenario.model_validate(generated.scenario))
    plan = plan_module.make_plan(
        inst, Solution(status="feasible", assignment=dict(generated.witness)), OPTIONS)
    sooner = [i for i in plan.items if i.fall_back_if_others_move]
    assert len(sooner) >= 3
    order = inst.release_ids
    with model_of(inst) as builder:
        for entry in sooner:
            assert entry.fall_back and order.index(entry.fall_back_if_others_move or "") < \
                order.index(entry.fall_back)
            moved = {**plan.assignments, entry.id: entry.fall_back_if_others_move}
            assert [v for v in check_assignment(inst, moved) if v.hard], entry.id
            unit = inst.unit(entry.id)
            assert entry.release is not None
            missed = [r for r in order
                      if r not in plan_module.releases_left(inst, unit, entry.release)]
            expected, _ = oracle(builder, entry.id, missed, plan.assignments)
            assert expected == entry.fall_back_if_others_move, entry.id
            # the fewest items that must move for it, named, each of them needed (an
            # acceptance test: "2022-11 if other items move" hid that one item would)
            movers = entry.fall_back_moves
            assert movers and _holds(inst, plan.assignments, entry.id,
                                     entry.fall_back_if_others_move, movers)
            assert all(not _holds(inst, plan.assignments, entry.id,
                                  entry.fall_back_if_others_move,
                                  [m for m in movers if m != kept]) for kept in movers)
            who = f"{', '.join(movers)} move{'s' * (len(movers) == 1)}"
            assert (f"fall-back {entry.fall_back} as the plan stands; "
                    f"{entry.fall_back_if_others_move} if {who}") in entry.reasons
            assert fall_back_words(inst, entry) == (
                f"{entry.fall_back} (or {entry.fall_back_if_others_move} if {who})")


@pytest.mark.parametrize("exceptions", ["forbidden", "allowed"])
def test_a_fall_back_passes_over_a_release_whose_scope_is_baselined_by_the_lapse(
        exceptions: str) -> None:
    """An acceptance test: SECMP0067, lapsing on 25 February 2021, fell back to 2021-11,
    whose DCC-system scope was baselined in November 2020; a re-plan that day put it in
    2022-06. A (documentation only, 2021-06, cut-off 17 May 2021) misses 2021-11, whose full
    scope is baselined on 4 May 2021, and says why; B, kept to 2021-11 by its window, has no
    fall-back, and says that 2021-11 could take it as an exception where the scenario
    allows exceptions."""
    s = scenario([item("A"), item("B", latest="2021-11")], policy={"exceptions": exceptions})
    inst = Instance(s)
    plan = plan_module.make_plan(inst, solve(inst, OPTIONS), OPTIONS)
    items = {i.id: i for i in plan.items}
    assert (items["A"].release, items["A"].cut_off.isoformat()) == ("2021-06", "2021-05-17")
    assert (items["A"].fall_back, items["B"].release, items["B"].fall_back) == (
        "2022-06", "2021-06", None)
    said = ("fall-back past 2021-11: its full scope is baselined on 2021-05-04, before a "
            "decision after the cut-off 2021-05-17 could add it ("
            + ("an exception this scenario does not allow)" if exceptions == "forbidden" else
               "there only as an exception, which this scenario allows)")
            + "; a re-plan before 2021-05-04, knowing the decision will be late, may still put "
              "it in 2021-11")
    assert said in items["A"].reasons and said in items["B"].reasons
    assert fall_back_words(inst, items["B"]) == "none: window(B) bars every release left" + (
        "" if exceptions == "forbidden" else "; 2021-11 only as an exception (scope baselined "
                                             "by then)")
