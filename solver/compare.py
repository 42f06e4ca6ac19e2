"""What moved between two scenarios' plans, and why."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from solver.explain import PlanView, barred_whatever_others_do, said, why_not_there
from solver.instance import Instance, Unit
from solver.model import Plan, gap_words


class Move(BaseModel):
    item: str
    before: str | None
    after: str | None
    reason: str


class CutOffChange(BaseModel):
    item: str
    release: str
    before: dt.date
    after: dt.date
    days: int


class FallBackChange(BaseModel):
    """A pending item's fall-back (where it lapses on missing its cut-off) that changed, in
    the scope tables' words on both sides (a DCC manager read "2025-11 -> 2022-11" as an
    improvement where 2022-11 needed 24 items to move; a review, a bare "none" where the
    tables said why)."""

    item: str
    release: str
    """Its release in the other plan."""
    moved_from: str | None
    """Its release in the base plan, when it moved."""
    before: str | None
    after: str | None
    before_words: str
    after_words: str


class UpliftChange(BaseModel):
    release: str
    before: list[str]
    after: list[str]


class GoLiveChange(BaseModel):
    release: str
    before: dt.date | None
    after: dt.date | None


class Comparison(BaseModel):
    """The difference between a base plan and another scenario's plan."""

    base: str
    other: str
    moved: list[Move]
    entered: list[Move]
    left: list[Move]
    go_lives: list[GoLiveChange]
    uplifts: list[UpliftChange]
    uplifts_per_year: dict[str, dict[int, tuple[int, int]]]
    cut_offs: list[CutOffChange]
    fall_backs: list[FallBackChange] = []
    """Pending items placed in both plans whose fall-back changed (an audit: SECMP0067's,
    2021-11 to 2022-06, said nowhere)."""
    objective: dict[str, tuple[int, int]]
    rules_broken: list[str] = []
    """Rules the other plan breaks that the base plan keeps (soft, or allowed exceptions;
    a DCC manager saw only "soft-rules 0 -> 10" where solve named the alignment)."""
    rules_kept: list[str] = []
    """Rules the base plan breaks that the other plan keeps."""
    rules_gone: list[str] = []
    """Rules the base plan breaks that are not in force in the other scenario, each with why:
    "aligned-uplift(DUIS, SECMP0007) (lapsed: SECMP0007 is rejected)" (an acceptance test:
    "soft-rules 10 -> 0" and no word of the rule)."""
    rules_new: list[str] = []
    """Rules the other plan breaks that were not in force in the base scenario."""
    as_of: tuple[dt.date, dt.date] | None = None
    """The base's and the other's `as_of` where they differ: `delay` counts months from it,
    so the term changes with nothing moved (an acceptance test: a month rolled on read
    "delay 647 -> 535" with no word why)."""
    counted_apart: str = ""
    """Why the terms count different items ("MP258 (rejected) counts only in BASE"), or ""
    when both plans count the same ones: an item closed or removed drops its delay out of
    the other's terms, which then look better (an acceptance test)."""
    unproven: str = ""
    """Which plan is not proven optimal, in words, or "": a move may then be an improvement
    its search missed rather than what OTHER changes (`unproven_words`)."""
    against_base: bool = True
    """Whether `other` was planned against the base plan (a what-if of it): `moves` then
    counts from the base plan, none in the base itself; else each plan's `moves` is its
    own, counted from its own reference as `secplan solve` counts it."""

    @property
    def moves_term(self) -> str:
        """The `moves` row's words in a table of the terms."""
        return ("moves from the base plan" if self.against_base else
                "moves, each from its own reference")


def unproven_words(plans: list[tuple[str, Plan]], cause: str = "the change") -> str:
    """"baseline's plan is not proven optimal (gap 0.43%)": the named plans a search stopped
    before its proof (an acceptance test at 1,000 items: a what-if moving one go-live
    "moved" two items whose swap improved the base plan itself); "" when all are proven."""
    open_ = [f"{name}'s plan ({gap_words(plan.gap)})" for name, plan in plans
             if plan.status == "feasible"]
    if not open_:
        return ""
    return (f"{' and '.join(open_)} {'is' if len(open_) == 1 else 'are'} not proven optimal: "
            f"a move may be an improvement the search missed, not a consequence of {cause}; "
            "a longer --time-limit narrows it")


def why_moved(view: PlanView, uid: str, before: str | None) -> str:
    """Why a unit left its base release: a rule bars it there whatever other items do
    ("forced": its own rule, a capacity it overfills by itself, a same-release partner's
    bar), a rule it shares breaks if it alone went back ("held out by a shared rule":
    moving others might make room), or the objective trade-off ("chosen")."""
    inst = view.inst
    unit = inst.unit(uid)
    if before is not None and before not in inst.release_ids:
        return f"its base release {before} is no longer in the calendar"
    broken = view.broken_by(unit, before)
    barred = barred_whatever_others_do(view, unit, before)
    if barred:  # a rule on the item alone, one it breaks by itself, or a partner's (a review:
        # an item grown past a capacity was "held out by a shared rule")
        forced = "; ".join(said({name: broken[name] for name in barred if name in broken})
                           + [name for name in barred if name not in broken])
        return f"forced: {forced}{_why_not_sooner(view, unit, before)}"
    if broken:  # others held still: not forced, maybe only the plan's choice (an acceptance
        # test read "forced (moving it back alone)" as unavoidable; then "moved with others"
        # where no other item moved)
        return "held out by a shared rule: moving it back alone breaks " + "; ".join(
            said(broken))
    return f"chosen: staying in {before or 'no release'}, " + view.move_option(unit, before).summary


def _why_not_sooner(view: PlanView, unit: Unit, before: str | None) -> str:
    """For a unit forced out of `before`: why it is not in the first release sooner than
    where it went that no rule bars whatever others do (an acceptance test read "forced"
    beside "-" as nothing could take an item that 2028-11 could, at a cost); "" when none."""
    inst = view.inst
    after = view.plan.get(unit.id)
    sooner = [rid for rid in inst.release_ids
              if rid != before and (after is None or inst.index(rid) < inst.index(after))]
    first = next((rid for rid in sooner if not barred_whatever_others_do(view, unit, rid)),
                 None)
    # the releases passed over between the two, each barred whatever others do (a
    # proposer's board asks why not the next release, and only the first's bar was said);
    # for an item gone out of the horizon, its own reasons say whether any release is left
    passed = [rid for rid in sooner if before is not None and after is not None
              and inst.index(before) < inst.index(rid)
              and (first is None or inst.index(rid) < inst.index(first))]
    said = ""
    for rid in passed:
        broken = view.broken_by(unit, rid)
        said += f"; {rid} barred too: " + "; ".join(
            f"{name}: {'; '.join(broken[name])}" if broken.get(name) else name
            for name in barred_whatever_others_do(view, unit, rid))
    return said if first is None else \
        f"{said}; not in {first} instead (moving it alone): {why_not_there(view, unit, first)}"


def _uplifts_per_year(plan: Plan) -> dict[str, dict[int, int]]:
    out: dict[str, dict[int, int]] = {}
    for release in plan.releases:
        for spec in release.uplifts:
            year = out.setdefault(spec, {})
            year[release.go_live.year] = year.get(release.go_live.year, 0) + 1
    return out


def compare_plans(base: Plan, other_inst: Instance, other: Plan,
                  base_inst: Instance | None = None) -> Comparison:
    """Compare `other` (planned in `other_inst`) with `base` (planned in `base_inst`, when
    given), item by item."""
    a, b = base.assignments, other.assignments
    view = PlanView(other_inst, b)
    moved: list[Move] = []
    entered: list[Move] = []
    left: list[Move] = []
    for uid in sorted(set(a) | set(b)):
        before, after = a.get(uid), b.get(uid)
        if uid not in b:
            status = next((i.status for i in other.items if i.id == uid), "removed")
            left.append(Move(item=uid, before=before, after=None, reason=f"{status}"))
        elif uid not in a and after is None:  # an acceptance test: listed as entering
            why = next((i.reasons[0] for i in other.items if i.id == uid and i.reasons), "")
            left.append(Move(item=uid, before=None, after=None,
                             reason="new in this scenario, and left out" + (f": {why}" if why
                                                                           else "")))
        elif uid not in a:
            entered.append(Move(item=uid, before=None, after=after, reason="new in this scenario"))
        elif before != after:
            reason = why_moved(view, uid, before)
            target = left if after is None else entered if before is None else moved
            target.append(Move(item=uid, before=before, after=after, reason=reason))
    base_releases = {r.id: r for r in base.releases}
    other_releases = {r.id: r for r in other.releases}
    go_lives = [
        GoLiveChange(
            release=rid,
            before=base_releases[rid].go_live if rid in base_releases else None,
            after=other_releases[rid].go_live if rid in other_releases else None,
        )
        for rid in sorted(set(base_releases) | set(other_releases))
        if (
            rid in base_releases
            and rid in other_releases
            and base_releases[rid].go_live != other_releases[rid].go_live
        )
        or (rid in base_releases) != (rid in other_releases)
    ]
    uplifts = [
        UpliftChange(
            release=rid,
            before=base_releases[rid].uplifts if rid in base_releases else [],
            after=other_releases[rid].uplifts if rid in other_releases else [],
        )
        for rid in sorted(set(base_releases) | set(other_releases))
        if (base_releases[rid].uplifts if rid in base_releases else [])
        != (other_releases[rid].uplifts if rid in other_releases else [])
    ]
    yb, yo = _uplifts_per_year(base), _uplifts_per_year(other)
    per_year = {
        spec: {
            year: (yb.get(spec, {}).get(year, 0), yo.get(spec, {}).get(year, 0))
            for year in sorted(set(yb.get(spec, {})) | set(yo.get(spec, {})))
        }
        for spec in sorted(set(yb) | set(yo))
    }
    base_items = {i.id: i for i in base.items}
    pending = {u.id for u in other_inst.units if not u.decision_known}
    cut_offs = []
    for item in other.items:  # a decision taken has no cut-off left to meet (an acceptance
        # test: 23 rows of a moved go-live, approved items among them)
        old = base_items.get(item.id)
        if (
            item.id in pending
            and old is not None
            and old.release == item.release
            and old.cut_off
            and item.cut_off
            and old.cut_off != item.cut_off
            and item.release is not None
        ):
            cut_offs.append(
                CutOffChange(
                    item=item.id,
                    release=item.release,
                    before=old.cut_off,
                    after=item.cut_off,
                    days=(item.cut_off - old.cut_off).days,
                )
            )
    from solver.report_text import fall_back_words  # (it words a Comparison too)

    fall_backs = [
        FallBackChange(item=item.id, release=item.release,
                       moved_from=old.release if old.release != item.release else None,
                       before=old.fall_back, after=item.fall_back,
                       before_words=was, after_words=now)
        for item in other.items
        if item.id in pending and item.release is not None
        and (old := base_items.get(item.id)) is not None and old.release is not None
        and old.fall_back_found and item.fall_back_found
        and (old.fall_back, old.fall_back_needs_moves, old.fall_back_if_others_move,
             old.fall_back_if_one_leaves)
        != (item.fall_back, item.fall_back_needs_moves, item.fall_back_if_others_move,
            item.fall_back_if_one_leaves)
        # (not a fall-back that only adds another version now: the uplifts table says it)
        and (was := fall_back_words(base_inst or other_inst, old))
        != (now := fall_back_words(other_inst, item))
    ]
    # only rules in force in both: one switched off, or lapsed with its item, is not "kept"
    # (a review)
    in_force = {r.name for r in other_inst.rules}
    if base_inst is not None:
        in_force &= {r.name for r in base_inst.rules}
    broken_before = {v.rule for v in base.violations} & in_force
    broken_after = {v.rule for v in other.violations} & in_force
    gone = [f"{name} ({_out_of_force(other_inst, name)})" for name in
            sorted({v.rule for v in base.violations} - {r.name for r in other_inst.rules})]
    kept = sorted(broken_before - broken_after)
    if base_inst is not None:  # kept only as its items went live, out of planning: judged
        # no more (an acceptance test: "kept now" the month June 2021 went live with the
        # DUIS version the alignment had counted against it)
        live = {uid for uid, unit in other_inst.closed.items()
                if unit.status == "implemented" and uid not in base_inst.closed}
        judged = {name: [uid for uid in base_inst.rule_named[name].scope(base_inst) or []
                         if uid in live] for name in kept}
        gone += [f"{name} (no longer judged on {', '.join(ids)}: implemented)"
                 for name, ids in judged.items() if ids]
        kept = [name for name in kept if not judged[name]]
    new_rules = sorted({v.rule for v in other.violations} - in_force) \
        if base_inst is not None else []  # (unknown without the base's rules)
    objective = {
        t: (base.objective.get(t, 0), other.objective.get(t, 0))
        for t in dict.fromkeys([*base.objective, *other.objective])
    }
    against = other_inst.reference_plan == a
    if "moves" in objective and against:  # `other` is planned against the base plan,
        # whose moves from itself are none; its own count is from its own base (a Panel
        # read: "moves 3 -> 5" set the send-back's moves from the baseline beside the COVID
        # plan's from it)
        objective["moves"] = (0, objective["moves"][1])
    only_base = [f"{m.item} ({m.reason})" for m in left if m.item not in b]
    only_other = [uid for uid in b if uid not in a]
    counted_apart = "; ".join(
        [*([f"{', '.join(only_base)} count{'s' * (len(only_base) == 1)} only in "
            f"{base.scenario}"] if only_base else []),
         *([f"{', '.join(only_other)} count{'s' * (len(only_other) == 1)} only in "
            f"{other.scenario}"] if only_other else [])])
    return Comparison(
        counted_apart=counted_apart,
        unproven=unproven_words([(base.scenario, base), (other.scenario, other)]),
        against_base=against,
        base=base.scenario,
        other=other.scenario,
        moved=moved,
        entered=entered,
        left=left,
        go_lives=go_lives,
        uplifts=uplifts,
        uplifts_per_year=per_year,
        cut_offs=cut_offs,
        fall_backs=fall_backs,
        objective=objective,
        rules_broken=sorted(broken_after - broken_before),
        rules_kept=kept,
        rules_gone=gone,
        rules_new=new_rules,
        as_of=None if base_inst is None or base_inst.as_of == other_inst.as_of
        else (base_inst.as_of, other_inst.as_of),
    )


def _out_of_force(inst: Instance, name: str) -> str:
    """Why the rule `name` does not bind in `inst`: switched off, lapsed ("lapsed: SECMP0007
    is rejected", `Instance` dropping it with its closed items) or not in the scenario."""
    from solver.lint import moot_because

    if name in inst.scenario.switched_off:
        return "switched off"
    rule = next((r for r in inst.scenario.rules if r.name == name), None)
    if rule is None:
        return "not in this scenario"
    why = moot_because(rule, {uid: unit.status for uid, unit in inst.closed.items()})
    return f"lapsed: {why}" if why else "lapsed"
