"""CP-SAT as secplan runs it: a Ctrl-C stops the command, never the search alone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from benchmarks.generate import dump_yaml, generate_scenario
from solver.cpsat import cp_model, run_solver

ROOT = Path(__file__).resolve().parent.parent


def hard_model() -> cp_model.CpModel:
    """Pigeons in one hole fewer: no plan, and a search far longer than this test waits."""
    model = cp_model.CpModel()
    pigeons, holes = 40, 39
    x = [[model.new_bool_var(f"x{p}_{h}") for h in range(holes)] for p in range(pigeons)]
    for row in x:
        model.add_exactly_one(row)
    for h in range(holes):
        model.add(sum(x[p][h] for p in range(pigeons)) <= 1)
    return model


def test_a_ctrl_c_during_a_solve_raises_keyboard_interrupt_at_once() -> None:
    """CP-SAT's own Ctrl-C handling ended the search as if its time limit had come, so a
    command said it found no plan "within the time limit" (a review). Now the search stops
    and KeyboardInterrupt goes up from `run_solver` within a second."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.linearization_level = 0
    solver.parameters.symmetry_level = 0
    solver.parameters.max_time_in_seconds = 120
    # a solve outside `run_solver` (CP-SAT's own handling) would leave Ctrl-C killing pytest
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    timer = threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        run_solver(solver, hard_model())
    assert time.monotonic() - start < 10
    assert not solver.parameters.catch_sigint_signal


def test_ctrl_c_after_a_solve_is_python_s_still() -> None:
    """CP-SAT took SIGINT during a solve and left the system's default behind: a later
    Ctrl-C killed the process before any message (a review of an interrupted sweep)."""
    model = cp_model.CpModel()
    x = model.new_int_var(0, 10, "x")
    model.maximize(x)
    assert run_solver(cp_model.CpSolver(), model) == cp_model.OPTIMAL
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    with pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(1)


def test_solve_stopped_by_ctrl_c_says_interrupted_and_writes_nothing(tmp_path: Path) -> None:
    """Before, a Ctrl-C during the first level's search went on with the plan found so far
    and wrote it (exit 0), or said no plan was found "within the time limit"."""
    scenario = tmp_path / "g.yaml"
    scenario.write_text(dump_yaml(generate_scenario(1000, 10, 1)))
    out = tmp_path / "out"
    run = subprocess.Popen([sys.executable, "-m", "solver", "solve", str(scenario),
                            "--out", str(out), "--progress"], cwd=ROOT,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert run.stderr is not None
    assert "planning 976 items" in run.stderr.readline()  # the solve is about to start
    time.sleep(1.0)
    run.send_signal(signal.SIGINT)
    _, err = run.communicate(timeout=30)
    assert run.returncode == 130, err
    assert err.strip().splitlines()[-1] == "secplan: interrupted"
    assert "time limit" not in err
    assert not out.exists()
