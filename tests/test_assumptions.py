"""Assumptions: written in the scenario, merged by what-ifs, shown with the value in force
by `secplan validate` and the report."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from solver.assumptions import about_words, as_written, in_force, written_in
from solver.instance import Instance
from solver.model import Plan
from solver.report import build_report
from solver.scenario import ScenarioError, load_scenario
from tests.conftest import ROOT, SEC_2020


def _what_if(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "w.yaml"
    path.write_text(f"extends: {SEC_2020 / 'baseline.yaml'}\n{body}")
    return path


def test_a_what_if_revises_the_assumption_about_the_same_names() -> None:
    base = load_scenario(SEC_2020 / "baseline.yaml")
    send_back = load_scenario(SEC_2020 / "secmp0067-send-back.yaml")
    about = ["SECMP0067.expected_decision"]
    [before] = [a.note for a in base.assumptions if a.about == about]
    [after] = [a.note for a in send_back.assumptions if a.about == about]
    assert "before the send-back" in before and "re-submitted" in after
    assert len(send_back.assumptions) == len(base.assumptions)  # replaced, not added
    assert [a.about for a in send_back.assumptions] == [a.about for a in base.assumptions]


def test_one_name_reads_as_a_list_and_new_ones_are_added(tmp_path: Path) -> None:
    path = _what_if(tmp_path, "assumptions:\n  - {about: MP084, note: 'Rejected, we think.'}\n")
    s = load_scenario(path)
    assert s.assumptions[-1].about == ["MP084"]
    assert len(s.assumptions) == len(load_scenario(SEC_2020 / "baseline.yaml").assumptions) + 1


def test_removing_an_item_or_rule_drops_what_is_said_about_it(tmp_path: Path) -> None:
    path = _what_if(tmp_path, "items: {remove: [MP090, SECMP0067]}\n"
                              "rules: {remove: ['uplift-cap(GBCS, 2022)']}\n")
    s = load_scenario(path)
    names = {n for a in s.assumptions for n in a.about}
    assert not {n for n in names if n.startswith(("MP090", "SECMP0067"))}
    assert "uplift-cap(GBCS, 2022)" not in names
    assert {"MP078.dcc_lead_time", "MP099.dcc_lead_time"} <= names  # MP090's partners stay


def test_the_value_in_force_is_the_what_ifs() -> None:
    """The COVID what-if shifts DCC lead times by three months: the baseline's note on
    SECMP0067 (4 months) now sits beside the 7 months in force."""
    s = load_scenario(SEC_2020 / "covid-dcc-delay.yaml")
    lines = {line for a in s.assumptions for line in about_words(s, a.about)}
    assert "SECMP0067 DCC lead time: 7 months" in lines
    assert "DCC lead time 12 months: MP078, MP090, MP099" in lines
    assert "SECMP0067 expected decision: 2020-11-19" in lines
    assert "decided 2019-10-01: CR1145, CR1233, CR1254, CR1277, CR1290, CRTBC" in lines
    assert ("uplift-cap(GBCS, 2022): hard; at most 1 release(s) in 2022 change GBCS (each a "
            "new version)") in lines
    assert ("aligned-uplift(DUIS, SECMP0007): soft (10); in 2021, only the release of "
            "SECMP0007 changes DUIS (none does if SECMP0007 is not in 2021; the rule lapses if "
            "SECMP0007 is rejected or withdrawn)") in lines


def test_words_keep_the_order_written_and_say_parts_and_keys() -> None:
    s = load_scenario(SEC_2020 / "baseline.yaml")
    words = about_words(s, ["MP081.decided", "policy.dcc_baseline", "MP093.decided",
                            "SECMP0062.2", "SECMP0062.2.dcc_lead_time", "calendar"])
    assert words == ["decided: MP081 2020-02-26, MP093 2019-10-23",
                     "DCC scope baseline: 12 months", "SECMP0062.2",
                     "SECMP0062.2 DCC lead time: 12 months", "calendar"]


def test_validate_lists_them() -> None:
    out = subprocess.run([sys.executable, "-m", "solver", "validate",
                          str(SEC_2020 / "covid-dcc-delay.yaml")],
                         capture_output=True, text=True, cwd=ROOT, timeout=120,
                         env={**os.environ, "COLUMNS": "200"})
    assert out.returncode == 0, out.stderr
    assert "Assumptions (with the value in force)" in out.stdout
    assert "SECMP0067 DCC lead time: 7 months" in out.stdout
    assert "(as written, in baseline.yaml: SECMP0067 DCC lead time: 4 months)" in out.stdout


def test_the_report_lists_them_with_the_value_in_force(
        seed_plans: dict[str, tuple[Instance, Plan]]) -> None:
    inst, plan = seed_plans["secmp0067-send-back"]
    page = build_report(inst, plan)
    section = page[page.index('<section id="assumptions">'):]
    section = section[:section.index("</section>")]
    assert section.count("<tr>") == len(inst.scenario.assumptions) + 1  # with the header
    assert "SECMP0067 expected decision: <time datetime=\"2020-11-19\">19 Nov 2020</time>" \
        in section  # dates as the report's tables write them
    assert "re-submitted" in section and "<td>secmp0067-send-back.yaml</td>" in section
    assert 'href="#assumptions"' in page  # from the summary's facts


def test_no_section_without_assumptions(seed_plans: dict[str, tuple[Instance, Plan]]) -> None:
    inst, plan = seed_plans["secmp0067-send-back"]
    bare = Instance(inst.scenario.model_copy(update={"assumptions": []}))
    page = build_report(bare, plan)
    assert 'id="assumptions"' not in page and 'href="#assumptions"' not in page


def test_each_says_which_file_wrote_it_and_what_it_said_then() -> None:
    """The COVID what-if adds three months to the lead times the baseline's notes speak of
    (4 and 9 months): the value in force sits beside the value the note was written for."""
    s = load_scenario(SEC_2020 / "covid-dcc-delay.yaml")
    by_about = {tuple(a.about): a for a in s.assumptions}
    lead = by_about[("SECMP0067.dcc_lead_time",)]
    assert written_in(lead) == "baseline.yaml"
    assert as_written(s, lead) == "as written, in baseline.yaml: SECMP0067 DCC lead time: 4 months"
    irp = by_about[("MP078.dcc_lead_time", "MP090.dcc_lead_time", "MP099.dcc_lead_time")]
    assert as_written(s, irp) == "as written, in baseline.yaml: DCC lead time 9 months: MP078, " \
                                 "MP090, MP099"
    own = s.assumptions[-1]
    assert written_in(own) == "covid-dcc-delay.yaml" and as_written(s, own) is None
    decision = by_about[("SECMP0067.expected_decision",)]  # revised by the send-back
    assert written_in(decision) == "secmp0067-send-back.yaml"
    assert as_written(s, decision) is None
    unchanged = by_about[("SECMP0067.value",)]
    assert as_written(s, unchanged) is None


def test_the_objective_s_weights_are_its_value_in_force() -> None:
    s = load_scenario(SEC_2020 / "baseline.yaml")
    assert in_force(s, "objective") == ("priority 1: unplaced x1, exceptions x1; priority 2: "
                                        "delay x1, uplifts x10, soft-rules x1, moves x5")


def test_the_go_live_the_baseline_assumes_shows_the_29_november_move() -> None:
    s = load_scenario(SEC_2020 / "nov-2020-29-november.yaml")
    [moves] = [a for a in s.assumptions if a.about == ["calendar.moves"]]
    assert about_words(s, moves.about) == ["go-live moves: 2020-11: 2020-11-29"]
    assert as_written(s, moves) == "as written, in baseline.yaml: go-live moves: none"


def test_a_what_if_may_name_what_its_changes_make_and_loses_what_they_rename(
        tmp_path: Path) -> None:
    """A review: set-rule renaming a rule the base's assumptions name was bad input the
    what-if's author could not fix, and a pin's rule could not be named."""
    path = _what_if(tmp_path, """changes:
  - {set-rule: "uplift-cap(GBCS, 2022)", year: 2023}
  - {pin: MP084, release: "2021-06"}
assumptions:
  - {about: "fixed(MP084)", note: The Panel pins it.}
  - {about: "uplift-cap(GBCS, 2023)", note: Moved a year on.}
""")
    s = load_scenario(path)
    names = [n for a in s.assumptions for n in a.about]
    assert "uplift-cap(GBCS, 2022)" not in names  # the base's, renamed away: dropped
    assert names[-2:] == ["fixed(MP084)", "uplift-cap(GBCS, 2023)"]
    assert about_words(s, ["fixed(MP084)"]) == ["fixed(MP084): hard; MP084 goes in 2021-06"]


def test_a_what_if_may_say_why_it_removes_an_item_or_rule(tmp_path: Path) -> None:
    path = _what_if(tmp_path, """items: {remove: [MP090]}
rules: {remove: ["uplift-cap(GBCS, 2022)"]}
assumptions:
  - {about: [MP090, "uplift-cap(GBCS, 2022)"], note: Withdrawn; no cap once it is gone.}
""")
    s = load_scenario(path)
    assert s.assumptions[-1].about == ["MP090", "uplift-cap(GBCS, 2022)"]
    assert about_words(s, s.assumptions[-1].about) == ["MP090", "uplift-cap(GBCS, 2022)"]


def test_a_misspelt_name_in_a_base_is_bad_input_in_its_what_ifs_too(tmp_path: Path) -> None:
    """An acceptance test: validate passed a what-if of a base with a misspelt name (the
    name was dropped as if the what-if had removed it), solve refused it."""
    base = _what_if(tmp_path, "assumptions:\n  - {about: SECMP067.value, note: typo}\n")
    top = tmp_path / "top.yaml"
    top.write_text(f"extends: {base.name}\ndescription: on top\n")
    for path in (base, top):
        with pytest.raises(ScenarioError) as err:
            load_scenario(path)
        assert err.value.file == str(base) and err.value.line == 3
        assert err.value.place == "assumptions[0].about[0]"
        assert "did you mean 'SECMP0067.value'" in err.value.problem


def test_a_part_an_update_drops_leaves_the_base_s_assumptions(tmp_path: Path) -> None:
    base = tmp_path / "base.yaml"
    base.write_text(f"extends: {SEC_2020 / 'baseline.yaml'}\n"
                    "assumptions:\n  - {about: [SECMP0062.2.effort, MP081.value], note: x}\n")
    top = tmp_path / "top.yaml"
    top.write_text("extends: base.yaml\nitems:\n  update:\n    SECMP0062:\n      parts:\n"
                   "        - {id: '1', status: implemented}\n"
                   "rules: {remove: ['fixed(SECMP0062.2)']}\n")
    [said] = [a for a in load_scenario(top).assumptions if a.note == "x"]
    assert said.about == ["MP081.value"]


def test_two_of_a_what_if_s_own_about_the_same_names_are_both_kept(tmp_path: Path) -> None:
    path = _what_if(tmp_path, "assumptions:\n  - {about: MP084.value, note: One.}\n"
                              "  - {about: MP084.value, note: Two.}\n")
    assert [a.note for a in load_scenario(path).assumptions][-2:] == ["One.", "Two."]


def test_a_what_if_that_removes_and_adds_back_keeps_its_own_assumption(
        tmp_path: Path) -> None:
    path = _what_if(tmp_path, """rules:
  remove: ["aligned-uplift(DUIS, SECMP0007)"]
  add: [{rule: aligned-uplift, spec: DUIS, anchor: SECMP0007, hard: false, penalty: 30}]
assumptions:
  - {about: "aligned-uplift(DUIS, SECMP0007)", note: Thirty now.}
""")
    s = load_scenario(path)
    [own] = [a for a in s.assumptions if a.about == ["aligned-uplift(DUIS, SECMP0007)"]]
    assert own.note == "Thirty now." and in_force(s, own.about[0]).startswith("soft (30); ")


def test_the_same_names_in_another_order_replace_the_base_s(tmp_path: Path) -> None:
    path = _what_if(tmp_path, "assumptions:\n  - about: [MP088.expected_decision, "
                              "MP084.expected_decision]\n    note: Revised.\n")
    s = load_scenario(path)
    notes = [a.note for a in s.assumptions if set(a.about) == {
        "MP084.expected_decision", "MP088.expected_decision"}]
    assert notes == ["Revised."]


@pytest.mark.parametrize("order", ["items first", "assumptions first"])
def test_one_about_the_names_a_removal_leaves_replaces_the_base_s(tmp_path: Path,
                                                                  order: str) -> None:
    """An acceptance test: the base's [MP084, MP088] decision dates, MP084 removed, and a
    what-if's own note on MP088's alone were both listed."""
    removal = "items: {remove: [MP084]}\n"
    own = "assumptions:\n  - {about: MP088.expected_decision, note: Revised.}\n"
    s = load_scenario(_what_if(tmp_path, removal + own if order == "items first"
                               else own + removal))
    about_mp088 = [a for a in s.assumptions if "MP088.expected_decision" in a.about]
    assert [(a.about, a.note) for a in about_mp088] == [(["MP088.expected_decision"],
                                                         "Revised.")]
    assert written_in(about_mp088[0]) == "w.yaml"

    # and so in a what-if of that what-if (an acceptance test: the base's came back)
    child = tmp_path / "child.yaml"
    child.write_text(f"extends: {tmp_path / 'w.yaml'}\ndescription: A what-if of it.\n")
    inherited = [a for a in load_scenario(child).assumptions
                 if "MP088.expected_decision" in a.about]
    assert [(a.note, written_in(a)) for a in inherited] == [("Revised.", "w.yaml")]


def test_a_switched_off_rule_and_an_unset_field_say_so(tmp_path: Path) -> None:
    path = _what_if(tmp_path, """changes:
  - {approve: MP084, decided: 2020-05-01}
  - {switch-off: "uplift-cap(GBCS, 2022)"}
""")
    s = load_scenario(path)
    assert about_words(s, ["MP084.expected_decision", "MP088.expected_decision",
                           "uplift-cap(GBCS, 2022)"]) == [
        "expected decision: MP084 not set, MP088 2020-08-27",
        "uplift-cap(GBCS, 2022): switched off"]


def test_a_rule_s_value_in_force_is_what_it_asks(tmp_path: Path) -> None:
    """An acceptance test: set-rule raised the 2022 cap to 2 and the assumption beside it
    still read "hard"; what the rule asks now, and asked where the note was written, show."""
    path = _what_if(tmp_path, 'changes:\n  - {set-rule: "uplift-cap(GBCS, 2022)", max: 2}\n')
    s = load_scenario(path)
    [cap] = [a for a in s.assumptions if a.about == ["uplift-cap(GBCS, 2022)"]]
    assert in_force(s, "uplift-cap(GBCS, 2022)") == (
        "hard; at most 2 release(s) in 2022 change GBCS (each a new version)")
    assert as_written(s, cap) == ("as written, in baseline.yaml: uplift-cap(GBCS, 2022): hard; "
                                  "at most 1 release(s) in 2022 change GBCS (each a new version)")


def test_a_rule_a_closed_item_makes_moot_says_it_no_longer_applies(tmp_path: Path) -> None:
    """An acceptance test: with SECMP0007 rejected, the assumption about its DUIS alignment
    still read "soft (10); in 2021, only the release of SECMP0007 changes DUIS", though the
    plan leaves the rule out (as `secplan validate` warns)."""
    path = _what_if(tmp_path, "changes:\n  - {reject: SECMP0007}\n")
    s = load_scenario(path)
    assert about_words(s, ["aligned-uplift(DUIS, SECMP0007)", "uplift-cap(GBCS, 2022)"]) == [
        "aligned-uplift(DUIS, SECMP0007): no longer applies: SECMP0007 is rejected",
        "uplift-cap(GBCS, 2022): hard; at most 1 release(s) in 2022 change GBCS (each a new "
        "version)"]
    [duis] = [a for a in s.assumptions if a.about == ["aligned-uplift(DUIS, SECMP0007)"]]
    assert (as_written(s, duis) or "").startswith(
        "as written, in baseline.yaml: aligned-uplift(DUIS, SECMP0007): soft (10)")
