"""The seed paper's conclusions, reproduced from the scenario files and checked."""

from __future__ import annotations

import datetime as dt

from solver.instance import Instance
from solver.model import Plan

Plans = dict[str, tuple[Instance, Plan]]

NOV_2021 = ["SECMP0007", "SECMP0015", "SECMP0024", "SECMP0046", "SECMP0056", "MP078", "MP090",
            "MP099"]
NOV_2020 = ["SECMP0062.2", "MP080", "MP081", "MP084", "MP088", "MP093", "MP098", "MP101",
            "MP102A", "MP103", "MP110", "MP112", "MP115", "MP118", "MP120", "DP124", "DP127",
            "CR1145", "CR1233", "CR1254", "CR1277", "CR1290", "CRTBC"]


def _gbcs_releases_2021(plan: Plan) -> list[str]:
    return [r.id for r in plan.releases if r.go_live.year == 2021 and "GBCS" in r.uplifts]


def test_every_seed_plan_is_valid_and_optimal(seed_plans: Plans) -> None:
    for name, (_, plan) in seed_plans.items():
        expected = "infeasible" if name == "secmp0067-fixed-nov-2020" else "optimal"
        assert plan.status == expected, name


def test_send_back_matches_the_paper(seed_plans: Plans) -> None:
    _, plan = seed_plans["secmp0067-send-back"]
    a = plan.assignments
    assert a["SECMP0067"] == "2021-06"
    assert {a[i] for i in NOV_2021} == {"2021-11"}
    assert {a[i] for i in NOV_2020} == {"2020-11"}
    assert _gbcs_releases_2021(plan) == [a["SECMP0007"]]


def test_baseline_keeps_secmp0067_in_november_2020(seed_plans: Plans) -> None:
    _, plan = seed_plans["baseline"]
    assert plan.assignments["SECMP0067"] == "2020-11"
    assert {plan.assignments[i] for i in NOV_2021} == {"2021-11"}


def test_no_extra_duis_version_puts_secmp0067_with_secmp0007(seed_plans: Plans) -> None:
    _, plan = seed_plans["no-extra-duis-2021"]
    assert plan.assignments["SECMP0067"] == "2021-11"
    duis_2021 = [r.id for r in plan.releases if r.go_live.year == 2021 and "DUIS" in r.uplifts]
    assert duis_2021 == ["2021-11"]


def test_mp084_and_mp088_cut_offs(seed_plans: Plans) -> None:
    cut = {name: {i.id: i.cut_off for i in plan.items}
           for name, (_, plan) in seed_plans.items() if plan.status != "infeasible"}
    for uid in ("MP084", "MP088"):
        assert cut["nov-2020-29-november"][uid] == dt.date(2020, 10, 22)  # as the paper says
        assert cut["baseline"][uid] == dt.date(2020, 9, 28)


def test_moving_the_go_live_moves_every_cut_off_and_no_item(seed_plans: Plans) -> None:
    _, base = seed_plans["baseline"]
    _, moved = seed_plans["nov-2020-29-november"]
    assert moved.assignments == base.assignments
    assert next(r.go_live for r in moved.releases if r.id == "2020-11") == dt.date(2020, 11, 29)
    before = {i.id: i for i in base.items}
    for item in moved.items:
        if item.release == "2020-11" and item.status not in ("approved",):
            assert item.cut_off is not None
            assert (item.cut_off - before[item.id].cut_off).days == 24  # type: ignore[operator]


def test_pending_items_have_a_fall_back(seed_plans: Plans) -> None:
    inst, plan = seed_plans["secmp0067-send-back"]
    items = {i.id: i for i in plan.items}
    assert items["MP084"].fall_back == "2021-06"
    # not 2021-11: its DCC-system scope is baselined on 4 November 2020, before a decision
    # after SECMP0067's cut-off (24 February 2021) could add it (an acceptance test)
    assert items["SECMP0067"].fall_back == "2022-06"
    assert ("fall-back past 2021-11: its DCC-system scope is baselined on 2020-11-04, before a "
            "decision after the cut-off 2021-02-24 could add it (an exception this scenario "
            "does not allow); a re-plan before 2020-11-04, knowing the decision will be late, "
            "may still put it in 2021-11") in items["SECMP0067"].reasons  # (an audit read the
    # two as a contradiction)
    for unit in inst.units:
        if not unit.decision_known:
            assert items[unit.id].fall_back is not None, unit.id
        else:
            assert items[unit.id].fall_back is None


def test_second_gbcs_uplift_brings_the_irp_batches_forward(seed_plans: Plans) -> None:
    _, plan = seed_plans["second-gbcs-uplift"]
    assert {plan.assignments[i] for i in ("MP078", "MP099")} == {"2021-06"}
    assert len(_gbcs_releases_2021(plan)) == 2


def test_covid_delay_pushes_secmp0007_and_its_gbcs_companions(seed_plans: Plans) -> None:
    _, plan = seed_plans["covid-dcc-delay"]
    a = plan.assignments
    assert a["SECMP0007"] == "2022-06"
    for uid in ("SECMP0015", "SECMP0046", "SECMP0056"):
        assert a[uid] == "2022-06"


def test_rejected_item_is_not_planned(seed_plans: Plans) -> None:
    _, plan = seed_plans["mp084-rejected"]
    assert "MP084" not in plan.assignments
    assert next(i for i in plan.items if i.id == "MP084").status == "rejected"


def test_infeasible_what_if_names_the_clash(seed_plans: Plans) -> None:
    inst, plan = seed_plans["secmp0067-fixed-nov-2020"]
    from solver.explain import minimal_clash

    assert plan.status == "infeasible"
    assert minimal_clash(inst) == ["decision-in-time(SECMP0067)", "fixed(SECMP0067)"]


def test_a_fall_back_is_where_a_late_decision_lapses_to(seed_plans: Plans) -> None:
    """Every pending item decided the day after its cut-off and the round re-planned
    against the plan, on that day's scope baselines: the item goes to its fall-back. (DP124
    without the extra DUIS version: 2021-06 is still possible if SECMP0007 and others slip a
    year, but the re-plan, like the Panel, keeps them and puts DP124 in 2021-11.) A release
    whose scope (DCC-system or full, as for the item) is baselined before that day is barred
    to it, as adding it there would be an exception (an acceptance test: SECMP0067 fell back
    to 2021-11, whose DCC-system scope is baselined in November 2020)."""
    from solver.changes import Redecide
    from solver.engine import SolveOptions, solve
    from solver.whatif import apply_changes

    for name in ("no-extra-duis-2021", "secmp0067-send-back"):
        inst, plan = seed_plans[name]
        pending = [i for i in plan.items if i.fall_back is not None and "." not in i.id]
        assert len(pending) >= 15
        for item in pending:
            assert item.cut_off is not None
            lapse = item.cut_off + dt.timedelta(days=1)
            late = Redecide.model_validate({"re-decide": item.id,
                                            "expected_decision": lapse.isoformat()})
            changed = apply_changes(inst.scenario, [late])
            unit = inst.unit(item.id)
            open_ = next(r for r in inst.releases if r.scope_baseline(unit.dcc_impact) >= lapse)
            items = [i.model_copy(update={"earliest": max(  # the later of the two
                [open_, *([inst.release(i.earliest)] if i.earliest else [])],
                key=lambda r: r.go_live).id}) if i.id == item.id else i
                for i in changed.items]
            moved = Instance(changed.model_copy(update={"items": items}),
                             reference=plan.assignments)
            solution = solve(moved, SolveOptions(time_limit=20), hint=plan.assignments)
            assert solution.status == "optimal"
            assert solution.assignment[item.id] == item.fall_back, (name, item.id)
            # SECMP0007 out of 2021 takes the 2021 GBCS version with it: MP078, MP090 and
            # MP099 must follow it (a Panel read: its fall-back left GBCS in 2021 alone)
            needs_moves = item.id == "SECMP0007"
            assert item.fall_back_needs_moves is needs_moves, (name, item.id)
            assert item.fall_back_barred_by == (["aligned-uplift(GBCS, SECMP0007)"]
                                                if needs_moves else [])
            if needs_moves:
                assert {u for u, r in solution.assignment.items() if r == "2022-06"} >= {
                    "SECMP0007", "MP078", "MP090", "MP099"}
        if name == "no-extra-duis-2021":
            assert next(i.fall_back for i in pending if i.id == "DP124") == "2021-11"
