"""The command line, through the installed entry point and typer's runner."""

from __future__ import annotations

import csv
import functools
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from solver.cli import app
from solver.instance import Instance
from solver.scenario import load_scenario
from tests.conftest import ROOT, SEC_2020, scenario_file

runner = CliRunner()
SEND_BACK = str(SEC_2020 / "secmp0067-send-back.yaml")


def secplan(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "solver", *args], capture_output=True,
                          text=True, check=False)


def test_solve_writes_plan_files(tmp_path: Path) -> None:
    result = runner.invoke(app, ["solve", SEND_BACK, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "SECMP0067" in result.output
    plan = json.loads((tmp_path / "plan.json").read_text())
    assert plan["status"] == "optimal"
    assert plan["assignments"]["SECMP0067"] == "2021-06"
    csv_lines = (tmp_path / "plan.csv").read_text().splitlines()
    assert csv_lines[0].startswith("item,title,status,release,go_live,cut_off,fall_back")
    assert any(line.startswith("SECMP0067,") and ",2021-06," in line for line in csv_lines)
    # an implemented part keeps its own facts (an acceptance test: "no" and no specifications)
    rows = {r["item"]: r for r in csv.DictReader(io.StringIO("\n".join(csv_lines)))}
    assert (rows["SECMP0062.1"]["status"], rows["SECMP0062.1"]["dcc_impact"],
            rows["SECMP0062.1"]["specs"]) == ("implemented", "yes", "DUIS")
    # a pending item's expected decision and days to its cut-off, as the report's (a DCC
    # manager could not draw the decisions at risk from plan.csv); none once decided
    assert (rows["SECMP0024"]["expected_decision"], rows["SECMP0024"]["margin_days"]) == (
        "2020-10-22", "13")
    assert (rows["MP081"]["expected_decision"], rows["MP081"]["margin_days"]) == ("", "")
    # a decided item has no cut-off to meet, as the terminal shows it (a proposer read one)
    assert (rows["MP081"]["cut_off"], rows["SECMP0024"]["cut_off"]) == ("", "2020-11-04")
    # every move, where the summary lists a few ("and 13 more routes", with no way to see
    # the rest): SECMP0067 leaves its published 2020-11
    assert {r["item"]: r["moved_from"] for r in rows.values() if r["moved_from"]} == {
        "SECMP0067": "2020-11"}


def test_solve_json_is_byte_identical_across_runs() -> None:
    first = secplan("solve", SEND_BACK, "--json")
    second = secplan("solve", SEND_BACK, "--json")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert json.loads(first.stdout)["scenario"] == "secmp0067-send-back"


def test_infeasible_scenario_prints_the_clash_and_exits_1(tmp_path: Path) -> None:
    result = secplan("solve", str(SEC_2020 / "secmp0067-fixed-nov-2020.yaml"),
                     "--out", str(tmp_path))
    assert result.returncode == 1
    assert "decision-in-time(SECMP0067)" in result.stdout
    assert "fixed(SECMP0067)" in result.stdout
    assert ("  - fixed(SECMP0067): SECMP0067 is fixed in 2020-11 but goes in 2021-06"
            ) in result.stdout  # the smallest relaxation, with what it does
    written = json.loads((tmp_path / "plan.json").read_text())
    assert written["status"] == "infeasible"
    # the pin, the Panel's lever, first; the decision date, which it does not control, after
    # (Panel review: only "relax the decision date" was said)
    assert written["relaxation"] == [{
        "rule": "fixed(SECMP0067)", "hard": True,
        "message": "SECMP0067 is fixed in 2020-11 but goes in 2021-06"}]
    assert [v["rule"] for v in written["relaxation_alternatives"]] == [
        "decision-in-time(SECMP0067)"]
    assert ("Or relax any one of these instead:\n  - decision-in-time(SECMP0067): expected "
            "decision 2020-11-19 is after the") in result.stdout
    # the pin's item's own rules barring its release, each with its dates
    assert ("fixed(SECMP0067) puts SECMP0067 in 2020-11, which each of these bars on its "
            "own:\n  - decision-in-time(SECMP0067): expected decision 2020-11-19 is after the "
            "cut-off") in result.stdout


def test_a_clash_with_a_pin_names_every_rule_of_its_item_barring_the_release(
    tmp_path: Path,
) -> None:
    """A proposer pinned a late DCC item to a release whose DCC scope was baselined: the
    clash (one minimal set) named only the decision, and they concluded a faster decision
    would do. Every one of the item's own rules barring the release is named, with what it
    says there, in the terminal and the report."""
    from tests.conftest import item, scenario

    s = scenario([item("A", dcc_impact=True, dcc_lead_time="9 months",
                       expected_decision="2020-12-01")],
                 [{"rule": "fixed", "item": "A", "release": "2021-06"}])
    path = scenario_file(tmp_path / "s.json", s)
    result = runner.invoke(app, ["solve", str(path)], env={"COLUMNS": "250"})
    assert result.exit_code == 1
    lines = result.output.splitlines()
    at = lines.index("fixed(A) puts A in 2021-06, which each of these bars on its own:")
    assert [line.split(":")[0] for line in lines[at + 1:at + 3]] == [
        "  - decision-in-time(A)", "  - scope-baseline(A)"]
    assert "2020-09-24" in lines[at + 1] and "2020-06-24" in lines[at + 2]  # cut-off, baseline
    from solver.model import CLASH_WORDS  # not "without any one of them the rest can hold":

    assert "dropping one of these may not be enough" in CLASH_WORDS  # read as a plan then
    assert f"{CLASH_WORDS}:" in " ".join(result.output.split())  # (an acceptance test)
    report = tmp_path / "r.html"
    assert secplan("report", str(path), "-o", str(report)).returncode == 0
    page = report.read_text()
    assert f"{CLASH_WORDS}." in page
    assert "fixed(A) puts A in 2021-06, which each of these bars on its own:" in page
    assert "scope-baseline(A)" in page


def test_an_infeasible_solve_leaves_no_earlier_table_beside_its_plan(tmp_path: Path) -> None:
    assert secplan("solve", SEND_BACK, "--out", str(tmp_path)).returncode == 0
    assert (tmp_path / "plan.csv").exists()
    again = secplan("solve", str(SEC_2020 / "secmp0067-fixed-nov-2020.yaml"),
                    "--out", str(tmp_path))
    assert again.returncode == 1 and not (tmp_path / "plan.csv").exists()
    assert "now says so" in again.stderr and f"removed {tmp_path / 'plan.csv'}" in again.stderr


def test_written_files_get_the_users_permissions(tmp_path: Path) -> None:
    """Not the owner-only mode of the temporary file they are written through; a file
    written again keeps the mode its owner gave it."""
    from solver.files import UMASK

    assert runner.invoke(app, ["solve", SEND_BACK, "--out", str(tmp_path)]).exit_code == 0
    for name in ("plan.json", "plan.csv"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o666 & ~UMASK
    (tmp_path / "plan.json").chmod(0o600)
    assert runner.invoke(app, ["solve", SEND_BACK, "--out", str(tmp_path)]).exit_code == 0
    assert (tmp_path / "plan.json").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("args", [
    ["gantt", SEND_BACK, "-o", "{blocked}/g.png"],
    ["solve", SEND_BACK, "--out", "{blocked}/out"],
    ["report", SEND_BACK, "-o", "{blocked}/r.html"],
    ["sweep", str(SEC_2020 / "uncertain.yaml"), "--samples", "2", "--chart", "{where}/c.txt"],
])
def test_a_file_that_cannot_be_written_is_one_line_and_exit_2(
    tmp_path: Path, args: list[str],
) -> None:
    """`blocked` is a file, so nothing can be made inside it (even by root); a chart of a
    format no one can draw is refused before the sweep runs."""
    blocked = tmp_path / "blocked"
    blocked.write_text("kept")
    result = secplan(*(a.format(blocked=blocked, where=tmp_path) for a in args))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("secplan: ") and blocked.read_text() == "kept"


def test_bad_input_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("extends: baseline.yaml\nitems: {update: {NOPE: {value: 1}}}\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "plan.json").write_text("{}")
    result = secplan("solve", str(bad), "--out", str(out))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert (out / "plan.json").read_text() == "{}"


def test_check_accepts_the_engines_plan_and_rejects_a_broken_one(tmp_path: Path) -> None:
    assert runner.invoke(app, ["solve", SEND_BACK, "--out", str(tmp_path)]).exit_code == 0
    plan_path = tmp_path / "plan.json"
    ok = runner.invoke(app, ["check", SEND_BACK, str(plan_path)])
    assert ok.exit_code == 0, ok.output
    assert "valid" in ok.output
    plan = json.loads(plan_path.read_text())
    plan["assignments"]["SECMP0067"] = "2020-11"  # a hand edit that breaks the rules
    plan["assignments"]["MP078"] = "2021-06"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"assignments": plan["assignments"]}))
    bad = runner.invoke(app, ["check", SEND_BACK, str(broken)])
    assert bad.exit_code == 1
    for rule in ("decision-in-time(SECMP0067)", "uplift-cap(GBCS, 2021)",
                 "aligned-uplift(GBCS, SECMP0007)"):
        assert rule in bad.output


def test_check_costs_a_valid_plan_as_solve_does(tmp_path: Path) -> None:
    """An acceptance test: a hand-written plan was judged "valid" with no word on what it
    costs, so it could not be set against the recommended one."""
    from solver.instance import Instance
    from solver.report_text import objective_words
    from solver.scenario import load_scenario

    base = str(SEC_2020 / "baseline.yaml")
    assert runner.invoke(app, ["solve", base, "--out", str(tmp_path)]).exit_code == 0
    plan = json.loads((tmp_path / "plan.json").read_text())
    ok = runner.invoke(app, ["check", base, str(tmp_path / "plan.json")])
    assert ok.exit_code == 0, ok.output
    inst = Instance(load_scenario(base))
    assert ok.output.splitlines()[-1] == objective_words(inst, plan["objective"])
    later = {**plan["assignments"], "MP115": "2021-06"}  # a valid plan, a value later
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps({"assignments": later}))
    worse = runner.invoke(app, ["check", base, str(edited)])
    assert worse.exit_code == 0, worse.output
    found = re.search(r"delay (\d+)", worse.output.splitlines()[-1])
    assert found and int(found.group(1)) > plan["objective"]["delay"]
    same = tmp_path / "same.yaml"
    same.write_text(f"extends: {base}\ndescription: nothing changes\n")
    what_if = runner.invoke(app, ["check", str(same), str(tmp_path / "plan.json")])
    # the base's own plan: moves count from it (a monthly re-plan: they were counted from
    # the month before's, 3 where solve said 0)
    assert what_if.output.rstrip().endswith(
        f" (moves counted from {tmp_path / 'plan.json'}, the base's plan)")
    assert " moves 0 " in what_if.output.splitlines()[-1]
    # judged against another scenario: said (an acceptance test: silent, where rid refuses)
    noted = secplan("check", str(same), str(tmp_path / "plan.json"))
    assert noted.returncode == 0 and f"{tmp_path / 'plan.json'}: the plan of 'baseline', " \
        "judged against 'same'" in noted.stderr, noted.stderr
    assert "judged against" not in secplan("check", base, str(tmp_path / "plan.json")).stderr
    # a what-if's plan.json keeps its base plan, and check counts moves from it, as solve
    # does (an acceptance test: 177 moves, where solve said 84)
    solved = tmp_path / "send-back"
    assert runner.invoke(app, ["solve", SEND_BACK, "--out", str(solved)]).exit_code == 0
    mine = json.loads((solved / "plan.json").read_text())
    judged = runner.invoke(app, ["check", SEND_BACK, str(solved / "plan.json")])
    assert judged.exit_code == 0, judged.output
    inst = Instance(load_scenario(SEND_BACK), mine["reference"])
    assert judged.output.splitlines()[-1] == objective_words(inst, mine["objective"]) + \
        f" (moves counted from the base plan {solved / 'plan.json'} keeps)"
    as_csv = runner.invoke(app, ["check", SEND_BACK, str(solved / "plan.csv")])
    assert as_csv.output.rstrip().endswith("(moves counted from the published allocation, "
                                           "not the base plan)")
    mine["reference"]["SECMP0067"] = mine["assignments"]["SECMP0067"]  # as if planned there
    (solved / "plan.json").write_text(json.dumps(mine))
    fewer = runner.invoke(app, ["check", SEND_BACK, str(solved / "plan.json")])
    moves = [int(re.findall(r"moves (\d+)", out)[-1]) for out in (fewer.output, as_csv.output)]
    assert moves[0] < moves[1] == mine["objective"]["moves"]


def test_check_rejects_a_malformed_plan_file(tmp_path: Path) -> None:
    broken = tmp_path / "plan.json"
    broken.write_text("{not json")
    result = secplan("check", SEND_BACK, str(broken))
    assert result.returncode == 2
    assert "plan.json:1" in result.stderr


@pytest.mark.parametrize(("edit", "said"), [
    ({"MP999": "2021-06"}, "assignments.MP999: unknown item 'MP999'"),
    ({"mp084": "2020-11"}, "unknown item 'mp084'; did you mean 'MP084'?"),
    ({"MP084": "2021-07"}, "assignments.MP084: unknown release '2021-07'"),
])
def test_check_calls_a_name_the_scenario_does_not_know_bad_input(
    tmp_path: Path, edit: dict[str, str], said: str,
) -> None:
    """A typo in a plan file is not a rule the plan breaks: exit 2, naming the place."""
    assert runner.invoke(app, ["solve", SEND_BACK, "--out", str(tmp_path)]).exit_code == 0
    plan = json.loads((tmp_path / "plan.json").read_text())
    (tmp_path / "edited.json").write_text(json.dumps(
        {"assignments": {**plan["assignments"], **edit}}))
    result = secplan("check", SEND_BACK, str(tmp_path / "edited.json"))
    assert result.returncode == 2 and said in result.stderr, result.stderr


def test_check_judges_an_older_plan_without_the_items_a_what_if_removes(tmp_path: Path) -> None:
    """Removed items (MP101; SECMP0062.2, a part of split SECMP0062) are left out with a
    note, the rest judged; a name no file ever had is still bad input."""
    assert runner.invoke(app, ["solve", SEND_BACK, "--out", str(tmp_path)]).exit_code == 0
    what_if = tmp_path / "removed.yaml"
    what_if.write_text(f"extends: {SEND_BACK}\nname: removed\n"
                       "items: {remove: [MP101, SECMP0062]}\n"
                       "rules: {remove: ['fixed(SECMP0062.2)']}\n")
    closed_part_listed = {"plan.json": [], "plan.csv": ["SECMP0062.1"]}  # implemented
    for plan, closed in closed_part_listed.items():
        result = secplan("check", str(what_if), str(tmp_path / plan))
        assert result.returncode == 0, result.stderr
        assert "valid" in result.stdout
        notes = [line for line in result.stderr.splitlines() if "is not judged" in line]
        assert sorted(n.split(": ")[3] for n in notes) == [
            f"{uid} is not judged" for uid in ["MP101", *closed, "SECMP0062.2"]]
        assert "item 'MP101' is removed (removed.yaml:3, items.remove)" in notes[0]
    for typo in ("MP999", "MP101.x", "SECMP0062.9"):  # no removed item, nor a part of one
        edited = json.loads((tmp_path / "plan.json").read_text())["assignments"]
        edited[typo] = "2021-06"
        (tmp_path / "typo.json").write_text(json.dumps({"assignments": edited}))
        said = secplan("check", str(what_if), str(tmp_path / "typo.json"))
        assert said.returncode == 2 and f"assignments.{typo}" in said.stderr, said.stderr


@pytest.mark.parametrize(("section", "said"), [
    ("items", "items[MP078].release: says 2021-06, but assignments.MP078 says 2021-11"),
    ("releases", "releases[2021-06].items: lists MP078, but assignments.MP078 says 2021-11"),
    ("assignments", "items[MP078].release: says 2021-11, but assignments.MP078 says 2021-06"),
])
def test_check_refuses_a_plan_json_whose_sections_disagree(
    tmp_path: Path, section: str, said: str,
) -> None:
    """plan.json gives the allocation three times; one edited alone must not be judged by
    another (an edit to `items` or `releases` was called valid)."""
    assert runner.invoke(app, ["solve", SEND_BACK, "--out", str(tmp_path)]).exit_code == 0
    plan = json.loads((tmp_path / "plan.json").read_text())
    if section == "items":
        next(i for i in plan["items"] if i["id"] == "MP078")["release"] = "2021-06"
    elif section == "releases":
        next(r for r in plan["releases"] if r["id"] == "2021-06")["items"].append("MP078")
    else:
        plan["assignments"]["MP078"] = "2021-06"
    (tmp_path / "edited.json").write_text(json.dumps(plan))
    result = secplan("check", SEND_BACK, str(tmp_path / "edited.json"))
    assert result.returncode == 2 and said in result.stderr, result.stderr


def test_check_judges_plan_csv_and_its_edits(tmp_path: Path) -> None:
    """plan.csv (a spreadsheet's plan) is judged by its item and release columns."""
    assert runner.invoke(app, ["solve", SEND_BACK, "--out", str(tmp_path)]).exit_code == 0
    plan_csv = tmp_path / "plan.csv"
    assert secplan("check", SEND_BACK, str(plan_csv)).returncode == 0
    rows = plan_csv.read_text().splitlines()
    edited = [r.replace(",2021-11,", ",2021-06,", 1) if r.startswith("MP078,") else r
              for r in rows]
    assert edited != rows
    (tmp_path / "edited.csv").write_text("\n".join(edited) + "\n")
    result = secplan("check", SEND_BACK, str(tmp_path / "edited.csv"))
    assert result.returncode == 1 and "uplift-cap(GBCS, 2021) [violated]" in result.stdout
    out = tmp_path / "out.csv"  # an item left out is valid, and named (an acceptance test)
    out.write_text("item,release\n" + "".join(
        f"{r['item']},{'' if r['item'] == 'MP084' else r['release']}\n"
        for r in csv.DictReader(io.StringIO(plan_csv.read_text()))))
    result = secplan("check", SEND_BACK, str(out))
    assert result.returncode == 0 and "left outside the horizon (1): MP084\n" in result.stdout
    (tmp_path / "partial.csv").write_text("\n".join(rows[:2]) + "\n")  # in a CSV's terms
    result = secplan("check", SEND_BACK, str(tmp_path / "partial.csv"))
    assert result.returncode == 1 and "item(s) have no assignment: " in result.stdout
    assert result.stdout.count("(to leave one outside the horizon: null in a plan.json, an "
                               "empty release in a CSV)") == 1, result.stdout  # said once
    (tmp_path / "bare.csv").write_text("item,where\nMP078,2021-06\n")
    result = secplan("check", SEND_BACK, str(tmp_path / "bare.csv"))
    assert result.returncode == 2 and "bare.csv:1: header:" in result.stderr
    assert "release missing" in result.stderr
    result = secplan("check", SEND_BACK, str(plan_csv.with_name("plan.csv.json")))
    assert result.returncode == 2 and "file not found" in result.stderr


def test_check_reads_a_spreadsheet_s_csv_and_refuses_a_malformed_one(tmp_path: Path) -> None:
    """A byte-order mark (Excel's) is no part of the header; a short row, a column given
    twice or a JSON key given twice is bad input, not a plan judged (last one winning)."""
    assert runner.invoke(app, ["solve", SEND_BACK, "--out", str(tmp_path)]).exit_code == 0
    text = (tmp_path / "plan.csv").read_text()
    (tmp_path / "bom.csv").write_text("\ufeff" + text, encoding="utf-8")
    assert secplan("check", SEND_BACK, str(tmp_path / "bom.csv")).returncode == 0
    lines = text.splitlines()
    cases = {
        "short.csv": ("\n".join([*lines[:4], lines[4].split(",")[0], *lines[5:]]) + "\n",
                      "short.csv:5: row: 1 field where the header has"),
        "twice.csv": (lines[0] + ",release\n" + "\n".join(f"{r},2021-06" for r in lines[1:]),
                      "twice.csv:1: header: column 'release' appears twice"),
        "twice.json": ('{"assignments": {"MP084": "2021-06", "MP084": "2020-11"}}',
                       "twice.json: key 'MP084' appears twice in one object"),
        "odd.json": ('{"assignments": {"MP084": "2021-06"}, "releases": [{"id": "2021-06", '
                     '"items": ["MP084", {"id": "MP088"}]}]}',
                     "odd.json: releases[2021-06].items[1]: should be an item id"),
    }
    for name, (content, said) in cases.items():
        (tmp_path / name).write_text(content)
        result = secplan("check", SEND_BACK, str(tmp_path / name))
        assert result.returncode == 2 and said in result.stderr, (name, result.stderr)


def test_check_says_a_file_of_no_plan_holds_no_plan(tmp_path: Path) -> None:
    secplan("solve", str(SEC_2020 / "secmp0067-fixed-nov-2020.yaml"), "--out", str(tmp_path))
    result = secplan("check", SEND_BACK, str(tmp_path / "plan.json"))
    assert result.returncode == 2 and "the file holds no plan" in result.stderr


def test_rid_prints_the_cut_offs_of_the_moved_release() -> None:
    result = runner.invoke(app, ["rid", str(SEC_2020 / "nov-2020-29-november.yaml"), "2020-11"],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Sunday 29 November 2020" in result.output
    mp084 = next(line for line in result.output.splitlines() if "MP084" in line)
    assert "2020-10-22" in mp084
    seed = runner.invoke(app, ["rid", SEND_BACK, "2020-11"], env={"COLUMNS": "200"})
    assert "go-live Thursday 5 November 2020;" in seed.output  # as a RID writes it, not "05"
    empty = runner.invoke(app, ["rid", str(SEC_2020 / "baseline.yaml"), "2021-06"])
    assert "No items in this release." in empty.output and "Modification" not in empty.output


def test_rid_json_has_the_table_s_rows_as_data() -> None:
    """The 29-November what-if's RID: MP084 included if approved by 22 October 2020 (the
    paper's words), an approved item with no such date; the same rows as the table."""
    path = str(SEC_2020 / "nov-2020-29-november.yaml")
    data = json.loads(runner.invoke(app, ["rid", path, "2020-11", "--json"]).output)
    assert (data["release"], data["go_live"]) == ("2020-11", "2020-11-29")
    rows = {row["id"]: row for row in data["items"]}
    assert rows["MP084"]["included_if_approved_by"] == "2020-10-22"
    assert rows["MP084"]["status"] == "with-authority" and not rows["MP084"]["decision_known"]
    assert rows["MP084"]["status_words"] == ("With the Authority for decision; decision "
                                             "expected 2020-08-27.")  # as the report says it
    assert rows["MP081"]["included_if_approved_by"] is None and rows["MP081"]["decision_known"]
    table = runner.invoke(app, ["rid", path, "2020-11"], env={"COLUMNS": "250"}).output
    assert [line.split("│")[1].split()[0] for line in table.splitlines()
            if line.startswith("│") and line.split("│")[1].strip()[:2] in ("MP", "CR", "DP", "SE")
            ] == list(rows)


def test_rid_unknown_release_is_bad_input() -> None:
    result = runner.invoke(app, ["rid", SEND_BACK, "2021-07"])
    assert result.exit_code == 2


def test_validate_summary_and_resolved() -> None:
    result = runner.invoke(app, ["validate", str(SEC_2020 / "nov-2020-29-november.yaml")],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "2020-11-29" in result.output
    resolved = runner.invoke(app, ["validate", "--resolved", SEND_BACK])
    assert resolved.exit_code == 0
    assert "extends" not in resolved.output
    assert "sent-back" in resolved.output


def test_schema_is_json_and_knows_both_file_kinds() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert {"Scenario", "WhatIf", "Item"} <= set(schema["$defs"])


def test_every_scenario_file_meets_the_schema() -> None:
    """An editor checking files against `secplan schema` accepts what secplan accepts (a
    review: `about: NAME`, one name, was refused as not an array)."""
    import jsonschema

    from solver.scenario import read_source

    schema = json.loads(runner.invoke(app, ["schema"]).output)
    checker = jsonschema.Draft202012Validator(schema)
    for path in sorted((ROOT / "scenarios").rglob("*.yaml")):
        data = json.loads(json.dumps(read_source(path).data, default=str))  # dates as text
        assert not [e.message for e in checker.iter_errors(data)], path.name


def test_explain_says_why_not_earlier() -> None:
    result = runner.invoke(app, ["explain", SEND_BACK, "SECMP0067"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "blocked by decision-in-time(SECMP0067)" in result.output
    assert "net +5 (priority 2: delay" in result.output
    # where it came from, the Panel's first question (an acceptance test: never said)
    assert "-> 2021-06 (moved from 2020-11, its release in the base plan)" in result.output
    assert ("fall-back past 2021-11: its DCC-system scope is baselined on 2020-11-04"
            in result.output)  # why not the next release (an acceptance test: --json only)
    stays = runner.invoke(app, ["explain", SEND_BACK, "SECMP0007"], env={"COLUMNS": "200"})
    assert stays.exit_code == 0 and "moved from" not in stays.output
    unknown = runner.invoke(app, ["explain", SEND_BACK, "SECMP0068"])
    assert unknown.exit_code == 2
    as_json = json.loads(runner.invoke(app, ["explain", SEND_BACK, "SECMP0067", "--json"])
                         .output)
    assert as_json["status"] == "optimal" and [i["id"] for i in as_json["items"]] == [
        "SECMP0067"]
    assert "closed" not in as_json  # asked of one item, not of the plan
    [explained] = as_json["items"]
    options = explained["options"]
    assert options[0]["release"] == "2021-06" and options[0]["current"]
    assert (explained["release"], explained["cut_off"], explained["fall_back"]) == (
        "2021-06", "2021-02-24", "2022-06")  # the item's facts, as plan.json has them


def test_explain_json_of_every_item_has_each_one_and_the_closed() -> None:
    as_json = json.loads(runner.invoke(app, ["explain", SEND_BACK, "--json"]).output)
    assert as_json["closed"] == {"SECMP0062.1": "implemented"}
    plan = json.loads(runner.invoke(app, ["solve", SEND_BACK, "--json"]).output)
    assert [i["id"] for i in as_json["items"]] == [  # as plan.json lists them, closed aside
        i["id"] for i in plan["items"] if i["id"] not in as_json["closed"]]
    mp084 = next(i for i in as_json["items"] if i["id"] == "MP084")
    assert (mp084["release"], mp084["cut_off"]) == ("2020-11", "2020-09-28")
    assert mp084["reasons"] and mp084["options"][0]["current"]


def test_explain_infeasible_prints_the_clash() -> None:
    result = runner.invoke(app, ["explain", str(SEC_2020 / "secmp0067-fixed-nov-2020.yaml"),
                                 "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output)["clash"] == ["decision-in-time(SECMP0067)",
                                                  "fixed(SECMP0067)"]


def test_help_does_not_import_the_solver() -> None:
    code = ("import sys; from solver.cli import app; "
            "print('ortools' in str(sys.modules.keys()), 'matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.split() == ["False", "False"]


def test_compare_send_back_moves_only_secmp0067_with_its_reason() -> None:
    result = runner.invoke(app, ["compare", str(SEC_2020 / "baseline.yaml"), SEND_BACK,
                                 "--json"])
    assert result.exit_code == 0, result.output
    c = json.loads(result.output)
    assert [(m["item"], m["before"], m["after"]) for m in c["moved"]] == [
        ("SECMP0067", "2020-11", "2021-06")]
    assert c["moved"][0]["reason"].startswith("forced: decision-in-time(SECMP0067)")
    assert c["entered"] == [] and c["left"] == []
    assert c["uplifts_per_year"]["DUIS"]["2021"] == [1, 2]


def test_compare_moved_go_live_shifts_every_pending_cut_off_by_24_days() -> None:
    result = runner.invoke(app, ["compare", str(SEC_2020 / "baseline.yaml"),
                                 str(SEC_2020 / "nov-2020-29-november.yaml"), "--json"])
    assert result.exit_code == 0, result.output
    c = json.loads(result.output)
    assert c["moved"] == [] and c["entered"] == [] and c["left"] == []
    changed = {k["item"]: k["days"] for k in c["cut_offs"]}
    for uid in ("MP080", "MP084", "MP088", "MP098", "MP101", "MP102A", "MP103", "MP110",
                "MP115", "MP118", "DP124", "DP127"):
        assert changed[uid] == 24
    assert set(changed.values()) == {24}
    # only decisions still to come (an acceptance test: approved items were listed too)
    pending = {u.id for u in Instance(load_scenario(SEC_2020 / "baseline.yaml")).units
               if not u.decision_known}
    assert set(changed) <= pending and "MP081" not in changed and "CR1145" not in changed


def test_pictures_are_written(tmp_path: Path) -> None:
    for command, name in (("gantt", "g.png"), ("graph", "d.svg"), ("timetable", "t.pdf"),
                          ("graph", "d.graphml"), ("graph", "d.dot")):
        out = tmp_path / name
        result = runner.invoke(app, [command, SEND_BACK, "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 0
    assert (tmp_path / "g.png").read_bytes()[:4] == b"\x89PNG"
    assert b"SECMP0067" in (tmp_path / "d.graphml").read_bytes()


def test_graph_exports_only_the_releases_asked_for(tmp_path: Path) -> None:
    """An acceptance test: `graph --release` filtered the picture but the DOT and GraphML
    files held all 32 items. An export of 2021-06 holds its items and those a binding rule
    ties to them, nothing else."""
    import networkx as nx

    plan = json.loads(runner.invoke(app, ["solve", SEND_BACK, "--json"]).output)["assignments"]
    whole, some = tmp_path / "all.graphml", tmp_path / "some.graphml"
    for out, args in ((whole, []), (some, ["--release", "2021-06"])):
        assert runner.invoke(app, ["graph", SEND_BACK, "-o", str(out), *args]).exit_code == 0
    full, part = nx.read_graphml(whole), nx.read_graphml(some)
    june = {u for u, r in plan.items() if r == "2021-06"}
    tied = {n for a, b, d in full.edges(data=True) if {a, b} & june
            and d["kind"] != "shared-spec" and d.get("binding", True) in (True, "true")
            for n in (a, b)}
    assert set(part.nodes) == june | tied and len(part) < len(full)
    dot = tmp_path / "some.dot"
    assert runner.invoke(app, ["graph", SEND_BACK, "-o", str(dot), "--release", "2021-06"]
                         ).exit_code == 0
    assert all(f'"{n}"' in dot.read_text() for n in part.nodes)
    assert not [n for n in full.nodes if n not in part and f'"{n}"' in dot.read_text()]


def test_a_gantt_pdf_holds_every_page_unless_one_is_asked_for(tmp_path: Path) -> None:
    """A DCC manager needed ten runs for a Panel pack of a ten-page chart: a .pdf without
    --page holds every page, the same bytes twice; with --page, that page alone."""
    def pages_in(pdf: Path) -> int:
        return len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes()))

    whole = tmp_path / "all.pdf"
    done = runner.invoke(app, ["gantt", SEND_BACK, "-o", str(whole), "--rows", "10"])
    assert done.exit_code == 0, done.output
    assert "all 4 pages" in done.output and pages_in(whole) == 4  # 32 items and 4 groups
    first = whole.read_bytes()
    assert runner.invoke(app, ["gantt", SEND_BACK, "-o", str(whole), "--rows", "10"]
                         ).exit_code == 0 and whole.read_bytes() == first
    one = tmp_path / "two.pdf"
    assert runner.invoke(app, ["gantt", SEND_BACK, "-o", str(one), "--rows", "10",
                               "--page", "2"]).exit_code == 0 and pages_in(one) == 1
    png = runner.invoke(app, ["gantt", SEND_BACK, "-o", str(tmp_path / "g.png"), "--rows", "10"])
    assert "page 1 of 4; draw the others with --page, or all of them into one .pdf" in png.output


def test_picture_bad_requests_exit_2(tmp_path: Path) -> None:
    assert runner.invoke(app, ["gantt", SEND_BACK, "-o", str(tmp_path / "g.bmp")]).exit_code == 2
    assert runner.invoke(app, ["gantt", SEND_BACK, "-o", str(tmp_path / "g.png"),
                               "--page", "9"]).exit_code == 2
    assert runner.invoke(app, ["gantt", SEND_BACK, "-o", str(tmp_path / "g.png"),
                               "--release", "2030-06"]).exit_code == 2


@pytest.mark.parametrize(("args", "said"), [
    (["solve", SEND_BACK, "--time-limit", "nan"], "--time-limit must be a positive number"),
    (["solve", SEND_BACK, "--time-limit", "inf"], "--time-limit must be a positive number"),
    (["rid", SEND_BACK, "2020-11", "--time-limit", "1e308"], "at most 1,000,000"),
    (["sweep", SEND_BACK, "--samples", "2", "--time-limit", "nan"], "--time-limit must be"),
    (["solve", SEND_BACK, "--seed", "2147483648"], "--seed"),
    (["solve", SEND_BACK, "--workers", "100000"], "--workers must be from 1 to 256"),
    (["sweep", SEND_BACK, "--samples", "2", "--workers", "100000"], "--workers must be from 1"),
    (["solve", SEND_BACK, "--alternatives", "1", "--tolerance", "nan"], "--tolerance must be"),
    (["graph", SEND_BACK, "-o", "{tmp}/g.txt"], "use one of .pdf, .png, .svg, .graphml, .dot"),
    (["report", SEND_BACK, "-o", "{tmp}/copy.yaml"], "name it .html"),
    (["sweep", SEND_BACK, "--samples", "2", "--chart", "{tmp}/d.png"], "d.png: Is a directory"),
    (["gantt", SEND_BACK, "-o", "{tmp}/g.png", "--page", "0"], "--page 0: pages count from 1"),
])
def test_bad_option_values_exit_2_with_one_message(
    tmp_path: Path, args: list[str], said: str,
) -> None:
    """Not a traceback (NaN, infinity, a seed past 32 bits), and not an HTML page written
    over a file that is not one (a report's -o once took the scenario's own name)."""
    (tmp_path / "copy.yaml").write_text("kept")
    (tmp_path / "d.png").mkdir()
    result = secplan(*(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert result.returncode == 2, result.stderr
    assert said in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert (tmp_path / "copy.yaml").read_text() == "kept"


def test_an_output_that_is_a_directory_is_named_as_given(tmp_path: Path) -> None:
    (tmp_path / "plan.json").mkdir()
    result = secplan("solve", SEND_BACK, "--out", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip() == f"secplan: {tmp_path / 'plan.json'}: Is a directory"


def test_sweep_pages_its_chart_and_keeps_the_releases_asked_for(tmp_path: Path) -> None:
    """An acceptance test at 1,000 items: the sweep chart was one picture 41,622 pixels
    tall and the item table 1,000 rows. `--release` keeps a base-plan release's items in
    both; `--rows`/`--page` page the chart as `gantt` does; a wrong one is bad input, said
    before the sweep when it can be, and a page past the end loses none of the tables."""
    uncertain = str(SEC_2020 / "uncertain.yaml")
    chart = tmp_path / "c.png"
    wrong = secplan("sweep", uncertain, "--samples", "2", "--release", "2099-06")
    assert wrong.returncode == 2 and wrong.stdout == ""  # nothing swept
    alone = secplan("sweep", uncertain, "--samples", "2", "--page", "2")  # a review: ignored
    assert alone.returncode == 2 and "give --chart too" in alone.stderr
    assert "no release '2099-06' in the plan; choose from 2020-11," in wrong.stderr
    assert secplan("sweep", uncertain, "--rows", "0").stderr.strip() == \
        "secplan: --rows 0: a page needs at least one row"
    paged = secplan("sweep", uncertain, "--samples", "2", "--chart", str(chart), "--rows", "10",
                    "--page", "2", "--out", str(tmp_path / "s.jsonl"))
    assert paged.returncode == 0, paged.stderr
    assert "page 2 of 4; draw the others with --page" in paged.stdout and chart.exists()
    base = json.loads(secplan("sweep", uncertain, "--samples", "2", "--json",
                              "--out", str(tmp_path / "s.jsonl")).stdout)["base"]
    assert len(base) == 32  # 4 pages of 10
    kept = secplan("sweep", uncertain, "--samples", "2", "--release", "2021-11",
                   "--out", str(tmp_path / "s.jsonl"))
    table = kept.stdout.split("Release of each item")[1].split("Does each release")[0]
    assert sorted(line.split()[1] for line in table.splitlines() if line.startswith("│")) == \
        sorted(u for u, r in base.items() if r == "2021-11")
    chart.unlink()  # a page past the end is said once the base plan is known, before any
    past = secplan("sweep", uncertain, "--samples", "2", "--chart", str(chart), "--page", "5",
                   "--rows", "10", "--out", str(tmp_path / "new.jsonl"))  # sample (a review)
    assert past.returncode == 2 and past.stdout == ""
    assert past.stderr.strip() == "secplan: --page 5: the chart has 4 page(s) of 10 rows"
    assert not chart.exists() and not (tmp_path / "new.jsonl").exists()
    pdf = tmp_path / "c.pdf"  # as gantt's: a .pdf without --page holds every page
    whole = secplan("sweep", uncertain, "--samples", "2", "--chart", str(pdf), "--rows", "10",
                    "--out", str(tmp_path / "s.jsonl"))
    assert whole.returncode == 0 and f"wrote {pdf}: all 4 pages" in whole.stdout, whole.stderr
    assert len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes())) == 4


def test_sweep_json_summary_through_the_command(tmp_path: Path) -> None:
    result = secplan("sweep", str(SEC_2020 / "uncertain.yaml"), "--samples", "8", "--json",
                     "--out", str(tmp_path / "s.jsonl"), "--chart", str(tmp_path / "s.png"))
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)  # only the JSON: "wrote s.png" on standard error
    assert f"wrote {tmp_path / 's.png'}" in result.stderr
    assert summary["samples"] == 8
    for shares in summary["probabilities"].values():
        assert abs(sum(shares.values()) - 1) < 1e-9
    assert len((tmp_path / "s.jsonl").read_text().splitlines()) >= 8
    # the bar as asked (an acceptance test: --no-progress, in the README, was refused); the
    # re-runs resume from --out, each solving one sample more
    again = [str(SEC_2020 / "uncertain.yaml"), "--out", str(tmp_path / "s.jsonl")]
    shown = secplan("sweep", *again, "--samples", "9", "--json", "--progress")
    assert shown.returncode == 0 and "9/9" in shown.stderr, shown.stderr
    # the base plan's stages are shown (its chain: baseline, the send-back, uncertain), the
    # samples' are not: the bar counts them (an acceptance test: 110 s without a word)
    assert "planning the base scenario first" in shown.stderr
    assert shown.stderr.count("level 1 of 2") == 3, shown.stderr
    quiet = secplan("sweep", *again, "--samples", "10", "--no-progress")
    assert quiet.returncode == 0 and "10/10" not in quiet.stderr, quiet.stderr
    assert (tmp_path / "s.png").read_bytes()[:4] == b"\x89PNG"


def test_covid_delay_moves_items_each_with_its_reason() -> None:
    result = runner.invoke(app, ["compare", SEND_BACK, str(SEC_2020 / "covid-dcc-delay.yaml"),
                                 "--json"])
    assert result.exit_code == 0, result.output
    c = json.loads(result.output)
    moved = {m["item"]: m for m in c["moved"]}
    assert {"SECMP0007", "SECMP0015", "SECMP0024", "SECMP0046", "SECMP0056"} <= set(moved)
    for m in c["moved"] + c["entered"] + c["left"]:
        assert m["reason"].startswith(
            ("forced: ", "held out by a shared rule: moving it back alone breaks ", "chosen: ")), m
    assert moved["SECMP0007"]["reason"].startswith("forced: decision-in-time(SECMP0007)")


def test_compare_plans_each_side_as_solve_does(tmp_path: Path) -> None:
    """An acceptance test: `compare PINNED BASE`, BASE being the file PINNED extends, planned
    BASE against PINNED's plan, where moving MP304 back cost more than it gained: "No item
    moved", a plan `solve BASE` never gives. Each side is planned as `solve` plans it, and
    `moves` is each plan's own count where neither is a what-if of the other."""
    base = tmp_path / "mine.yaml"
    base.write_text(
        "name: mine\nas_of: 2023-09-01\n"
        "calendar: {windows: [{month: 6, week: last}, {month: 11, week: first}], "
        "first: '2024-06', last: '2025-11'}\n"
        "objective: [{term: unplaced, priority: 1}, {term: delay, priority: 2}, "
        "{term: moves, priority: 2, weight: 10}]\n"
        "items:\n  - {id: MP304, title: Panel seating, status: with-authority, "
        "expected_decision: 2024-03-14, party_lead_time: 38 days, value: 1}\n"
        "  - {id: MP306, title: DUIS matrix, status: approved, decided: 2023-08-16, "
        "party_lead_time: 38 days, value: 1, baseline: '2024-06'}\n")
    pinned = tmp_path / "pinned.yaml"
    pinned.write_text(f"extends: {base.name}\nchanges:\n  - {{pin: MP304, release: '2024-11'}}\n")
    solved = json.loads(runner.invoke(app, ["solve", str(base), "--json"]).output)
    assert solved["assignments"]["MP304"] == "2024-06"
    result = runner.invoke(app, ["compare", str(pinned), str(base), "--json"])
    assert result.exit_code == 0, result.output
    c = json.loads(result.output)
    assert [(m["item"], m["before"], m["after"]) for m in c["moved"]] == [
        ("MP304", "2024-11", "2024-06")]
    assert not c["against_base"] and c["objective"]["moves"] == [1, 0]  # each its own count
    text = runner.invoke(app, ["compare", str(pinned), str(base)]).output
    assert "(mine is not planned from pinned's plan, but as `secplan solve` plans it)" in text
    assert "moves, each from its own reference" in text
    forward = json.loads(runner.invoke(app, ["compare", str(base), str(pinned), "--json"]).output)
    assert forward["against_base"] and forward["objective"]["moves"] == [0, 1]
    # a what-if of a what-if of BASE is planned against its own base's plan, as solve does,
    # and said so (a review: "not a what-if of baseline" was false)
    chain = runner.invoke(app, ["compare", str(SEC_2020 / "baseline.yaml"),
                                str(SEC_2020 / "covid-dcc-delay.yaml")], env={"COLUMNS": "300"})
    assert ("(covid-dcc-delay is not planned from baseline's plan, but as `secplan solve` plans "
            "it)") in chain.output


def test_a_saved_plan_is_shown_without_planning_again(tmp_path: Path) -> None:
    """An acceptance test at 1,000 items: every plan command solved again (45 s each, a
    17-page Gantt 17 times), and a plan made with another --time-limit could differ. With
    --plan, rid, gantt, graph and report show the plan.json solve wrote, checked against the
    scenario as it stands: another scenario's, an edited one's or a CSV is bad input."""
    out = tmp_path / "out"
    assert runner.invoke(app, ["solve", SEND_BACK, "--out", str(out)]).exit_code == 0
    saved = out / "plan.json"
    plan = json.loads(saved.read_text())
    assert plan["reference"]["SECMP0067"] == "2020-11"  # the base plan it moved from
    for release in ("2020-11", "2021-06"):
        solved = runner.invoke(app, ["rid", SEND_BACK, release, "--json"])
        shown = runner.invoke(app, ["rid", SEND_BACK, release, "--json", "--plan", str(saved)])
        assert shown.exit_code == 0 and shown.output == solved.output
    for command in ("gantt", "graph"):
        picture = tmp_path / f"{command}.png"
        done = runner.invoke(app, [command, SEND_BACK, "--plan", str(saved), "-o", str(picture),
                                   "--release", "2021-06"])
        assert done.exit_code == 0 and picture.read_bytes()[:4] == b"\x89PNG"
        wrong = secplan(command, SEND_BACK, "--plan", str(saved), "-o", str(picture),
                        "--release", "2099-06")
        assert wrong.returncode == 2 and "no release '2099-06' in the plan" in wrong.stderr
    edited = tmp_path / "secmp0067-send-back.yaml"  # the same name, lead times since stretched
    edited.write_text(f"extends: {SEND_BACK}\nchanges:\n  - {{shift-lead-times: 1 month}}\n")
    for scenario, said in (
            (str(edited), "assignments: breaks decision-in-time(SECMP0024)"),
            (str(SEC_2020 / "covid-dcc-delay.yaml"),
             "scenario: the plan of 'secmp0067-send-back', not of 'covid-dcc-delay'"),
            ("moved", "items[MP078].cut_off: is 2021-02-04, where the scenario now gives "
                      "2021-02-11")):
        if scenario == "moved":  # valid still, but its cut-offs are another timetable's
            edited.write_text(f"extends: {SEND_BACK}\nchanges:\n  - {{move-release: '2021-11', "
                              "go_live: 2021-11-11}\n")
            scenario = str(edited)
        result = secplan("rid", scenario, "2021-06", "--plan", str(saved))
        assert result.returncode == 2 and said in result.stderr, result.stderr
    result = secplan("rid", SEND_BACK, "2021-06", "--plan", str(out / "plan.csv"))
    assert result.returncode == 2 and "--plan reads the plan.json" in result.stderr
    plan = json.loads(Path(saved).read_text())  # edited by hand, its sections agreeing: every
    was = plan["assignments"]["MP078"]  # rule it breaks is named (an audit: only the first)
    plan["assignments"]["MP078"] = "2021-06"
    next(i for i in plan["items"] if i["id"] == "MP078")["release"] = "2021-06"
    for release in plan["releases"]:
        release["items"] = [u for u in release["items"] if u != "MP078"] + (
            ["MP078"] if release["id"] == "2021-06" else [])
    assert was == "2021-11"
    (tmp_path / "edited.json").write_text(json.dumps(plan))
    result = secplan("rid", SEND_BACK, "2021-06", "--plan", str(tmp_path / "edited.json"))
    assert result.returncode == 2 and "assignments: breaks uplift-cap(GBCS, 2021): " in \
        result.stderr and "(and aligned-uplift(GBCS, SECMP0007): `secplan check` says how)" \
        in result.stderr, result.stderr


def test_a_saved_plan_missing_what_the_commands_show_is_bad_input(tmp_path: Path) -> None:
    """An acceptance test: a plan.json trimmed to its assignments (as an error's advice read)
    made rid and explain end in a traceback and report a page of 32 items outside the
    horizon, exit 0; an assignments-only file got its missing keys named one at a time.
    Each is one message now, for every command reading --plan."""
    out = tmp_path / "out"
    assert runner.invoke(app, ["solve", SEND_BACK, "--out", str(out)]).exit_code == 0
    plan = json.loads((out / "plan.json").read_text())
    trimmed = {k: v for k, v in plan.items() if k not in ("items", "releases")}
    without_one = {**plan, "items": [i for i in plan["items"] if i["id"] != "MP084"]}
    for content, said in (
            (trimmed, "releases: missing (and items): --plan reads back the whole plan.json"),
            ({"assignments": plan["assignments"]},
             "scenario: missing (and status, releases, items): "),
            (without_one, "items: has no entry for MP084: --plan reads back the whole ")):
        path = tmp_path / "edited.json"
        path.write_text(json.dumps(content))
        for command in (["rid", SEND_BACK, "2021-06"], ["explain", SEND_BACK, "MP084"],
                        ["report", SEND_BACK, "-o", str(tmp_path / "report.html")]):
            result = secplan(*command, "--plan", str(path))
            assert result.returncode == 2 and said in result.stderr, result.stderr
            assert "Traceback" not in result.stderr and not (tmp_path / "report.html").exists()
    assert secplan("check", SEND_BACK, str(path)).returncode == 0  # check judges it


def test_a_saved_plan_edited_by_hand_consistently_is_not_shown_as_solve_wrote_it(
        tmp_path: Path) -> None:
    """An acceptance test: a plan.json with a move edited into every section (assignments,
    items, releases) kept its old fall-back, reasons and "optimal plan: proven best" in
    rid and report. Its objective no longer matches its assignments: bad input, saying so."""
    out = tmp_path / "out"
    assert runner.invoke(app, ["solve", SEND_BACK, "--out", str(out)]).exit_code == 0
    plan = json.loads((out / "plan.json").read_text())
    plan["assignments"]["DP124"] = "2022-06"  # keeps every hard rule (check: valid)
    entry = next(i for i in plan["items"] if i["id"] == "DP124")
    entry.update(release="2022-06", cut_off="2022-05-23")  # as the scenario gives it there
    for release in plan["releases"]:
        release["items"] = [u for u in release["items"] if u != "DP124"] + (
            ["DP124"] if release["id"] == "2022-06" else [])
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(plan))
    assert secplan("check", SEND_BACK, str(edited)).returncode == 0
    for command in (["rid", SEND_BACK, "2022-06"],
                    ["report", SEND_BACK, "-o", str(tmp_path / "r.html")]):
        result = secplan(*command, "--plan", str(edited))
        assert result.returncode == 2, result.stderr
        assert "assignments: are not the plan `solve` wrote: its objective says delay " in \
            result.stderr and "`secplan check` judges an allocation" in result.stderr


def test_compare_reads_both_saved_plans_and_refuses_a_what_if_planned_from_another(
        tmp_path: Path) -> None:
    """The 1,000-item acceptance test: compare took 79-83 s, planning both sides again.
    --base-plan and --plan read the plans solve wrote; a what-if's plan must have been
    planned against the base plan it is compared with, else its moves are another's."""
    baseline = str(SEC_2020 / "baseline.yaml")
    for name, scenario in (("b", baseline), ("o", SEND_BACK)):
        assert runner.invoke(app, ["solve", scenario, "--out", str(tmp_path / name)]
                             ).exit_code == 0
    saved = ["--base-plan", str(tmp_path / "b" / "plan.json"),
             "--plan", str(tmp_path / "o" / "plan.json")]
    solved = secplan("compare", baseline, SEND_BACK, "--json", "--progress")
    read = secplan("compare", baseline, SEND_BACK, "--json", "--progress", *saved)
    assert read.returncode == 0 and read.stdout == solved.stdout, read.stderr
    assert "level 1 of" in solved.stderr and "level 1 of" not in read.stderr
    assert json.loads(read.stdout)["moved"]  # SECMP0067 sent back: something moved
    report = tmp_path / "r.html"
    done = secplan("report", SEND_BACK, "-o", str(report), "--compare", baseline, *saved,
                   "--progress")
    assert done.returncode == 0 and "level 1 of" not in done.stderr, done.stderr
    assert "SECMP0067" in report.read_text()
    other = json.loads((tmp_path / "o" / "plan.json").read_text())
    other["reference"]["MP084"] = "2021-11"  # as if planned from another plan of baseline
    (tmp_path / "o" / "plan.json").write_text(json.dumps(other))
    wrong = secplan("compare", baseline, SEND_BACK, *saved)
    assert wrong.returncode == 2 and wrong.stdout == ""
    assert wrong.stderr.strip() == (
        f"secplan: {tmp_path / 'o' / 'plan.json'}: reference: planned against another plan "
        f"of {baseline} (1 item(s) placed otherwise, first MP084): give --base-plan the "
        "plan.json `solve --out` wrote for the base, or compare without --plan")
    alone = secplan("report", SEND_BACK, "-o", str(report), "--base-plan", saved[1])
    assert alone.returncode == 2 and "give --compare too" in alone.stderr
    # a review: a null reference, or an item null on one side and absent on the other,
    # ended in a traceback; a missing --plan was said only after the base was planned; a
    # plan the command reads could be overwritten by its output
    other["reference"] = None
    (tmp_path / "o" / "plan.json").write_text(json.dumps(other))
    none = secplan("compare", baseline, SEND_BACK, *saved)
    assert none.returncode == 2 and "reference: none, so not planned against a plan of" \
        in none.stderr, none.stderr
    base_assignments = json.loads((tmp_path / "b" / "plan.json").read_text())["assignments"]
    other["reference"] = {**base_assignments, "ZZZ": None}  # unequal, yet none differs
    (tmp_path / "o" / "plan.json").write_text(json.dumps(other))
    extra = secplan("compare", baseline, SEND_BACK, *saved)
    assert extra.returncode == 0 and "Traceback" not in extra.stderr, extra.stderr
    missing = secplan("compare", baseline, SEND_BACK, "--plan", str(tmp_path / "no.json"),
                      "--progress")
    assert missing.returncode == 2 and "no.json" in missing.stderr
    assert "level 1 of" not in missing.stderr  # the base not planned first
    (tmp_path / "bp.html").write_text((tmp_path / "b" / "plan.json").read_text())
    over = secplan("report", SEND_BACK, "-o", str(tmp_path / "bp.html"), "--compare", baseline,
                   "--base-plan", str(tmp_path / "bp.html"))
    assert over.returncode == 2 and "the command reads this file" in over.stderr
    assert json.loads((tmp_path / "bp.html").read_text())["assignments"]


def test_a_what_if_is_solved_and_swept_from_saved_plans(tmp_path: Path) -> None:
    """The 1,000-item acceptance test: solving a what-if took 78 s, 40 of them planning its
    base again, and every sweep re-run (another chart page) planned both again, 70 s.
    `solve --base-plan` plans against the base's plan.json; `sweep --plan` takes the
    scenario's own; each gives what planning again gives."""
    uncertain = str(SEC_2020 / "uncertain.yaml")
    assert runner.invoke(app, ["solve", SEND_BACK, "--out", str(tmp_path / "b")]).exit_code == 0
    base_plan = str(tmp_path / "b" / "plan.json")
    again = secplan("solve", uncertain, "--json", "--progress")
    read = secplan("solve", uncertain, "--json", "--progress", "--base-plan", base_plan,
                   "--out", str(tmp_path / "u"))
    assert read.returncode == 0 and read.stdout == again.stdout, read.stderr
    assert again.stderr.count("level 1 of") == 3 and read.stderr.count("level 1 of") == 1
    swept = secplan("sweep", uncertain, "--samples", "3", "--json", "--no-progress")
    from_plan = secplan("sweep", uncertain, "--samples", "3", "--json", "--no-progress",
                        "--progress", "--plan", str(tmp_path / "u" / "plan.json"))
    assert from_plan.returncode == 0, from_plan.stderr
    assert json.loads(from_plan.stdout) == json.loads(swept.stdout)
    assert "level 1 of" not in from_plan.stderr  # the samples are muted, the base read
    for args, said in (
            (["solve", SEND_BACK, "--base-plan", str(tmp_path / "u" / "plan.json")],
             "scenario: the plan of 'uncertain', not of 'baseline'"),
            (["solve", str(SEC_2020 / "baseline.yaml"), "--base-plan", base_plan],
             "extends no base scenario"),
            (["sweep", uncertain, "--samples", "2", "--plan", base_plan],
             "scenario: the plan of 'secmp0067-send-back', not of 'uncertain'")):
        wrong = secplan(*args)
        assert wrong.returncode == 2 and said in wrong.stderr, wrong.stderr


def test_a_what_if_of_a_base_with_no_plan_is_planned_against_the_published_allocation(
        tmp_path: Path) -> None:
    """A review: with `--base-plan`, a base's plan.json of no plan was bad input, where
    planning the base again silently fell back on the published allocation. Both now say
    so and give the same plan; `--base-plan` does not plan the base again. Taking a base's
    `pin` back with `rules: {remove: ...}` says that `switch-off` does it."""
    pinned = SEC_2020 / "secmp0067-fixed-nov-2020.yaml"
    assert secplan("solve", str(pinned), "--out", str(tmp_path / "b")).returncode == 1
    for name in ("secmp0067-send-back.yaml", "baseline.yaml", pinned.name):
        (tmp_path / name).write_text((SEC_2020 / name).read_text())
    unpin = tmp_path / "unpin.yaml"
    unpin.write_text(f"extends: {pinned.name}\nrules:\n  remove: ['fixed(SECMP0067)']\n")
    refused = secplan("validate", str(unpin))
    assert refused.returncode == 2 and (
        "'fixed(SECMP0067)' is made by a `pin` change, and changes apply after every "
        "file's overlays; to stop it, add `- switch-off: 'fixed(SECMP0067)'`") in refused.stderr
    unpin.write_text(f"extends: {pinned.name}\nchanges:\n  - switch-off: 'fixed(SECMP0067)'\n")
    note = (f"{pinned.name} has no plan (no plan satisfies its rules): this what-if is "
            "planned against the published allocation (each item's baseline release) instead")
    again = secplan("solve", str(unpin), "--json", "--progress")
    read = secplan("solve", str(unpin), "--json", "--progress",
                   "--base-plan", str(tmp_path / "b" / "plan.json"), "--out", str(tmp_path / "u"))
    assert again.returncode == 0 and note in again.stderr
    assert read.returncode == 0 and note in read.stderr and read.stdout == again.stdout
    assert "planning the base scenario first" not in read.stderr
    plan = json.loads(read.stdout)
    assert plan["reference"] is None and plan["assignments"]["SECMP0067"] == "2021-06"
    assert secplan("check", str(unpin), str(tmp_path / "u" / "plan.json")).returncode == 0
    # a what-if of that what-if: its base is planned against the published allocation too,
    # and says so (a review: only the direct base's was said)
    (tmp_path / "later.yaml").write_text("extends: unpin.yaml\n")
    later = secplan("solve", str(tmp_path / "later.yaml"), "--json")
    assert later.returncode == 0 and (f"{pinned.name} has no plan (no plan satisfies its "
                                      "rules): unpin.yaml is planned against") in later.stderr
    # a plan.json of no plan is taken only as the base's own (a review: any was)
    uncertain = secplan("solve", str(SEC_2020 / "uncertain.yaml"),
                        "--base-plan", str(tmp_path / "b" / "plan.json"))
    assert uncertain.returncode == 2 and ("scenario: the plan of 'secmp0067-fixed-nov-2020', "
                                          "not of 'secmp0067-send-back'") in uncertain.stderr


def test_a_what_if_rolling_as_of_past_a_baseline_names_the_items_outside_its_scope(
        tmp_path: Path) -> None:
    """An acceptance test rolled `as_of` forward in a what-if: the base plan's items of
    2021-11 were pushed to 2022-06, "blocked by scope-baseline", with no word that their
    published scope (`baseline:`) leaves them out of 2021-11's, baselined by then. The note
    names them, and only those still outside once given that baseline."""
    for name in ("secmp0067-send-back.yaml", "baseline.yaml"):
        (tmp_path / name).write_text((SEC_2020 / name).read_text())
    roll = tmp_path / "roll.yaml"
    roll.write_text("extends: secmp0067-send-back.yaml\nas_of: 2020-11-05\n")
    moved = secplan("solve", str(roll), "--out", str(tmp_path / "o"))
    assert moved.returncode == 0, moved.stderr
    assert ("as of 2020-11-05, the base plan places 9 item(s) in releases whose scope is "
            "baselined, outside their published scope: MP078 (2021-11)") in moved.stderr
    assert "which this scenario forbids, so the plan moves them" in moved.stderr
    plan = json.loads((tmp_path / "o" / "plan.json").read_text())
    assert plan["assignments"]["SECMP0007"] == "2022-06"
    assert secplan("check", str(roll), str(tmp_path / "o" / "plan.json")).returncode == 0
    baselined = ["MP078", "MP090", "MP099", "SECMP0007", "SECMP0015", "SECMP0024",
                 "SECMP0046", "SECMP0056"]
    roll.write_text("extends: secmp0067-send-back.yaml\nas_of: 2020-11-05\nitems:\n  update:\n"
                    + "".join(f"    {uid}: {{baseline: '2021-11'}}\n" for uid in baselined))
    kept = secplan("solve", str(roll), "--json")
    assert kept.returncode == 0, kept.stderr
    assert ("the base plan places 1 item(s) in releases whose scope is baselined, outside "
            "their published scope: SECMP0067 (2021-06)") in kept.stderr
    roll.write_text(roll.read_text() + "changes:\n  - switch-off: 'scope-baseline(SECMP0067)'\n")
    off = secplan("solve", str(roll), "--json")  # no exception where the rule is off (a
    assert off.returncode == 0 and "outside their published scope" not in off.stderr  # review)


def test_a_saved_plan_of_a_scenario_changed_since_is_shown_with_a_warning(
        tmp_path: Path) -> None:
    """The acceptance test: with the uplift weight raised from 10 to 1000, `rid --plan`
    showed the old plan as the recommended one without a word. A change that keeps every
    hard rule is still a valid plan, so a warning; a new description is no change."""
    source = (SEC_2020 / "baseline.yaml").read_text()
    path = tmp_path / "baseline.yaml"
    path.write_text(source)
    assert runner.invoke(app, ["solve", str(path), "--out", str(tmp_path / "o")]).exit_code == 0
    saved = str(tmp_path / "o" / "plan.json")
    assert json.loads((tmp_path / "o" / "plan.json").read_text())["fingerprint"]
    retitled = source.replace("title: Other User Panel Seating Amendment",
                              "title: Other User Panel Seating Amendments", 1)
    assert retitled != source
    for text, warned in ((source, False),
                         (source.replace("description: >-", "description: >-\n  Edited.", 1),
                          False),
                         (retitled, False),  # a review: words change no plan
                         (source.replace("{term: uplifts, priority: 2, weight: 10}",
                                         "{term: uplifts, priority: 2, weight: 1000}", 1), True)):
        assert text != source or not warned
        path.write_text(text)
        shown = secplan("rid", str(path), "2020-11", "--plan", saved)
        assert shown.returncode == 0, shown.stderr
        assert ("has changed since this plan was made" in shown.stderr) == warned, shown.stderr


def test_graph_of_some_releases_lists_only_their_linked_groups(tmp_path: Path) -> None:
    """The acceptance test: `graph --release 2022-06` drew that release but printed all 59
    linked groups of the plan, some in 2021-06 and 2029-06 alone."""
    from benchmarks.generate import dump_yaml, generate_scenario

    path = tmp_path / "g.yaml"
    path.write_text(dump_yaml(generate_scenario(80, 3, 1)))
    assert secplan("solve", str(path), "--out", str(tmp_path / "o"), "--time-limit", "5"
                   ).returncode == 0
    saved = ["--plan", str(tmp_path / "o" / "plan.json")]
    plan = json.loads((tmp_path / "o" / "plan.json").read_text())["assignments"]
    prefix = "linked by precedence or same-release (moving one may move the others): "

    def groups(*args: str) -> tuple[list[list[str]], str]:
        shown = secplan("graph", str(path), *saved, "-o", str(tmp_path / "g.png"), *args)
        assert shown.returncode == 0, shown.stderr
        return [line.removeprefix(prefix).split(", ") for line in shown.stdout.splitlines()
                if line.startswith(prefix)], shown.stdout

    every, _ = groups()
    assert len({plan[u] for group in every for u in group}) >= 2  # groups in several releases
    release = plan[every[0][0]]
    some, text = groups("--release", release)
    assert some == [g for g in every if any(plan[u] == release for u in g)]
    assert 0 < len(some) < len(every)
    assert f"({len(every) - len(some)} more such groups in other releases" in text
    import solver.cli

    with pytest.MonkeyPatch.context() as patch:  # a note past GRAPH_ITEMS, not with --release
        patch.setattr(solver.cli, "GRAPH_ITEMS", 10)
        for args, noted in (([], True), (["--release", release], False)):
            drawn = runner.invoke(app, ["graph", str(path), *saved, "-o",
                                        str(tmp_path / "g.png"), *args])
            assert drawn.exit_code == 0
            assert (f"the graph draws {len(plan)} items on one page; --release R" in
                    drawn.output) == noted


def test_explain_weighs_a_saved_plan_without_planning_again(tmp_path: Path) -> None:
    """The 1,000-item acceptance test: explain planned again (45 s) before its questions.
    With --plan it asks them of the plan.json solve wrote; the objective it weighs options
    against is counted from the assignments, not taken from the file."""
    out = tmp_path / "out"
    assert runner.invoke(app, ["solve", SEND_BACK, "--out", str(out)]).exit_code == 0
    saved = out / "plan.json"
    solved = secplan("explain", SEND_BACK, "SECMP0067", "--json", "--progress")
    shown = secplan("explain", SEND_BACK, "SECMP0067", "--json", "--progress", "--plan",
                    str(saved))
    assert shown.returncode == 0 and shown.stdout == solved.stdout, shown.stderr
    assert "level 1 of" in solved.stderr and "level 1 of" not in shown.stderr
    assert "releases weighed" in shown.stderr
    edited = json.loads(saved.read_text())  # its objective edited: not the plan solve wrote
    edited["objective"]["delay"] += 1000
    saved.write_text(json.dumps(edited))
    shown = secplan("explain", SEND_BACK, "SECMP0067", "--plan", str(saved))
    assert shown.returncode == 2 and "its objective says delay 1647, its assignments give " \
        "647" in shown.stderr, shown.stderr


def test_help_lists_each_command_in_one_line_and_reflows_its_detail() -> None:
    """`secplan --help` shows each command's first paragraph, so it must be one line; the
    detail below it is reflowed to the terminal, not broken where the docstring breaks."""
    from solver.cli import sweep

    for command in app.registered_commands:
        assert command.callback is not None
        first = (command.callback.__doc__ or "").split("\n\n")[0]
        assert "\n" not in first, command.callback.__name__
    wide = runner.invoke(app, ["sweep", "--help"], env={"COLUMNS": "400"}, terminal_width=400)
    assert wide.exit_code == 0
    detail = " ".join((sweep.__doc__ or "").split("\n\n")[1].replace("`", "").split())
    assert [line for line in wide.output.splitlines() if detail in " ".join(line.split())]



@pytest.mark.parametrize("command", [[]] + [
    [c.name or (c.callback.__name__ if c.callback else "")] for c in app.registered_commands
])
def test_help_shows_no_value_after_a_flag(command: list[str]) -> None:
    """Typer 0.29 prints `<bool>` after an on/off option, as if `--json` took a value."""
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "200"}, terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.output


INFEASIBLE = str(SEC_2020 / "secmp0067-fixed-nov-2020.yaml")


@pytest.mark.parametrize("args", [
    ["rid", INFEASIBLE, "2021-06"], ["compare", SEND_BACK, INFEASIBLE],
    ["gantt", INFEASIBLE, "-o", "{tmp}/g.png"], ["graph", INFEASIBLE, "-o", "{tmp}/g.png"],
])
def test_a_command_that_needs_a_plan_says_there_is_none_with_exit_2(
    tmp_path: Path, args: list[str],
) -> None:
    """The README's exit codes (the design's contract: 0 / 2)."""
    result = secplan(*(a.format(tmp=tmp_path) for a in args))
    assert result.returncode == 2
    assert "no plan satisfies the rules; run `secplan solve` for the clash" in result.stderr
    assert not list(tmp_path.iterdir())


def test_a_report_with_no_plan_shows_the_clash_and_exits_0(tmp_path: Path) -> None:
    result = secplan("report", INFEASIBLE, "-o", str(tmp_path / "r.html"))
    assert result.returncode == 0 and "fixed(SECMP0067)" in (tmp_path / "r.html").read_text()


def test_a_report_refuses_a_sweep_made_against_another_plan(tmp_path: Path) -> None:
    plan = json.loads(secplan("solve", SEND_BACK, "--json").stdout)["assignments"]
    dropped = dict(plan)
    dropped.pop("MP084")
    for base, named in (({**plan, "SECMP0067": "2020-11"}, "SECMP0067"), (dropped, "MP084"),
                        ({**plan, "DP999": None}, "DP999")):
        summary = {"samples": 1, "probabilities": {"SECMP0067": {"2020-11": 1.0}},
                   "base": base}
        (tmp_path / "s.json").write_text(json.dumps(summary))
        result = secplan("report", SEND_BACK, "-o", str(tmp_path / "r.html"),
                         "--sweep", str(tmp_path / "s.json"))
        assert result.returncode == 2 and "swept against another plan" in result.stderr
        assert f"({named} placed otherwise)" in result.stderr
        assert not (tmp_path / "r.html").exists()
    # --compare does not change the plan: the same message
    result = secplan("report", SEND_BACK, "-o", str(tmp_path / "r.html"), "--sweep",
                     str(tmp_path / "s.json"), "--compare", str(SEC_2020 / "baseline.yaml"))
    assert result.returncode == 2 and "; sweep this scenario" in result.stderr, result.stderr
    # another scenario's sweep, though its base plan is this one's: its samples are drawn
    # from that scenario's uncertainty (carried from session 17)
    other = {"scenario": "uncertain", "samples": 1, "base": plan,
             "probabilities": {"SECMP0067": {"2021-06": 1.0}}}
    (tmp_path / "s.json").write_text(json.dumps(other))
    result = secplan("report", SEND_BACK, "-o", str(tmp_path / "r.html"), "--sweep",
                     str(tmp_path / "s.json"))
    assert result.returncode == 2 and "the sweep of 'uncertain', not of " \
        "'secmp0067-send-back'; sweep this scenario" in result.stderr, result.stderr
    assert not (tmp_path / "r.html").exists()


@pytest.mark.parametrize(("item", "said"), [
    ("secmp0067", "unknown planned item 'secmp0067'; did you mean 'SECMP0067'?"),
    ("SECMP0062.1", "SECMP0062.1 is implemented: not planned"),
])
def test_explain_names_an_item_it_cannot_explain(item: str, said: str) -> None:
    result = runner.invoke(app, ["explain", SEND_BACK, item])
    assert result.exit_code == 2 and said in result.output


def test_gantt_names_the_option_a_bad_row_count_came_from(tmp_path: Path) -> None:
    result = runner.invoke(app, ["gantt", SEND_BACK, "-o", str(tmp_path / "g.png"),
                                 "--rows", "0"])
    assert result.exit_code == 2 and "--rows 0: a page needs at least one row" in result.output


def test_a_dcc_lead_time_without_dcc_impact_is_warned_about_not_refused(tmp_path: Path) -> None:
    import yaml

    from tests.conftest import item, scenario

    data = scenario([
        item("DOC", dcc_lead_time="6 months"),
        item("DCC", dcc_lead_time="6 months", dcc_impact=True),
        item("SPLIT", dcc_impact=True, parts=[
            {"id": "1", "dcc_lead_time": "3 months"},
            {"id": "2", "dcc_lead_time": "3 months", "dcc_impact": False},
        ]),
    ]).model_dump(mode="json", exclude_defaults=True)
    path = tmp_path / "doc.yaml"
    path.write_text(yaml.safe_dump(data))
    for command in (["validate"], ["solve", "--json"]):
        result = secplan(*command, str(path))
        assert result.returncode == 0, result.stderr
        warnings = [line for line in result.stderr.splitlines() if "warning" in line]
        assert len(warnings) == 2, result.stderr
        assert warnings[0].startswith(f"secplan: warning: {path}: DOC: dcc_lead_time 6 months")
        assert "set `dcc_impact: true`" in warnings[0]
        assert "SPLIT.2: dcc_lead_time 3 months" in warnings[1]
    assert json.loads(result.stdout)["status"] == "optimal"


def test_a_warning_is_given_once_when_a_command_reads_the_file_twice(tmp_path: Path) -> None:
    import yaml

    from tests.conftest import item, scenario

    data = scenario([item("DOC", dcc_lead_time="6 months")])
    path = tmp_path / "doc.yaml"
    path.write_text(yaml.safe_dump(data.model_dump(mode="json", exclude_defaults=True)))
    result = secplan("rid", str(path), "2021-06")  # loads the file, then plans it
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("secplan: warning:") == 1, result.stderr


def test_each_command_in_one_process_gives_its_own_warnings(tmp_path: Path) -> None:
    """A review: what one command had warned about was kept, so a second command in the
    same process (a test's, a notebook's) said nothing."""
    import yaml

    from tests.conftest import item, scenario

    data = scenario([item("DOC", dcc_lead_time="6 months")])
    path = tmp_path / "doc.yaml"
    path.write_text(yaml.safe_dump(data.model_dump(mode="json", exclude_defaults=True)))
    import warnings

    for _ in range(2):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert runner.invoke(app, ["validate", str(path)]).exit_code == 0
        assert any("DOC" in str(w.message) for w in caught)


def test_a_warning_a_what_if_inherits_from_its_base_is_given_once(tmp_path: Path) -> None:
    """An acceptance test: `report WHATIF --compare BASE` printed the base's long warning
    twice, once per file."""
    from benchmarks.generate import dump_yaml, generate_scenario

    base = tmp_path / "base.yaml"
    base.write_text(dump_yaml(generate_scenario(60, 2, 1)))
    what_if = tmp_path / "what-if.yaml"
    what_if.write_text("extends: base.yaml\ndescription: the same\n")
    result = secplan("compare", str(base), str(what_if), "--time-limit", "5")
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("with no fixed rule") == 1, result.stderr


def test_explaining_every_item_lists_the_closed_ones_too() -> None:
    result = runner.invoke(app, ["explain", str(SEC_2020 / "mp084-rejected.yaml")],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Closed, not planned: MP084 (rejected), SECMP0062.1 (implemented)" in result.output


def test_a_closed_item_s_lead_time_is_not_warned_about() -> None:
    from solver.lint import scenario_warnings
    from tests.conftest import item, scenario

    rejected = item("GONE", status="rejected", dcc_lead_time="6 months")
    assert scenario_warnings(scenario([rejected, item("A")])) == []
    assert len(scenario_warnings(scenario([item("A", dcc_lead_time="6 months")]))) == 1


def test_a_one_priority_objective_is_said_as_one_sum() -> None:
    from solver.engine import SolveOptions
    from solver.engine import solve as solve_instance
    from solver.instance import Instance
    from solver.plan import make_plan
    from solver.report_text import objective_words
    from tests.conftest import item, scenario

    s = scenario([item("A", value=2)], objective=[{"term": "delay", "priority": 1, "weight": 3},
                                                  {"term": "unplaced", "priority": 1}])
    inst = Instance(s)
    plan = make_plan(inst, solve_instance(inst, SolveOptions(time_limit=5)),
                     SolveOptions(time_limit=5))
    delay = plan.objective["delay"]
    assert objective_words(inst, plan.objective) == (
        f"objective: delay {delay} \u00d7 3 + unplaced 0 = {3 * delay}")


def test_check_of_last_months_plan_notes_items_decided_or_raised_since(tmp_path: Path) -> None:
    """A monthly re-plan judged last month's plan in this month's what-if: a rejection or
    a new item was a hard `complete` violation ("MP118 is rejected and cannot be
    assigned"), so the check failed almost every month. They are notes: the closed item
    not judged, the new one outside the horizon."""
    base = SEC_2020 / "baseline.yaml"
    assert runner.invoke(app, ["solve", str(base), "--out", str(tmp_path)]).exit_code == 0
    month = tmp_path / "month.yaml"
    month.write_text(f"extends: {base}\nchanges:\n  - reject: MP115\n"
                     "items:\n  add:\n    - {id: DP900, title: New draft, status: "
                     "draft-proposal, expected_decision: 2021-03-01, party_lead_time: 38 days}\n")
    judged = secplan("check", str(month), str(tmp_path / "plan.json"))
    assert judged.returncode == 0, judged.stdout + judged.stderr
    assert f"{tmp_path / 'plan.json'}: closed since (not judged): MP115" in judged.stderr
    assert f"{tmp_path / 'plan.json'}: not in it (judged outside the horizon): DP900" \
        in judged.stderr
    assert "left outside the horizon (1): DP900" in judged.stdout
    # its own plan, a new item missing, is still incomplete
    mine = tmp_path / "mine"
    assert runner.invoke(app, ["solve", str(month), "--out", str(mine)]).exit_code == 0
    data = json.loads((mine / "plan.json").read_text())
    del data["assignments"]["DP900"]
    (mine / "plan.json").write_text(json.dumps(data))
    assert secplan("check", str(month), str(mine / "plan.json")).returncode == 1


def test_check_names_a_rule_broken_twice_once(tmp_path: Path) -> None:
    """An acceptance test: `check` printed and counted a soft rule broken in two releases
    twice ("2 soft rule(s) broken"), where `solve` and the report said one."""
    from tests.conftest import item, scenario

    cap = {"rule": "capacity", "max_count": 1, "dcc_only": False, "hard": False,
           "penalty": 1, "releases": ["2021-06", "2021-11"]}
    s = scenario([item(u) for u in "ABCD"], [cap])
    path = scenario_file(tmp_path / "s.json", s)
    plan = tmp_path / "plan.csv"
    plan.write_text("item,release\nA,2021-06\nB,2021-06\nC,2021-11\nD,2021-11\n")
    result = secplan("check", str(path), str(plan))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:-1] == [  # then the plan's objective
        "capacity(2021-06, 2021-11) [soft, broken]: 2021-06 holds 2 changes; at most 1 (1 "
        "over); 2021-11 holds 2 changes; at most 1 (1 over)",
        "  2021-06 holds: A, B",  # what there is to move
        "  2021-11 holds: C, D",
        f"{plan}: valid (1 soft rule(s) broken)"]
    assert lines[-1].startswith("objective, each priority settled before the next: ")
    from solver.check import broken_rules
    from solver.model import PlanViolation

    found = [PlanViolation(rule="soft", hard=False, message="s"),  # an acceptance test:
             PlanViolation(rule="hard", hard=True, message="h")]  # soft printed first
    assert list(broken_rules(found)) == ["hard", "soft"]


def test_check_lists_what_an_overfull_release_holds(tmp_path: Path) -> None:
    """An acceptance test: a DCC manager's hand edit broke a capacity "(2 over)", and
    `check` did not say what the release held to move: it names the items the rule counts
    there, the largest effort first (documentation-only C not counted)."""
    from tests.conftest import item, scenario

    dcc = {"dcc_impact": True, "dcc_lead_time": "1 month", "expected_decision": "2020-12-01"}
    s = scenario([item("A", effort=5, **dcc), item("B", effort=8, **dcc), item("C", effort=9)],
                 [{"rule": "capacity", "max_effort": 10, "releases": ["2021-11"]}])
    path = scenario_file(tmp_path / "s.json", s)
    plan = tmp_path / "plan.csv"
    plan.write_text("item,release\nA,2021-11\nB,2021-11\nC,2021-11\n")
    result = secplan("check", str(path), str(plan))
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[:2] == [
        "capacity(2021-11) [violated]: 2021-11 holds 13 effort of DCC-system changes; at most "
        "10 (3 over)",
        "  2021-11 holds, largest effort first: B (8), A (5)"]


def test_a_base_read_for_its_saved_plan_is_not_linted_again(tmp_path: Path) -> None:
    """A monthly re-plan: solving this month's what-if with `--base-plan` last month's
    plan.json warned of last month's file ("approved ... with no fixed rule: DP141") after
    this month's had added the rule. The what-if's own doubtful entries are still said."""
    from tests.conftest import item, scenario

    s = scenario([item("A", status="approved", baseline="2021-06", dcc_impact=True,
                       dcc_lead_time="6 months"), item("B")])
    base = scenario_file(tmp_path / "base.json", s)
    first = secplan("solve", str(base), "--out", str(tmp_path / "out"))
    assert first.returncode == 0 and "with no fixed rule: A (2021-06)" in first.stderr
    month = tmp_path / "month.yaml"
    month.write_text("extends: base.json\nrules:\n  add:\n"
                     "    - {rule: fixed, item: A, release: '2021-06'}\n")
    fixed = secplan("solve", str(month), "--base-plan", str(tmp_path / "out" / "plan.json"))
    assert fixed.returncode == 0, fixed.stderr
    assert "no fixed rule" not in fixed.stderr, fixed.stderr
    late = tmp_path / "late.yaml"  # its own doubtful entry: said
    late.write_text(month.read_text() + "items:\n  update:\n"
                    "    B: {expected_decision: 2020-09-01}\n")
    said = secplan("solve", str(late), "--base-plan", str(tmp_path / "out" / "plan.json"))
    assert "expected decision before as_of" in said.stderr and "no fixed rule" not in said.stderr


def test_a_gone_live_release_says_so_and_a_move_out_names_whose_scope(tmp_path: Path) -> None:
    """A monthly re-plan: a release gone live read as a live one in `rid` and `solve`; and
    "Moved out of this release: MP084 to 2021-06, its scope already baselined" read as if
    2021-06's scope were, where it is the release left."""
    from tests.conftest import item, scenario

    s = scenario([item("OLD", status="approved", decided="2020-01-01", baseline="2021-06"),
                  item("LATE", dcc_impact=True, dcc_lead_time="6 months", baseline="2021-11",
                       expected_decision="2021-08-01")], as_of="2021-07-01")
    path = scenario_file(tmp_path / "s.json", s)
    env = {"COLUMNS": "250"}
    live = runner.invoke(app, ["rid", str(path), "2021-06"], env=env).output
    assert live.splitlines()[0].startswith(
        "2021-06 SEC Release: go-live Thursday 24 June 2021 (gone live: its scope is frozen); ")
    solved = runner.invoke(app, ["solve", str(path)], env=env)
    assert "2021-06: go-live 2021-06-24 (gone live: its scope is frozen); " in solved.output
    # an approved item in a release gone live needs no fixed rule: frozen keeps it
    assert "no fixed rule" not in solved.output
    assert "(gone live" not in runner.invoke(app, ["rid", str(path), "2021-11"], env=env).output
    assert ("Moved out of this release (from the published allocation): LATE to 2022-11, out "
            "of this release's baselined scope.") in \
        runner.invoke(app, ["rid", str(path), "2021-11"], env=env).output


def test_an_authority_route_decision_is_the_authoritys() -> None:
    """A proposer read "Change Board vote; decision expected 10 Sep 2020" as the vote's
    date, where the route's decision is the Authority's: said so, not for self-governance."""
    rows = {r["id"]: r["status_words"] for r in json.loads(
        secplan("rid", SEND_BACK, "2021-11", "--json").stdout)["items"]}
    assert rows["SECMP0007"] == ("Modification Report due; Authority decision expected "
                                 "2020-09-24.")
    assert rows["MP078"] == "Modification Report due; decision expected 2020-07-22."


def test_an_overdue_expected_decision_is_warned_about() -> None:
    """A proposer's Change Board dates had passed by `as_of` and were planned as decided
    that day, with no word: a warning names each (not an approved item's date, nor a
    closed item's)."""
    from solver.lint import scenario_warnings
    from tests.conftest import item, scenario

    s = scenario([item("LATE", expected_decision="2020-09-01"), item("ON", status="approved"),
                  item("GONE", expected_decision="2020-09-01", status="withdrawn"),
                  item("SOON", expected_decision="2020-12-01")])
    assert scenario_warnings(s) == [
        "expected decision before as_of 2020-11-01, so planned as decided on 2020-11-01 at the "
        "earliest: LATE (2020-09-01); record each decision, or give its new expected date"]


def test_an_approved_item_in_a_baselined_scope_without_a_fixed_rule_is_warned_about() -> None:
    """An acceptance test: an approved DCC build in June 2027, its DCC scope baselined,
    slipped a year to save 4 value-months: nothing kept it there, and nothing said so. Its
    scope baselined (12 months before 24 Jun 2021 for a DCC item, 6 for another), with no
    `fixed` rule: warned; fixed, or its full scope not yet baselined: not; nor D, approved
    on 1 October 2020, after June's cut-off for its 9-month lead time (a monthly re-plan
    followed the advice to fix such an item into no plan)."""
    from solver.lint import scenario_warnings
    from tests.conftest import item, scenario

    dcc = {"status": "approved", "baseline": "2021-06", "dcc_impact": True,
           "dcc_lead_time": "6 months"}
    s = scenario([item("A", **dcc), item("B", **dcc),
                  item("C", status="approved", baseline="2021-06"),
                  item("D", **{**dcc, "dcc_lead_time": "9 months"})],
                 [{"rule": "fixed", "item": "B", "release": "2021-06"}])
    assert scenario_warnings(s) == [
        "approved, in a release whose scope is baselined, with no fixed rule: A (2021-06); "
        "the plan may move them (each move counts policy.baselined_move_cost = 3 moves): add "
        "`{rule: fixed, item: ID, release: RID}` for each that must stay"]


def test_a_rule_a_closed_item_makes_moot_is_said_to_go(tmp_path: Path) -> None:
    """An acceptance test: SECMP0007 rejected, both 2021 alignments vanished without a
    word; a same-release rule keeps its open members and says nothing, unless one is left
    (another acceptance test: a pair with one rejected vanished without a word), which is
    then planned alone, as a precedence's dependant is without its prerequisite."""
    from solver.instance import Instance
    from solver.lint import scenario_warnings
    from tests.conftest import item, scenario

    s = scenario([item("ANCHOR", status="rejected", specs=["GBCS"]), item("A"), item("B"),
                  item("C", status="withdrawn"), item("D"), item("E")],
                 [{"rule": "aligned-uplift", "spec": "GBCS", "anchor": "ANCHOR", "year": 2021},
                  {"rule": "same-release", "items": ["A", "B", "C"]},
                  {"rule": "same-release", "items": ["C", "D"]},  # one left: moot
                  {"rule": "precedence", "before": "C", "after": "E"},
                  {"rule": "precedence", "before": "D", "after": "C"}])
    assert scenario_warnings(s) == [
        "aligned-uplift(GBCS, ANCHOR): ANCHOR is rejected, so the rule no longer applies to "
        "the plan",
        "same-release(C, D): C is withdrawn, so the rule no longer applies to the plan; D is "
        "planned without it (reject or withdraw it too if it cannot go alone)",
        "precedence(C, E): C is withdrawn, so the rule no longer applies to the plan; E is "
        "planned without it (reject or withdraw it too if it cannot go alone)",
        "precedence(D, C): C is withdrawn, so the rule no longer applies to the plan"]
    assert [r.name for r in Instance(s).file_rules] == ["same-release(A, B)"]
    # a year outside the horizon (2021-06 to 2022-11) binds nothing: probably a typo
    typo = scenario([item("A", specs=["GBCS"])],
                    [{"rule": "uplift-cap", "spec": "GBCS", "year": 2012, "max": 1},
                     {"rule": "uplift-cap", "spec": "GBCS", "year": 2022, "max": 1}])
    assert scenario_warnings(typo) == [
        "uplift-cap(GBCS, 2012): no release of the horizon is in 2012, so the rule constrains "
        "nothing; check the year"]
    path = tmp_path / "reject.yaml"
    path.write_text(f"extends: {SEC_2020 / 'secmp0067-send-back.yaml'}\n"
                    "changes:\n  - {reject: SECMP0007}\n")
    result = secplan("validate", str(path))
    assert result.returncode == 0
    assert "aligned-uplift(GBCS, SECMP0007): SECMP0007 is rejected, so the rule no longer " \
           "applies to the plan" in result.stderr


def test_explain_json_of_a_scenario_without_a_plan_gives_every_relaxation() -> None:
    result = runner.invoke(app, ["explain", str(SEC_2020 / "secmp0067-fixed-nov-2020.yaml"),
                                 "--json"])
    assert result.exit_code == 0, result.output
    said = json.loads(result.output)
    assert [v["rule"] for v in said["relaxation"]] == ["fixed(SECMP0067)"]
    assert [v["rule"] for v in said["relaxation_alternatives"]] == ["decision-in-time(SECMP0067)"]


def test_every_built_in_rule_says_what_it_asks() -> None:
    """Panel review: a clash listed decision-in-time(SECMP0067) with an empty note."""
    from solver.instance import Instance
    from solver.scenario import load_scenario

    inst = Instance(load_scenario(SEC_2020 / "secmp0067-fixed-nov-2020.yaml"))
    built_in = [r for r in inst.rules
                if r.name.split("(")[0] in ("decision-in-time", "scope-baseline", "frozen")]
    assert built_in and all(r.note.startswith("built in: ") for r in built_in)
    result = runner.invoke(app, ["solve", str(SEC_2020 / "secmp0067-fixed-nov-2020.yaml")],
                           env={"COLUMNS": "300"})
    assert ("decision-in-time(SECMP0067)  (built in: the decision must come by the release's "
            "cut-off") in result.output


def test_solve_ends_with_what_stands_out() -> None:
    result = runner.invoke(app, ["solve", SEND_BACK], env={"COLUMNS": "80"})  # not wrapped
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert ("Moves from the base plan (1 item): SECMP0067 2020-11 \u2192 2021-06 (out of a "
            "baselined scope: 3 moves each).") in lines[-6:]
    # each broken rule once, with what breaks it (a Panel read: it was named twice)
    at = lines.index("Rules broken:")
    assert lines[at + 1] == ("  aligned-uplift(DUIS, SECMP0007) (soft): DUIS is uplifted in "
                             "2021-06 but SECMP0007 (the anchor) goes in 2021-11")
    assert sum("aligned-uplift(DUIS, SECMP0007)" in line for line in lines) == 1
    # it opens with the what-if, as the report does; an approved item has no cut-off to meet
    assert lines[:2] == ["secmp0067-send-back: optimal plan; as of 2020-05-26",
                         "The Authority sends SECMP0067 back; it falls back into 2021."]
    # the objective with its weights and each level's total (a Panel read: bare numbers)
    assert lines[2] == ("objective, each priority settled before the next: priority 1: "
                        "unplaced 0 + exceptions 0 = 0; priority 2: delay 647 + uplifts 7 "
                        "\u00d7 10 + soft-rules 10 + moves 3 \u00d7 5 = 742")
    cr1145 = next(line for line in lines if "CR1145" in line)
    assert "2019-" not in cr1145 and "approved" in cr1145
    # each move marked in its release's table, as the report's are (an acceptance test:
    # the summary's "and 13 more routes" left the rest unseen)
    wide = runner.invoke(app, ["solve", SEND_BACK], env={"COLUMNS": "250"}).output
    assert [line.split("\u2502")[3].strip() for line in wide.splitlines()
            if "(moved from" in line] == ["sent-back (moved from 2020-11)"]


def test_validate_splits_the_cut_off_table_rather_than_cut_a_date(tmp_path: Path) -> None:
    """An acceptance test: a BSC horizon of nine releases, at 120 columns, printed its
    cut-offs as "2026-0…": the table goes on in another one for the releases that do not fit."""
    path = tmp_path / "long.yaml"
    path.write_text(f"extends: {SEC_2020 / 'baseline.yaml'}\n"
                    "calendar:\n  windows:\n"
                    "    - {month: 2, weekday: thursday, week: last}\n"
                    "    - {month: 6, weekday: thursday, week: last}\n"
                    "    - {month: 11, weekday: thursday, week: first}\n"
                    '  last: "2023-11"\n')
    result = runner.invoke(app, ["validate", str(path)], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    pending = result.output[result.output.index("Pending decisions"):
                            result.output.index("Items by status")]
    assert "…" not in pending and max(map(len, pending.splitlines())) <= 120
    assert "continued" in pending
    for rid in ("2020-11", "2021-02", "2022-06", "2023-11"):
        assert f" {rid} " in pending
    inst = Instance(load_scenario(path))
    secmp0067 = next(u for u in inst.units if u.id == "SECMP0067")
    assert all(str(inst.cut_off(secmp0067, r)) in pending for r in inst.releases)


def test_validate_of_a_large_portfolio_shows_the_first_rows_and_all_of_them_with_all(
        tmp_path: Path) -> None:
    """An acceptance test: 1,000 generated items made `validate` print 3,027 lines, mostly
    every pending item's cut-offs. Each long list shows its first rows and says how many
    there are; --all shows every one."""
    from benchmarks.generate import dump_yaml, generate_scenario
    from solver.report_text import SHOWN_IDS, SHOWN_ROWS

    path = tmp_path / "big.yaml"
    path.write_text(dump_yaml({**generate_scenario(300, 3, 1),
                               "uncertainty": {"preset": "typical"}}))
    inst = Instance(load_scenario(path))
    pending = [u.id for u in inst.units if not u.decision_known]
    assert len(pending) > SHOWN_ROWS and len(inst.file_rules) > SHOWN_ROWS

    def shown(*args: str) -> str:
        result = runner.invoke(app, ["validate", str(path), *args], env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.output
        return result.output

    def ids_in_cut_offs(text: str) -> set[str]:
        table = text[text.index("Pending decisions"):text.index("Items by status")]
        return {line.split()[1] for line in table.splitlines()
                if line.startswith("│") and line.split()[1] in set(pending)}

    short, every = shown(), shown("--all")
    assert ids_in_cut_offs(short) == set(pending[:SHOWN_ROWS])
    assert (f"the first {SHOWN_ROWS} of {len(pending)} pending items; --all shows every "
            "one") in short
    assert ids_in_cut_offs(every) == set(pending) and "--all" not in every
    assert (f"the first {SHOWN_ROWS} of {len(inst.file_rules)} rules the scenario writes"
            in short)
    assert all(rule.name in every for rule in inst.file_rules)
    assert "decision-in-time(...)" in short  # the built-in families are always counted
    odds = short[short.index("Uncertainty a sweep draws from"):]  # a review: not cut
    assert f"the first {SHOWN_ROWS} of" in odds and "items; --all shows every one" in odds
    assert "more)" in short and "--all lists every item" in short  # ids per status
    assert all(u.id in every for u in inst.units) and len(inst.units) > SHOWN_IDS
    assert len(short.splitlines()) < len(every.splitlines()) / 2


@pytest.mark.parametrize(("command", "said"), [
    (["solve", "{sc}/plan.json", "--out", "{sc}"], "{sc}/plan.json: the command reads this "
     "file; write to another one"),
    (["solve", "{what_if}", "--out", "{sc}"], "{sc}/plan.json: the command reads this file"),
    (["gantt", "{sc}/g.svg", "-o", "{sc}/g.svg"], "{sc}/g.svg: the command reads this file"),
    (["report", "{what_if}", "-o", "{sc}/r.html", "--sweep", "{sc}/r.html"],
     "{sc}/r.html: the command reads this file"),
    (["solve", "{what_if}", "--out", "{sc}/w.yaml"], "{sc}/w.yaml/plan.json: {sc}/w.yaml is "
     "a file, not a directory"),
    (["solve", "{what_if}", "--out", "{tmp}/o"], "{tmp}/o/plan.csv: Is a directory"),
    (["timetable", "{what_if}", "-o", "{tmp}/t.jpg"], "{tmp}/t.jpg: cannot save a figure"),
    (["gantt", "{what_if}", "-o", "{sc}/linked.svg"], "{sc}/linked.svg: the command reads"),
    (["sweep", "{what_if}", "--samples", "2", "--out", "{tmp}/s.png", "--chart", "{tmp}/s.png"],
     "{tmp}/s.png: given for two outputs; name each its own file"),
])
def test_nothing_is_written_over_an_input_or_half_way(tmp_path: Path, command: list[str],
                                                      said: str) -> None:
    """A fuzz test: a JSON scenario named plan.json was overwritten by its own plan, a
    what-if's base too; with plan.csv a directory, plan.json was written before the
    failure. Each is bad input before anything is written."""
    sc = tmp_path / "sc"
    sc.mkdir()
    text = (SEC_2020 / "baseline.yaml").read_text()
    (sc / "plan.json").write_text(json.dumps(yaml.safe_load(text), default=str))
    (sc / "g.svg").write_text(text)
    (sc / "w.yaml").write_text("extends: plan.json\n")
    (sc / "r.html").write_text("{}")
    (sc / "linked.svg").hardlink_to(sc / "plan.json")  # the base, by another name
    (tmp_path / "o" / "plan.csv").mkdir(parents=True)
    before = {p: p.read_bytes() for p in sc.iterdir()}
    fill = {"{sc}": str(sc), "{tmp}": str(tmp_path), "{what_if}": str(sc / "w.yaml")}

    def filled(text: str) -> str:
        return functools.reduce(lambda a, kv: a.replace(*kv), fill.items(), text)

    result = secplan(*map(filled, command))
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("secplan: " + filled(said)), result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert {p: p.read_bytes() for p in sc.iterdir()} == before
    assert not (tmp_path / "o" / "plan.json").exists()


@pytest.mark.parametrize(("command", "content", "said"), [
    (["check", SEND_BACK, "{f}"], '{"assignments": {"A": ' + "1" * 5000 + "}}",
     "a number with too many digits"),
    (["check", SEND_BACK, "{f}"], "[" * 100_000, "nested too deeply to read"),
    (["check", SEND_BACK, "{f}.csv"], "item,release\n" + "x" * 200_000 + ",2021-06\n",
     "not a CSV table: field larger than field limit"),
    (["report", SEND_BACK, "-o", "{tmp}/r.html", "--sweep", "{f}"], "[" * 100_000,
     "cannot read the sweep summary: nested too deeply to read"),
    (["sweep", str(SEC_2020 / "uncertain.yaml"), "--samples", "1", "--out", "{f}"], "\xff\xfe",
     "not a sweep file (not UTF-8 text)"),
], ids=["long-number", "deep-plan", "huge-csv-field", "deep-sweep", "latin-1-journal"])
def test_a_file_json_or_csv_cannot_read_is_bad_input(tmp_path: Path, command: list[str],
                                                      content: str, said: str) -> None:
    """A fuzz test: a 5,000-digit number, 100,000 levels of nesting, a 200 KB field and a
    file in Latin-1 each ended in a traceback."""
    name = tmp_path / ("f.csv" if "{f}.csv" in command else "f.json")
    name.write_bytes(content.encode("latin-1") if "\xff" in content else content.encode())
    args = [a.replace("{f}.csv", str(name)).replace("{f}", str(name))
            .replace("{tmp}", str(tmp_path)) for a in command]
    result = secplan(*args)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"secplan: {name}") and said in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1


def test_hand_written_plans_and_a_sweep_s_samples_get_a_hint(tmp_path: Path) -> None:
    """A fuzz test: a CSV headed "Item,Release" was "item and release missing"; "none" for
    outside the horizon was an unknown release with no word on how to write it; the
    samples file of a sweep given to --sweep was "Extra data: line 2 column 1"."""
    base = str(SEC_2020 / "baseline.yaml")
    plan = tmp_path / "p.csv"
    plan.write_text("Item,Release\nMP084,2020-11\n")
    assert secplan("check", base, str(plan)).returncode in (0, 1)  # read, and judged
    plan.write_text("Item,Release\nMP088,2020-11\nMP084,none\n")
    result = secplan("check", base, str(plan))
    assert result.returncode == 2
    assert result.stderr.strip() == (  # its line too (a fuzz test: none was named)
        f"secplan: {plan}:3: item MP084: unknown release 'none'; outside the horizon is an "
        "empty cell")
    samples = tmp_path / "s.jsonl"
    samples.write_text('{"sweep": {"format": 1, "scenario": "uncertain", "seed": 0}}\n'
                       '{"index": 0, "status": "optimal"}\n')
    result = secplan("report", base, "-o", str(tmp_path / "r.html"), "--sweep", str(samples))
    assert result.returncode == 2
    assert result.stderr.strip().endswith("this is a sweep's samples (its --out): give the "
                                          "summary `secplan sweep --json` prints")


def test_rules_that_leave_items_out_of_every_plan_are_warned_about() -> None:
    """An acceptance test: a same-release and a never-together rule on one pair, and a
    deadline before the first go-live, were accepted without a word; the plan left the
    items out ("outside the horizon") or had none."""
    from solver.lint import scenario_warnings
    from tests.conftest import item, scenario

    items = [item("A"), item("B"), item("C"), item("D", deadline="2020-11-03"),
             item("E", deadline="2020-11-03", status="withdrawn"), item("F"),
             item("G", status="rejected")]
    rules = [{"rule": "same-release", "items": ["A", "B", "C"]},
             {"rule": "never-together", "items": ["C", "B"]},
             {"rule": "never-together", "items": ["A", "D"]},
             {"rule": "same-release", "items": ["C", "D"], "hard": False, "penalty": 1},
             {"rule": "same-release", "items": ["F", "G"]},  # G is closed: F is free (a review)
             {"rule": "never-together", "items": ["F", "G"]},
             {"rule": "same-release", "items": ["D", "F"]},  # switched off below
             {"rule": "never-together", "items": ["F", "D"]}]
    # a release gone live before as_of (2020-11-01) meets no deadline of the plan's (a review)
    calendar = {"windows": [{"month": 6, "week": "last"}, {"month": 11, "week": "first"}],
                "first": "2020-06", "last": "2022-11"}
    s = scenario(items, rules, calendar=calendar, switched_off=["same-release(D, F)"])
    assert scenario_warnings(s)[2:] == [  # after the two rules G's rejection makes moot
        "same-release(A, B, C) and never-together(C, B): B and C must go in one release and "
        "may not, so the group stays out of the horizon; drop one of the rules",
        "D: its deadline 2020-11-03 is before the first go-live still to come (2020-11-05), "
        "so no plan meets it; check the date"]


def test_a_go_live_moved_past_the_next_release_is_warned_about() -> None:
    """A fuzz test: June 2021 moved to December, after November, and a cancelled release
    moved, were accepted in silence."""
    from solver.lint import scenario_warnings
    from tests.conftest import item, scenario

    windows = [{"month": 6, "week": "last"}, {"month": 11, "week": "first"}]
    s = scenario([item("A")], calendar={
        "windows": windows, "first": "2021-06", "last": "2022-11",
        "moves": {"2021-06": "2021-12-01", "2022-06": "2022-07-01", "2022-11": "2022-11-03"},
        "cancel": ["2022-06"]})
    assert scenario_warnings(s) == [
        "calendar.moves: 2022-06 is cancelled too, so its move does nothing",
        "calendar.moves: 2022-11 is moved to 2022-11-03, its own date",
        "calendar: 2021-06 goes live on 2021-12-01, after 2021-11 (2021-11-04): the plan takes "
        "2021-11 as the earlier release; check the moved dates"]
    fine = scenario([item("A")], calendar={"windows": windows, "first": "2021-06",
                                           "last": "2022-11", "moves": {"2021-11": "2021-11-29"},
                                           "extra": [{"id": "2022-03", "go_live": "2022-03-17"}]})
    assert scenario_warnings(fine) == []
    extras = scenario([item("A")], calendar={
        "windows": windows, "first": "2021-06", "last": "2022-11",
        "extra": [{"id": "2022-03", "go_live": "2022-09-15"},
                  {"id": "2023-03", "go_live": "2023-03-16"}]})
    assert scenario_warnings(extras) == [
        "calendar.extra: 2022-03 goes live on 2022-09-15, in 2022-09: its id names another "
        "month",
        "calendar.extra: 2023-03 goes live on 2023-03-16, outside the horizon 2021-06 to "
        "2022-11; it is planned all the same"]
    past = scenario([item("A")], calendar={  # an acceptance test: a year's typo (as_of
        "windows": windows, "first": "2021-06", "last": "2022-11",  # 2020-11-01)
        "moves": {"2022-06": "2020-06-30"}})
    assert scenario_warnings(past)[0] == (
        "calendar.moves: 2022-06 is moved to 2020-06-30, before as_of 2020-11-01 (from "
        "2022-06-30): it counts as gone live, its scope frozen; check the date")


def test_a_sweep_summary_of_no_samples_or_of_other_items_is_bad_input(tmp_path: Path) -> None:
    """A fuzz test: "-5 samples of unc" was rendered, and items the scenario does not have
    were shown without a word."""
    uncertain = str(SEC_2020 / "uncertain.yaml")
    made = secplan("sweep", uncertain, "--samples", "2", "--json")
    assert made.returncode == 0, made.stderr
    summary = json.loads(made.stdout)
    for change, said in (({"samples": -5}, "no 'samples' count of 1 or more (got -5)"),
                         ({"probabilities": {**summary["probabilities"], "ZZ": {"none": 1.0}}},
                          "probabilities.ZZ: no such item in")):
        path = tmp_path / "s.json"
        path.write_text(json.dumps({**summary, **change}))
        result = secplan("report", uncertain, "-o", str(tmp_path / "r.html"), "--sweep",
                         str(path), "--time-limit", "10")
        assert result.returncode == 2 and said in result.stderr, result.stderr
        assert not (tmp_path / "r.html").exists()
    path.write_text(json.dumps(summary))
    assert secplan("report", uncertain, "-o", str(tmp_path / "r.html"), "--sweep", str(path),
                   "--time-limit", "10").returncode == 0


def test_the_spinner_says_how_long_the_command_has_run() -> None:
    """A DCC manager could not tell a run ending at 60 s from one going on to three times
    that: the live line says the seconds so far, its words taken as written."""
    from solver.cli import spinner_text
    from solver.progress import Event

    line = spinner_text(Event("level 2", "best 87,051 [bound 86,553]"), 12.4)
    assert line == "level 2 (12 s): best 87,051 \\[bound 86,553]"
