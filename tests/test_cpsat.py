"""CP-SAT as secplan runs it."""

from __future__ import annotations

import os
import signal
import time

import pytest

from solver.cpsat import cp_model, run_solver


def test_ctrl_c_after_a_solve_is_python_s_again() -> None:
    """CP-SAT takes SIGINT during a solve and leaves the system's default behind: a
    later Ctrl-C killed the process before any message (a review of an interrupted
    sweep). After `run_solver` it raises KeyboardInterrupt, as before the solve."""
    model = cp_model.CpModel()
    x = model.new_int_var(0, 10, "x")
    model.maximize(x)
    solver = cp_model.CpSolver()
    assert solver.parameters.catch_sigint_signal  # CP-SAT's default, kept on this thread
    assert run_solver(solver, model) == cp_model.OPTIMAL
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    with pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(1)
