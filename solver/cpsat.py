"""OR-Tools' CP-SAT Python API, imported without pandas.

`ortools.sat.python.cp_model` imports pandas at the top (about 0.3 s, a third of a seed
round's `secplan solve`) only for its `*_series` helpers and for `pd.Index`/`pd.Series` in
type annotations; secplan never calls those helpers. While cp_model loads, a stand-in
module named pandas gives those two names as classes of which nothing is an instance;
then the real pandas is importable again as usual. When pandas is already loaded, or the
stand-in does not suffice for this OR-Tools version, cp_model is imported plainly.
"""

from __future__ import annotations

import signal
import sys
import threading
import types
from typing import TYPE_CHECKING, Any

__all__ = ["cp_model", "run_solver"]


def _import_cp_model() -> types.ModuleType:
    if "pandas" in sys.modules or "ortools.sat.python.cp_model" in sys.modules:
        from ortools.sat.python import cp_model

        return cp_model
    stand_in = types.ModuleType("pandas")
    stand_in.Index = type("Index", (), {})  # type: ignore[attr-defined]
    stand_in.Series = type("Series", (), {})  # type: ignore[attr-defined]
    sys.modules["pandas"] = stand_in
    try:
        from ortools.sat.python import cp_model
    except Exception:  # pragma: no cover - a newer OR-Tools needs more of pandas
        sys.modules.pop("ortools.sat.python.cp_model", None)
        sys.modules.pop("pandas", None)
        from ortools.sat.python import cp_model
    finally:
        if sys.modules.get("pandas") is stand_in:
            del sys.modules["pandas"]
    return cp_model


if TYPE_CHECKING:
    from ortools.sat.python import cp_model
else:
    cp_model = _import_cp_model()


def run_solver(solver: Any, model: Any, callback: Any = None) -> Any:
    """`solver.solve(model)` with Python's Ctrl-C handling back afterwards. CP-SAT takes
    SIGINT during a solve (a Ctrl-C stops its search, keeping the best plan) and leaves
    the system's default behind, under which a later Ctrl-C killed the process outright,
    before any `finally` or message (a review: an interrupted sweep died without saying
    which samples were kept)."""
    handler = signal.getsignal(signal.SIGINT)
    try:
        return solver.solve(model) if callback is None else solver.solve(model, callback)
    finally:
        if handler is not None and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, handler)
