"""A scenario made ready to plan: dated releases, plannable units and every named rule.

A unit is an item, or one part of a split item (`SECMP0062.2`). Rejected, withdrawn
and implemented items and parts are closed: they are reported, not planned, and rules
about them no longer bind.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

from solver.calendar import Release, build_releases, cut_off
from solver.model import CLOSED_STATUSES, Item, Scenario
from solver.rules import (
    DecisionInTime,
    Frozen,
    NeverTogether,
    Precedence,
    RuleBase,
    SameRelease,
    ScopeBaseline,
    Window,
)
from solver.rules.base import Assignment


@dataclass(frozen=True)
class Unit:
    """One plannable thing: an item, or a part of a split item."""

    id: str
    item: Item
    title: str
    status: str
    decision: dt.date
    decision_known: bool
    dcc_lead_time: str
    party_lead_time: str
    dcc_impact: bool
    specs: tuple[str, ...]
    effort: int
    value: int
    baseline: str | None
    overdue_since: dt.date | None = None
    """The expected decision date, when it is before `as_of` and the decision still to come:
    `decision` is then `as_of`, the earliest it can now arrive."""

    @property
    def overdue_note(self) -> str:
        """What to say after `decision` when it is overdue."""
        return f" (overdue since {self.overdue_since})" if self.overdue_since else ""


def units_of(item: Item, as_of: dt.date) -> list[Unit]:
    """The units an item is planned as: itself, or each of its parts with what they inherit."""
    decision = item.decided or item.expected_decision or dt.date.max
    overdue = decision < as_of and item.decided is None
    overdue_since = decision if overdue else None
    decision = as_of if overdue else decision
    if not item.parts:
        return [
            Unit(
                item.id,
                item,
                item.title,
                item.status,
                decision,
                item.decided is not None,
                item.dcc_lead_time,
                item.party_lead_time,
                item.dcc_impact,
                tuple(item.specs),
                item.effort,
                item.value,
                item.baseline,
                overdue_since,
            )
        ]
    return [
        Unit(
            f"{item.id}.{part.id}",
            item,
            f"{item.title} (part {part.id}{': ' + part.title if part.title else ''})",
            part.status or item.status,
            decision,
            item.decided is not None,
            part.dcc_lead_time or item.dcc_lead_time,
            part.party_lead_time or item.party_lead_time,
            item.dcc_impact if part.dcc_impact is None else part.dcc_impact,
            tuple(item.specs if part.specs is None else part.specs),
            item.effort if part.effort is None else part.effort,
            item.value,
            part.baseline,
            overdue_since,
        )
        for part in item.parts
    ]


BUILT_IN_NOTES = {
    "frozen": "built in: the release has gone live, so its scope cannot change",
    "decision-in-time": "built in: the decision must come by the release's cut-off, its "
                        "go-live less the item's lead time",
    "scope-baseline": "built in: once a release's scope is baselined (DCC or full, as the "
                      "item impacts DCC Systems or not), it takes no new item",
    "window": "built in: the item's earliest and latest release, its deadline",
}
"""What each built-in rule asks, in the words tables of rules and clashes show beside it."""


class Instance:
    """Releases, units and rules of one scenario, with the look-ups rules need."""

    def __init__(self, scenario: Scenario, reference: Mapping[str, str | None] | None = None):
        """`reference`: the plan a what-if is planned against (its base scenario's plan);
        without one, moves are counted from each item's published baseline release."""
        self.scenario = scenario
        self.reference_plan = dict(reference) if reference is not None else None
        self.as_of = scenario.as_of
        self.releases: list[Release] = build_releases(scenario.calendar, scenario.policy,
                                                         scenario.as_of)
        self.release_ids = [r.id for r in self.releases]
        self._index = {rid: k for k, rid in enumerate(self.release_ids)}
        self._release = {r.id: r for r in self.releases}
        self._cut_offs: dict[tuple[str, str, dt.date], dt.date] = {}
        self._lead_times: dict[tuple[str, str], str] = {}
        everything = [u for item in scenario.items for u in units_of(item, scenario.as_of)]
        self.closed: dict[str, Unit] = {u.id: u for u in everything if u.status in CLOSED_STATUSES}
        self.units: list[Unit] = sorted(
            (u for u in everything if u.id not in self.closed), key=lambda u: u.id
        )
        self._unit = {u.id: u for u in self.units}
        built_in = self._built_in_rules()
        self.built_in = frozenset(r.name for r in built_in)
        """Names of the rules every scenario has (decision in time, scope baseline, frozen,
        window, split parts in order), not written in its file."""
        written = self._file_rules()
        every = built_in + written
        off = set(scenario.switched_off)
        self.rules: list[RuleBase] = [r for r in every if r.name not in off]
        self.file_rules: list[RuleBase] = [r for r in written if r.name not in off]
        """The rules the scenario writes, in force (`rules` less the built-in ones: by
        object, as a file may write a rule with a built-in one's name)."""
        self.rule_names = frozenset(r.name for r in every)
        """Every rule's name, also of those switched off (for "did you mean")."""
        self.unknown_switched_off = sorted(off - self.rule_names)

    # --- look-ups ---------------------------------------------------------------------

    def unit(self, unit_id: str) -> Unit:
        return self._unit[unit_id]

    def release(self, release_id: str) -> Release:
        return self._release[release_id]

    def index(self, release_id: str) -> int:
        return self._index[release_id]

    def is_frozen(self, release: Release) -> bool:
        return release.go_live < self.as_of

    def cut_off(self, unit: Unit, release: Release) -> dt.date:
        key = (unit.dcc_lead_time, unit.party_lead_time, release.go_live)
        if key not in self._cut_offs:  # calendar arithmetic is slow; lead times repeat
            self._cut_offs[key] = cut_off(release.go_live, unit.dcc_lead_time,
                                          unit.party_lead_time)
        return self._cut_offs[key]

    def decision_margin(self, unit: Unit, release: Release) -> int | None:
        """Days from the unit's expected decision to its cut-off for `release` (negative: it
        misses it); None once decided."""
        return None if unit.decision_known else (self.cut_off(unit, release) - unit.decision).days

    def lead_time(self, unit: Unit) -> str:
        """The lead time that sets the unit's cut-off, in words."""
        key = (unit.dcc_lead_time, unit.party_lead_time)
        if key not in self._lead_times:  # every barred slot's reason names it
            sample = self.releases[0].go_live if self.releases else self.as_of
            dcc = cut_off(sample, unit.dcc_lead_time, "0 days")
            party = cut_off(sample, "0 days", unit.party_lead_time)
            self._lead_times[key] = (
                f"{unit.dcc_lead_time} (DCC)"
                if dcc <= party
                else f"{unit.party_lead_time} (Parties)"
            )
        return self._lead_times[key]

    def months_to(self, release: Release) -> int:
        """Whole months from `as_of` to the release's go-live month (0 if in the past)."""
        go = release.go_live
        return max(0, (go.year - self.as_of.year) * 12 + go.month - self.as_of.month)

    @cached_property
    def unplaced_months(self) -> int:
        """Delay counted for a unit outside the horizon: one month past the last release."""
        return max((self.months_to(r) for r in self.releases), default=0) + 1

    def uplifts(self, plan: Assignment) -> dict[str, set[str]]:
        """Release id -> the specifications it changes under `plan`."""
        if isinstance(plan, MovedPlan):
            return plan.uplifts
        out: dict[str, set[str]] = {}
        for unit in self._changers:
            rid = plan.get(unit.id)
            if rid is not None:
                out.setdefault(rid, set()).update(unit.specs)
        return out

    @cached_property
    def past_uplifts(self) -> dict[str, set[str]]:
        """Release id -> the specifications implemented items changed there (their
        `baseline`): out of planning, they still count towards their year's uplift cap."""
        out: dict[str, set[str]] = {}
        for unit in self.closed.values():
            if unit.status == "implemented" and unit.baseline in self._release and unit.specs:
                out.setdefault(unit.baseline, set()).update(unit.specs)
        return out

    @cached_property
    def _changers(self) -> list[Unit]:
        """The units that change some specification (explanations call `uplifts` often)."""
        return [u for u in self.units if u.specs]

    def rules_for(self, unit_id: str) -> list[RuleBase]:
        """The rules whose verdict can change when this unit moves."""
        return self._rules_by_unit.get(unit_id, []) + self._rules_for_all

    @cached_property
    def rule_named(self) -> dict[str, RuleBase]:
        """Rule name -> the rule."""
        return {r.name: r for r in self.rules}

    @cached_property
    def _rules_for_all(self) -> list[RuleBase]:
        return [r for r in self.rules if r.scope(self) is None]

    @cached_property
    def _rules_by_unit(self) -> dict[str, list[RuleBase]]:
        out: dict[str, list[RuleBase]] = {}
        for rule in self.rules:
            for uid in dict.fromkeys(rule.scope(self) or []):
                out.setdefault(uid, []).append(rule)
        return out

    def reference(self, unit: Unit) -> str | None:
        """The release a unit moves away from: its release in the base plan, else its
        published baseline release."""
        if self.reference_plan is not None and unit.id in self.reference_plan:
            return self.reference_plan[unit.id]
        return unit.baseline

    def moved_from(self, unit: Unit, release: str | None) -> str | None:
        """The unit's `reference` release when a plan puts it in another one (`release`,
        None for outside the horizon): where it moved from."""
        was = self.reference(unit)
        return was if was is not None and was != release else None

    @property
    def moves_source(self) -> str:
        """Where moves are counted from: "base plan" for a what-if, else "published
        allocation" (each item's `baseline`)."""
        return "base plan" if self.reference_plan is not None else "published allocation"

    def move_cost(self, unit: Unit) -> int:
        """What moving the unit away from its reference costs in the `moves` term: more
        when that release's scope is already baselined (as of `as_of`)."""
        return self.scenario.policy.baselined_move_cost if self.in_baselined_scope(unit) else 1

    def in_baselined_scope(self, unit: Unit) -> bool:
        """Whether the unit's reference release has its scope (the DCC one for a unit
        impacting DCC systems) baselined already, as of `as_of`, with the unit in it (its
        `baseline`): a move out of it is a move out of a baselined scope. A base plan's
        release baselined since without the unit is not (a monthly re-plan: SECMP0067, out
        of June 2021's published scope, was moved "out of a baselined scope" and charged
        as such)."""
        rid = self.reference(unit)
        if rid is None or rid not in self._release or unit.baseline != rid:
            return False
        return self._release[rid].baselined_by(unit.dcc_impact, self.as_of)

    # --- rules --------------------------------------------------------------------------

    def _built_in_rules(self) -> list[RuleBase]:
        policy = self.scenario.policy
        exceptions_allowed = policy.exceptions == "allowed"
        rules: list[RuleBase] = [Frozen(release=r.id, note=BUILT_IN_NOTES["frozen"])
                                 for r in self.releases if self.is_frozen(r)]
        for unit in self.units:
            rules.append(DecisionInTime(item=unit.id, note=BUILT_IN_NOTES["decision-in-time"]))
            rules.append(
                ScopeBaseline(
                    item=unit.id,
                    hard=not exceptions_allowed,
                    penalty=1 if exceptions_allowed else 0,
                    note=BUILT_IN_NOTES["scope-baseline"],
                )
            )
            if unit.item.earliest or unit.item.latest or unit.item.deadline:
                rules.append(
                    Window(item=unit.id, earliest=unit.item.earliest, latest=unit.item.latest,
                           deadline=unit.item.deadline, note=BUILT_IN_NOTES["window"])
                )
        for item in self.scenario.items:
            # the open parts in order: a closed part between two does not free them
            parts = [uid for p in item.parts if (uid := f"{item.id}.{p.id}") in self._unit]
            for before, after in itertools.pairwise(parts):
                rules.append(
                    Precedence(
                        rule="precedence",
                        before=before,
                        after=after,
                        note="parts of a split item go in order",
                    )
                )
        return rules

    def _file_rules(self) -> list[RuleBase]:
        """The scenario's rules, less what closed items make moot."""
        out: list[RuleBase] = []
        for rule in self.scenario.rules:
            if isinstance(rule, SameRelease | NeverTogether):
                members = [i for i in rule.items if i in self._unit]
                if len(members) >= 2:
                    out.append(rule.model_copy(update={"items": members}))
            elif all(ref in self._unit for _, ref in rule.item_refs()):
                out.append(rule)
        return out


def assignment_of(plan: Mapping[str, str | None], inst: Instance) -> dict[str, str | None]:
    """A plan's assignments restricted to the instance's units (missing -> outside)."""
    return {u.id: plan.get(u.id) for u in inst.units}


T = TypeVar("T")


class MovedPlan(Mapping[str, "str | None"]):
    """A plan with one unit moved, read through without copying the plan; its uplifts come
    from the (release, specification) counts of the plan, not from every unit again.
    Explanations judge thousands of single moves this way."""

    def __init__(
        self,
        plan: Mapping[str, str | None],
        counts: Mapping[tuple[str, str], int],
        unit: Unit,
        release: str | None,
        shared: dict[str, Any] | None = None,
    ):
        self.plan, self.counts, self.unit, self.release = plan, counts, unit, release
        self.shared = {} if shared is None else shared

    def of_plan(self, key: str, compute: Callable[[Mapping[str, str | None]], T]) -> T:
        """`compute(plan)` for the plan before the move, computed once for every move
        sharing `shared` (a rule then adjusts it for the one unit moved)."""
        if key not in self.shared:
            self.shared[key] = compute(self.plan)
        value: T = self.shared[key]
        return value

    def __getitem__(self, key: str) -> str | None:
        return self.release if key == self.unit.id else self.plan[key]

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        return self.release if key == self.unit.id else self.plan.get(key, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self.plan)

    def __len__(self) -> int:
        return len(self.plan)

    @cached_property
    def uplifts(self) -> dict[str, set[str]]:
        counts = dict(self.counts)
        old = self.plan.get(self.unit.id)
        for spec in self.unit.specs:
            if old is not None:
                counts[old, spec] -= 1
            if self.release is not None:
                counts[self.release, spec] = counts.get((self.release, spec), 0) + 1
        out: dict[str, set[str]] = {}
        for (rid, spec), n in counts.items():
            if n > 0:
                out.setdefault(rid, set()).add(spec)
        return out

