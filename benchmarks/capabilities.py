"""Timings of the capabilities beyond a single solve: explaining, what-if re-solves, the
minimal clash at scale, and drawing a large Gantt chart.

    python -m benchmarks.capabilities [--items 1000] [--warm-sizes 100,1000]
                                      [--explain-items 100] [--explain-one-items 1000]
                                      [--cold-limit S] [--workers N]
                                      [--out benchmarks/results]

Writes capabilities.md and capabilities.csv. Numbers depend on the machine's load: the
header records it.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.generate import generate_scenario
from solver.engine import SolveOptions, solve
from solver.explain import explain_items, minimal_clash
from solver.instance import Instance
from solver.model import Scenario
from solver.plan import make_plan, plan_file
from solver.scenario import load_scenario
from solver.whatif import apply_changes

ROOT = Path(__file__).resolve().parent.parent
SEC_2020 = ROOT / "scenarios" / "sec-2020"
Row = dict[str, Any]


def timed(what: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    value = what()
    return value, time.perf_counter() - start


def explain_seed() -> list[Row]:
    """`secplan explain` on every item of the seed round (why here, why not earlier)."""
    options = SolveOptions()
    inst, plan = plan_file(SEC_2020 / "secmp0067-send-back.yaml", options)
    return explain_all("explain every seed item", inst, plan, options)


def explain_generated(items: int, limit: float) -> list[Row]:
    """`secplan explain` on every item of a generated scenario, within `limit` seconds for
    the explanations (the plan solved first, not timed)."""
    options = SolveOptions(time_limit=limit)
    inst = Instance(generated(items))
    plan = make_plan(inst, solve(inst, options), options)
    return explain_all(f"explain every item, {limit:g} s", inst, plan, options)


def explain_one(items: int, limit: float) -> list[Row]:
    """`secplan explain SCENARIO ITEM` at a size whose plan is not proven optimal: every
    release of the first item planned nearest the middle of the horizon, within `limit` seconds
    for the explanations (the plan solved first, within the same limit, not timed)."""
    options = SolveOptions(time_limit=limit)
    inst = Instance(generated(items))
    plan = make_plan(inst, solve(inst, options), options)
    placed = sorted((abs(inst.index(rid) - len(inst.releases) // 2), u)
                    for u, rid in plan.assignments.items() if rid is not None)
    uid = placed[0][1]
    return explain_all(f"explain one item, every release, {limit:g} s (plan {plan.status})",
                       inst, plan, options, [uid])


def explain_all(case: str, inst: Instance, plan: Any, options: SolveOptions,
                items: list[str] | None = None) -> list[Row]:
    out, seconds = timed(lambda: explain_items(inst, plan, options, items))
    asked = [o for opts in out.values() for o in opts if not o.current]
    alone = sum(o.alone for o in asked)
    near = sum(o.neighbours is not None for o in asked)
    model = len(asked) - alone - near
    kinds = [f"{model} from the model"] + (
        [f"{near} from the model with the item's neighbours free"] if near else []) + (
        [f"{alone} judged moving the item alone"] if alone else [])
    return [{"case": case, "size": len(inst.units), "seconds": round(seconds, 2),
             "result": f"{len(asked)} release options: " + ", ".join(kinds)}]


def generated(items: int, seed: int = 1) -> Scenario:
    return Scenario.model_validate(generate_scenario(items, 10, seed))


def clash_at_scale(items: int) -> list[Row]:
    """A minimal clash in a generated scenario made infeasible by pinning an item to a
    release its decision cannot make."""
    scenario = generated(items)
    inst = Instance(scenario)
    unit = next(u for u in inst.units if not u.decision_known
                and inst.cut_off(u, inst.releases[0]) < u.decision)
    pinned = apply_changes(scenario, [_pin(unit.id, inst.releases[0].id)])
    clash, seconds = timed(lambda: minimal_clash(Instance(pinned), SolveOptions(time_limit=120)))
    return [{"case": "minimal clash", "size": len(inst.units), "seconds": round(seconds, 2),
             "result": ", ".join(clash)}]


def _pin(uid: str, rid: str) -> Any:
    from solver.changes import Pin

    return Pin(pin=uid, release=rid)


def warm_against_cold(
    items: int, limit: float, workers: int | None, cold_limit: float | None = None
) -> list[Row]:
    """A what-if (five pending decisions a quarter late) solved cold, and warm: against
    the base plan as reference and hint, as `secplan solve` plans a what-if file. Levels
    only: the tie-break after them orders equal plans and takes what time is left."""
    from solver.changes import Redecide

    scenario = generated(items)
    options = SolveOptions(time_limit=limit, wall_clock=True, workers=workers)
    base = solve(Instance(scenario), options)
    pending = [u for u in Instance(scenario).units if not u.decision_known][:5]
    changes = [Redecide(re_decide=u.id, expected_decision=u.decision.replace(
        year=u.decision.year + (u.decision.month + 3 > 12),
        month=(u.decision.month + 2) % 12 + 1, day=min(u.decision.day, 28))) for u in pending]
    what_if = apply_changes(scenario, changes)
    rows = []
    cold = dataclasses.replace(options, time_limit=cold_limit or limit)
    for mode, inst, hint, opts in (
        ("cold", Instance(what_if), None, cold),
        ("warm", Instance(what_if, base.assignment), base.assignment, options),
    ):
        solution, seconds = timed(
            lambda inst=inst, hint=hint, opts=opts: solve(inst, opts, hint=hint, tie_break=False)
        )
        rows.append({"case": f"what-if re-solve, {mode}", "size": len(inst.units),
                     "seconds": round(seconds, 2),
                     "result": f"{solution.status}, levels {solution.level_values}, "
                               f"gap {solution.gap:.4f}, limit {opts.time_limit:g} s"})
    return rows


def gantt_at_scale(items: int) -> list[Row]:
    import matplotlib

    matplotlib.use("Agg")
    from solver.plot import draw_gantt, gantt_pages, save_figure

    inst = Instance(generated(items, seed=2))
    options = SolveOptions(time_limit=60)
    plan = make_plan(inst, solve(inst, options), options)
    pages = gantt_pages(plan, None, 60)

    folder = Path(tempfile.mkdtemp(prefix="gantt-"))

    def draw_all() -> None:
        for page in range(pages):
            ax = draw_gantt(inst, plan, max_rows=60, page=page)
            save_figure(ax.get_figure(root=True), folder / f"gantt-{page + 1}.png")

    _, seconds = timed(draw_all)
    return [{"case": "Gantt chart, 60-row pages", "size": len(inst.units),
             "seconds": round(seconds, 2), "result": f"{pages} pages in {folder}"}]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--gantt-items", type=int, default=500)
    parser.add_argument("--explain-items", type=int, default=100,
                        help="generated items to explain every one of (0: none)")
    parser.add_argument("--explain-one-items", type=int, default=1000,
                        help="generated items to explain one item of, every release (0: none)")
    parser.add_argument("--limit", type=float, default=60.0)
    parser.add_argument("--warm-sizes", default="100,1000", help="what-if re-solve sizes")
    parser.add_argument(
        "--cold-limit", type=float, help="time limit of the cold what-if (default: --limit)"
    )
    parser.add_argument("--workers", type=int, help="CP-SAT workers (default: the engine's)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args(argv)
    load_scenario(SEC_2020 / "baseline.yaml")  # warm imports before timing
    rows = [*explain_seed(),
            *(explain_generated(args.explain_items, args.limit) if args.explain_items else []),
            *(explain_one(args.explain_one_items, args.limit) if args.explain_one_items else []),
            *clash_at_scale(args.items),
            *(row for size in args.warm_sizes.split(",") if size
              for row in warm_against_cold(int(size), args.limit, args.workers, args.cold_limit)),
            *gantt_at_scale(args.gantt_items)]
    args.out.mkdir(parents=True, exist_ok=True)
    with (args.out / "capabilities.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    lines = [f"# Capability timings (load average {os.getloadavg()[0]:.1f}, "
             f"{os.cpu_count()} CPUs)", "", "| case | items | seconds | result |",
             "|---|---|---|---|"]
    lines += [f"| {r['case']} | {r['size']} | {r['seconds']} | {r['result']} |" for r in rows]
    (args.out / "capabilities.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
