"""OR-Tools' CP-SAT Python API, imported without pandas.

`ortools.sat.python.cp_model` imports pandas at the top (about 0.3 s, a third of a seed
round's `secplan solve`) only for its `*_series` helpers and for `pd.Index`/`pd.Series` in
type annotations; secplan never calls those helpers. While cp_model loads, a stand-in
module named pandas gives those two names as classes of which nothing is an instance;
then the real pandas is importable again as usual. When pandas is already loaded, or the
stand-in does not suffice for this OR-Tools version, cp_model is imported plainly.
"""

from __future__ import annotations

import sys
import threading
import types
from typing import TYPE_CHECKING, Any

__all__ = ["cp_model", "run_solver"]

JOIN_SECONDS = 0.05  # how often the main thread looks up from a search to take a Ctrl-C


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
    """`solver.solve(model)`, which a Ctrl-C interrupts: on the main thread the search runs
    on a thread of its own while the main thread waits, so a Ctrl-C raises
    KeyboardInterrupt here, stops the search and goes on up (the command says it was
    interrupted, exit 130). CP-SAT's own SIGINT handling is off: it ended the search and
    returned its best plan as if the time limit had come, so a command went on to say it
    found no plan "within the time limit" (a review), and it left the system's default
    handler behind, under which a later Ctrl-C killed the process before any message."""
    solver.parameters.catch_sigint_signal = False
    if threading.current_thread() is not threading.main_thread():
        return _solve(solver, model, callback)
    result: list[Any] = []
    failure: list[BaseException] = []

    def search() -> None:
        try:
            result.append(_solve(solver, model, callback))
        except BaseException as exc:  # raised again on the main thread
            failure.append(exc)

    thread = threading.Thread(target=search, name="cp-sat", daemon=True)
    thread.start()
    try:
        while thread.is_alive():
            thread.join(JOIN_SECONDS)
    except KeyboardInterrupt:
        solver.stop_search()
        thread.join()
        raise
    if failure:
        raise failure[0]
    return result[0]


def _solve(solver: Any, model: Any, callback: Any) -> Any:
    return solver.solve(model) if callback is None else solver.solve(model, callback)
