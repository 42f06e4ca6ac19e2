"""Why each unit sits where it does, in the planners' words.

`placement_reasons` is solver-free: it moves one unit to each earlier release and asks the
checker which hard rules that breaks; where none break, it states the objective trade-off
that keeps the unit later.
"""

from __future__ import annotations

import dataclasses
import functools
import warnings
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from typing import Any

from pydantic import BaseModel, Field

from solver import progress
from solver.budget import Budget
from solver.check import check_assignment
from solver.cpsat import cp_model, run_solver
from solver.engine import (
    DEFAULT_OPTIONS,
    ModelBuilder,
    NoPlanInTime,
    Solution,
    SolveOptions,
    make_solver,
    model_of,
    solve,
)
from solver.instance import Instance, MovedPlan, Unit
from solver.model import MAX_VALUE, Plan, PlanViolation
from solver.objective import level_values, levels, term_values
from solver.rules.base import Assignment, RuleBase, UnaryRule
from solver.rules.baseline import exception_note
from solver.rules.dependency import SameRelease


def decision_reason(inst: Instance, unit: Unit, rid: str) -> str:
    release = inst.release(rid)
    cut = inst.cut_off(unit, release)
    said = (
        f"decided {unit.decision}"
        if unit.decision_known
        else f"decision expected {unit.decision}{unit.overdue_note}"
    )
    return (
        f"{said}; cut-off of release {rid}: {cut} (lead time {inst.lead_time(unit)} before "
        f"go-live {release.go_live})"
    )


class PlanView:
    """A plan with what single-item moves need, computed once: uplift counts per release
    and specification, and the rules the plan already breaks."""

    def __init__(self, inst: Instance, plan: Assignment):
        self.inst, self.plan = inst, dict(plan)
        self.counts: Counter[tuple[str, str]] = Counter(
            (rid, spec) for u in inst.units if (rid := plan.get(u.id)) for spec in u.specs
        )
        self.broken = {r.name for r in inst.rules if r.check(inst, self.plan)}
        self._shared: dict[str, Any] = {}  # what rules derive from the plan, for every move

    def _moved(self, unit: Unit, rid: str | None) -> MovedPlan:
        return MovedPlan(self.plan, self.counts, unit, rid, self._shared)

    def blocking(self, unit: Unit, rid: str | None) -> list[str]:
        """Names and messages of the hard rules broken by moving only `unit` to `rid`."""
        return said(self.broken_by(unit, rid))

    def broken_by(self, unit: Unit, rid: str | None) -> dict[str, list[str]]:
        """The hard rules moving only `unit` to `rid` breaks, each with its messages."""
        moved = self._moved(unit, rid)
        out = {
            rule.name: rule.check(self.inst, moved)
            for rule in self.inst.rules_for(unit.id)
            if rule.hard and rule.name not in self.broken
        }
        return {name: messages for name, messages in out.items() if messages}

    def alone_option(self, unit: Unit, rid: str | None) -> ReleaseOption:
        """An option judged by moving only `unit` to `rid`, without the solver: the hard
        rules that move breaks, else its objective change with every other item in place."""
        broken = sorted(self.broken_by(unit, rid))
        option = blocked_option(self.inst, unit, rid, broken) if broken \
            else self.move_option(unit, rid)
        option.alone = True
        return option

    def move_option(self, unit: Unit, rid: str | None) -> ReleaseOption:
        """The objective change of moving only `unit` to `rid`, as an option to explain."""
        inst, old = self.inst, self.plan.get(unit.id)
        months = {None: inst.unplaced_months} | {r.id: inst.months_to(r) for r in inst.releases}
        change = {
            "unplaced": (rid is None) - (old is None),
            "delay": unit.value * (months[rid] - months[old]),
            "uplifts": sum(
                (rid is not None and self.counts[rid, s] == 0)
                - (old is not None and self.counts[old, s] == 1)
                for s in unit.specs
            ),
            "moves": 0,
        }
        reference = inst.reference(unit)
        if reference is not None:
            change["moves"] = inst.move_cost(unit) * ((rid != reference) - (old != reference))
        moved = self._moved(unit, rid)
        soft = [r for r in inst.rules_for(unit.id) if not r.hard]
        now_broken = {r.name for r in soft if r.check(inst, moved)}
        was_broken = {r.name for r in soft if r.name in self.broken}
        for term in ("exceptions", "soft-rules"):
            change[term] = sum(
                r.penalty * ((r.name in now_broken) - (r.name in was_broken))
                for r in soft
                if r.term == term
            )
        level_change = [
            sum(t.weight * change[t.term] for t in level)
            for level in levels(inst.scenario.objective)
        ]
        option = ReleaseOption(
            release=rid,
            current=False,
            level_change=level_change,
            term_change={t: c for t, c in change.items() if c},
            soft_broken=sorted(now_broken - was_broken),
            **_relieved(inst, [r for r in soft if r.name in was_broken - now_broken],
                        self.plan, moved),
        )
        option.summary = _summary(inst, option, old, unit=unit)
        return option


def said(broken: dict[str, list[str]]) -> list[str]:
    """Each broken rule's messages, as "name: message"."""
    return [f"{name}: {message}" for name, messages in broken.items() for message in messages]


REASON_RELEASES = 3
"""The plan file says why not each of this many releases just before an item's own."""


def placement_reasons(view: PlanView, unit: Unit) -> list[str]:
    """Short reasons for the unit's place: its cut-off, why not each of the releases just
    before it and why not the next one (the hard rules moving only this item there would
    break, or the objective trade-off: a Panel asks "why not wait a release?" as much as
    "why not sooner?"). `secplan explain` goes further, with the model."""
    inst = view.inst
    rid = view.plan.get(unit.id)
    reasons = [decision_reason(inst, unit, rid) if rid is not None
               else _why_outside(view, unit)]
    exception = None if rid is None else exception_note(inst, unit, inst.release(rid))
    if exception:  # an audit: an item's own reasons never said it (rid and the report did)
        reasons.append(exception)
    own = own_rules(inst, unit)
    open_candidates = [
        r for r in asked_releases(inst, rid)[:-1]
        if r is not None and not inst.is_frozen(inst.release(r))
    ]
    later = ([inst.release_ids[inst.index(rid) + 1]]
             if rid is not None and inst.index(rid) + 1 < len(inst.release_ids) else [])
    for other in [*open_candidates[-REASON_RELEASES:], *later]:
        broken = view.broken_by(unit, other)
        # a rule on the item alone bars the release, whatever else breaks too; any other
        # answer holds the rest of the plan still, and `secplan explain` may find the
        # release open once others move too (an acceptance test: SECMP0007's decision bars
        # 2021-06, yet the reason said "moving it alone" as the GBCS rules broke as well)
        alone = "" if set(broken) & own else " (moving it alone)"
        reasons.append(f"not {other}{', the next release' if other in later else ''}{alone}: "
                       + why_not_there(view, unit, other, broken))
    reference = inst.reference(unit)
    if reference is not None and rid != reference:
        source = "base plan" if inst.reference_plan is not None else "published baseline"
        reasons.append(f"moved from {reference} (its release in the {source})")
    return reasons


def why_not_there(view: PlanView, unit: Unit, other: str,
                  broken: dict[str, list[str]] | None = None) -> str:
    """Why moving only `unit` to `other` is not the plan: the rules it would break there
    (`broken`, when already known), else the objective trade-off."""
    broken = view.broken_by(unit, other) if broken is None else broken
    # "with MP081 in 2021-06, ...": the rules' messages describe that move, not the plan
    # (a Panel read took "MP081 is fixed in 2020-11 but goes in 2021-06" as a fact)
    return (f"with {unit.id} in {other}, " + "; ".join(
        f"{name} breaks: {'; '.join(messages)}" for name, messages in broken.items())
            if broken else view.move_option(unit, other).summary)


def own_rules(inst: Instance, unit: Unit) -> set[str]:
    """Names of the rules on the unit alone (its decision, window, baseline, pin): a
    release one of them bars stays barred whatever other items do."""
    return {rule.name for rule in inst.rules_for(unit.id) if isinstance(rule, UnaryRule)}


def own_bars(view: PlanView, unit: Unit, rid: str | None) -> list[str]:
    """The rules on the unit alone (its decision, scope baseline, window, pin...) that
    moving it to `rid` breaks: every one, each enough by itself to bar `rid`."""
    return sorted(own_rules(view.inst, unit) & set(view.broken_by(unit, rid)))


def crowded_out(inst: Instance, unit: Unit, rid: str | None) -> list[str]:
    """The hard rules that bar `unit` from `rid` with no other planned item there, which
    other items can only break further (`RuleBase.bars_alone`): a capacity it overfills by
    itself, an uplift cap implemented items used up (an acceptance test: an item over every
    release's max_effort read "each release would break a rule or cost more with the plan
    as it stands")."""
    return sorted(rule.name for rule in inst.rules_for(unit.id)
                  if rule.hard and rule.bars_alone(inst, unit, rid))


def barred_alone(view: PlanView, unit: Unit, rid: str | None) -> list[str]:
    """The rules that bar `unit` from `rid` by itself: its `own_bars` and `crowded_out`."""
    return sorted({*own_bars(view, unit, rid), *crowded_out(view.inst, unit, rid)})


def barred_whatever_others_do(view: PlanView, unit: Unit, rid: str | None) -> list[str]:
    """The hard rules that bar `unit` from `rid` whatever other items do, found without the
    solver: its `barred_alone`, else a same-release rule with the partners' rules that bar
    them from `rid` by themselves. Empty when none does."""
    inst = view.inst
    own = barred_alone(view, unit, rid)
    if own:
        return own
    for rule in inst.rules_for(unit.id):
        if isinstance(rule, SameRelease) and rule.hard:
            partners = [inst.unit(p) for p in rule.items if p != unit.id and p in view.plan]
            bars = sorted({name for p in partners for name in barred_alone(view, p, rid)})
            if bars:
                return [rule.name, *bars]
    return []


def _why_outside(view: PlanView, unit: Unit) -> str:
    """The first reason of a unit the plan leaves outside the horizon: only when its own
    rules bar every release is no release possible; otherwise the reasons below say what
    moving it alone would break or cost (its explanation weighs moving others too)."""
    inst = view.inst
    bars = {r: barred_whatever_others_do(view, unit, r) for r in inst.release_ids}
    if all(bars.values()):  # which rule bars which releases (a missed deadline, said so)
        asks = {rule.name: rule.asks for rule in inst.rules}
        spans: dict[str, list[list[str]]] = {}
        for k, rid in enumerate(inst.release_ids):
            for name in bars[rid]:
                runs = spans.setdefault(name, [])
                if k and name in bars[inst.release_ids[k - 1]]:  # the run goes on
                    runs[-1][1:] = [rid]
                else:
                    runs.append([rid])
        own = own_rules(inst, unit)
        lead = ("satisfies its own rules" if all(set(b) <= own for b in bars.values())
                else "can take it, whatever other items do")
        return f"no release in the horizon {lead}: " + "; ".join(
            f"{name} ({asks[name]}) bars " + ", ".join(" to ".join(run) for run in runs)
            for name, runs in spans.items())
    return ("outside the horizon: each release would break a rule or cost more with the plan "
            "as it stands (its explanation weighs moving other items too)")


class _OutOfTime(Exception):
    """A clash check ran out of time before CP-SAT settled it."""


Forced = Sequence[tuple[str, str | None]]
"""Placements to hold while looking for a clash: (unit id, release id or None)."""


def _clash_core(
    builder: ModelBuilder, names: list[str], forced: list[Any], options: SolveOptions,
    budget: Budget | None,
) -> list[int] | None:
    """When the hard rules `names` clash (with the `forced` placements): CP-SAT's core, the
    proto indexes of the assumptions it used; None when they can hold. With a shared
    `budget`, `_OutOfTime` when CP-SAT cannot tell within it (without, each check has a
    budget of `options`, and one it cannot settle counts as "they can hold", which keeps a
    rule in the clash: a clash still, perhaps not minimal)."""
    builder.model.clear_assumptions()
    builder.model.add_assumptions([*forced, *(builder.literals[n] for n in names)])
    own = budget or Budget.of(options)
    if not own.left():
        raise _OutOfTime
    solver = make_solver(dataclasses.replace(options, workers=1), own)
    status = run_solver(solver, builder.model)
    own.charge(solver, builder.model, status != cp_model.UNKNOWN)
    if status == cp_model.UNKNOWN and budget is not None:
        raise _OutOfTime
    if status != cp_model.INFEASIBLE:
        return None
    return list(solver.sufficient_assumptions_for_infeasibility())


def minimal_clash(
    inst: Instance, options: SolveOptions = DEFAULT_OPTIONS, forced: Forced = (),
    budget: Budget | None = None,
) -> list[str] | None:
    """Names of hard rules that cannot all hold together (with the `forced` placements),
    minimal: without any one of them the rest can. Empty when they are satisfiable.

    CP-SAT's assumption core (one worker) is a starting point; deletion then drops each
    member the rest still clash without, which proves the result minimal. Each check has
    a budget of `options`; with a `budget` all of them share it, and None says it ran out
    before the clash was proven minimal."""
    with model_of(inst, hard_as_assumptions=True) as builder:
        hard = sorted(name for name, rule in builder.rules.items() if rule.hard)
        held = [builder.x(uid, rid) for uid, rid in forced]

        def clash(names: list[str]) -> bool:
            return _clash_core(builder, names, held, options, budget) is not None

        try:
            first = _clash_core(builder, hard, held, options, budget)
            if first is None:
                return []
            by_index = {builder.literals[n].index: n for n in hard}
            core = sorted(by_index[i] for i in first if i in by_index)
            if not clash(core):
                core = hard  # the core leaned on a forced literal
            k = 0
            while k < len(core):
                trial = core[:k] + core[k + 1 :]
                if clash(trial):
                    core = trial
                else:
                    k += 1
        except _OutOfTime:
            return None
        return core


def smallest_relaxation(inst: Instance,
                        options: SolveOptions = DEFAULT_OPTIONS) -> list[PlanViolation]:
    """The fewest hard rules to drop for some plan to exist, each with what the plan made
    without them (planned as `secplan solve` would) does to it, in the checker's words
    ("SECMP0067 is fixed in 2020-11 but goes in 2021-06"): the rule's name alone does not
    say what relaxing it takes. Among sets as small, the fewest built-in rules: a pin or a
    cap the scenario wrote is the Panel's to lift, a decision date or a go-live is not."""
    budget = Budget.of(options)  # one budget for both searches
    with model_of(inst, hard_as_assumptions=True) as builder:
        hard = sorted(name for name, rule in builder.rules.items() if rule.hard)
        dropped_count = sum(1 - builder.literals[n] for n in hard)
        built_in = sum(1 - builder.literals[n] for n in hard if n in inst.built_in)
        builder.model.minimize((len(hard) + 1) * dropped_count + built_in)
        solver = make_solver(options, budget, builder.size)
        status = run_solver(solver, builder.model)
        budget.charge(solver, builder.model, status == cp_model.OPTIMAL)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return []
        dropped = [n for n in hard if not solver.value(builder.literals[n])]
    try:
        said = _without(inst, dropped, options, budget)
    except NoPlanInTime:
        said = None
    return said or [PlanViolation(rule=n, hard=True, message="") for n in dropped]


def other_single_relaxations(inst: Instance, clash: Sequence[str], found: str,
                             options: SolveOptions = DEFAULT_OPTIONS) -> list[PlanViolation]:
    """When dropping one rule (`found`) is enough for a plan, the other rules of the
    `clash` whose dropping alone is enough too (the one to relax is the Panel's choice: a
    pin rather than a decision date, say), each with what the plan made without it does to
    it; the scenario's own rules first, then built-in ones, as `smallest_relaxation`
    prefers them. Within one budget of `options`: the rules it leaves unsettled (none
    left, or no plan found in it) are named in a note (warnings), not dropped unsaid."""
    budget = Budget.of(options)
    out: list[PlanViolation] = []
    unsettled: list[str] = []
    for name in sorted((n for n in clash if n != found), key=lambda n: n in inst.built_in):
        try:
            if budget.left():
                out.extend(_without(inst, [name], options, budget) or [])
                continue
        except NoPlanInTime:
            pass
        unsettled.append(name)
    if unsettled:
        warnings.warn(f"not settled as alternatives, the budget ran out first: "
                      f"{', '.join(unsettled)} (a larger --time-limit tries them)",
                      stacklevel=2)
    return out


def _without(inst: Instance, names: list[str], options: SolveOptions,
             budget: Budget) -> list[PlanViolation] | None:
    """The rules `names`, each with what the plan made without them (planned as `secplan
    solve` would) does to it, in the checker's words; None when no plan exists without
    them. Raises `NoPlanInTime` when the budget ran out before either was known."""
    off = [*inst.scenario.switched_off, *names]
    relaxed = Instance(inst.scenario.model_copy(update={"switched_off": off}),
                       reference=inst.reference_plan)
    solution = solve(relaxed, options, hint=inst.reference_plan, budget=budget)
    if solution.status == "infeasible":
        return None
    broken = check_assignment(inst, solution.assignment)
    return [PlanViolation(rule=n, hard=True,
                          message="; ".join(v.message for v in broken if v.rule == n))
            for n in names]


# --- model-based explanations -----------------------------------------------------------


class ReleaseOption(BaseModel):
    """What placing one item in one release (or outside the horizon) would mean."""

    release: str | None
    current: bool
    blocked_by: list[str] = Field(default_factory=list)
    """Hard rules that forbid it (empty when the item can go there): a minimal set that
    clash together, or, when rules on the item alone bar it, every such rule, each enough
    by itself (the summary then says so)."""
    level_change: list[int] = Field(default_factory=list)
    term_change: dict[str, int] = Field(default_factory=dict)
    soft_broken: list[str] = Field(default_factory=list)
    soft_honoured: list[str] = Field(default_factory=list)
    soft_lapsed: dict[str, str] = Field(default_factory=dict)
    """Soft rules broken in the plan that the option takes out of force rather than
    keeps, each with why (an aligned uplift whose anchor leaves the year it binds)."""
    other_moves: dict[str, tuple[str | None, str | None]] = Field(default_factory=dict)
    moves_because: list[str] = Field(default_factory=list)
    """The hard rules moving this item alone would break, which the `other_moves` make
    room for (an acceptance test: "P457 2028-02 -> none" without the uplift cap that
    pushed it out)."""
    summary: str = ""
    value_turns: str = ""
    """"this rests on SECMP0067's value 5: at 4 or less, 2021-11 would cost no more", when
    the item's own value decides against the option (`_value_turns_it`)."""
    alone: bool = False
    """Judged by moving this item alone, without the solver, as the model did not settle it
    within the time limit: `blocked_by` then names the rules that move breaks (other
    items moving might make room), `level_change` the cost with every other item in place
    (moving others might lower it)."""
    neighbours: int | None = None
    """Asked of the model with only this many other items free to move, its neighbours
    (`neighbourhood`), the rest held where the plan has them, as the plan itself is not
    proven optimal and a re-solve of the whole would not be either: `level_change` is then
    the plan with the item here against the plan with it kept in its release, both solved
    so (negative when the plan, not proven optimal, missed a better one), `other_moves`
    from the plan itself (applied to it, they give the option's plan); `blocked_by` names
    the rules moving it alone breaks, for which its neighbours moving makes no room (items
    further away might)."""


def _others_own(inst: Instance, unit: Unit, rid: str | None, bars: list[str]) -> dict[str, str]:
    """The rules of `bars` on one other item alone that bar it from `rid` -> that item: a
    partner's or an anchor's own rule, which bars `unit` through the rule tying them (a
    proposer read "aligned-uplift(GBCS, SECMP0007), decision-in-time(SECMP0007)" as
    SECMP0007's decision rule applying to their item)."""
    out = {}
    for name in bars:
        rule = inst.rule_named.get(name)
        scope = rule.scope(inst) or [] if isinstance(rule, UnaryRule) else []
        if len(scope) == 1 and scope[0] != unit.id and isinstance(rule, UnaryRule) \
                and (scope[0], rid) in rule.barred(inst):
            out[name] = scope[0]
    return out if len(out) < len(bars) else {}


def blocked_option(inst: Instance, unit: Unit, rid: str | None, rules: list[str]
                   ) -> ReleaseOption:
    """`unit` blocked from `rid` by `rules`; another item's own rule among them is said as
    what bars that item there ("aligned-uplift(GBCS, SECMP0007), as
    decision-in-time(SECMP0007) bars SECMP0007 there")."""
    theirs = _others_own(inst, unit, rid, rules)
    summary = ", ".join(r for r in rules if r not in theirs) + (
        ", as " + " and ".join(f"{r} bars {uid} there" for r, uid in theirs.items())
        if theirs else "")
    return ReleaseOption(release=rid, current=False, blocked_by=rules, summary=summary)


NEIGHBOUR_RULE_SIZE = 10
"""A rule of at most this many items (a precedence, a group, a never-together pair) makes
its items neighbours wherever they are; larger ones (capacities, uplift caps) only within
the years a move touches."""


def neighbourhood(inst: Instance, plan: Assignment, unit: Unit, rid: str | None) -> set[str]:
    """The items free to move when asking the model about moving `unit` to `rid` in a plan
    not proven optimal: those linked to it by rules of at most NEIGHBOUR_RULE_SIZE items,
    item to item (a precedence chain, a group), and those sharing any rule or a
    specification with it that sit in a release of the years it leaves and enters (uplift
    caps are yearly), or outside the horizon when it leaves or enters that."""
    touched = _touched(inst, [rid, plan.get(unit.id)])
    out: set[str] = set()
    for rule in inst.rules_for(unit.id):
        scope = rule.scope(inst) or []
        if len(scope) > NEIGHBOUR_RULE_SIZE:
            out.update(v for v in scope if plan.get(v) in touched)
    linked, todo = {unit.id}, [unit.id]  # small rules, followed from item to item
    while todo:
        for rule in inst.rules_for(todo.pop()):
            scope = rule.scope(inst) or []
            if len(scope) <= NEIGHBOUR_RULE_SIZE:
                todo.extend(v for v in scope if v not in linked)
                linked.update(scope)
    out |= linked
    specs = set(unit.specs)
    out.update(v.id for v in inst.units if specs & set(v.specs) and plan.get(v.id) in touched)
    out.discard(unit.id)
    return out


def _touched(inst: Instance, releases: list[str | None]) -> set[str | None]:
    """The releases of the years of `releases` (and None, outside the horizon, if there)."""
    years = {inst.release(r).year for r in releases if r is not None}
    return {r.id for r in inst.releases if r.year in years} | {r for r in releases if r is None}


def asked_releases(inst: Instance, rid: str | None) -> list[str | None]:
    """What explaining a whole plan asks of an item in `rid`: why not each earlier release
    (every release for an item outside the horizon), and its own."""
    return [*(inst.release_ids[: inst.index(rid)] if rid else inst.release_ids), rid]


def whole_plan_questions(inst: Instance, rid: str | None) -> list[str | None]:
    """The releases explaining a whole plan asks of an item in `rid`, in the order asked:
    its own, the nearest earlier one, the next later one ("why not wait a release?", the
    Panel's other question: SECMP0067 in June or with SECMP0007 in November 2021), then
    the other earlier ones, nearest first. Every release for an item outside the
    horizon."""
    sooner = asked_releases(inst, rid)[::-1]
    if rid is None or inst.index(rid) + 1 >= len(inst.release_ids):
        return sooner
    return [*sooner[:2], inst.release_ids[inst.index(rid) + 1], *sooner[2:]]


def _relieved(inst: Instance, rules: list[RuleBase], before: Assignment,
              after: Assignment) -> dict[str, Any]:
    """The soft `rules` broken in `before` and not in `after`, as an option's fields: those
    `after` keeps (`soft_honoured`), and those it takes out of force (`soft_lapsed`: a
    Panel read of SECMP0007 leaving 2021 "honouring" the DUIS alignment of 2021)."""
    lapsed = {r.name: why for r in rules if (why := r.lapses(inst, before, after))}
    return {"soft_honoured": sorted(r.name for r in rules if r.name not in lapsed),
            "soft_lapsed": dict(sorted(lapsed.items()))}


def _soft_broken(inst: Instance, plan: Assignment) -> set[str]:
    return {r.name for r in inst.rules if not r.hard and r.check(inst, plan)}


def _term_words(term: str, change: int, option: ReleaseOption, moved_from: str) -> str:
    """A verb phrase for one objective term's change, in the planners' words; `moved_from`
    names what the `moves` term counts moves from."""
    n = abs(change)
    up = change > 0
    match term:
        case "delay":
            return f"deliver {n} value-months {'later' if up else 'sooner'}"
        case "uplifts":
            return f"{'add' if up else 'save'} {n} specification version(s)"
        case "soft-rules":
            # every soft rule the option breaks, keeps or takes out of force, whichever way
            # the net goes (an acceptance test: a lift and a break said as the lift alone)
            broken = [f"break {', '.join(option.soft_broken)}"] if option.soft_broken else []
            kept = [*([f"honour {', '.join(option.soft_honoured)}"] if option.soft_honoured
                      else []),
                    *(f"lift {name} ({why})" for name, why in option.soft_lapsed.items())]
            return " and ".join([*broken, *kept] if up else [*kept, *broken])
        case "moves":
            return f"{'add' if up else 'save'} {n} in the cost of moves from {moved_from}"
        case "exceptions":
            return f"{'need' if up else 'avoid'} {n} scope-baseline exception(s)"
        case _:
            return (
                f"{'leave' if up else 'bring'} {n} item(s) {'outside' if up else 'into'} "
                "the horizon"
            )


def _value_turns_it(inst: Instance, option: ReleaseOption, unit: Unit, current: str | None,
                    level: int, delta: int) -> str:
    """"; this rests on SECMP0067's value 5: at 4 or less, 2021-11 would cost no more",
    when the option loses at the delay term's level by `delta` and only the item itself
    moves: its value is an assumption (1-5 in the seed round), and a Panel asks how near
    the choice is (a review: June or November 2021 for SECMP0067 turns on value 5 against
    4). Empty when another item moves too, or no value in range turns it."""
    delay = next((t for t in inst.scenario.objective if t.term == "delay"), None)
    if option.other_moves or delay is None or delay.weight <= 0 or delta <= 0 or \
            delay not in levels(inst.scenario.objective)[level - 1]:
        return ""

    def months(rid: str | None) -> int:
        return inst.unplaced_months if rid is None else inst.months_to(inst.release(rid))

    step = delay.weight * (months(option.release) - months(current))  # per unit of value
    if step == 0:
        return ""
    # At a tie on this level the later levels decide: a tie is enough only when they do
    # not favour the plan (an acceptance test: uplifts at a later priority kept the plan).
    later = next((d for d in option.level_change[level:] if d), 0)
    strict = later > 0
    if step > 0:  # later: a lower value makes waiting cheaper
        turn = unit.value - (delta // step + 1 if strict else -(-delta // step))
        words = "or less"
    else:
        turn = unit.value + (delta // -step + 1 if strict else -(-delta // -step))
        words = "or more"
    if not 1 <= turn <= MAX_VALUE:  # no value turns it (0: only if it were worth nothing)
        return ""
    where = option.release or "outside the horizon"
    return (f"; this rests on {unit.id}'s value {unit.value}: at {turn} {words}, {where} "
            f"would cost {'less' if strict or later < 0 else 'no more'}")


def _summary(inst: Instance, option: ReleaseOption, current: str | None, local: str = "",
             unit: Unit | None = None) -> str:
    """The trade-off of one open option against the recommendation, in words; `local` says
    what both plans were solved with when only the item's neighbours were free; with the
    `unit`, what its value would have to be for the option to cost no more
    (`_value_turns_it`)."""
    weights: dict[str, int] = {t.term: t.weight for t in inst.scenario.objective}
    changes = [(t, c) for t, c in option.term_change.items() if weights.get(t)]
    moved_from = f"the {inst.moves_source}"

    def listed(pairs: list[tuple[str, int]]) -> str:
        return ", ".join(
            f"{_term_words(t, c, option, moved_from)} "
            f"({c * weights[t]:+d})"
            for t, c in pairs
        )

    def net(level: int, delta: int) -> str:
        """"net +96 (priority 2: soft rules, delay, uplifts, moves)": the objective's terms
        weighed together at the level that decides."""
        grouped = levels(inst.scenario.objective)[level - 1]
        terms = ", ".join(t.term.replace("-", " ") for t in grouped)
        return f"net {delta:+d} (priority {level}: {terms})"

    def weighed(pairs: list[tuple[str, int]]) -> str:
        better = listed([(t, c) for t, c in pairs if c < 0])
        worse = listed([(t, c) for t, c in pairs if c > 0])
        return (f"{better}, but {worse}" if better and worse
                else better or worse or "change nothing the objective counts")

    changed = [(k, d) for k, d in enumerate(option.level_change, 1) if d]
    # The level that decides first, the others' terms after its verdict (a Panel read:
    # "(-10), (-10), (+1), (+90): net +1 (priority 1)" summed to nothing it showed)
    priority: dict[str, int] = {t.term: k for k, level
                                in enumerate(levels(inst.scenario.objective), 1) for t in level}
    deciding = [(t, c) for t, c in changes if changed and priority[t] == changed[0][0]]
    later = [(t, c) for t, c in changes if (t, c) not in deciding] if deciding else []
    # With other items moving too, the terms are the whole plan's, not this item's alone
    # (CR3002 earlier but MP209.2 later: "the plan would deliver 5 value-months later").
    text = ("the plan would " if option.other_moves else "it would ") + weighed(
        deciding or changes)
    here = current or "none"
    if changed and changed[0][1] < 0:  # only with neighbours free, in a plan not proven
        level, delta = changed[0]
        text += (f": {net(level, delta)}, better than keeping it in {here}: "
                 "the plan, not proven optimal, missed it")
        if later:
            text += f"; after that, it would also {weighed(later)}"
    elif changed:
        level, delta = changed[0]
        text += f": {net(level, delta)}, so the plan keeps {here}"
        if later:
            text += f"; after that, it would also {weighed(later)}"
        if unit is not None:
            turns = _value_turns_it(inst, option, unit, current, level, delta)
            option.value_turns = turns.removeprefix("; ")
            text += turns
    elif local:
        text += f"; as good as keeping it in {here}"
    else:
        text += (
            "; equally good, and the tie-break (each item, in id order, as early as "
            f"possible) chose {here}"
        )
    if option.other_moves:
        why = (f" (with it alone there, {', '.join(option.moves_because)} would break)"
               if option.moves_because else "")
        text += f"; other items would move{why}: " + ", ".join(
            f"{uid} {a or 'none'} -> {b or 'none'}"
            for uid, (a, b) in sorted(option.other_moves.items())
        )
    if local:
        text += f" (against keeping it in {here}, {local})"
    return text


def release_options(
    inst: Instance,
    best: Solution,
    unit_id: str,
    options: SolveOptions = DEFAULT_OPTIONS,
    releases: Sequence[str | None] | None = None,
    budget: Budget | None = None,
    view: Callable[[], PlanView] | None = None,
    stays: dict[frozenset[str], Solution | None] | None = None,
) -> list[ReleaseOption]:
    """For one item, each release (and outside the horizon): the hard rules that forbid it,
    or what it would cost against the best plan. A release a rule on the item alone bars
    (its decision, scope baseline, window, pin...), or on a same-release partner, is
    blocked whatever the others do (`barred_whatever_others_do`), and needs no solve. The
    others are computed by re-solving with the item held there: blocked options get a
    minimal clash, open ones their objective change.

    A plan not proven optimal is asked with only the item's neighbours free to move
    (`ReleaseOption.neighbours`), as a re-solve of the whole would not be proven either.
    The re-solves and clashes share `budget` (default: a budget of `options` each). An
    option the model does not settle in it (nothing left, the re-solve not proven optimal,
    the clash not proven minimal) is judged by moving the item alone
    (`PlanView.alone_option`; `view` gives the best plan's). `stays` keeps, per
    neighbourhood, the plan with the item kept where it is, for the item's next call."""
    unit = inst.unit(unit_id)
    current = best.assignment[unit_id]
    view = view or functools.cache(lambda: PlanView(inst, best.assignment))
    stays = {} if stays is None else stays
    out = []
    for rid in [*inst.release_ids, None] if releases is None else releases:
        bars = [] if rid == current else barred_whatever_others_do(view(), unit, rid)
        if rid == current:
            out.append(ReleaseOption(release=rid, current=True, summary=(
                "the recommended release" if rid else "the recommended plan leaves it out")))
        elif bars:
            out.append(blocked_option(inst, unit, rid, bars))
            if len(bars) > 1 and set(bars) <= own_rules(inst, unit):  # not a partner's
                out[-1].summary += " (each one bars it)"
        elif best.status != "optimal":
            out.append(_local_option(inst, best, unit, rid, options, budget, view, stays))
        else:
            out.append(_model_option(inst, best, unit, rid, options, budget, view))
    return out


def _model_option(
    inst: Instance, best: Solution, unit: Unit, rid: str | None, options: SolveOptions,
    budget: Budget | None, view: Callable[[], PlanView],
) -> ReleaseOption:
    """The option from the whole model re-solved with `unit` held in `rid`."""
    forced = _held(inst, best, unit.id, rid, options, budget)
    clash = (minimal_clash(inst, options, [(unit.id, rid)], budget)
             if forced is not None and forced.status == "infeasible" else None)
    if clash:
        return blocked_option(inst, unit, rid, clash)
    if forced is None or forced.status != "optimal":  # not settled by the model in time
        return view().alone_option(unit, rid)
    return _open_option(inst, best.assignment, best.level_values, unit, rid,
                        forced.assignment, forced.level_values,
                        alone_breaks=sorted(view().broken_by(unit, rid)))


def _local_option(
    inst: Instance, best: Solution, unit: Unit, rid: str | None, options: SolveOptions,
    budget: Budget | None, view: Callable[[], PlanView],
    stays: dict[frozenset[str], Solution | None],
) -> ReleaseOption:
    """The option from the model with only `unit`'s neighbourhood free to move, everything
    else held: the plan with `unit` in `rid` against the plan with it kept where it is, both
    solved so (`stays` keeps the latter per neighbourhood)."""
    broken = view().broken_by(unit, rid)
    free = neighbourhood(inst, best.assignment, unit, rid)
    held = f"its {len(free)} neighbour(s) free to move, every other item held"
    moved = _held(inst, best, unit.id, rid, options, budget, free)
    if moved is None or moved.status == "feasible" or (
            moved.status == "infeasible" and not broken):
        return view().alone_option(unit, rid)  # not settled in time (infeasible cannot be)
    if moved.status == "infeasible":
        option = blocked_option(inst, unit, rid, sorted(broken))
        option.summary = (f"moving it alone breaks {option.summary}, and {held}, none "
                          "makes room")
    else:
        key = frozenset(free)
        if key not in stays:
            stays[key] = _held(inst, best, unit.id, best.assignment[unit.id], options,
                               budget, free)
        stay = stays[key]
        if stay is None or stay.status != "optimal" or moved.status != "optimal":
            return view().alone_option(unit, rid)  # either not settled in time
        option = _open_option(inst, stay.assignment, _values(inst, stay.assignment), unit,
                              rid, moved.assignment, _values(inst, moved.assignment), held,
                              moves_from=best.assignment, alone_breaks=sorted(broken))
    option.neighbours = len(free)
    return option


def _values(inst: Instance, plan: Assignment) -> list[int]:
    return level_values(inst.scenario.objective, term_values(inst, plan))


def _open_option(
    inst: Instance, base: Assignment, base_values: list[int], unit: Unit, rid: str | None,
    plan: Assignment, values: list[int], local: str = "",
    moves_from: Assignment | None = None, alone_breaks: Sequence[str] = (),
) -> ReleaseOption:
    """An open option: `plan` (with `unit` in `rid`, objective `values` per level) against
    the `base` plan (`base_values`). `local` says what the two were solved with, when only
    the item's neighbours were free to move; the other items' moves are listed from
    `moves_from` (default `base`): the user's plan, when `base` is a re-solve of it that
    may differ in equally good ways, so that the moves listed are the whole recipe."""
    start = base if moves_from is None else moves_from
    terms, base_terms = term_values(inst, plan), term_values(inst, base)
    soft, base_soft = _soft_broken(inst, plan), _soft_broken(inst, base)
    option = ReleaseOption(
        release=rid,
        current=False,
        level_change=[a - b for a, b in zip(values, base_values, strict=True)],
        term_change={t: terms[t] - base_terms[t] for t in terms if terms[t] != base_terms[t]},
        soft_broken=sorted(soft - base_soft),
        **_relieved(inst, [r for r in inst.rules if r.name in base_soft - soft], base, plan),
        other_moves={u: (start[u], r) for u, r in plan.items()
                     if u != unit.id and start[u] != r},
    )
    if option.other_moves:
        option.moves_because = list(alone_breaks)
    option.summary = _summary(inst, option, base[unit.id], local, unit)
    return option


def _held(
    inst: Instance, best: Solution, unit_id: str, rid: str | None, options: SolveOptions,
    budget: Budget | None, free: set[str] | None = None,
) -> Solution | None:
    """The best plan with `unit_id` held in `rid` (and, given the items `free` to move,
    every other item held where `best` has it), solved within what is left of `budget`
    (default: a budget of `options`); None when nothing is left or no plan was found in
    it."""
    if budget is not None and not budget.left():
        return None

    def hold(builder: ModelBuilder) -> list[Any]:
        builder.model.add(builder.x(unit_id, rid) == 1)
        if free is not None:
            for uid, placed in best.assignment.items():
                if uid != unit_id and uid not in free and builder.can_use(uid, placed):
                    builder.model.add(builder.x(uid, placed) == 1)
        return []

    try:
        return solve(inst, options, hint={**best.assignment, unit_id: rid}, prepare=hold,
                     tie_break=False, budget=budget)
    except NoPlanInTime:
        return None


def ranked(options: list[ReleaseOption]) -> list[ReleaseOption]:
    """Options best first: the recommendation, then open ones by objective change, then
    blocked ones by how few rules block them; those asked with only the item's neighbours
    free next, in the same order; those judged moving the item alone last (their costs are
    what that one move costs, their rules what it breaks: not comparable)."""
    return sorted(
        options,
        key=lambda o: (not o.current, o.alone, o.neighbours is not None, bool(o.blocked_by),
                       o.level_change, len(o.blocked_by)),
    )


def explain_items(
    inst: Instance, plan: Plan, options: SolveOptions, items: Sequence[str] | None = None,
    among: Collection[str] | None = None,
) -> dict[str, list[ReleaseOption]]:
    """Releases ranked per item, computed from the model, as `secplan explain` does: for
    the named `items` every release (and outside the horizon); without `items`, every
    planned item with its release, the earlier ones and the next one
    (`whole_plan_questions`), since the questions a Panel asks of a whole plan are "why
    not sooner?" and "why not wait a release?", and asking them of every later release
    takes many times as long (over 20 seconds on the seed round, against under 2).

    All the re-solves and clashes share a budget of `options.time_limit` (a second one,
    after the plan's own solve): each option asked of the model costs about half a second
    or more from 100 generated items up, and at 1,000 items a re-solve is not proven within
    a minute, as the plan's own solve is not. The options the model does not settle within
    it are judged by moving the item alone (`ReleaseOption.alone`). So that a budget too
    small for all shares out fairly, the items are asked in turns: each item's first
    question, then each one's second...; of a whole plan, the nearest releases first (an
    audit found the last items in id order judged alone, the first ones not). `among`:
    the whole plan's questions of these items only (a report of some releases)."""
    budget = Budget.of(options)
    best = Solution(status=plan.status, assignment=plan.assignments,
                    level_values=level_values(inst.scenario.objective, plan.objective))
    view = functools.cache(lambda: PlanView(inst, plan.assignments))
    asked = list(items if items is not None else
                 (u for u in plan.assignments if among is None or u in among))
    questions = {uid: [*inst.release_ids, None] if items is not None
                 else whole_plan_questions(inst, plan.assignments[uid]) for uid in asked}
    found: dict[str, list[ReleaseOption]] = {uid: [] for uid in asked}
    stays: dict[str, dict[frozenset[str], Solution | None]] = {uid: {} for uid in asked}
    total, done = sum(map(len, questions.values())), 0
    for turn in range(max(map(len, questions.values()), default=0)):
        for uid in asked:
            if turn < len(questions[uid]):
                with progress.muted():
                    found[uid] += release_options(inst, best, uid, options,
                                                  [questions[uid][turn]], budget, view,
                                                  stays[uid])
                done += 1
        progress.report("explanations", f"{done} of {total} releases weighed",
                        done=done == total)
    budget.warn()
    return {uid: ranked(found[uid]) for uid in asked}
