"""Where one item may go: fixed to a release, or within an earliest/latest window."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from solver.fields import Day, ItemId, ReleaseId
from solver.rules.base import Assignment, Ref, ReleaseGate, Slot, UnaryRule

if TYPE_CHECKING:
    from solver.calendar import Release
    from solver.instance import Instance, Unit


class Fixed(UnaryRule):
    """The item stays in the release (e.g. approved for inclusion)."""

    rule: Literal["fixed"]
    item: ItemId
    release: ReleaseId

    @property
    def name(self) -> str:
        return f"fixed({self.item})"

    @property
    def asks(self) -> str:
        return f"{self.item} goes in {self.release}"

    def item_refs(self) -> list[Ref]:
        return [(("item",), self.item)]

    def release_refs(self) -> list[Ref]:
        return [(("release",), self.release)]

    def scope(self, inst: Instance) -> list[str] | None:
        return [self.item]

    def barred(self, inst: Instance) -> list[Slot]:
        return [(self.item, rid) for rid in [*inst.release_ids, None] if rid != self.release]

    def check(self, inst: Instance, plan: Assignment) -> list[str]:
        rid = plan.get(self.item)
        if rid == self.release:
            return []
        return [f"{self.item} is fixed in {self.release} but goes in {rid or 'no release'}"]


class Window(ReleaseGate):
    """Built in from an item's `earliest` and `latest` releases and its `deadline` date."""

    rule: Literal["window"] = "window"
    earliest: ReleaseId | None = None
    latest: ReleaseId | None = None
    deadline: Day | None = None

    @property
    def name(self) -> str:
        return f"window({self.item})"

    @property
    def _bounds(self) -> str:
        return " and ".join([
            *(f"{word} {r}" for word, r in (("no earlier than", self.earliest),
                                            ("no later than", self.latest)) if r),
            *([f"live by {self.deadline}"] if self.deadline else [])])

    @property
    def asks(self) -> str:
        return f"{self.item} goes {self._bounds}"

    def barred(self, inst: Instance) -> list[Slot]:
        """The releases outside the window, and outside the horizon when the deadline
        falls within it: an item left out misses its deadline (an acceptance test: a
        regulatory deadline missed made an "optimal" plan and a "valid" one)."""
        out = super().barred(inst)
        return [*out, (self.item, None)] if self._out_misses(inst) else out

    def _out_misses(self, inst: Instance) -> bool:
        """Whether leaving the item outside the horizon misses its deadline: the deadline
        is on or before the horizon's last go-live (a later one a release past the
        horizon may still meet)."""
        return self.deadline is not None and bool(inst.releases) \
            and self.deadline <= inst.releases[-1].go_live

    def check(self, inst: Instance, plan: Assignment) -> list[str]:
        if plan.get(self.item) is None and self._out_misses(inst):
            return [f"{self.item} is left out of the horizon; it must go live by "
                    f"{self.deadline}"]
        return super().check(inst, plan)

    def bars(self, inst: Instance, unit: Unit, release: Release) -> str | None:
        k = inst.index(release.id)
        low = inst.index(self.earliest) if self.earliest else 0
        high = inst.index(self.latest) if self.latest else len(inst.releases)
        if low <= k <= high and (self.deadline is None or release.go_live <= self.deadline):
            return None
        live = f" (live {release.go_live})" if self.deadline else ""
        return f"{self.item} goes in {release.id}{live}; it must go {self._bounds}"
