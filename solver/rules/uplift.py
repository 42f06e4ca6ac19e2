"""Specification uplifts: a cap per calendar year, and alignment with an anchor item."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from solver.fields import ItemId
from solver.rules.base import Assignment, Posting, Ref, RuleBase

if TYPE_CHECKING:
    from solver.instance import Instance, Unit


class UpliftCap(RuleBase):
    """At most `max` releases in calendar `year` change `spec` (each is a new version)."""

    rule: Literal["uplift-cap"]
    spec: str
    year: int = Field(ge=1900, le=2999, strict=True)
    max: int = Field(ge=0, le=1000, strict=True)

    @property
    def name(self) -> str:
        return f"uplift-cap({self.spec}, {self.year})"

    @property
    def asks(self) -> str:
        return (f"at most {self.max} release(s) in {self.year} change {self.spec} (each a new "
                "version)")

    def spec_refs(self) -> list[Ref]:
        return [(("spec",), self.spec)]

    def scope(self, inst: Instance) -> list[str] | None:
        return [u.id for u in inst.units if self.spec in u.specs]

    def _past(self, inst: Instance, rid: str) -> bool:
        """Whether implemented items already changed the specification in `rid`."""
        return self.spec in inst.past_uplifts.get(rid, ())

    def _left(self, inst: Instance) -> int:
        """How many more releases of the year the plan may uplift the specification in:
        implemented items' releases count first (none left when they already took more;
        the past itself is not the plan's to break)."""
        past = sum(self._past(inst, r.id) for r in inst.releases if r.year == self.year)
        return max(0, self.max - past)

    def bars_alone(self, inst: Instance, unit: Unit, release: str | None) -> bool:
        """Implemented items used the year up: the unit's version would be one too many."""
        return (release is not None and self.spec in unit.specs
                and inst.release(release).year == self.year
                and not self._past(inst, release) and self._left(inst) == 0)

    def post(self, inst: Instance, m: Posting, when: list[Any]) -> None:
        uplifts = [m.uplift(r.id, self.spec) for r in inst.releases
                   if r.year == self.year and not self._past(inst, r.id)]
        left = self._left(inst)
        if len(uplifts) > left:
            m.model.add(sum(uplifts) <= left).only_enforce_if(when)

    def check(self, inst: Instance, plan: Assignment) -> list[str]:
        uplifts = inst.uplifts(plan)
        year = [r.id for r in inst.releases if r.year == self.year]
        added = [r for r in year if not self._past(inst, r) and self.spec in uplifts.get(r, ())]
        if len(added) <= self._left(inst):
            return []
        releases = [f"{r} (implemented)" if self._past(inst, r) else r for r in year
                    if self._past(inst, r) or r in added]
        return [
            f"{self.spec} is uplifted in {len(releases)} releases of {self.year} "
            f"({', '.join(releases)}), where at most {self.max} may"
        ]


class AlignedUplift(RuleBase):
    """The year's uplift of `spec` happens on the anchor's implementation date: in calendar
    `year`, only the anchor's release may change `spec`, so when the anchor is not
    implemented that year, no release of it changes `spec`. Without a `year`, the rule
    binds in whichever year the anchor's release falls, and lapses for a year the anchor
    leaves (the headline of a plan says so)."""

    rule: Literal["aligned-uplift"]
    spec: str
    anchor: ItemId
    year: int | None = Field(default=None, ge=1900, le=2999, strict=True)

    @property
    def name(self) -> str:
        return f"aligned-uplift({self.spec}, {self.anchor})"

    @property
    def asks(self) -> str:
        # lapsing said: an acceptance test read a sweep's samples rejecting the anchor, other
        # items changing the specification that year, as breaking the rule
        lapses = f"the rule lapses if {self.anchor} is rejected or withdrawn"
        if self.year is not None:
            return (f"in {self.year}, only the release of {self.anchor} changes {self.spec} "
                    f"(none does if {self.anchor} is not in {self.year}; {lapses})")
        return (f"in the calendar year of {self.anchor}'s release, only that release changes "
                f"{self.spec} ({lapses})")

    def item_refs(self) -> list[Ref]:
        return [(("anchor",), self.anchor)]

    def spec_refs(self) -> list[Ref]:
        return [(("spec",), self.spec)]

    def scope(self, inst: Instance) -> list[str] | None:
        return [self.anchor, *(u.id for u in inst.units if self.spec in u.specs)]

    def post(self, inst: Instance, m: Posting, when: list[Any]) -> None:
        for release in inst.releases:
            if self.year is not None:  # a version of the year only with the anchor
                if release.year == self.year:
                    m.model.add_bool_or(
                        [~m.uplift(release.id, self.spec), m.x(self.anchor, release.id)]
                    ).only_enforce_if(when)
                continue
            anchor_here = m.x(self.anchor, release.id)
            for other in inst.releases:
                if other.id != release.id and other.year == release.year:
                    m.model.add_bool_or(
                        [~anchor_here, ~m.uplift(other.id, self.spec)]
                    ).only_enforce_if(when)

    def check(self, inst: Instance, plan: Assignment) -> list[str]:
        rid = plan.get(self.anchor)
        year = self.year if self.year is not None else (
            inst.release(rid).year if rid is not None else None)
        if year is None:
            return []
        uplifts = inst.uplifts(plan)
        return [
            f"{self.spec} is uplifted in {other.id} but {self.anchor} (the anchor) goes in "
            f"{rid or 'no release of the horizon'}"
            for other in inst.releases
            if other.year == year and other.id != rid and self.spec in uplifts.get(other.id, set())
        ]

    def lapses(self, inst: Instance, before: Assignment, after: Assignment) -> str:
        was, now = before.get(self.anchor), after.get(self.anchor)
        if was is None or self.year is not None:  # a year of its own: kept or broken
            return ""
        year = inst.release(was).year
        if now is not None and inst.release(now).year == year:
            return ""
        return f"{self.anchor}, its anchor, leaves {year}, where the rule binds as the plan stands"
