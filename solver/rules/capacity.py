"""Capacity: how much DCC build and test a release can hold."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, model_validator

from solver.fields import ReleaseId
from solver.rules.base import Assignment, Posting, Ref, RuleBase

if TYPE_CHECKING:
    from solver.instance import Instance, Unit


class Capacity(RuleBase):
    """Per release: total effort and/or number of items at most a limit."""

    rule: Literal["capacity"]
    releases: list[ReleaseId] | None = Field(None, description="Default: every release.")
    max_effort: int | None = Field(None, ge=0, le=10**12, strict=True)
    max_count: int | None = Field(None, ge=0, le=10**9, strict=True)
    dcc_only: bool = Field(True, description="Count only items that impact DCC Systems.")

    @model_validator(mode="after")
    def _some_limit(self) -> Capacity:
        if self.max_effort is None and self.max_count is None:
            raise ValueError("a capacity rule needs max_effort or max_count")
        return self

    @property
    def name(self) -> str:
        return f"capacity({', '.join(self.releases) if self.releases else 'all'})"

    @property
    def asks(self) -> str:
        limits = [f"{limit} {what}" for limit, what in ((self.max_effort, "effort"),
                                                        (self.max_count, "items"))
                  if limit is not None]
        counted = " (counting the items impacting DCC Systems)" if self.dcc_only else ""
        where = ", ".join(self.releases) if self.releases else "each release"
        return f"in {where}: at most {' and '.join(limits)}{counted}"

    def release_refs(self) -> list[Ref]:
        return [(("releases", k), r) for k, r in enumerate(self.releases or [])]

    def _counts(self, unit: Unit) -> bool:
        return unit.dcc_impact or not self.dcc_only

    def _releases(self, inst: Instance) -> list[str]:
        return self.releases if self.releases is not None else inst.release_ids

    def bars_alone(self, inst: Instance, unit: Unit, release: str | None) -> bool:
        return release in self._releases(inst) and self._counts(unit) and (
            (self.max_effort is not None and unit.effort > self.max_effort)
            or self.max_count == 0)

    def _scope(self, inst: Instance) -> tuple[list[str], list[Unit]]:
        return self._releases(inst), [u for u in inst.units if self._counts(u)]

    def scope(self, inst: Instance) -> list[str] | None:
        return [u.id for u in self._scope(inst)[1]]

    def post(self, inst: Instance, m: Posting, when: list[Any]) -> None:
        rids, units = self._scope(inst)
        for rid in rids:
            if self.max_effort is not None:
                load = [u.effort * m.x(u.id, rid) for u in units if u.effort]
                if sum(u.effort for u in units) > self.max_effort:
                    m.model.add(sum(load) <= self.max_effort).only_enforce_if(when)
            if self.max_count is not None and len(units) > self.max_count:
                count = sum(m.x(u.id, rid) for u in units)
                m.model.add(count <= self.max_count).only_enforce_if(when)

    @staticmethod
    def _loads(
        units: list[Unit], plan: Assignment
    ) -> tuple[dict[str | None, int], dict[str | None, int]]:
        """Effort and count of `units` per release of `plan` (None: outside the horizon)."""
        effort: dict[str | None, int] = {}
        count: dict[str | None, int] = {}
        for u in units:
            rid = plan.get(u.id)
            effort[rid] = effort.get(rid, 0) + u.effort
            count[rid] = count.get(rid, 0) + 1
        return effort, count

    def use(self, inst: Instance, plan: Assignment) -> dict[str, tuple[int, int]]:
        """Release -> (effort, items) the rule counts there under `plan`, for each release
        it limits (an acceptance test: how full a release was showed nowhere)."""
        effort, count = self._loads(self._scope(inst)[1], plan)
        return {rid: (effort.get(rid, 0), count.get(rid, 0)) for rid in self._releases(inst)}

    def crowding(self, inst: Instance, plan: Assignment) -> dict[str, list[Unit]]:
        """Release -> the units the rule counts there, the largest effort first, for each
        release `plan` holds over a limit (a DCC manager judging a hand edit was told a
        release was 2 over, not what was in it to move)."""
        units = self._scope(inst)[1]
        return {
            rid: sorted((u for u in units if plan.get(u.id) == rid),
                        key=lambda u: (-u.effort, u.id))
            for rid, (effort, count) in self.use(inst, plan).items()
            if (self.max_effort is not None and effort > self.max_effort)
            or (self.max_count is not None and count > self.max_count)
        }

    def check(self, inst: Instance, plan: Assignment) -> list[str]:
        from solver.instance import MovedPlan

        rids = self._releases(inst)
        if isinstance(plan, MovedPlan):  # the plan's loads, adjusted for the one unit moved
            effort, count = (
                dict(loads)
                for loads in plan.of_plan(
                    self.name, lambda p: self._loads(self._scope(inst)[1], p)
                )
            )
            moved = plan.unit
            if self._counts(moved):
                for rid, sign in ((plan.plan.get(moved.id), -1), (plan.release, 1)):
                    effort[rid] = effort.get(rid, 0) + sign * moved.effort
                    count[rid] = count.get(rid, 0) + sign
        else:
            effort, count = self._loads(self._scope(inst)[1], plan)
        out = []
        what = "DCC-system " if self.dcc_only else ""
        for rid in rids:
            if self.max_effort is not None and effort.get(rid, 0) > self.max_effort:
                out.append(  # how far over (a DCC manager's hand edit: 83 against 81)
                    f"{rid} holds {effort[rid]} effort of {what}changes; at most {self.max_effort}"
                    f" ({effort[rid] - self.max_effort} over)"
                )
            if self.max_count is not None and count.get(rid, 0) > self.max_count:
                out.append(f"{rid} holds {count[rid]} {what}changes; at most {self.max_count} "
                           f"({count[rid] - self.max_count} over)")
        return out
