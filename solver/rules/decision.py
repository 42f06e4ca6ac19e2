"""Decision in time: decision date plus lead time no later than go-live."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from solver.rules.base import ReleaseGate

if TYPE_CHECKING:
    from solver.calendar import Release
    from solver.instance import Instance, Unit


class DecisionInTime(ReleaseGate):
    """Built in for every item: it can only go in a release whose cut-off its decision meets."""

    rule: Literal["decision-in-time"] = "decision-in-time"

    @property
    def name(self) -> str:
        return f"decision-in-time({self.item})"

    @property
    def asks(self) -> str:
        return f"{self.item}'s decision comes by the cut-off of its release"

    def bars(self, inst: Instance, unit: Unit, release: Release) -> str | None:
        cut = inst.cut_off(unit, release)
        if cut >= unit.decision:
            return None
        known = "decision" if unit.decision_known else "expected decision"
        return (
            f"{known} {unit.decision}{unit.overdue_note} is after the cut-off of release "
            f"{release.id}, {cut} (lead time {inst.lead_time(unit)} before go-live "
            f"{release.go_live})"
        )
