"""The objective's terms, each computed without a solver from a plan.

The engine builds the same terms as CP-SAT expressions (`solver.engine`); tests compare
the two. Terms (all minimised):

* `unplaced`: units outside the horizon;
* `exceptions`: units added to a release after its scope baseline (when allowed);
* `soft-rules`: the penalties of broken soft rules;
* `delay`: value x months from `as_of` to the unit's go-live (one month past the last
  release for a unit outside the horizon): delivering value early;
* `uplifts`: (release, specification) pairs: each is a new specification version that
  every SEC Party must re-test;
* `moves`: units placed away from their reference release (the base plan's, for a what-if;
  else the published baseline), a move out of an already-baselined release counting
  `policy.baselined_move_cost`.

Terms are grouped by priority; lower priorities are optimised first (lexicographic), and
terms sharing a priority are traded off by their weights.
"""

from __future__ import annotations

from solver.instance import Instance
from solver.model import ObjectiveTerm
from solver.rules.base import Assignment


def term_values(inst: Instance, plan: Assignment) -> dict[str, int]:
    """Each objective term's value for `plan` (which must name every unit)."""
    unplaced = [u for u in inst.units if plan.get(u.id) is None]
    broken = {r.name: r for r in inst.rules if not r.hard and r.check(inst, plan)}
    delay = sum(
        u.value
        * (
            inst.unplaced_months
            if plan.get(u.id) is None
            else inst.months_to(inst.release(plan[u.id] or ""))
        )
        for u in inst.units
    )
    return {
        "unplaced": len(unplaced),
        "exceptions": sum(r.penalty for r in broken.values() if r.term == "exceptions"),
        "soft-rules": sum(r.penalty for r in broken.values() if r.term == "soft-rules"),
        "delay": delay,
        "uplifts": sum(len(specs) for specs in inst.uplifts(plan).values()),
        "moves": sum(
            inst.move_cost(u) for u in inst.units
            if inst.reference(u) is not None and plan.get(u.id) != inst.reference(u)
        ),
    }


def levels(objective: list[ObjectiveTerm]) -> list[list[ObjectiveTerm]]:
    """Terms grouped by priority, most important first."""
    priorities = sorted({t.priority for t in objective})
    return [[t for t in objective if t.priority == p] for p in priorities]


def level_values(objective: list[ObjectiveTerm], values: dict[str, int]) -> list[int]:
    """The lexicographic objective vector of a plan: one weighted sum per priority."""
    return [sum(t.weight * values[t.term] for t in level) for level in levels(objective)]
