"""Start-up stays light: what each command imports (measured times are in benchmarks/)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import SEC_2020


def imported(*args: str) -> set[str]:
    """Top-level packages a `python -m solver ARGS` run imports (from -X importtime)."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "solver", *args],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return {
        line.split("|")[-1].strip().split(".")[0]
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    }


def test_help_imports_neither_the_solver_nor_matplotlib() -> None:
    seen = imported("--help")
    assert "typer" in seen
    assert not seen & {"ortools", "matplotlib", "networkx", "pandas", "numpy"}


def test_solve_imports_cp_sat_without_pandas() -> None:
    seen = imported("solve", str(SEC_2020 / "secmp0067-send-back.yaml"), "--json")
    assert "ortools" in seen
    assert not seen & {"pandas", "matplotlib", "networkx", "dask"}


def test_pandas_still_imports_for_real_after_cp_sat() -> None:
    code = ("import solver.cpsat, pandas; "
            "print(pandas.DataFrame({'a': [1]}).shape, solver.cpsat.cp_model.CpModel)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("(1, 1)")
