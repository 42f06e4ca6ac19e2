"""Alternative plans: near-optimal, and as different from each other as possible.

Each alternative keeps every objective level within a tolerance of the best plan's
(a level at 0, such as "nothing left out, no exceptions", stays at 0), maximises the
number of items placed differently from every plan found so far, then optimises the
objective and breaks ties like the main solve, so the alternatives are deterministic.
"""

from __future__ import annotations

import math
from typing import Any

from solver import progress
from solver.engine import ModelBuilder, Solution, SolveOptions, level_expressions, solve
from solver.instance import Instance
from solver.model import Alternative
from solver.objective import term_values


def find_alternatives(
    inst: Instance, best: Solution, count: int, tolerance: float, options: SolveOptions
) -> list[Alternative]:
    """Up to `count` alternatives to `best`, each within `tolerance` (a fraction) per level."""
    found = [best.assignment]
    out: list[Alternative] = []
    slots = {*inst.release_ids, None}

    def prepare(builder: ModelBuilder) -> list[Any]:
        for expr, value in zip(level_expressions(builder), best.level_values, strict=True):
            if not isinstance(expr, int):
                builder.model.add(expr <= value + math.floor(tolerance * abs(value)))
        diversity = sum(
            1 - builder.x(uid, rid) for plan in found for uid, rid in plan.items() if rid in slots
        )
        return [-diversity]

    for k in range(1, count + 1):
        with progress.muted():
            solution = solve(inst, options, prepare=prepare)
        if solution.status == "infeasible" or solution.assignment in found:
            progress.report("alternatives", f"{len(out)} found; no other plan within tolerance",
                            done=True)
            break
        progress.report("alternatives", f"{k} of {count} found", done=k == count)
        found.append(solution.assignment)
        out.append(
            Alternative(
                assignments=solution.assignment,
                objective=term_values(inst, solution.assignment),
                levels=solution.level_values,
                gap_to_best=[
                    a - b for a, b in zip(solution.level_values, best.level_values, strict=True)
                ],
                differs_from_best=sorted(
                    u for u, r in solution.assignment.items() if best.assignment.get(u) != r
                ),
            )
        )
    return out
