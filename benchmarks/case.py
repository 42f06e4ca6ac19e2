"""Measure one scenario in this process, phase by phase; print one JSON line per phase.

`benchmarks.run` starts this module in a fresh subprocess per case, so the peak memory
reported (`maxrss_mb`, the process's maximum resident set) belongs to one case only, and
a case that runs out of time still leaves the phases it finished. Phases:

* `load`: read and validate the file (`solver.scenario.load_scenario`);
* `instance`: releases, units and named rules (`solver.instance.Instance`);
* `build`: one CP-SAT model with its objective terms (`solver.engine.ModelBuilder`),
  with the model's size;
* `solve`: `solver.engine.solve` (lexicographic levels, then the tie-break), with the
  time spent inside CP-SAT per stage kind and in the Python around it: the core phase's
  calls (`solver.cores`) apart, with the levels it proved; then one call per level left
  to minimise; the rest as tie-break;
* `check`: the solver-free checker on the solution;
* `plan`: `solver.plan.make_plan` (fall-backs, reasons, the check), with its CP-SAT
  calls; stopped after `--plan-budget` seconds (then `plan_finished` is false and the
  time is a lower bound).

The limit is counted by the clock (`SolveOptions.wall_clock`, `secplan --wall-clock`), as
the targets are in wall seconds.

    python -m benchmarks.case FILE [--time-limit 60] [--workers N] [--plan-budget 300]
                                   [--profile PROFILE.txt]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import resource
import signal
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from solver import engine
from solver.check import check_assignment
from solver.cpsat import cp_model
from solver.engine import ModelBuilder, Solution, SolveOptions, solve
from solver.instance import Instance
from solver.objective import levels
from solver.plan import make_plan
from solver.scenario import load_scenario


class Probe:
    """Wall time spent in chosen functions (patched in place), and each CP-SAT call."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: list[tuple[float, str]] = []
        self.core_calls = 0  # of `calls`, those the core phase made (`solver.cores`)
        self.proven_by_cores = 0  # levels the core phase proved

    def wrap(self, owner: Any, name: str, label: str) -> None:
        original: Callable[..., Any] = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - start

        setattr(owner, name, timed)

    def wrap_solver(self) -> None:
        original = cp_model.CpSolver.solve

        def timed(solver: cp_model.CpSolver, *args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            status = original(solver, *args, **kwargs)
            self.calls.append((time.perf_counter() - start, solver.status_name(status)))
            return status

        cp_model.CpSolver.solve = timed  # type: ignore[method-assign,assignment]

    def wrap_cores(self) -> None:
        """Count the core phase's CP-SAT calls apart, and the levels it proved."""
        original = engine.solve_by_cores

        def counted(*args: Any, **kwargs: Any) -> Any:
            before = len(self.calls)
            start = time.perf_counter()
            outcome = original(*args, **kwargs)
            self.seconds["cores"] += time.perf_counter() - start
            made = self.calls[before:]
            del self.calls[before:]
            self.core_calls += len(made)
            self.seconds["cores CP-SAT"] += sum(s for s, _ in made)
            self.proven_by_cores += outcome.proven
            return outcome

        engine.solve_by_cores = counted

    def reset(self) -> None:
        self.seconds.clear()
        self.calls.clear()
        self.core_calls = self.proven_by_cores = 0


def maxrss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def emit(phase: str, seconds: float, **fields: Any) -> None:
    record = {"phase": phase, "seconds": round(seconds, 3), "maxrss_mb": maxrss_mb(), **fields}
    print(json.dumps(record), flush=True)


@contextmanager
def stopwatch() -> Iterator[list[float]]:
    """Yields a one-element list that holds the elapsed seconds on exit."""
    box = [0.0]
    start = time.perf_counter()
    try:
        yield box
    finally:
        box[0] = time.perf_counter() - start


def measure_solve(inst: Instance, options: SolveOptions, probe: Probe) -> Solution | None:
    """`solver.engine.solve`; None when it found no plan in time."""
    probe.reset()
    no_plan_in_time = getattr(engine, "NoPlanInTime", ())
    with stopwatch() as took:
        try:
            solution = solve(inst, options)
        except no_plan_in_time as exc:
            solution = None
            reason = str(exc)
    if solution is None:
        emit("solve", took[0], status="no plan in time", error=reason)
        return None
    minimised = len(levels(inst.scenario.objective)) - probe.proven_by_cores
    level_calls, tie_calls = probe.calls[:minimised], probe.calls[minimised:]
    placed = sum(1 for r in solution.assignment.values() if r is not None)
    inside = sum(s for s, _ in probe.calls) + probe.seconds["cores CP-SAT"] + sum(
        probe.seconds[k] for k in ("model build", "hint", "assignment")
    )
    emit(
        "solve",
        took[0],
        status=solution.status,
        gap=round(solution.gap, 6),
        level_values=solution.level_values,
        level_bounds=solution.level_bounds,
        cpsat_calls=len(probe.calls) + probe.core_calls,
        cores_calls=probe.core_calls,
        cpsat_cores_s=round(probe.seconds["cores CP-SAT"], 3),
        levels_by_cores=probe.proven_by_cores,
        cpsat_level_s=round(sum(s for s, _ in level_calls), 3),
        level_statuses=[name for _, name in level_calls],
        tiebreak_done=len(tie_calls),
        cpsat_call_s=[round(s, 2) for s, _ in probe.calls[:40]],
        cpsat_tiebreak_s=round(sum(s for s, _ in tie_calls), 3),
        model_build_in_solve_s=round(probe.seconds["model build"], 3),
        hint_s=round(probe.seconds["hint"], 3),
        assignment_s=round(probe.seconds["assignment"], 3),
        other_python_s=round(took[0] - inside, 3),
        placed=placed,
        unplaced=len(solution.assignment) - placed,
    )
    return solution


class OutOfBudget(Exception):
    """The plan phase ran past its budget."""


def measure_plan(
    inst: Instance, solution: Solution, options: SolveOptions, budget: float, probe: Probe
) -> None:
    """`make_plan` (fall-backs, reasons, checks), stopped by an alarm after `budget` s."""
    probe.reset()
    running = [True]

    def stop(_signum: int, _frame: object) -> None:
        if running[0]:
            raise OutOfBudget

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, budget)
    finished = True
    with stopwatch() as took:
        try:
            try:
                make_plan(inst, solution, options)
            finally:
                running[0] = False
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
        except OutOfBudget:
            finished = False
    emit(
        "plan",
        took[0],
        plan_finished=finished,
        plan_cpsat_calls=len(probe.calls),
        plan_cpsat_s=round(sum(s for s, _ in probe.calls), 3),
        plan_model_build_s=round(probe.seconds["model build"], 3),
    )


def run(path: Path, options: SolveOptions, plan_budget: float) -> None:
    probe = Probe()
    probe.wrap(ModelBuilder, "__init__", "model build")
    probe.wrap(ModelBuilder, "hint", "hint")
    probe.wrap(ModelBuilder, "assignment", "assignment")
    probe.wrap_solver()
    probe.wrap_cores()
    with stopwatch() as took:
        scenario = load_scenario(path)
    emit("load", took[0], name=scenario.name, items=len(scenario.items))
    with stopwatch() as took:
        inst = Instance(scenario)
    emit(
        "instance",
        took[0],
        units=len(inst.units),
        releases=len(inst.releases),
        rules=len(inst.rules),
        file_rules=len(scenario.rules),
    )
    with stopwatch() as took:
        builder = ModelBuilder(inst)
        builder.terms()
    proto = builder.model.proto
    emit(
        "build",
        took[0],
        variables=len(proto.variables),
        constraints=len(proto.constraints),
    )
    del builder, proto
    solution = measure_solve(inst, options, probe)
    if solution is None or solution.status == "infeasible":
        emit("done", 0.0)
        return
    with stopwatch() as took:
        violations = check_assignment(inst, solution.assignment)
    emit("check", took[0], hard_violations=sum(1 for v in violations if v.hard))
    measure_plan(inst, solution, options, plan_budget, probe)
    emit("done", 0.0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.case", description=__doc__)
    parser.add_argument("scenario", type=Path)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, help="CP-SAT workers (default: the engine's)")
    parser.add_argument("--plan-budget", type=float, default=300.0, help="stop make_plan then")
    parser.add_argument("--profile", type=Path, help="write the top functions here")
    args = parser.parse_args(argv)
    chosen = {"workers": args.workers} if args.workers else {}
    options = SolveOptions(time_limit=args.time_limit, wall_clock=True, **chosen)
    if args.profile is None:
        run(args.scenario, options, args.plan_budget)
        return
    profiler = cProfile.Profile()
    try:
        profiler.runcall(run, args.scenario, options, args.plan_budget)
    finally:
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text)
        stats.sort_stats("cumulative").print_stats(40)
        stats.sort_stats("tottime").print_stats(30)
        args.profile.parent.mkdir(parents=True, exist_ok=True)
        args.profile.write_text(text.getvalue(), encoding="utf-8")
        print(f"profile written to {args.profile}", file=sys.stderr)


if __name__ == "__main__":
    main()
