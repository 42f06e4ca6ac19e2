"""Why each unit sits where it does, in the planners' words.

`placement_reasons` is solver-free: it moves one unit to each earlier release and asks the
checker which hard rules that breaks; where none break, it states the objective trade-off
that keeps the unit later.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from solver.engine import DEFAULT_OPTIONS, ModelBuilder, SolveOptions, make_solver
from solver.instance import Instance, Unit
from solver.objective import term_values
from solver.rules.base import Assignment

_TERM_WORDS = {
    "unplaced": "item(s) outside the horizon",
    "exceptions": "scope-baseline exception(s)",
    "soft-rules": "soft-rule penalty",
    "delay": "value-months of delay",
    "uplifts": "specification version(s)",
    "moves": "move cost(s) from the reference plan",
}


def decision_reason(inst: Instance, unit: Unit, rid: str) -> str:
    release = inst.release(rid)
    cut = inst.cut_off(unit, release)
    said = (
        f"decided {unit.decision}" if unit.decision_known else f"decision expected {unit.decision}"
    )
    return (
        f"{said}; {rid} cut-off {cut} (go-live {release.go_live} minus lead time "
        f"{inst.lead_time(unit)})"
    )


def blocking_rules(inst: Instance, plan: Assignment, unit: Unit, rid: str | None) -> list[str]:
    """Names and messages of the hard rules broken by moving only `unit` to `rid`."""
    moved = {**plan, unit.id: rid}
    before = {r.name for r in inst.rules if r.hard and r.check(inst, plan)}
    out = []
    for rule in inst.rules:
        if rule.hard and rule.name not in before:
            for message in rule.check(inst, moved):
                out.append(f"{rule.name}: {message}")
    return out


def trade_off(inst: Instance, plan: Assignment, unit: Unit, rid: str | None) -> str:
    """How the objective terms change if only `unit` moves to `rid`, in words."""
    weights = {t.term: (t.priority, t.weight) for t in inst.scenario.objective}
    now = term_values(inst, plan)
    then = term_values(inst, {**plan, unit.id: rid})
    changed = [t for t in now if t in weights and then[t] != now[t]]
    worse = [f"+{then[t] - now[t]} {_TERM_WORDS[t]}" for t in changed if then[t] > now[t]]
    better = [f"-{now[t] - then[t]} {_TERM_WORDS[t]}" for t in changed if then[t] < now[t]]
    if not worse:
        return "no worse by the objective (a tie, broken by item order)"
    first = min(weights[t][0] for t in changed)
    return (
        f"it would cost {', '.join(worse)}"
        + (f" for {', '.join(better)}" if better else "")
        + f" (priority {first} of the objective decides)"
    )


def placement_reasons(inst: Instance, plan: Assignment, unit: Unit) -> list[str]:
    """Short reasons for the unit's place: its cut-off, and why not each earlier release."""
    rid = plan.get(unit.id)
    reasons: list[str] = []
    if rid is not None:
        reasons.append(decision_reason(inst, unit, rid))
        candidates = inst.release_ids[: inst.index(rid)]
    else:
        reasons.append("no release in the horizon satisfies the rules")
        candidates = inst.release_ids
    for other in candidates:
        if inst.is_frozen(inst.release(other)):
            continue
        blocked = blocking_rules(inst, plan, unit, other)
        if blocked:
            reasons.append(f"not {other}: " + "; ".join(blocked))
        else:
            reasons.append(f"not {other}: " + trade_off(inst, plan, unit, other))
    reference = inst.reference(unit)
    if reference is not None and rid != reference:
        source = "base plan" if inst.reference_plan is not None else "published baseline"
        reasons.append(f"moved from {reference} (its release in the {source})")
    return reasons


def _infeasible(builder: ModelBuilder, names: list[str], options: SolveOptions) -> bool:
    builder.model.clear_assumptions()
    builder.model.add_assumptions([builder.literals[n] for n in names])
    solver = make_solver(
        SolveOptions(options.time_limit, workers=1, seed=options.seed), options.time_limit
    )
    return bool(solver.solve(builder.model) == cp_model.INFEASIBLE)


def minimal_clash(inst: Instance, options: SolveOptions = DEFAULT_OPTIONS) -> list[str]:
    """Names of hard rules that cannot all hold together, minimal: without any one of them
    the rest can. Empty when the hard rules are satisfiable.

    CP-SAT's assumption core (one worker) is a starting point; deletion then drops each
    member the rest still clash without, which proves the result minimal."""
    builder = ModelBuilder(inst, hard_as_assumptions=True)
    hard = sorted(name for name, rule in builder.rules.items() if rule.hard)
    builder.model.add_assumptions([builder.literals[n] for n in hard])
    solver = make_solver(
        SolveOptions(options.time_limit, workers=1, seed=options.seed), options.time_limit
    )
    if solver.solve(builder.model) != cp_model.INFEASIBLE:
        return []
    by_index = {builder.literals[n].index: n for n in hard}
    core = sorted(by_index[i] for i in solver.sufficient_assumptions_for_infeasibility())
    k = 0
    while k < len(core):
        trial = core[:k] + core[k + 1 :]
        if _infeasible(builder, trial, options):
            core = trial
        else:
            k += 1
    return core


def smallest_relaxation(inst: Instance, options: SolveOptions = DEFAULT_OPTIONS) -> list[str]:
    """The fewest hard rules to drop for some plan to exist."""
    builder = ModelBuilder(inst, hard_as_assumptions=True)
    hard = sorted(name for name, rule in builder.rules.items() if rule.hard)
    builder.model.minimize(sum(1 - builder.literals[n] for n in hard))
    solver = make_solver(options, options.time_limit)
    if solver.solve(builder.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return []
    return [n for n in hard if not solver.value(builder.literals[n])]
