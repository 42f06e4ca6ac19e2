"""Assumptions: written in the scenario, merged by what-ifs, shown with the value in force
by `secplan validate` and the report."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from solver.assumptions import about_words
from solver.instance import Instance
from solver.model import Plan
from solver.report import build_report
from solver.scenario import load_scenario
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
    assert "uplift-cap(GBCS, 2022): hard" in lines
    assert "aligned-uplift(DUIS, SECMP0007): soft (10)" in lines


def test_words_keep_the_order_written_and_say_parts_and_keys() -> None:
    s = load_scenario(SEC_2020 / "baseline.yaml")
    words = about_words(s, ["MP081.decided", "policy.dcc_baseline", "MP093.decided",
                            "SECMP0062.2", "SECMP0062.2.dcc_lead_time", "objective"])
    assert words == ["decided: MP081 2020-02-26, MP093 2019-10-23",
                     "policy.dcc_baseline: 12 months", "SECMP0062.2",
                     "SECMP0062.2 DCC lead time: 12 months", "objective"]


def test_validate_lists_them() -> None:
    out = subprocess.run([sys.executable, "-m", "solver", "validate",
                          str(SEC_2020 / "covid-dcc-delay.yaml")],
                         capture_output=True, text=True, cwd=ROOT, timeout=120,
                         env={**os.environ, "COLUMNS": "200"})
    assert out.returncode == 0, out.stderr
    assert "Assumptions (with the value in force)" in out.stdout
    assert "SECMP0067 DCC lead time: 7 months" in out.stdout


def test_the_report_lists_them_with_the_value_in_force(
        seed_plans: dict[str, tuple[Instance, Plan]]) -> None:
    inst, plan = seed_plans["secmp0067-send-back"]
    page = build_report(inst, plan)
    section = page[page.index('<section id="assumptions">'):]
    section = section[:section.index("</section>")]
    assert section.count("<tr>") == len(inst.scenario.assumptions) + 1  # with the header
    assert "SECMP0067 expected decision: 2020-11-19" in section
    assert "re-submitted" in section
    assert 'href="#assumptions"' in page  # from the summary's facts


def test_no_section_without_assumptions(seed_plans: dict[str, tuple[Instance, Plan]]) -> None:
    inst, plan = seed_plans["secmp0067-send-back"]
    bare = Instance(inst.scenario.model_copy(update={"assumptions": []}))
    page = build_report(bare, plan)
    assert 'id="assumptions"' not in page and 'href="#assumptions"' not in page
