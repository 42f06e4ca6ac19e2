"""Turn a solution into the plan file: releases, items, cut-offs, fall-backs, reasons."""

from __future__ import annotations

import datetime as dt
import os
import warnings
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from solver import progress
from solver.budget import Budget
from solver.check import check_assignment
from solver.engine import (
    DEFAULT_OPTIONS,
    ModelBuilder,
    NoPlanInTime,
    Solution,
    SolveOptions,
    earliest_release,
    fewest_moves,
    model_of,
    solve,
)
from solver.explain import PlanView, placement_reasons
from solver.instance import Instance, Unit
from solver.model import Plan, PlanItem, PlanRelease, Scenario
from solver.objective import term_values
from solver.rules.base import UnaryRule
from solver.rules.baseline import ScopeBaseline, baseline_passed, exception_note, scope_name
from solver.rules.placement import Fixed
from solver.scenario import base_of, load_scenario

if TYPE_CHECKING:
    from solver.calendar import Release

FALL_BACK_SECONDS = 5.0
"""Budget of one fall-back query that needs CP-SAT (`Budget.part`)."""
FALL_BACK_THREADS = min(2, os.cpu_count() or 1)
"""Fall-back queries run side by side on this many threads (CP-SAT releases the GIL while
it solves). Two take 0.6 of the time of one on this 2-core machine (the Python around each
query holds the GIL); more would multiply the memory of large models."""


@dataclass
class _Answer:
    release: str | None
    found: bool
    budget: Budget
    """The question's own budget: the work it used, whether the clock stopped it."""
    pushing: str | None = None
    """With no release found: the earliest one that holds the unit if another item leaves
    the horizon (None: not even so)."""
    earlier: str | None = None
    """For a fall-back found as the plan stands: an earlier release that holds the unit if
    other items move (kept in the horizon)."""
    movers: list[str] | None = None
    """For a fall-back that needs other units to move, or the earlier release: the fewest
    that must (None: not proven within the budget)."""


class FallBacks(NamedTuple):
    """The fall-backs of a plan's pending units (`fall_backs`)."""

    found: dict[str, str | None]
    """Unit -> its fall-back (None: no release left holds it)."""
    unknown: set[str]
    """Units whose fall-back was not found within the budget."""
    pushing: dict[str, str]
    """Units without a fall-back -> the release left that would hold them only if another
    item left the horizon."""
    earlier: dict[str, str]
    """Units whose fall-back was found as the plan stands -> an earlier release left that
    holds them if other items move, kept in the horizon (where a re-plan may well put
    them)."""
    needs_moves: set[str]
    """Units whose fall-back holds them only if other items move too (CP-SAT's answers:
    no release left holds them as the plan stands)."""
    movers: dict[str, list[str]]
    """Units in `needs_moves` or `earlier` -> the fewest other units that must move for the
    fall-back, or for the earlier release (`solver.engine.fewest_moves`), where that was
    proven within the budget."""
    clock_stopped: bool = False
    """The clock, not the budget's work, stopped the questions: another run may answer
    otherwise."""


MOVERS_SHARE = 0.25
"""Of the fall-backs' budget, the share that names who must move for a release that needs
others to move (`engine.fewest_moves`). Asked with each fall-back's question, they used
all of it at 1,000 generated items (the plan phase 60 s instead of 26 s) and named 41 of
244; in a quarter of their own, after the fall-backs, they cannot cost a fall-back."""


def releases_left(inst: Instance, unit: Unit, rid: str) -> list[str]:
    """The releases `unit` may still join when its decision misses the cut-off of `rid`,
    its release in a plan: those whose cut-off it still meets, less those whose scope is
    baselined by then (`baselined_on_lapse`), where it would be an exception (where the
    scenario allows exceptions, the item's reasons say it may go there as one)."""
    cut = inst.cut_off(unit, inst.release(rid))
    shut = {r.id for r in baselined_on_lapse(inst, unit, rid)}
    return [r.id for r in inst.releases if inst.cut_off(unit, r) > cut and r.id not in shut]


def baselined_on_lapse(inst: Instance, unit: Unit, rid: str) -> list[Release]:
    """The releases whose cut-off `unit` still meets when its decision misses that of `rid`,
    but whose scope (DCC-system or full, as for the unit) is baselined by the day after that
    cut-off, so that it would join them as an exception (an acceptance test: SECMP0067,
    lapsing from 2021-06 on 25 February 2021, fell back to 2021-11, whose DCC-system scope
    was baselined on 4 November 2020; a re-plan that day put it in 2022-06). None when its
    scope-baseline rule is switched off."""
    if not any(isinstance(rule, ScopeBaseline) for rule in inst.rules_for(unit.id)):
        return []
    cut = inst.cut_off(unit, inst.release(rid))
    lapse = cut + dt.timedelta(days=1)
    return [r for r in inst.releases
            if inst.cut_off(unit, r) > cut and baseline_passed(inst, unit, r, lapse)]


def _own_bars(inst: Instance, unit: Unit) -> dict[str, list[str]]:
    """Release id -> the unit's own hard rules (a pin, its window, its decision) that bar it
    there, whatever other items do."""
    out: dict[str, list[str]] = {}
    for rule in inst.rules_for(unit.id):
        if rule.hard and isinstance(rule, UnaryRule) and rule.scope(inst) == [unit.id]:
            for uid, rid in rule.barred(inst):
                if uid == unit.id and rid is not None:
                    out.setdefault(rid, []).append(rule.name)
    return out


def pinned_against(inst: Instance, clash: list[str]) -> list[tuple[Fixed, dict[str, list[str]]]]:
    """Each `fixed` rule of a clash, with every one of its item's own hard rules that bars
    the pinned release alone, and what each says there (a clash is one minimal set: a
    proposer read the decision's lateness as the only barrier to November 2020, where the
    scope baseline barred it too)."""
    out = []
    for rule in inst.rules:
        if isinstance(rule, Fixed) and rule.name in clash:
            unit = inst.unit(rule.item)
            bars = _own_bars(inst, unit).get(rule.release, [])
            said = {r.name: r.check(inst, {unit.id: rule.release})
                    for r in inst.rules_for(unit.id) if r.name in bars}
            if said:
                out.append((rule, said))
    return out


def held_by_own_rules(inst: Instance, unit: Unit, rid: str) -> list[str]:
    """The unit's own hard rules (a pin, its window) each of which bars every release it
    could still join on missing the cut-off of `rid`: why it has no fall-back, whatever the
    rest of the plan (an acceptance test: a pinned item read "none in the horizon", no word
    why). Empty when no release is left, or no one such rule bars them all."""
    left = releases_left(inst, unit, rid)
    if not left:
        return []
    bars = _own_bars(inst, unit)
    return [name for name in bars.get(left[0], []) if all(name in bars.get(r, []) for r in left)]


def exception_only(inst: Instance, unit: Unit, rid: str) -> list[str]:
    """Where the scenario allows exceptions: the releases whose scope is baselined by the
    lapse day (`baselined_on_lapse`) that the unit's own rules leave open, so that it
    could still join them as an exception; [] where exceptions are forbidden (a review: a
    pinned item's "none" went on "2021-11 only as an exception", which its pin bars)."""
    if inst.scenario.policy.exceptions == "forbidden":
        return []
    bars = _own_bars(inst, unit)
    return [r.id for r in baselined_on_lapse(inst, unit, rid) if r.id not in bars]


SKIPPED_PREFIX = "fall-back past "
"""How the reason saying which releases a fall-back passes over begins."""


def _skipped_reasons(view: PlanView, unit: Unit, fall_back: str | None) -> list[str]:
    """Why the fall-back passes over releases that would hold the unit as the plan stands,
    whose cut-off it would still meet: their scope is baselined by the lapse day (a Panel
    member asks why 2022-06 and not 2021-11)."""
    inst, rid = view.inst, view.plan.get(unit.id)
    if rid is None or unit.decision_known:
        return []
    skipped = [r for r in baselined_on_lapse(inst, unit, rid)
               if (fall_back is None or r.go_live < inst.release(fall_back).go_live)
               and not view.blocking(unit, r.id)]
    if not skipped:
        return []
    scope = scope_name(unit)
    dates = ", ".join(str(r.scope_baseline(unit.dcc_impact)) for r in skipped)
    whose = f"its {scope} scope is" if len(skipped) == 1 else f"their {scope} scopes are"
    allowed = ("an exception this scenario does not allow"
               if inst.scenario.policy.exceptions == "forbidden" else
               "there only as an exception, which this scenario allows")
    open_now = [r for r in skipped if not r.baselined_by(unit.dcc_impact, inst.as_of)]
    # an audit read the send-back's SECMP0067 in 2021-06 beside the base's fall-back past it
    # as a contradiction: a what-if knowing today that the decision is late answers another
    # question (docs/scenarios.md)
    sooner = (f"; a re-plan before {open_now[0].scope_baseline(unit.dcc_impact)}, knowing "
              f"the decision will be late, may still put it in {open_now[0].id}"
              if open_now else "")
    return [f"{SKIPPED_PREFIX}{', '.join(r.id for r in skipped)}: {whose} baselined on {dates}, "
            f"before a decision after the cut-off {inst.cut_off(unit, inst.release(rid))} "
            f"could add it ({allowed}){sooner}"]


def _versions(unit: Unit, release: str | None, falls: FallBacks, uplifts: dict[str, set[str]],
              changers: dict[tuple[str, str], int]) -> tuple[list[str], list[str]]:
    """The specifications `unit` (in `release`) would add a version of in its fall-back,
    with the plan's `uplifts` as they stand, then those whose version it would move there
    instead, as the only item changing them in its release (`changers`: the plan's count
    per release and specification; a proposer read "adds a new DUIS version" where the
    version only moved). None said when others must move: they change the uplifts."""
    fall_back = falls.found.get(unit.id)
    if fall_back is None or unit.id in falls.needs_moves:
        return [], []
    there = [s for s in unit.specs if s not in uplifts.get(fall_back, set())]
    alone = {s for s in there if release is not None and changers.get((release, s)) == 1}
    return [s for s in there if s not in alone], [s for s in there if s in alone]


def _fall_back_barred_by(view: PlanView, unit: Unit, falls: FallBacks) -> list[str]:
    """The rules that bar `unit` from its fall-back as the plan stands, when the fall-back
    needs other items to move (a Panel review found "only if other items move" cryptic
    without them); empty otherwise."""
    if unit.id not in falls.needs_moves:
        return []
    return sorted(view.broken_by(unit, falls.found[unit.id]))


def moving_too(movers: list[str] | None) -> str:
    """"with MP078, MP090 moving too", or "with other items moving too" when not known: a
    fall-back's consequence, not a condition (a Panel read "2022-06 only if MP078 ... move
    too" as a condition on SECMP0007's lapse)."""
    return f"with {', '.join(movers) if movers else 'other items'} moving too"


def rules_bar(names: list[str]) -> str:
    """"fixed(A) bars", "window(A), fixed(A) bar": rules as the subject of "bar"."""
    return f"{', '.join(names)} {'bars' if len(names) == 1 else 'bar'}"


def who_moves(movers: list[str] | None) -> str:
    """"MP078, MP090 move", "QQ2 moves", or "other items move" when not known."""
    if not movers:
        return "other items move"
    return f"{', '.join(movers)} move{'s' * (len(movers) == 1)}"


def _without_own_rules(view: PlanView, unit: Unit, falls: FallBacks) -> str | None:
    """For a unit its pin leaves no fall-back (`held_by_own_rules`): the first release left
    that holds it as the plan stands, were the pin lifted (a proposer: the pin is the
    Panel's target, and a decision missing the cut-off still falls back somewhere). None
    for a window: its `latest` is a limit, not a target."""
    rid = view.plan.get(unit.id)
    if rid is None or unit.decision_known or falls.found.get(unit.id, "") is not None:
        return None
    held = set(held_by_own_rules(view.inst, unit, rid))
    if not held or not all(name.startswith("fixed(") for name in held):
        return None
    return next((r for r in releases_left(view.inst, unit, rid)
                 if set(view.broken_by(unit, r)) <= held), None)


def _fall_back_reasons(view: PlanView, unit: Unit, falls: FallBacks,
                       barring: list[str], lifted: str | None) -> list[str]:
    """What a fall-back's number alone does not say: that it was not found in time, that it
    needs other items to move (no release left holds the unit as the plan stands; the
    rules `barring` it there), that a release left holds it only if another item
    leaves the horizon, or that its own rules leave it none (`lifted`: where it would go
    without its pin, `_without_own_rules`)."""
    if unit.id in falls.unknown:
        return ["fall-back not found within the time limit"]
    if unit.id in falls.needs_moves:
        fall_back = falls.found[unit.id]
        movers = falls.movers.get(unit.id)
        who = moving_too(movers) + (" (the fewest that must)" if movers else "")
        return [f"fall-back {fall_back}, {who}: no release left holds it as the plan stands"
                + (f" ({rules_bar(barring)} it in {fall_back} with the others where "
                   "they are)" if barring else "")]
    if unit.id in falls.pushing:
        return [f"no fall-back in the horizon: {falls.pushing[unit.id]} would hold it only if "
                "another item left the horizon"]
    if unit.id in falls.earlier:
        return [f"fall-back {falls.found[unit.id]} as the plan stands; "
                f"{falls.earlier[unit.id]} if {who_moves(falls.movers.get(unit.id))}"]
    rid = view.plan.get(unit.id)
    held = [] if rid is None or falls.found.get(unit.id, "") is not None else \
        held_by_own_rules(view.inst, unit, rid)
    if held:
        left = releases_left(view.inst, unit, rid or "")
        return [f"no fall-back: {rules_bar(held)} "
                f"every release it could still join ({left[0]} to {left[-1]})"
                + (f"; without {'it' if len(held) == 1 else 'them'}, {lifted} as the plan "
                   "stands" if lifted else "")]
    return []


def fall_backs(view: PlanView, options: SolveOptions) -> FallBacks:
    """For each pending unit placed in a release: the release it lapses to if its decision
    arrives the day after that release's cut-off, all hard rules holding. Also the units
    whose fall-back was not found in time.

    It lapses to the first release left (whose cut-off it still meets, and whose scope is
    not baselined by the day after the missed one: `releases_left`) where it fits with
    every other item where the plan puts it (None when no release is left): as the plan
    stands, the Panel's reading of a fall-back, found without the solver. Only when no
    release left holds it so does CP-SAT find the earliest one with other items free to
    move but kept in the horizon (None when there is none: a re-plan would leave one unit
    out either way). When the release found as the plan stands is not the first one left,
    CP-SAT is also asked for an earlier one with others moving (`earlier`: a re-plan may
    put it there). Each question has a budget of FALL_BACK_SECONDS, and all
    share the budget of `options`, the fall-backs' own questions first.

    The questions are asked in unit order (the fall-backs' own, then the sooner ones), and
    their answers are taken in that order while the work they used fits the shared budget:
    each answer's work is the same on every run, so which questions are answered is too,
    whatever the threads' timing (counted by the clock, with `options.wall_clock`, it can
    differ)."""
    inst = view.inst
    out: dict[str, str | None] = {}
    queries: dict[str, list[str]] = {}  # unit -> the releases it missed
    sooner: dict[str, list[str]] = {}  # unit -> the releases left before its fall-back
    for unit in inst.units:
        rid = view.plan.get(unit.id)
        if rid is None or unit.decision_known:
            continue
        left = releases_left(inst, unit, rid)
        missed = [r for r in inst.release_ids if r not in left]
        fits = next((r for r in left if not view.blocking(unit, r)), None)
        if not left or fits is not None or held_by_own_rules(inst, unit, rid):
            out[unit.id] = fits  # None: no release left whose cut-off it meets
            if fits is not None and fits != left[0]:
                sooner[unit.id] = left[:left.index(fits)]
        else:
            queries[unit.id] = missed
    stage = "fall-backs"
    fast = f"{len(out)} found without the solver"
    if not queries and not sooner:
        if out:
            progress.report(stage, fast, done=True)
        return FallBacks(out, set(), {}, {}, set(), {})

    total = Budget.of(options)

    def query(builder: ModelBuilder, uid: str) -> _Answer:
        budget = total.part(FALL_BACK_SECONDS)
        try:
            if uid in sooner:  # found as the plan stands: earlier with others moving?
                before = sooner[uid]
                if not any(builder.can_use(uid, r) for r in before):
                    return _Answer(None, True, budget)  # its own rules bar every one
                barred = [r for r in inst.release_ids if r not in before]  # only sooner ones
                found = earliest_release(builder, uid, barred, options, view.plan, budget)
                return _Answer(None, True, budget, earlier=found)
            found = earliest_release(builder, uid, queries[uid], options, view.plan, budget)
            pushing = None if found else earliest_release(
                builder, uid, queries[uid], options, view.plan, budget, keep_placed=False)
            return _Answer(found, True, budget, pushing)
        except NoPlanInTime:
            return _Answer(None, False, budget)

    asked = [*queries, *sooner]  # the fall-backs' own questions first
    answers = _asked_in_order(inst, asked, query, total)
    unknown: set[str] = set()
    pushing: dict[str, str] = {}
    earlier: dict[str, str] = {}
    used = 0
    for uid in asked:
        answer = answers.get(uid)
        used += answer.budget.used if answer else 0
        answered = (answer is not None and answer.found
                    and (total.total is None or used < total.total))
        if uid in sooner:
            if answered and answer is not None and answer.earlier is not None:
                earlier[uid] = answer.earlier
        elif not answered or answer is None:
            unknown.add(uid)
        else:
            out[uid] = answer.release
            if answer.pushing is not None:
                pushing[uid] = answer.pushing
    needs_moves = {uid for uid in queries if out.get(uid) is not None}
    # Then who must move for each release that needs others to move, after every
    # fall-back's own question, so that naming them never costs a fall-back, and in a
    # share of the budget (MOVERS_SHARE) of their own
    wanted = {uid: release for uid in asked
              if (release := out.get(uid) if uid in needs_moves else earlier.get(uid))}
    movers: dict[str, list[str]] = {}
    phase = total.part(total.seconds * MOVERS_SHARE)

    def who(builder: ModelBuilder, uid: str) -> _Answer:
        budget = phase.part(FALL_BACK_SECONDS)
        found = fewest_moves(builder, uid, wanted[uid], options, view.plan, budget)
        return _Answer(None, found is not None, budget, movers=found)

    if wanted and total.left():
        named = _asked_in_order(inst, list(wanted), who, phase, "questions of who must move")
        spent = 0
        for uid in wanted:
            answer = named.get(uid)
            spent += answer.budget.used if answer else 0
            if answer is not None and answer.movers and (phase.total is None
                                                         or spent < phase.total):
                movers[uid] = answer.movers
        total.take(phase.used, phase.clock_stopped)
    missing = f", {len(unknown)} not found within the time limit" if unknown else ""
    sooner_said = f"; {len(earlier)} sooner if other items move" if earlier else ""
    progress.report(stage, f"{fast}, {len(queries) - len(unknown)} by CP-SAT{missing}"
                    f"{sooner_said}", done=True)
    total.warn()
    return FallBacks(out, unknown, pushing, earlier, needs_moves, movers, total.clock_stopped)


def _asked_in_order(
    inst: Instance, asked: list[str], query: Callable[[ModelBuilder, str], _Answer],
    total: Budget, what: str = "questions to CP-SAT",
) -> dict[str, _Answer]:
    """`query` for each of `asked` in turn, FALL_BACK_THREADS at a time, until the answers
    have used `total` (or its clock has run out): every question before the first one
    left out has its answer. Progress counts them as `what`."""
    answers: dict[str, _Answer] = {}
    with model_of(inst) as builder, ThreadPoolExecutor(FALL_BACK_THREADS) as pool:
        running: dict[Future[_Answer], str] = {}
        waiting = iter(asked)
        while True:
            while (len(running) < FALL_BACK_THREADS and total.left()
                   and (uid := next(waiting, None)) is not None):
                running[pool.submit(query, builder, uid)] = uid
            if not running:
                return answers
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                answer = answers[running.pop(future)] = future.result()
                total.take(answer.budget.used, answer.budget.clock_stopped)
                progress.report("fall-backs", f"{len(answers)} of {len(asked)} {what} answered")


def make_plan(inst: Instance, solution: Solution, options: SolveOptions) -> Plan:
    scenario = inst.scenario
    if solution.status == "infeasible":
        return Plan(scenario=scenario.name, status="infeasible", assignments={},
                    fingerprint=scenario.planning_fingerprint())
    assignment = solution.assignment
    uplifts = inst.uplifts(assignment)
    changers: dict[tuple[str, str], int] = {}
    for unit in inst.units:
        if (rid := assignment.get(unit.id)) is not None:
            for spec in unit.specs:
                changers[rid, spec] = changers.get((rid, spec), 0) + 1
    view = PlanView(inst, assignment)
    falls = fall_backs(view, options)
    releases = [
        PlanRelease(
            id=r.id,
            go_live=r.go_live,
            items=[u.id for u in inst.units if assignment[u.id] == r.id],
            uplifts=sorted(uplifts.get(r.id, set()) | inst.past_uplifts.get(r.id, set())),
        )  # a release gone live issued the versions its implemented items changed (an
        for r in inst.releases  # acceptance test: compare read "DUIS 2021: 2 -> 1" the
    ]  # month June 2021 went live, where the uplift cap still counted it)
    items = [
        PlanItem(
            id=u.id,
            title=u.title,
            status=u.status,
            release=assignment[u.id],
            cut_off=inst.cut_off(u, inst.release(rid)) if (rid := assignment[u.id]) else None,
            fall_back=falls.found.get(u.id),
            fall_back_needs_moves=u.id in falls.needs_moves,
            fall_back_barred_by=(barring := _fall_back_barred_by(view, u, falls)),
            fall_back_moves=falls.movers.get(u.id, []),
            fall_back_new_versions=(versions := _versions(
                u, assignment[u.id], falls, uplifts, changers))[0],
            fall_back_moved_versions=versions[1],
            fall_back_found=u.id not in falls.unknown,
            fall_back_if_others_move=falls.earlier.get(u.id),
            fall_back_if_one_leaves=falls.pushing.get(u.id),
            fall_back_without_own_rules=(lifted := _without_own_rules(view, u, falls)),
            reasons=placement_reasons(view, u)
            + _fall_back_reasons(view, u, falls, barring, lifted)
            + _skipped_reasons(view, u, falls.found.get(u.id)),
        )
        for u in inst.units
    ]
    for uid, unit in sorted(inst.closed.items()):
        items.append(
            PlanItem(
                id=uid,
                title=unit.title,
                status=unit.status,
                release=None,
                cut_off=None,
                fall_back=None,
                reasons=[f"{unit.status}: not planned"],
            )
        )
    return Plan(
        scenario=scenario.name,
        status="optimal" if solution.status == "optimal" else "feasible",
        objective=term_values(inst, assignment),
        gap=round(solution.gap, 6),
        clock_stopped=solution.clock_stopped or falls.clock_stopped,
        assignments=dict(assignment),
        releases=releases,
        items=items,
        violations=check_assignment(inst, assignment),
        reference=inst.reference_plan,
        fingerprint=scenario.planning_fingerprint(),
    )


def plan_scenario(scenario: Scenario, options: SolveOptions = DEFAULT_OPTIONS) -> Plan:
    """Scenario -> Plan, counting moves from the published baselines."""
    inst = Instance(scenario)
    return make_plan(inst, solve(inst, options), options)


def base_solution(path: Path, options: SolveOptions) -> Solution | None:
    """The plan of the scenario `path` extends (itself planned against its own base), or
    None when `path` is a base scenario or its base has no plan; `clock_stopped` when the
    clock stopped its solve or that of a base further up."""
    base = base_of(path)
    if base is None:
        return None
    further = base_solution(base, options)
    if further is None and (grand := base_of(base)) is not None:  # a review: said of the
        warnings.warn(no_base_plan(grand, base.name), stacklevel=2)  # direct base only
    inst = Instance(load_scenario(base), further.assignment if further else None)
    progress.report(os.path.relpath(base), "planning the base scenario first", done=True)
    solution = solve(inst, options, hint=inst.reference_plan)
    if solution.status == "infeasible":
        return None
    solution.clock_stopped |= further is not None and further.clock_stopped
    return solution


SHOWN_OUTSIDE = 10
"""Items `outside_published_scope` names; it counts the rest."""


def outside_published_scope(inst: Instance) -> str | None:
    """For a what-if: the items its base plan places in a release whose scope (as for the
    item) is baselined as of the what-if's `as_of`, outside that release's published scope
    (`baseline:`), as a note; None when there are none. Staying there is an exception, so
    where exceptions are forbidden the plan moves them (an acceptance test rolled `as_of`
    forward and saw the items of 2021-11 pushed out, "blocked by scope-baseline", with no
    word why)."""
    if inst.reference_plan is None:
        return None
    outside = [(unit.id, rid) for unit in inst.units  # the rule's own test: not where it is
               if (rid := inst.reference_plan.get(unit.id)) in inst.release_ids  # switched
               and exception_note(inst, unit, inst.release(rid)) is not None]  # off, or frozen
    if not outside:
        return None
    shown = ", ".join(f"{uid} ({rid})" for uid, rid in outside[:SHOWN_OUTSIDE])
    more = f" and {len(outside) - SHOWN_OUTSIDE} more" if len(outside) > SHOWN_OUTSIDE else ""
    return (f"as of {inst.as_of}, the base plan places {len(outside)} item(s) in releases "
            f"whose scope is baselined, outside their published scope: {shown}{more}"
            + ("; staying there is an exception, which this scenario forbids, so the plan "
               "moves them" if inst.scenario.policy.exceptions == "forbidden" else
               "; staying there is an exception, each counted as one")
            + ": give `baseline: RID` to each the Panel has baselined there")


def no_base_plan(base: Path, planned: str = "this what-if") -> str:
    """What a what-if (`planned`) is planned against when its base scenario has no plan (a
    review: with `--base-plan` that was bad input, planning the base again a silent change
    of reference)."""
    return (f"{base.name} has no plan (no plan satisfies its rules): {planned} is planned "
            "against the published allocation (each item's baseline release) instead")


def plan_file(
    path: Path,
    options: SolveOptions = DEFAULT_OPTIONS,
    reference: dict[str, str | None] | None = None,
    alternatives: int = 0,
    tolerance: float = 0.1,
    plan_base: bool = True,
) -> tuple[Instance, Plan]:
    """Plan a scenario file. A what-if is planned against its base plan (or `reference`):
    moving an item away from it costs, and the base plan is the solver's hint. With
    `alternatives`, also up to that many near-optimal, different plans. Without
    `plan_base`, a what-if with no `reference` is planned against the published allocation
    (its base is known to have no plan)."""
    from solver.alternatives import find_alternatives

    scenario = load_scenario(path)
    base = base_solution(path, options) if reference is None and plan_base else None
    if base is not None:
        reference = base.assignment
    elif reference is None and plan_base and (parent := base_of(path)) is not None:
        warnings.warn(no_base_plan(parent), stacklevel=2)
    inst = Instance(scenario, reference)
    if (outside := outside_published_scope(inst)):
        warnings.warn(outside, stacklevel=2)
    against = " against the base plan" if reference else ""
    progress.report(os.path.relpath(path), f"planning {len(inst.units)} items in "
                    f"{len(inst.releases)} releases{against}", done=True)
    solution = solve(inst, options, hint=reference)
    plan = make_plan(inst, solution, options)
    plan.clock_stopped |= base is not None and base.clock_stopped
    if alternatives and solution.status == "optimal":
        plan.alternatives = find_alternatives(inst, solution, alternatives, tolerance, options)
    return inst, plan
