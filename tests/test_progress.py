"""Progress of a solve: what the engine and the plan phase report, and how `secplan` shows
it on standard error (a terminal by default, `--progress` anywhere) without touching the
plan."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.generate import dump_yaml, generate, generate_scenario
from solver import plan as plan_module
from solver import progress
from solver.engine import SolveOptions, level_names, solve
from solver.explain import PlanView, explain_items
from solver.instance import Instance
from solver.model import Scenario
from solver.objective import level_values
from solver.plan import plan_file
from solver.scenario import load_scenario
from tests.conftest import SEC_2020, assert_valid

SEND_BACK = SEC_2020 / "secmp0067-send-back.yaml"


@pytest.fixture
def events() -> Iterator[list[progress.Event]]:
    heard: list[progress.Event] = []
    progress.listen(heard.append)
    try:
        yield heard
    finally:
        progress.listen(None)


def secplan(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "solver", *args], capture_output=True,
                          text=True, check=False)


def test_each_level_reports_better_plans_then_its_proven_value(
    events: list[progress.Event],
) -> None:
    inst = Instance(Scenario.model_validate(generate(100, 10, 1).scenario))
    solution = solve(inst, SolveOptions(time_limit=60))
    assert solution.status == "optimal"
    by_cores = 0
    for name, value in zip(level_names(inst), solution.level_values, strict=True):
        stage = [e for e in events if e.stage == name]
        if stage[0].detail.startswith("looking for a plan"):  # solved by solver.cores
            assert stage[0] == progress.Event(name, f"looking for a plan of {value:,}")
            assert stage[-1].done and stage[-1].detail.startswith(f"{value:,}, proven optimal")
            by_cores += 1
            continue
        assert stage[0] == progress.Event(name, "searching")
        found = [int(m.group(1).replace(",", "")) for e in stage[1:-1]
                 if (m := re.match(r"best ([\d,]+), bound", e.detail))]
        assert found, name  # the better plans CP-SAT found on the way
        assert found == sorted(found, reverse=True) and found[-1] == value
        assert stage[-1].done and stage[-1].detail.startswith(f"{value:,}, proven optimal")
        assert not any(e.done for e in stage[:-1])
    assert by_cores == 1  # the first level (nothing left out); the second is minimised
    assert events[-1].stage.startswith("tie-break") and events[-1].done


def test_fall_backs_report_questions_answered(events: list[progress.Event]) -> None:
    generated = generate(120, 4, 5)
    inst = Instance(Scenario.model_validate(generated.scenario))
    found, unknown, *_ = plan_module.fall_backs(PlanView(inst, generated.witness),
                                            SolveOptions(time_limit=60))
    assert unknown == set()
    counted = [e for e in events if e.stage == "fall-backs"]
    fast, by_cp_sat = map(int, re.findall(r"(\d+) found without the solver, (\d+) by CP-SAT",
                                          counted[-1].detail)[0])
    assert counted[-1].done and fast + by_cp_sat == len(found) and by_cp_sat >= 5
    updates = [e for e in counted[:-1]  # then whether some could come sooner: questions too
               if "who must move" not in e.detail]  # (then who must move, counted apart)
    asked = len(updates)
    assert asked >= by_cp_sat
    assert [e.detail.endswith(f"{k} of {asked} questions to CP-SAT answered")
            for k, e in enumerate(updates, 1)] == [True] * asked


def test_explaining_every_item_counts_releases_weighed_not_solves(
    events: list[progress.Event],
) -> None:
    """One update per turn (each item's next release), not per solve: the items are asked
    in turns."""
    inst, plan = plan_file(SEND_BACK)
    assert_valid(inst, plan)
    events.clear()
    explained = explain_items(inst, plan, SolveOptions(time_limit=30))
    assert {e.stage for e in events} == {"explanations"}
    total = sum(len(options) for options in explained.values())
    weighed = [int(e.detail.split()[0]) for e in events]
    assert [e.detail for e in events] == [f"{n} of {total} releases weighed" for n in weighed]
    assert weighed == sorted(set(weighed)) and weighed[-1] == total
    assert weighed[0] == len(explained)  # the first turn: each item's own release
    assert [e.done for e in events] == [False] * (len(events) - 1) + [True]


def test_the_command_shows_progress_on_stderr_only_when_asked() -> None:
    quiet = secplan("solve", str(SEND_BACK), "--json")
    shown = secplan("solve", str(SEND_BACK), "--json", "--progress")
    assert quiet.returncode == shown.returncode == 0
    assert quiet.stderr == ""  # not a terminal: nothing unless asked
    assert shown.stdout == quiet.stdout  # the plan does not depend on who watches
    plan = json.loads(shown.stdout)
    inst = Instance(load_scenario(SEND_BACK))
    lines = shown.stderr.splitlines()
    assert lines[0] == f"{os.path.relpath(SEC_2020 / 'baseline.yaml')}: planning the base " \
                       "scenario first"
    planning = f"{os.path.relpath(SEND_BACK)}: planning 32 items in 5 releases against the " \
               "base plan"
    assert planning in lines
    values = level_values(inst.scenario.objective, plan["objective"])
    after = lines[lines.index(planning):]
    for name, value in zip(level_names(inst), values, strict=True):
        assert any(line.startswith(f"{name}: {value:,}, proven optimal") for line in after)
    pending = sum(1 for u in inst.units
                  if plan["assignments"][u.id] is not None and not u.decision_known)
    # SECMP0007's needs MP078, MP090 and MP099 to follow it out of 2021 (the GBCS alignment)
    assert after[-1] == f"fall-backs: {pending - 1} found without the solver, 1 by CP-SAT"


def on_a_terminal(*args: str) -> tuple[int, str, str]:
    """Run `secplan ARGS` with standard error on a pseudo-terminal, read as it is written:
    exit code, standard output, what the terminal showed."""
    main, child = pty.openpty()
    shown: list[bytes] = []

    def read() -> None:
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the terminal closed: all has been read
                return
            if not chunk:
                return
            shown.append(chunk)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        run = subprocess.run([sys.executable, "-m", "solver", *args], stdout=subprocess.PIPE,
                             stderr=child, text=True, check=False, timeout=120)
    finally:
        os.close(child)
        reader.join(timeout=10)
        os.close(main)
    return run.returncode, run.stdout, b"".join(shown).decode()


def test_a_terminal_gets_progress_by_default() -> None:
    code, out, shown = on_a_terminal("solve", str(SEND_BACK), "--json")
    assert code == 0 and json.loads(out)["status"] == "optimal"
    assert "level 1 of 2 (unplaced, exceptions): 0, proven optimal" in shown
    assert "fall-backs: " in shown
    assert "\x1b[?25l" in shown  # the spinner hid the cursor while it turned
    code, out, shown = on_a_terminal("solve", str(SEND_BACK), "--json", "--no-progress")
    assert code == 0 and json.loads(out)["status"] == "optimal"
    assert shown == ""


def test_rid_checks_the_release_before_solving() -> None:
    code, _, shown = on_a_terminal("rid", str(SEND_BACK), "2099-06")
    assert code == 2
    assert shown.strip().endswith("is not in the horizon (2020-11, 2021-06, 2021-11, "
                                  "2022-06, 2022-11)")
    assert "level 1" not in shown


def test_a_solve_out_of_time_ends_its_progress_before_the_message(tmp_path: Path) -> None:
    path = tmp_path / "gen.yaml"
    path.write_text(dump_yaml(generate_scenario(200, 10, 1)), encoding="utf-8")
    code, out, shown = on_a_terminal("solve", str(path), "--time-limit", "0.001")
    assert code == 1 and out == ""
    lines = [line.rsplit("\x1b[2K", 1)[-1] for line in shown.splitlines()]
    assert lines[-2].startswith("level 1 of 2 (unplaced, exceptions): no plan within the time")
    assert lines[-1].startswith(f"secplan: {path}: no plan found within the time limit")
