"""Decision in time: decision date plus lead time no later than go-live."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from solver.fields import ItemId
from solver.rules.base import Assignment, Slot, UnaryRule

if TYPE_CHECKING:
    from solver.instance import Instance


class DecisionInTime(UnaryRule):
    """Built in for every item: it can only go in a release whose cut-off its decision meets."""

    rule: Literal["decision-in-time"] = "decision-in-time"
    item: ItemId

    @property
    def name(self) -> str:
        return f"decision-in-time({self.item})"

    def scope(self, inst: Instance) -> list[str] | None:
        return [self.item]

    def barred(self, inst: Instance) -> list[Slot]:
        unit = inst.unit(self.item)
        return [
            (unit.id, release.id)
            for release in inst.releases
            if inst.cut_off(unit, release) < unit.decision
        ]

    def check(self, inst: Instance, plan: Assignment) -> list[str]:
        unit = inst.unit(self.item)
        rid = plan.get(unit.id)
        if rid is None:
            return []
        release = inst.release(rid)
        cut = inst.cut_off(unit, release)
        if cut >= unit.decision:
            return []
        known = "decision" if unit.decision_known else "expected decision"
        return [
            f"{known} {unit.decision} is after the {rid} cut-off {cut} "
            f"(go-live {release.go_live} minus lead time {inst.lead_time(unit)})"
        ]
