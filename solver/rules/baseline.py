"""Scope baseline and frozen releases: what the plan may still add to a release."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar, Literal

from solver.fields import ReleaseId
from solver.rules.base import Assignment, ReleaseGate, Slot, UnaryRule

if TYPE_CHECKING:
    from solver.calendar import Release
    from solver.instance import Instance, Unit


def baseline_passed(inst: Instance, unit: Unit, release: Release,
                    day: dt.date | None = None) -> bool:
    """True when adding `unit` to `release` on `day` (default: `as_of`) would be an
    exception: the release's baseline for this kind of change (DCC-system or full scope) is
    before that day, and the unit was not in the release's published scope."""
    if unit.baseline == release.id:
        return False
    return release.baselined_by(unit.dcc_impact, day or inst.as_of)


def scope_name(unit: Unit) -> str:
    """The scope a unit joins, as the reasons name it: "DCC-system" or "full"."""
    return "DCC-system" if unit.dcc_impact else "full"


class ScopeBaseline(ReleaseGate):
    """Built in for every item: no additions after a release's scope baseline. When the
    scenario's policy allows exceptions the rule is soft and each exception costs one in the
    `exceptions` objective term; either way every exception is reported."""

    rule: Literal["scope-baseline"] = "scope-baseline"
    term: ClassVar[str] = "exceptions"

    @property
    def name(self) -> str:
        return f"scope-baseline({self.item})"

    @property
    def asks(self) -> str:
        return f"{self.item} joins no release whose scope is already baselined"

    def bars(self, inst: Instance, unit: Unit, release: Release) -> str | None:
        if not baseline_passed(inst, unit, release) or inst.is_frozen(release):
            return None
        return (
            f"added to {release.id} after its {scope_name(unit)} scope baseline "
            f"{release.scope_baseline(unit.dcc_impact)} "
            f"(as of {inst.as_of}): an exception"
        )


EXCEPTION_PREFIX = "Exception: "
"""How `exception_note`, and so an item's reason saying it is an exception, begins."""


def exception_note(inst: Instance, unit: Unit, release: Release) -> str | None:
    """"Exception: added to R after its ... scope baseline D (as of ...)" when `unit` in
    `release` is a scope-baseline exception (None when it is not one, or its rule is
    switched off): for the scope tables, in the rule's words."""
    why = next((rule.bars(inst, unit, release) for rule in inst.rules_for(unit.id)
                if isinstance(rule, ScopeBaseline)), None)
    return None if why is None else EXCEPTION_PREFIX + why.removesuffix(": an exception")


class Frozen(UnaryRule):
    """Built in for each release gone live before `as_of`: its scope cannot change."""

    rule: Literal["frozen"] = "frozen"
    release: ReleaseId

    @property
    def name(self) -> str:
        return f"frozen({self.release})"

    @property
    def asks(self) -> str:
        return f"{self.release} has gone live: its scope stays as it was"

    def holds(self, inst: Instance, unit: Unit) -> bool:
        """Whether the release went live with the unit: where moves count from had it there
        and its decision is known. One still to come did not go live (a monthly re-plan
        rolled past November's go-live with its votes not yet recorded: no plan, "relax
        frozen(2020-11)"); it moves out, as the plan shows."""
        return inst.reference(unit) == self.release and unit.decision_known

    def barred(self, inst: Instance) -> list[Slot]:
        out: list[Slot] = []
        for unit in inst.units:
            if self.holds(inst, unit):  # stays: every other slot is barred
                out += [(unit.id, rid) for rid in [*inst.release_ids, None] if rid != self.release]
            else:
                out.append((unit.id, self.release))
        return out

    def check(self, inst: Instance, plan: Assignment) -> list[str]:
        """The release holds what it held where moves count from: the base plan of a
        what-if, else the published allocation (a monthly re-plan: an item published in
        November but planned out of it months before was forced back once it went live)."""
        out = []
        for unit in inst.units:
            inside = plan.get(unit.id) == self.release
            held = self.holds(inst, unit)
            if inside and not held:
                out.append(
                    f"{unit.id}: added to {self.release}, which went live before {inst.as_of}"
                )
            elif not inside and held:
                its = "its published release" if inst.reference_plan is None \
                    else "its release in the base plan"
                out.append(f"{unit.id}: moved out of {self.release} ({its}), which went live "
                           f"before {inst.as_of}")
        return out
