"""The what-if change vocabulary: each change does what its name says."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from solver.instance import Instance
from solver.scenario import ScenarioError, load_scenario
from tests.conftest import SEC_2020

BASE = SEC_2020 / "baseline.yaml"


def what_if(tmp_path: Path, changes: str) -> Path:
    path = tmp_path / "what-if.yaml"
    path.write_text(f"extends: {BASE}\nchanges:\n{changes}")
    return path


def item(path: Path, uid: str) -> object:
    return next(i for i in load_scenario(path).items if i.id == uid)


def test_send_back_approve_reject_withdraw(tmp_path: Path) -> None:
    path = what_if(tmp_path, "  - {send-back: MP084, expected_decision: 2020-12-01}\n"
                             "  - {approve: MP088, decided: 2020-05-20}\n"
                             "  - {reject: MP098}\n  - {withdraw: MP101}\n"
                             "  - {re-decide: MP110, expected_decision: 2020-09-01}\n")
    s = load_scenario(path)
    got = {i.id: (i.status, i.decided, i.expected_decision) for i in s.items}
    assert got["MP084"] == ("sent-back", None, dt.date(2020, 12, 1))
    assert got["MP088"] == ("approved", dt.date(2020, 5, 20), None)
    assert got["MP098"][0] == "rejected" and got["MP101"][0] == "withdrawn"
    assert got["MP110"] == ("change-board-vote", None, dt.date(2020, 9, 1))
    assert s.changes == []


def test_a_later_file_has_the_newer_word_on_an_item_an_earlier_one_decided(
    tmp_path: Path,
) -> None:
    """A monthly re-plan: May's file approves MP080 and MP101, December's marks MP080
    implemented and removes MP101. Changes apply after every file's overlays, so the
    approval undid December's update (MP080 stayed approved, with no word) and failed on
    the removed item; a later file's update of an item's decision, or its removal, drops
    the earlier file's change of it, an approval's date kept where the update gives none.
    Its own changes still come after its overlays."""
    may = what_if(tmp_path, "  - {approve: MP080, decided: 2020-05-20}\n"
                            "  - {approve: MP101, decided: 2020-05-20}\n"
                            "  - {approve: MP088, decided: 2020-05-20}\n")
    december = tmp_path / "december.yaml"
    december.write_text(f"extends: {may.name}\nas_of: 2020-12-01\nitems:\n  update:\n"
                        "    MP080: {status: implemented, baseline: '2020-11'}\n"
                        "    MP088: {baseline: '2020-11'}\n"
                        "  remove: [MP101]\nchanges:\n  - {reject: MP115}\n")
    s = load_scenario(december)
    got = {i.id: (i.status, i.decided) for i in s.items}
    assert got["MP080"] == ("implemented", dt.date(2020, 5, 20))  # May's approval date
    # kept (an acceptance test: lost, the base's expected decision shown as in force)
    assert next(i for i in s.items if i.id == "MP080").expected_decision is None
    assert "MP101" not in got
    assert got["MP088"] == ("approved", dt.date(2020, 5, 20))  # its decision not restated
    assert got["MP115"][0] == "rejected"
    same = tmp_path / "same.yaml"  # in one file, the changes come after the overlays
    same.write_text(f"extends: {BASE}\nitems:\n  update:\n    MP080: {{status: withdrawn}}\n"
                    "changes:\n  - {approve: MP080, decided: 2020-05-20}\n")
    assert item(same, "MP080").status == "approved"  # type: ignore[attr-defined]


def test_release_changes(tmp_path: Path) -> None:
    path = what_if(tmp_path, "  - {move-release: '2020-11', go_live: 2020-11-29}\n"
                             "  - {cancel-release: '2022-06'}\n"
                             "  - {add-release: '2021-03', go_live: 2021-03-18}\n")
    inst = Instance(load_scenario(path))
    assert [(r.id, r.go_live.isoformat()) for r in inst.releases] == [
        ("2020-11", "2020-11-29"), ("2021-03", "2021-03-18"), ("2021-06", "2021-06-24"),
        ("2021-11", "2021-11-04"), ("2022-11", "2022-11-03")]


def test_a_go_live_moved_later_does_not_reopen_a_baselined_scope(tmp_path: Path) -> None:
    """An acceptance test: with 2020-11 moved four weeks later, a new documentation-only
    item decided in July joined 2020-11 with no exception, though its full scope was
    baselined on 5 May 2020, before the planning date (26 May)."""
    from solver.check import check_assignment
    from solver.engine import solve

    path = what_if(tmp_path, "  - {move-release: '2020-11', go_live: 2020-12-03}\n"
                             "items:\n  add:\n    - {id: MP130, title: New doc-only change, "
                             "route: self-governance, status: change-board-vote, "
                             "expected_decision: 2020-07-22, party_lead_time: 38 days, "
                             "value: 2}\n")
    inst = Instance(load_scenario(path))
    assert inst.release("2020-11").full_baseline == dt.date(2020, 5, 5)
    plan = solve(inst).assignment
    assert plan["MP130"] == "2021-06" and check_assignment(inst, plan) == []
    broken = check_assignment(inst, {**plan, "MP130": "2020-11"})
    assert [v.rule for v in broken] == ["scope-baseline(MP130)"]


def test_an_allowed_exception_is_said_as_one_in_the_headline(tmp_path: Path) -> None:
    """An acceptance test: a report's summary said an exception only as "Rules broken:
    scope-baseline(MP142) (soft)". The headline names it, item, release and baseline, and
    the rules broken are the others."""
    from solver.plan import plan_file
    from solver.report_text import headline

    path = tmp_path / "urgent.yaml"
    path.write_text(f"extends: {BASE}\npolicy: {{exceptions: allowed}}\nitems:\n  add:\n"
                    "    - {id: MP130, title: Urgent fix, route: fast-track, status: "
                    "change-board-vote, expected_decision: 2020-07-15, party_lead_time: "
                    "2 weeks, deadline: 2020-12-31, value: 5}\n")
    inst, plan = plan_file(path)
    assert plan.assignments["MP130"] == "2020-11"
    lines = headline(inst, plan)
    assert ("Exceptions: MP130 added to 2020-11 after its full scope baseline 2020-05-05 "
            "(as of 2020-05-26)") in lines
    assert not [line for line in lines if "scope-baseline(" in line]


def test_shift_and_scale_lead_times_touch_only_pending_dcc_items(tmp_path: Path) -> None:
    s = load_scenario(what_if(tmp_path, "  - {shift-lead-times: 1 month 10 days}\n"))
    lead = {i.id: (i.dcc_lead_time, i.party_lead_time) for i in s.items}
    assert lead["SECMP0007"] == ("13 months 10 days", "6 months")
    assert lead["CR1145"] == ("12 months", "0 days")  # approved: unchanged
    assert lead["MP084"] == ("0 days", "38 days")      # no DCC impact: unchanged
    s = load_scenario(what_if(tmp_path, "  - {scale-lead-times: 1.5, dcc_only: false}\n"))
    lead = {i.id: (i.dcc_lead_time, i.party_lead_time) for i in s.items}
    assert lead["SECMP0007"] == ("18 months", "9 months")
    assert lead["MP084"] == ("0 days", "57 days")
    assert lead["MP078"][0] == "13 months 15 days"  # 9 months: was 14 (half to even)
    s = load_scenario(what_if(tmp_path, "  - {scale-lead-times: 1.1, items: [SECMP0067]}\n"))
    lead = {i.id: (i.dcc_lead_time, i.party_lead_time) for i in s.items}
    assert lead["SECMP0067"][0] == "4 months 12 days"  # 4 months: a 10 % stretch was none


def test_shifting_every_lead_time_gives_no_dcc_lead_time_to_an_item_without_dcc_impact(
        tmp_path: Path) -> None:
    """An acceptance test: with dcc_only false, MP084's 0-day DCC lead time became 1 month,
    which the warnings then called a DCC lead time without DCC impact."""
    from solver.lint import scenario_warnings

    s = load_scenario(what_if(tmp_path, "  - {shift-lead-times: 1 month, dcc_only: false}\n"))
    lead = {i.id: (i.dcc_lead_time, i.party_lead_time) for i in s.items}
    assert lead["MP084"] == ("0 days", "1 month 38 days")
    assert lead["SECMP0007"] == ("13 months", "7 months")
    assert not scenario_warnings(s)


def test_rule_changes(tmp_path: Path) -> None:
    path = what_if(tmp_path, "  - {set-rule: 'uplift-cap(GBCS, 2021)', max: 2}\n"
                             "  - {switch-off: 'decision-in-time(MP084)'}\n"
                             "  - {pin: SECMP0067, release: '2021-11'}\n")
    inst = Instance(load_scenario(path))
    rules = {r.name: r for r in inst.rules}
    assert rules["uplift-cap(GBCS, 2021)"].max == 2  # type: ignore[attr-defined]
    assert "decision-in-time(MP084)" not in rules
    assert rules["fixed(SECMP0067)"].release == "2021-11"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ("  - {reject: MP0844}\n", "no item 'MP0844'; did you mean 'MP084'?"),
        ("  - {reject: MP098}\n  - {withdraw: MP098}\n",  # twice was silent (an acceptance
         "MP098 is already rejected: nothing to withdraw"),  # test)
        ("  - {switch-off: 'fixed(NOPE)'}\n", "switch-off: unknown rule 'fixed(NOPE)'"),
        ("  - {switch-off: 'aligned-uplift(GBCS, SECMP007)'}\n",
         "switch-off: unknown rule 'aligned-uplift(GBCS, SECMP007)'; did you mean "
         "'aligned-uplift(GBCS, SECMP0007)'?"),
        ("  - {set-rule: 'uplift-cap(GBCS, 2030)', max: 2}\n", "no rule"),
        ("  - {set-rule: 'uplift-cap(GBCS, 2023)', max: 2}\n",
         "no rule 'uplift-cap(GBCS, 2023)' in the scenario; did you mean "
         "'uplift-cap(GBCS, 2022)'?"),
        ("  - {sned-back: MP084}\n", "unknown change 'sned-back'; did you mean 'send-back'?"),
        ("  - {zzz: MP084}\n", "unknown change 'zzz'; a change starts with one of: send-back,"),
        ("  - {expected_decision: 2021-03-01, sned-back: MP084}\n",  # the action's typo
         "unknown change 'sned-back'; did you mean 'send-back'?"),
        ("  - {move-release: '2020-12', go_live: 2020-12-01}\n", "unknown release '2020-12'"),
    ],
)
def test_bad_changes_name_file_and_place(tmp_path: Path, changes: str, problem: str) -> None:
    path = what_if(tmp_path, changes)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert problem in str(err.value)
    assert "then changes:" not in str(err.value)  # "changes[0]: then changes: switch-off"
    assert err.value.file == str(path) and err.value.line is not None


def test_stretched_lead_times_reach_a_split_items_parts() -> None:
    """A part's own lead time is stretched too, and a part is judged by its own DCC impact
    and status: the COVID-19 case must not leave a part's cut-off where it was."""
    from solver.changes import ShiftLeadTimes
    from solver.model import Scenario
    from solver.whatif import apply_changes

    data = load_scenario(BASE).model_dump(mode="json", by_alias=True, exclude_none=True)
    data["items"].append({
        "id": "SPLIT", "title": "A split DCC change", "route": "authority",
        "status": "report-due", "expected_decision": "2020-09-24", "dcc_impact": True,
        "dcc_lead_time": "6 months", "party_lead_time": "2 months",
        "parts": [{"id": "1", "dcc_lead_time": "8 months"}, {"id": "2"},
                  {"id": "3", "dcc_impact": False}, {"id": "4", "status": "approved"}]})
    stretched = apply_changes(Scenario.model_validate(data),
                              [ShiftLeadTimes.model_validate({"shift-lead-times": "3 months"})])
    units = {u.id: (u.dcc_lead_time, u.party_lead_time)
             for u in Instance(stretched).units if u.item.id == "SPLIT"}
    assert units == {"SPLIT.1": ("11 months", "2 months"), "SPLIT.2": ("9 months", "2 months"),
                     "SPLIT.3": ("6 months", "2 months"), "SPLIT.4": ("6 months", "2 months")}


def test_changes_may_pass_through_an_invalid_state(tmp_path: Path) -> None:
    """Only the scenario with every change applied is judged: a pin may name the release a
    later change adds, and a release may take a day another one leaves."""
    path = what_if(tmp_path, "  - {pin: MP084, release: '2021-09'}\n"
                             "  - {add-release: '2021-09', go_live: 2021-09-02}\n"
                             "  - {add-release: '2021-07', go_live: 2021-06-24}\n"
                             "  - {move-release: '2021-06', go_live: 2021-06-17}\n")
    inst = Instance(load_scenario(path))
    assert inst.release("2021-07").go_live == dt.date(2021, 6, 24)
    assert any(r.name == "fixed(MP084)" and r.release == "2021-09"  # type: ignore[attr-defined]
               for r in inst.rules)


def test_a_decision_may_slip_by_a_period(tmp_path: Path) -> None:
    """An acceptance test: "the decision slips four months" had to be worked out by hand
    into a date."""
    path = what_if(tmp_path, "  - {re-decide: MP084, slip: 4 months}\n"
                             "  - {re-decide: MP110, slip: 6 weeks}\n")
    s = load_scenario(path)
    got = {i.id: (i.status, i.expected_decision) for i in s.items}
    assert got["MP084"] == ("with-authority", dt.date(2020, 12, 27))  # from 27 Aug 2020
    assert got["MP110"] == ("change-board-vote", dt.date(2020, 8, 5))  # from 24 Jun 2020
    # from the decision in force: an overdue one's is as_of (an acceptance test: a slip
    # from the overdue date still fell before as_of, and changed nothing)
    overdue = what_if(tmp_path, "  - {re-decide: MP084, expected_decision: 2020-01-01}\n"
                                "  - {re-decide: MP084, slip: 2 months}\n")
    assert item(overdue, "MP084").expected_decision == dt.date(2020, 7, 26)  # as_of 26 May


def test_a_slip_of_an_overdue_decision_counts_from_its_own_files_date(tmp_path: Path) -> None:
    """An acceptance test: `slip: 2 months` on an overdue decision in August's file drifted
    a month later with every monthly file extending it, as changes apply after every
    file's overlays and counted from the last file's `as_of`."""
    august = tmp_path / "august.yaml"
    august.write_text(f"extends: {BASE}\nas_of: 2020-08-31\n"
                      "changes:\n  - {re-decide: MP080, slip: 2 months}\n")  # due 27 May
    september = tmp_path / "september.yaml"
    september.write_text("extends: august.yaml\nas_of: 2020-09-30\n")
    for path in (august, september):
        assert item(path, "MP080").expected_decision == dt.date(2020, 10, 31), path.name
    given = tmp_path / "given.yaml"  # a date given to count from is kept
    given.write_text("extends: august.yaml\nchanges:\n"
                     "  - {re-decide: MP084, slip: 1 month, as_of: 2020-09-15}\n")
    assert item(given, "MP084").expected_decision == dt.date(2020, 10, 15)


@pytest.mark.parametrize(("change", "problem"), [
    ("{re-decide: MP081, slip: 4 months}",
     "changes[0]: MP081 has no expected decision to slip (it is approved): give "
     "expected_decision, a date"),
    ("{re-decide: MP084}", "changes[0].re-decide: give expected_decision (a date) or slip"),
    ("{re-decide: MP084, slip: 4 months, expected_decision: 2021-01-01}",
     "changes[0].re-decide: give expected_decision (a date) or slip"),
])
def test_a_slip_needs_an_expected_decision_and_no_date(tmp_path: Path, change: str,
                                                        problem: str) -> None:
    with pytest.raises(ScenarioError, match=re.escape(problem)):
        load_scenario(what_if(tmp_path, f"  - {change}\n"))


def test_what_a_what_if_changes_is_listed_file_by_file(tmp_path: Path) -> None:
    """An acceptance test: a what-if's changes were in neither validate nor the report, only
    its description. Each file of the chain, nearest first, with its overlays and changes
    one line an entry, in the file's own words."""
    from typer.testing import CliRunner

    from solver.cli import app
    from solver.scenario import what_if_changes

    path = tmp_path / "w.yaml"
    path.write_text(
        f"extends: {SEC_2020 / 'covid-dcc-delay.yaml'}\ndescription: more\n"
        "items:\n  update: {MP084: {expected_decision: 2020-09-10, value: 3}}\n"
        "  remove: [MP101]\ncalendar: {moves: {'2020-11': 2020-11-29}}\n"
        "changes:\n  - {reject: MP088}\n  - {approve: MP080, decided: 2020-05-01}\n")
    assert what_if_changes(path) == [
        ("w.yaml", ["items.update.MP084: {expected_decision: 2020-09-10, value: 3}",
                    "items.remove: [MP101]", "calendar.moves: {2020-11: 2020-11-29}",
                    "changes: {reject: MP088}", "changes: {approve: MP080, decided: 2020-05-01}"]),
        ("covid-dcc-delay.yaml", ["changes: {shift-lead-times: 3 months, dcc_only: true, "
                                  "pending_only: true, note: COVID-19 delays at the DCC's "
                                  "Service Providers.}"]),
        ("secmp0067-send-back.yaml", ["changes: {send-back: SECMP0067, expected_decision: "
                                      "2020-11-19}"])]
    assert what_if_changes(SEC_2020 / "baseline.yaml") == []
    shown = CliRunner().invoke(app, ["validate", str(path)], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert "What w.yaml changes:\n  items.update.MP084: {expected_decision: 2020-09-10, " \
        "value: 3}\n" in shown.output
    assert "What secmp0067-send-back.yaml changes:" in shown.output
    report = tmp_path / "r.html"
    made = CliRunner().invoke(app, ["report", str(path), "-o", str(report)])
    assert made.exit_code == 0, made.output
    assert "What it changes" in report.read_text() and "{reject: MP088}" in report.read_text()


def test_a_move_out_of_a_base_plan_release_baselined_without_the_item_is_an_ordinary_move(
) -> None:
    """A monthly re-plan: SECMP0067 sat in June 2021 in the base plan, whose DCC scope was
    baselined since without it (its `baseline` not updated); moving it out was called "out
    of a baselined scope" and charged as such, beside a note that it was outside June's
    published scope. Only an item in the baselined scope (its `baseline` there) moves out
    of one."""
    from tests.conftest import item, scenario

    dcc = {"dcc_impact": True, "dcc_lead_time": "6 months", "expected_decision": "2020-12-01"}
    s = scenario([item("OUT", **dcc), item("IN", baseline="2021-06", **dcc)])
    inst = Instance(s, reference={"OUT": "2021-06", "IN": "2021-06"})
    assert [inst.in_baselined_scope(inst.unit(u)) for u in ("OUT", "IN")] == [False, True]
    assert [inst.move_cost(inst.unit(u)) for u in ("OUT", "IN")] == [
        1, s.policy.baselined_move_cost]


def test_a_lead_time_change_reaches_the_items_as_its_file_leaves_them(tmp_path: Path) -> None:
    """An acceptance test: a month's `scale-lead-times: 1.1` (no `items`) stretched an item
    a later month added with 3 months to 3 months 9 days, as changes apply after every
    file's overlays. It reaches the items its own file leaves; a later file that adds an
    item, or writes an item's lead time again, has the newer word on it."""
    stretched = what_if(tmp_path, "  - {scale-lead-times: 1.5}\n")
    later = tmp_path / "later.yaml"
    later.write_text(
        f"extends: {stretched.name}\nitems:\n  update:\n    MP078: {{dcc_lead_time: 5 months}}\n"
        "  add:\n    - {id: MP150, title: New, status: report-due, route: self-governance, "
        "expected_decision: 2020-09-01, dcc_impact: true, dcc_lead_time: 3 months}\n")
    lead = {i.id: i.dcc_lead_time for i in load_scenario(later).items}
    assert lead["MP150"] == "3 months" and lead["MP078"] == "5 months"  # the newer words
    assert lead["SECMP0007"] == "18 months" and lead["MP090"] == "13 months 15 days"
    assert {i.id: i.dcc_lead_time for i in load_scenario(stretched).items}["MP078"] == \
        "13 months 15 days"  # in its own file, MP078's 9 months stretched
