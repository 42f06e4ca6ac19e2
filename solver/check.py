"""Judge any plan against the scenario's rules, without a solver."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from solver.instance import Instance
from solver.model import PlanViolation


def check_assignment(inst: Instance, plan: Mapping[str, str | None]) -> list[PlanViolation]:
    """Every broken rule, hard or soft, with its name and what is wrong.

    Also flags units the plan leaves out, ids it does not know and releases outside the
    horizon, so a hand-written plan is judged as strictly as one the engine made.
    """
    out: list[PlanViolation] = []
    known = {u.id for u in inst.units}
    missing = sorted(known - set(plan))
    if missing:  # one message (an acceptance test: the hint repeated for each of 31 rows)
        out.append(
            PlanViolation(
                rule="complete",
                hard=True,
                message=f"{len(missing)} item(s) have no assignment: {', '.join(missing)} (to "
                        "leave one outside the horizon: null in a plan.json, an empty release "
                        "in a CSV)",
            )
        )
    for uid in sorted(set(plan) - known):
        what = f"is {inst.closed[uid].status}" if uid in inst.closed else "is not in the scenario"
        if uid not in inst.closed or plan[uid] is not None:
            out.append(
                PlanViolation(
                    rule="complete", hard=True, message=f"{uid} {what} and cannot be assigned"
                )
            )
    bad = {
        uid: rid
        for uid, rid in plan.items()
        if uid in known and rid is not None and rid not in inst.release_ids
    }
    for uid, rid in sorted(bad.items()):
        out.append(
            PlanViolation(
                rule="complete",
                hard=True,
                message=f"{uid} goes in {rid}, which is not a release in the horizon",
            )
        )
    if bad:
        return out
    judged = {u.id: plan.get(u.id) for u in inst.units}
    for rule in inst.rules:
        for message in rule.check(inst, judged):
            out.append(PlanViolation(rule=rule.name, hard=rule.hard, message=message))
    return out


def broken_rules(violations: Iterable[PlanViolation]) -> dict[str, tuple[bool, list[str]]]:
    """Each rule broken, once, the hard ones first, else in the order found: whether hard,
    and its messages (a rule can be broken in two places: a capacity in two releases; an
    acceptance test found one listed and counted twice, another a soft rule before the hard
    ones)."""
    out: dict[str, tuple[bool, list[str]]] = {}
    for v in violations:
        out.setdefault(v.rule, (v.hard, []))[1].append(v.message)
    return dict(sorted(out.items(), key=lambda kv: not kv[1][0]))
