"""What every rule is: a named pydantic model that posts CP-SAT constraints behind one
enforcement literal and checks a finished plan without a solver."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from pydantic import Field

from solver.fields import ItemId, Strict

if TYPE_CHECKING:
    from solver.calendar import Release
    from solver.instance import Instance, Unit

Assignment = Mapping[str, str | None]
"""Plan under judgement: unit id -> release id, or None when outside the horizon."""
Ref = tuple[tuple[str | int, ...], str]
"""A reference a rule makes: (key path inside the rule, the id referred to)."""


class Posting(Protocol):
    """What a rule needs of the CP-SAT model under construction."""

    model: Any

    def x(self, unit: str, release: str | None) -> Any:
        """Boolean: `unit` goes in `release` (None: outside the horizon)."""

    def placed(self, unit: str) -> Any:
        """Boolean: `unit` goes in some release of the horizon."""

    def index(self, unit: str) -> Any:
        """Integer: position of the unit's release (len(releases) when outside)."""

    def uplift(self, release: str, spec: str) -> Any:
        """Boolean: `release` changes `spec` (issues a new version of it)."""


class RuleBase(Strict):
    """Fields every rule has: hard rules must hold; soft ones cost `penalty` when broken."""

    hard: bool = True
    penalty: int = Field(0, ge=0, le=1_000_000, strict=True,
                         description="Cost of breaking a soft rule.")
    note: str = ""

    term: ClassVar[str] = "soft-rules"
    """Objective term a broken soft rule of this family costs in."""

    @property
    def name(self) -> str:
        raise NotImplementedError

    @property
    def asks(self) -> str:
        """What the rule asks of a plan, in words, with its parameters (the rules table:
        a name such as `fixed(MP081)` does not say the release, nor a note the rule's
        scope, e.g. that an aligned uplift binds only in the anchor's year)."""
        raise NotImplementedError

    def item_refs(self) -> list[Ref]:
        return []

    def spec_refs(self) -> list[Ref]:
        return []

    def release_refs(self) -> list[Ref]:
        return []

    def scope(self, inst: Instance) -> list[str] | None:
        """Ids of the units whose place this rule judges (None: every unit). Moving a unit
        outside the scope cannot break the rule, so local explanations skip it."""
        return None

    def post(self, inst: Instance, m: Posting, when: list[Any]) -> None:
        """Add the rule's constraints, each enforced when every literal of `when` is true:
        `[]` for a hard rule being solved, `[its literal]` for a soft rule or when
        explaining (the literal is then an assumption)."""
        raise NotImplementedError

    def check(self, inst: Instance, plan: Assignment) -> list[str]:
        """Messages for each way `plan` breaks this rule (empty when it holds)."""
        raise NotImplementedError

    def bars_alone(self, inst: Instance, unit: Unit, release: str | None) -> bool:
        """Whether `unit` in `release` breaks the rule with no other planned item there:
        for rules other items' places can only break further (a capacity the unit
        overfills by itself), the release is barred whatever others do. False by default."""
        return False

    def lapses(self, inst: Instance, before: Assignment, after: Assignment) -> str:
        """Why the rule, broken in `before`, no longer applies in `after` at all, rather
        than being kept there ("SECMP0007, its anchor, leaves 2021, where the rule binds
        as the plan stands"); empty when `after` keeps it."""
        return ""


Slot = tuple[str, str | None]
"""(unit id, release id or None for outside the horizon)."""


class UnaryRule(RuleBase):
    """A rule that only bars units from slots, one unit at a time. Hard, it shrinks the
    units' domains: the model never creates variables for the barred slots."""

    def barred(self, inst: Instance) -> list[Slot]:
        """The (unit, slot) pairs the rule forbids."""
        raise NotImplementedError

    def post(self, inst: Instance, m: Posting, when: list[Any]) -> None:
        for unit, rid in self.barred(inst):
            m.model.add(m.x(unit, rid) == 0).only_enforce_if(when)


class ReleaseGate(UnaryRule):
    """A rule on one item that bars it from some releases of the horizon (never from
    staying outside it)."""

    item: ItemId

    def bars(self, inst: Instance, unit: Unit, release: Release) -> str | None:
        """Why `unit` may not go in `release` (None: it may)."""
        raise NotImplementedError

    def scope(self, inst: Instance) -> list[str] | None:
        return [self.item]

    def barred(self, inst: Instance) -> list[Slot]:
        unit = inst.unit(self.item)
        return [(unit.id, r.id) for r in inst.releases if self.bars(inst, unit, r) is not None]

    def check(self, inst: Instance, plan: Assignment) -> list[str]:
        rid = plan.get(self.item)
        if rid is None:
            return []
        why = self.bars(inst, inst.unit(self.item), inst.release(rid))
        return [] if why is None else [why]
