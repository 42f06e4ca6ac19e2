"""`compare`'s reasons for what moved, and the reasons of an item left outside the horizon:
"forced" only where a rule on the item alone forces it; otherwise said to hold the rest of
the plan still (an audit found trade-offs called forced)."""

from __future__ import annotations

from pathlib import Path

from solver.compare import Comparison, compare_plans
from solver.instance import Instance
from solver.model import Plan
from tests.conftest import FAST, item, replanned, scenario, solve_checked

CAPACITY_ONE = {"rule": "capacity", "releases": ["2021-06"], "max_count": 1, "dcc_only": False}


def against_send_back(tmp_path: Path, name: str, lines: str
                      ) -> tuple[Plan, Instance, Plan, Comparison]:
    """The send-back's plan, and a what-if of it (`lines` after its `extends:`) planned
    against that plan and compared with it, as `secplan compare` does."""
    from solver.plan import plan_file
    from tests.conftest import SEC_2020

    base_path = SEC_2020 / "secmp0067-send-back.yaml"
    base_inst, base = plan_file(base_path)
    path = tmp_path / f"{name}.yaml"
    path.write_text(f"extends: {base_path}\n{lines}")
    inst, other = plan_file(path, reference=base.assignments)
    return base, inst, other, compare_plans(base, inst, other, base_inst)


def test_a_move_a_shared_rule_makes_is_not_called_forced() -> None:
    """A and B share 2021-06; a what-if allows one item there. B (worth more) stays, A
    moves: moving A back alone breaks the capacity, but A back and B out is a plan too."""
    items = [item("A", value=1), item("B", value=5),
             item("C", expected_decision="2021-06-01")]  # misses 2021-06 by its decision
    _, base = solve_checked(scenario(items))
    assert base.assignments == {"A": "2021-06", "B": "2021-06", "C": "2021-11"}
    late = [*items[:2], item("C", expected_decision="2021-10-01")]
    other_inst, other = replanned(scenario(late, [CAPACITY_ONE]), base)
    assert other.assignments == {"A": "2021-11", "B": "2021-06", "C": "2022-06"}
    reasons = {m.item: m.reason for m in compare_plans(base, other_inst, other).moved}
    assert reasons["A"].startswith("held out by a shared rule: moving it back alone breaks "
                                  "capacity(2021-06)")
    assert reasons["C"].startswith("forced: decision-in-time(C)")  # its own rule: forced


def test_a_forced_move_says_why_not_the_first_release_open_to_it() -> None:
    """An acceptance test: "forced: decision-in-time" beside an item gone to a later release
    read as if nothing sooner could take it. X misses 2021-06 in the what-if; 2021-11 would
    take it but for the GBCS version Y (fixed in 2021-06) already gives 2021."""
    cap = {"rule": "uplift-cap", "spec": "GBCS", "year": 2021, "max": 1}
    fixed = {"rule": "fixed", "item": "Y", "release": "2021-06"}
    items = [item("X", specs=["GBCS"], value=5),
             item("Y", status="approved", specs=["GBCS"], baseline="2021-06")]
    _, base = solve_checked(scenario(items, [cap, fixed]))
    assert base.assignments == {"X": "2021-06", "Y": "2021-06"}
    late, other = replanned(scenario([item("X", specs=["GBCS"], value=5,
                                           expected_decision="2021-06-01"), items[1]],
                                     [cap, fixed]), base)
    assert other.assignments["X"] == "2022-06"
    (moved,) = compare_plans(base, late, other).moved
    assert moved.reason.startswith("forced: decision-in-time(X)")
    assert moved.reason.endswith("; not in 2021-11 instead (moving it alone): with X in "
                                 "2021-11, uplift-cap(GBCS, 2021) breaks: GBCS is uplifted in "
                                 "2 releases of 2021 (2021-06, 2021-11), where at most 1 may")


def test_a_forced_move_says_what_bars_each_release_it_passes_over() -> None:
    """A proposer: MP131 went from 2021-06 to 2022-06 with "forced: decision-in-time" for
    2021-06 only, and their board asks why not 2021-11. X's decision misses both 2021-06
    and 2021-11 in the what-if: each release passed over says what bars it, with its
    cut-off."""
    _, base = solve_checked(scenario([item("X")]))
    assert base.assignments == {"X": "2021-06"}
    late, other = replanned(scenario([item("X", expected_decision="2021-10-20")]), base)
    assert other.assignments == {"X": "2022-06"}
    (moved,) = compare_plans(base, late, other).moved
    assert moved.reason.startswith("forced: decision-in-time(X): expected decision 2021-10-20 "
                                   "is after the cut-off of release 2021-06")
    assert moved.reason.endswith("; 2021-11 barred too: decision-in-time(X): expected decision "
                                 "2021-10-20 is after the cut-off of release 2021-11, 2021-09-27 "
                                 "(lead time 38 days (Parties) before go-live 2021-11-04)")


def test_an_item_left_out_says_whether_its_own_rules_bar_every_release() -> None:
    """A fits only 2021-06 (latest), which holds one item, pinned B; D's decision misses
    every release. Only D has no release its own rules allow."""
    s = scenario([item("A", latest="2021-06"), item("B", status="approved"),
                  item("D", expected_decision="2023-01-01")],
                 [CAPACITY_ONE, {"rule": "fixed", "item": "B", "release": "2021-06"}])
    _, plan = solve_checked(s)
    first = {i.id: i.reasons[0] for i in plan.items}
    assert plan.assignments["A"] is None and plan.assignments["D"] is None
    assert first["D"] == ("no release in the horizon satisfies its own rules: "
                          "decision-in-time(D) (D's decision comes by the cut-off of its "
                          "release) bars 2021-06 to 2022-11")
    assert first["A"].startswith("outside the horizon: each release would break a rule or cost "
                                 "more with the plan as it stands")


def test_an_item_no_release_can_take_whatever_others_do_says_which_rules() -> None:
    """An acceptance test: an item over every release's max_effort, and one whose
    specification's cap implemented items used up, read "each release would break a rule
    or cost more with the plan as it stands". A capacity it overfills alone, or an uplift
    cap, bars a release whatever other items do; with its own rules they bar them all."""
    big = {"rule": "capacity", "max_effort": 100, "dcc_only": False}
    s = scenario([item("BIG", effort=130, value=5), item("OK", effort=90),
                  item("G", specs=["GBCS"], earliest="2021-11", latest="2021-11"),
                  item("DONE", status="implemented", specs=["GBCS"], baseline="2021-06")],
                 [big, {"rule": "uplift-cap", "spec": "GBCS", "year": 2021, "max": 1}])
    _, plan = solve_checked(s)
    first = {i.id: i.reasons[0] for i in plan.items}
    assert plan.assignments["BIG"] is None and plan.assignments["OK"] == "2021-06"
    assert first["BIG"] == (
        "no release in the horizon can take it, whatever other items do: capacity(all) (in "
        "each release: at most 100 effort) bars 2021-06 to 2022-11")
    assert plan.assignments["G"] is None
    assert first["G"].startswith("no release in the horizon can take it, whatever other items "
                                 "do: window(G)")  # its own rule bars the rest, and
    assert first["G"].endswith("uplift-cap(GBCS, 2021) (at most 1 release(s) in 2021 change "
                               "GBCS (each a new version)) bars 2021-11")


def test_an_item_grown_past_a_capacity_is_forced_out_not_held_by_others() -> None:
    """A review: BIG's effort grew from 90 to 130 under a capacity of 100, and compare said
    "held out by a shared rule" (moving others might make room) where the plan's own
    reason said no release can take it whatever others do."""
    cap = {"rule": "capacity", "max_effort": 100, "dcc_only": False}
    _, base = solve_checked(scenario([item("BIG", effort=90, value=5)], [cap]))
    assert base.assignments == {"BIG": "2021-06"}
    grown, other = replanned(scenario([item("BIG", effort=130, value=5)], [cap]), base)
    c = compare_plans(base, grown, other)
    assert [(m.item, m.reason) for m in c.moved + c.left] == [
        ("BIG", "forced: capacity(all): 2021-06 holds 130 effort of changes; at most 100 "
                "(30 over)")]


def test_a_comparison_says_which_plan_is_not_proven_optimal() -> None:
    """An acceptance test at 1,000 items: a what-if moving one go-live "moved" two items
    whose swap improved the base plan itself, which was not proven optimal; nothing said
    so. A plan the search stopped before its proof is named, with its gap."""
    from solver.compare import unproven_words

    s = scenario([item("A", value=1), item("B", value=5)])
    inst, base = solve_checked(s)
    assert compare_plans(base, inst, base).unproven == ""  # both proven
    stopped = base.model_copy(update={"status": "feasible", "gap": 0.0043, "scenario": "big"})
    c = compare_plans(stopped, inst, base)
    assert c.unproven == unproven_words([("big", stopped)]) == (
        "big's plan (gap 0.43%) is not proven optimal: a move may be an improvement the "
        "search missed, not a consequence of the change; a longer --time-limit narrows it")


def test_moves_are_counted_from_the_base_plan_on_both_sides() -> None:
    """A Panel read: the send-back's moves (from the baseline) stood beside the COVID
    plan's (from the send-back) as "3 -> 5". The base has no moves from itself; the other
    plan's are the moves listed, each at its cost."""
    from solver.plan import plan_file
    from solver.report import build_report
    from tests.conftest import SEC_2020
    from tests.test_report import element, rows

    _, base = plan_file(SEC_2020 / "secmp0067-send-back.yaml", FAST)
    assert base.objective["moves"] > 0  # its own, from the baseline's plan
    inst, other = plan_file(SEC_2020 / "covid-dcc-delay.yaml", FAST, base.assignments)
    c = compare_plans(base, inst, other)
    moved = [m.item for m in c.moved]
    assert c.objective["moves"] == (0, sum(inst.move_cost(inst.unit(u)) for u in moved))
    page = build_report(inst, other, c)
    side = {r[0]: r for r in rows(element(page, "comparison"))
            if r and r[0] in ("moves from the base plan", "delay")}
    assert side["moves from the base plan"][1] == "0"
    assert 'class="better"' in element(page, "comparison")  # DUIS 2021: one version fewer


def test_a_new_item_left_out_is_not_said_to_enter_the_horizon() -> None:
    """An acceptance test: a what-if's new item that no release could take was listed
    under "Entered the horizon", from "-" to "-"."""
    s = scenario([item("A")])
    _, base = solve_checked(s)
    other = scenario([item("A"), item("B"), item("LATE", expected_decision="2023-01-01")])
    inst, plan = solve_checked(other)
    c = compare_plans(base, inst, plan)
    assert [(m.item, m.after) for m in c.entered] == [("B", plan.assignments["B"])]
    [late] = c.left
    assert (late.item, late.before, late.after) == ("LATE", None, None)
    assert late.reason.startswith("new in this scenario, and left out: no release in the "
                                  "horizon satisfies its own rules: decision-in-time(LATE)")


def test_the_objective_says_when_the_plans_count_different_items() -> None:
    """An acceptance test: rejecting MP258 made the what-if's delay "improve" (819 -> 753),
    read as a faster plan; it only no longer counts MP258. A new item counts only in the
    other plan."""
    items = [item("A", value=3), item("B", value=2)]
    _, base = solve_checked(scenario(items))
    other_inst, other = replanned(scenario([item("A", value=3, status="rejected"),
                                            item("B", value=2), item("N", value=1)],
                                           name="what-if"), base)
    c = compare_plans(base, other_inst, other)
    assert c.counted_apart == "A (rejected) counts only in test; N counts only in what-if"
    same = compare_plans(base, Instance(scenario(items), reference=base.assignments), base)
    assert same.counted_apart == ""


def test_a_comparison_lists_the_fall_backs_that_changed() -> None:
    """An audit: SECMP0067's fall-back went from 2021-11 to 2022-06 with the send-back, and
    compare said nowhere; the terminal and the report list it, with the move."""
    import io

    from rich.console import Console

    from solver.plan import plan_file
    from solver.report import build_report
    from solver.report_text import fall_back_words, print_comparison
    from tests.conftest import SEC_2020

    _, base = plan_file(SEC_2020 / "baseline.yaml")
    inst, other = plan_file(SEC_2020 / "secmp0067-send-back.yaml")
    c = compare_plans(base, inst, other)
    # the rule the send-back breaks, named (a DCC manager saw only "soft-rules 0 -> 10")
    assert (c.rules_broken, c.rules_kept) == (["aligned-uplift(DUIS, SECMP0007)"], [])
    changed = {f.item: (f.release, f.moved_from, f.before, f.after) for f in c.fall_backs}
    assert changed["SECMP0067"] == ("2021-06", "2020-11", "2021-11", "2022-06")
    olds, news = {i.id: i for i in base.items}, {i.id: i for i in other.items}
    for uid, (_, _, before, after) in changed.items():  # each a real change, as planned
        assert (olds[uid].fall_back, news[uid].fall_back) == (before, after) and before != after
    console = Console(width=200, record=True, file=io.StringIO())
    print_comparison(c, console)
    text = console.export_text()
    assert ("│ SECMP0067 │ 2021-06 (moved from 2020-11) │ 2021-11          │ 2022-06 (moves the "
            "DUIS version from 2021-06) │") in text  # as the scope tables word them
    said = "Rules broken now, kept in baseline: aligned-uplift(DUIS, SECMP0007)"
    assert said in text
    page = build_report(inst, other, comparison=c)
    assert "Fall-backs that changed" in page and "(moved from 2020-11)" in page
    assert said in page
    # the same release, now only with others moving: a change, said as the tables say it (a
    # DCC manager read "2025-11 -> 2022-11" as better where 2022-11 needed 24 moves)
    same = next(i for i in other.items if i.fall_back and i.id not in changed)
    flagged = other.model_copy(update={"items": [
        i.model_copy(update={"fall_back_needs_moves": True}) if i.id == same.id else i
        for i in other.items]})
    change = next(f for f in compare_plans(base, inst, flagged).fall_backs if f.item == same.id)
    assert (change.before_words, change.after_words) == (
        fall_back_words(inst, olds[same.id]), f"{same.fall_back}, with other items moving too")


def test_a_rule_switched_off_is_not_said_to_be_kept(tmp_path: Path) -> None:
    """A review: a what-if switching off the alignment the send-back breaks read "Rules
    broken in secmp0067-send-back, kept now", beside "No item moved"."""
    base, _, _, c = against_send_back(
        tmp_path, "off", "changes:\n  - switch-off: 'aligned-uplift(DUIS, SECMP0007)'\n")
    assert "aligned-uplift(DUIS, SECMP0007)" in {v.rule for v in base.violations}
    assert c.rules_kept == [] and c.rules_broken == []
    assert c.rules_gone == ["aligned-uplift(DUIS, SECMP0007) (switched off)"]


def test_a_rule_broken_that_lapses_or_is_new_is_named(tmp_path: Path) -> None:
    """An acceptance test: SECMP0007 rejected, compare showed "soft-rules 10 -> 0" and no
    word of the alignment that lapsed with it; a soft rule a what-if adds and its plan
    breaks was not named either."""
    from solver.report_text import rule_change_words

    *_, c = against_send_back(tmp_path, "rejected", "changes:\n  - reject: SECMP0007\n")
    assert c.objective["soft-rules"] == (10, 0)
    assert rule_change_words(c) == [
        "Rules broken in secmp0067-send-back, not in force now: aligned-uplift(DUIS, "
        "SECMP0007) (lapsed: SECMP0007 is rejected)"]
    *_, c = against_send_back(  # MP084 and MP088 both sit in 2020-11
        tmp_path, "added", "rules:\n  add:\n    - {rule: never-together, items: [MP084, "
        "MP088], hard: false, penalty: 1}\n")
    assert c.rules_new == ["never-together(MP084, MP088)"] and c.rules_broken == []
    assert "Rules not in force in secmp0067-send-back, broken now: never-together(MP084, " \
        "MP088)" in rule_change_words(c)


def test_a_planning_date_moved_is_said_beside_the_delay_it_changes(tmp_path: Path) -> None:
    """An acceptance test: a month rolled on read "delay 647 -> 535" with no word why; the
    delay counts months from as_of."""
    from solver.report_text import rule_change_words

    *_, c = against_send_back(tmp_path, "later", "as_of: 2020-06-26\n")
    assert c.objective["delay"][0] != c.objective["delay"][1]
    assert rule_change_words(c)[0] == (
        "Planned as of 2020-06-26, where secmp0067-send-back is as of 2020-05-26: delay "
        "counts each item's months from that date, so it changes for items that stay put")
    *_, c = against_send_back(tmp_path, "same", "description: the same\n")
    assert c.as_of is None


def test_a_release_gone_live_keeps_its_versions_and_its_rules_are_judged_no_more(
        tmp_path: Path) -> None:
    """An acceptance test, the month June 2021 went live: compare read "DUIS 2021: 2 -> 1"
    (the uplift cap still counting the version that went live) and "Rules broken in BASE,
    kept now" of the alignment the live DUIS version had broken."""
    from tests.conftest import assert_valid

    base, inst, other, c = against_send_back(
        tmp_path, "live", "as_of: 2021-07-01\nitems:\n  update:\n    SECMP0067: {status: "
        "implemented, decided: 2020-11-19, expected_decision: null, baseline: '2021-06'}\n")
    assert base.assignments["SECMP0067"] == "2021-06"
    assert "aligned-uplift(DUIS, SECMP0007)" in {v.rule for v in base.violations}
    assert_valid(inst, other)
    assert "DUIS" in next(r for r in other.releases if r.id == "2021-06").uplifts
    assert c.uplifts_per_year["DUIS"][2021][1] >= 1 and not c.rules_kept
    assert ("aligned-uplift(DUIS, SECMP0007) (no longer judged on SECMP0067: implemented)"
            in c.rules_gone)
