"""`secplan roll`: next month's what-if drafted from this month's plan, planned in turn."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import yaml
from typer.testing import CliRunner

from solver.cli import app
from solver.instance import Instance
from solver.lint import scenario_warnings
from solver.plan import plan_file
from solver.scenario import load_scenario
from tests.conftest import SEC_2020, assert_valid

runner = CliRunner()


def rolled(tmp_path: Path, to: str, *extra: str) -> Path:
    """The seed round's base copied into `tmp_path`, rolled to `to`: the draft's path."""
    base = tmp_path / "baseline.yaml"
    shutil.copy(SEC_2020 / "baseline.yaml", base)
    out = tmp_path / "next.yaml"
    result = runner.invoke(app, ["roll", str(base), "--to", to, "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return out


def recorded(draft: Path) -> Path:
    """The draft with every decision due recorded as its approval on the expected date."""
    lines = draft.read_text().splitlines()
    kept = [line.removeprefix("# ") if line == "# changes:" or line.startswith(
        ("#   # ", "#   - {approve")) else line for line in lines]
    path = draft.with_name("recorded.yaml")
    path.write_text("\n".join(kept) + "\n")
    return path


def test_a_month_rolled_is_a_what_if_planned_against_this_plan(tmp_path: Path) -> None:
    """One month on (June 2020): June 2021's DCC scope is baselined, decisions are due; the
    draft, as written, plans with nothing moved, and again with every decision recorded."""
    draft = rolled(tmp_path, "2020-06-26")
    data = yaml.safe_load(draft.read_text())
    assert data["extends"] == "baseline.yaml" and str(data["as_of"]) == "2020-06-26"
    text = draft.read_text()
    for due in ("MP080", "MP098", "SECMP0067"):  # expected by 26 June
        assert f"#   - {{approve: {due}, decided: " in text
    assert "SECMP0007" not in text  # expected in September
    for path in (draft, recorded(draft)):
        inst, plan = plan_file(path)
        assert plan.status == "optimal"
        assert_valid(inst, plan)
    assert not [u for u in inst.units if inst.moved_from(u, plan.assignments[u.id])]


def test_a_go_live_rolled_over_implements_its_approved_items(tmp_path: Path) -> None:
    """Past November 2020's go-live: its approved items implemented (a split item's part
    too), the fixed rules naming only them taken out, the DCC scope of November 2021 published
    with what the plan put there; recorded, the draft plans with none of them planned."""
    base = Instance(load_scenario(SEC_2020 / "baseline.yaml"))
    _, before = plan_file(SEC_2020 / "baseline.yaml")
    draft = rolled(tmp_path, "2020-12-28")
    data = yaml.safe_load(draft.read_text())
    updates = data["items"]["update"]
    approved_in_november = {u.id for u in base.units
                            if u.status == "approved" and before.assignments[u.id] == "2020-11"}
    implemented = {uid for uid, f in updates.items() if f.get("status") == "implemented"}
    implemented |= {f"{uid}.{p['id']}" for uid, f in updates.items()
                    for p in f.get("parts", []) if p.get("status") == "implemented"
                    and p.get("baseline") == "2020-11"}
    assert implemented == approved_in_november and "SECMP0062.2" in implemented
    assert "fixed(MP081)" in data["rules"]["remove"]
    published = {uid for uid, f in updates.items() if f == {"baseline": "2021-11"}}
    assert published == {u.id for u in base.units if u.dcc_impact
                         and before.assignments[u.id] == "2021-11" and u.baseline != "2021-11"}
    inst, plan = plan_file(recorded(draft))
    assert plan.status == "optimal"
    assert_valid(inst, plan)
    assert approved_in_november <= inst.closed.keys()
    result = runner.invoke(app, ["validate", str(recorded(draft))])
    assert result.exit_code == 0 and "no longer applies" not in result.output  # none left
    again = tmp_path / "again.yaml"  # a month on: what went live then is implemented too
    assert runner.invoke(app, ["roll", str(recorded(draft)), "--to", "2021-01-28", "--out",
                               str(again)]).exit_code == 0
    shown = runner.invoke(app, ["solve", str(again)], env={"COLUMNS": "400"})
    words = " ".join(shown.output.split())  # the release gone live, not "no items"
    assert "2020-11: go-live 2020-11-05 (gone live: its scope is frozen): nothing left to " \
        "plan; implemented there: CR1145, " in words and "uplifts: CHISM, DUIS, GBCS" in words


def test_roll_reads_a_saved_plan(tmp_path: Path) -> None:
    solved = runner.invoke(app, ["solve", str(SEC_2020 / "baseline.yaml"), "--out",
                                 str(tmp_path / "o")])
    assert solved.exit_code == 0, solved.output
    saved = tmp_path / "o" / "plan.json"
    draft = rolled(tmp_path, "2020-12-28", "--plan", str(saved))
    assert str(saved) in draft.read_text()
    assert json.loads(saved.read_text())["assignments"]["CR1145"] == "2020-11"


def test_roll_refuses_a_date_not_after_as_of_and_its_own_scenario(tmp_path: Path) -> None:
    base = tmp_path / "baseline.yaml"
    shutil.copy(SEC_2020 / "baseline.yaml", base)
    before = base.read_text()
    for args, said in (
        (["--to", "2020-05-26", "--out", str(tmp_path / "n.yaml")], "not after"),
        (["--to", "2020-06-26", "--out", str(base)], "reads this file"),
        (["--to", "June", "--out", str(tmp_path / "n.yaml")], "--to: 'June' is not a date"),
        (["--to", "2020-13-01", "--out", str(tmp_path / "n.yaml")], "is not a date"),
    ):
        result = runner.invoke(app, ["roll", str(base), *args])
        assert result.exit_code == 2 and said in result.output, result.output
    assert base.read_text() == before and not (tmp_path / "n.yaml").exists()


def test_roll_keeps_a_month_already_written_unless_forced(tmp_path: Path) -> None:
    """An acceptance test: last month's command run again replaced a month whose decisions
    were recorded by hand, and every month extending it changed in silence."""
    draft = rolled(tmp_path, "2020-06-26")
    draft.write_text(draft.read_text() + "changes:\n  - {approve: MP080, decided: 2020-05-27}\n")
    recorded_by_hand = draft.read_text()
    again = ["roll", str(tmp_path / "baseline.yaml"), "--to", "2020-06-26", "--out", str(draft)]
    result = runner.invoke(app, again)
    assert result.exit_code == 2 and "--force" in result.output
    assert draft.read_text() == recorded_by_hand
    assert runner.invoke(app, [*again, "--force"]).exit_code == 0
    assert draft.read_text() != recorded_by_hand


def test_a_draft_past_a_go_live_with_no_decision_recorded_moves_them_out(tmp_path: Path) -> None:
    """An acceptance test: rolled past November 2020's go-live with its votes not yet
    recorded, the draft had no plan ("relax frozen(2020-11)"). An item whose decision is
    still to come did not go live: it moves out, as the plan shows; the approved ones went
    live and are implemented."""
    inst, plan = plan_file(rolled(tmp_path, "2020-12-28"))
    assert plan.status == "optimal"
    assert_valid(inst, plan)
    held = [u for u in inst.units if inst.reference(u) == "2020-11"]
    assert held and not any(u.decision_known for u in held)
    assert "2020-11" not in plan.assignments.values()


def test_a_split_item_changed_in_two_ways_is_written_once(tmp_path: Path) -> None:
    """A part going live and another part published in a scope baselined, in one window:
    one `parts` list with both changes (two entries of the item were a duplicate key, the
    second without the first's change)."""
    from solver.roll import draft

    path = tmp_path / "split.yaml"
    path.write_text(f"extends: {SEC_2020 / 'baseline.yaml'}\n"
                    "items:\n  update:\n    SECMP0062: {parts: [{id: '1', baseline: '2020-11'},"
                    " {id: '2'}]}\nrules:\n  remove: ['fixed(SECMP0062.2)']\n")
    inst, plan = plan_file(path)
    assignment = {**plan.assignments, "SECMP0062.1": "2020-11", "SECMP0062.2": "2021-11"}
    text = draft(inst, assignment, dt.date(2020, 12, 28), "split.yaml", "a test")
    assert text.count("\n    SECMP0062: ") == 1
    parts = yaml.safe_load(text)["items"]["update"]["SECMP0062"]["parts"]
    assert [(p["id"], p.get("status"), p.get("baseline")) for p in parts] == [
        ("1", "implemented", "2020-11"), ("2", None, "2021-11")]


def test_approved_items_left_in_a_scope_baselined_are_fixed_there(tmp_path: Path) -> None:
    """SECMP0007 and SECMP0015 approved in September, planned in November 2021, whose DCC
    scope is baselined on 4 November: approved for inclusion, the draft fixes them there
    (before, each draft warned of them and the plan could move them); an item approved in a
    scope baselined before the window is left as the planners left it."""
    shutil.copy(SEC_2020 / "baseline.yaml", tmp_path / "baseline.yaml")
    base = tmp_path / "approved.yaml"
    base.write_text("extends: baseline.yaml\nas_of: 2020-10-01\nchanges:\n"
                    "  - {approve: SECMP0007, decided: 2020-09-24}\n"
                    "  - {approve: SECMP0015, decided: 2020-09-24}\n")
    out = tmp_path / "next.yaml"
    result = runner.invoke(app, ["roll", str(base), "--to", "2020-11-10", "--out", str(out)])
    assert result.exit_code == 0, result.output
    added = yaml.safe_load(out.read_text())["rules"]["add"]
    assert added == [{"rule": "fixed", "item": item, "release": "2021-11"}
                     for item in ("SECMP0007", "SECMP0015")]
    assert not [w for w in scenario_warnings(load_scenario(out)) if "no fixed rule" in w]
    inst, plan = plan_file(recorded(out))
    assert plan.status == "optimal"
    assert_valid(inst, plan)
    assert plan.assignments["SECMP0007"] == plan.assignments["SECMP0015"] == "2021-11"
    # A month on, nothing newly baselined holds them: no rule added again
    again = tmp_path / "after.yaml"
    result = runner.invoke(app, ["roll", str(out), "--to", "2020-12-10", "--out", str(again)])
    assert result.exit_code == 0, result.output
    assert "add" not in (yaml.safe_load(again.read_text()).get("rules") or {})


def test_an_approved_item_moved_into_a_scope_baselined_is_fixed_there(tmp_path: Path) -> None:
    """Two acceptance tests: approved SECMP0015, loose in November 2021 (baselined), planned
    into June 2022, whose DCC scope is baselined in the window, got no `fixed` rule (it had
    been loose before, elsewhere), and the next plan moved it on; an item approved after its
    scope was baselined (SECMP0007 here, loose where it is) got none either. Both are fixed
    now; a rule switched off is not added again."""
    from solver.roll import roll

    path = tmp_path / "approved.yaml"
    both = ("SECMP0007", "SECMP0015")
    path.write_text(f"extends: {SEC_2020 / 'baseline.yaml'}\nas_of: 2020-12-01\nitems:\n"
                    "  update:\n" + "".join(f"    {uid}: {{baseline: '2021-11'}}\n"
                                              for uid in both) + "changes:\n" + "".join(
                        f"  - {{approve: {uid}, decided: 2020-09-24}}\n" for uid in both))
    inst = Instance(load_scenario(path))
    assert [w for w in scenario_warnings(inst.scenario) if "no fixed rule" in w]
    _, plan = plan_file(path)
    assignment = {**plan.assignments, "SECMP0007": "2021-11", "SECMP0015": "2022-06"}
    done = roll(inst, assignment, dt.date(2021, 7, 1))
    assert done.published["SECMP0015"] == "2022-06"
    assert done.fixed == {"SECMP0007": "2021-11", "SECMP0015": "2022-06"}
    moved = roll(inst, {**assignment, "SECMP0007": "2022-11"}, dt.date(2021, 7, 1))
    assert "SECMP0007" not in moved.fixed  # the plan moved it out: not pinned back there
    off = tmp_path / "off.yaml"
    off.write_text(f"extends: {path.name}\nchanges:\n  - switch-off: fixed(SECMP0007)\n"
                   "rules:\n  add:\n    - {rule: fixed, item: SECMP0007, release: '2021-11'}\n")
    assert "SECMP0007" not in roll(Instance(load_scenario(off)), assignment,
                                   dt.date(2021, 7, 1)).fixed


def test_a_decision_expected_on_the_roll_date_is_listed(tmp_path: Path) -> None:
    """An acceptance test: MP099, expected on the date rolled to, was never listed as due
    (the draft said "No decision is due")."""
    draft = rolled(tmp_path, "2020-08-26")  # MP090's and MP099's expected decisions
    text = draft.read_text()
    assert "#   - {approve: MP099, decided: 2020-08-26}" in text
    assert "No decision is due" not in text
