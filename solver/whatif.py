"""Apply what-if changes (`solver.changes`) to a scenario, in order."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

from solver.calendar import format_duration, to_delta
from solver.changes import (
    AddRelease,
    Approve,
    CancelRelease,
    Change,
    MoveRelease,
    Pin,
    Redecide,
    Reject,
    ScaleLeadTimes,
    SendBack,
    SetRule,
    ShiftLeadTimes,
    SwitchOff,
    Withdraw,
)
from solver.fields import duration_parts
from solver.model import CLOSED_STATUSES, PENDING_STATUSES, Scenario


class ChangeError(Exception):
    """A change that cannot apply: `index` is its place in the `changes` list."""

    def __init__(self, index: int, problem: str):
        super().__init__(problem)
        self.index, self.problem = index, problem


Data = dict[str, Any]


def _item(data: Data, uid: str) -> Data:
    for item in data["items"]:
        if item["id"] == uid:
            return dict(item)
    from solver.scenario import did_you_mean

    raise KeyError(f"no item {uid!r}{did_you_mean(uid, [i['id'] for i in data['items']])}")


def _set_item(data: Data, uid: str, **fields: Any) -> None:
    item = _item(data, uid)
    item.update(fields)
    data["items"] = [item if i["id"] == uid else i for i in data["items"]]


_NOT_DCC = "no DCC-system impact (dcc_only, true by default: add dcc_only: false)"
_DECIDED = "decided (pending_only, true by default: add pending_only: false)"


def lead_time_skip(unit: Data, item: Data, dcc_only: bool = True,
                   pending_only: bool = True) -> str | None:
    """Why a lead-time change with these filters leaves `unit` (an item, or one of its
    parts, judged by its own impact and status where it has them) as it is; None when the
    change reaches it."""
    impact = unit.get("dcc_impact")
    if dcc_only and not (item.get("dcc_impact") if impact is None else impact):
        return _NOT_DCC
    if pending_only and (unit.get("status") or item.get("status")) not in PENDING_STATUSES:
        return _DECIDED
    return None


def _lead_times(
    data: Data,
    change: ShiftLeadTimes | ScaleLeadTimes,
    adjust: Callable[[dict[str, int]], dict[str, int]],
) -> None:
    """Adjust the lead times of the chosen items, or of a split item's chosen parts: a part
    is judged by its own impact and status where it has them, and gets its adjusted lead
    time as its own (the item's stays for the parts left as they are). An item named in
    `items` that the change reaches nowhere is an error saying why."""
    chosen = set(change.items) if change.items is not None else None
    keys = ["dcc_lead_time"] if change.dcc_only else ["dcc_lead_time", "party_lead_time"]
    skipped: dict[str, set[str]] = {}  # item id -> why the change leaves its units alone
    reached: set[str] = set()

    def adjusted(unit: Data, item: Data) -> Data:
        """`unit` with its lead times adjusted where the change reaches it."""
        why = lead_time_skip(unit, item, change.dcc_only, change.pending_only)
        if why is not None:
            skipped.setdefault(item["id"], set()).add(why)
            return unit
        impact = unit.get("dcc_impact")
        impact = item.get("dcc_impact", False) if impact is None else impact
        # no DCC lead time for an item the DCC does not change (an acceptance test: 0 days
        # shifted to 1 month, then warned about as a DCC lead time with no DCC impact)
        own = [key for key in keys if impact or key != "dcc_lead_time"]
        lead = {key: unit.get(key) or item.get(key) or "0 days" for key in own}
        reached.add(item["id"])
        return {**unit, **{key: format_duration(adjust(duration_parts(lead[key])))
                           for key in own}}

    reach = chosen if change.among is None else set(change.among)  # (among: no `items`)
    for k, item in enumerate(data["items"]):
        if reach is not None and item["id"] not in reach:
            continue
        if not item.get("parts"):
            data["items"][k] = adjusted(item, item)
            continue
        parts = [adjusted(part, item) for part in item["parts"]]
        data["items"][k] = {**item, "parts": parts}
    for uid in change.items or []:  # an item named and left as it is: say so, not nothing
        if uid not in reached:
            item = _item(data, uid)  # an unknown id: "unknown item ..., did you mean"
            whose = "none of its parts is reached" if item.get("parts") else "not reached"
            raise KeyError(f"{uid}: {whose}: {'; '.join(sorted(skipped[uid]))}")


def _shift(by: dict[str, int]) -> Callable[[dict[str, int]], dict[str, int]]:
    return lambda parts: {u: parts.get(u, 0) + by.get(u, 0) for u in {*parts, *by}}


DAYS_PER_MONTH = Fraction(36525, 1200)
"""A month's mean length (365.25 / 12 days), for the fraction of a month a scaled lead time
keeps as days."""


def _scale(factor: float) -> Callable[[dict[str, int]], dict[str, int]]:
    """Lead time parts times `factor`, exactly: whole months stay months and the fraction of
    a month becomes days, days rounded half up (an acceptance test: each unit rounded half
    to even, 4 months x 1.1 stayed 4 months and 3 months x 1.5 became 4)."""
    exact = Fraction(str(factor))  # 1.1 as 11/10, not the float's binary expansion

    def scaled(parts: dict[str, int]) -> dict[str, int]:
        months = (12 * parts.get("years", 0) + parts.get("months", 0)) * exact
        whole = math.floor(months)
        days = (7 * parts.get("weeks", 0) + parts.get("days", 0)) * exact \
            + (months - whole) * DAYS_PER_MONTH
        return {"months": whole, "days": math.floor(days + Fraction(1, 2))}

    return scaled


def _release(data: Data, rid: str) -> None:
    """Check that `rid` names a release of the calendar."""
    from solver.calendar import build_releases
    from solver.model import Calendar, Policy

    calendar = Calendar.model_validate(data["calendar"])
    known = [r.id for r in build_releases(calendar, Policy(), None)]
    if rid not in known:
        raise KeyError(f"unknown release {rid!r} (releases: {', '.join(known)})")


def _rule_index(data: Data, name: str) -> int:
    scenario = Scenario.model_validate({**data, "changes": []})
    names = [r.name for r in scenario.rules]
    if name not in names:  # an acceptance test: every rule listed, the one meant not said
        from solver.scenario import did_you_mean

        raise KeyError(f"no rule {name!r} in the scenario"
                       + (did_you_mean(name, names) or f" (rules: {', '.join(names)})"))
    return names.index(name)


def _apply(data: Data, change: Change) -> None:
    match change:
        case SendBack(send_back=uid) | Redecide(re_decide=uid):
            item = _item(data, uid)
            status = "sent-back" if isinstance(change, SendBack) else item["status"]
            if status not in PENDING_STATUSES:
                status = "report-due"
            day = change.expected_decision
            if isinstance(change, Redecide) and change.slip is not None:
                if item.get("expected_decision") is None:
                    raise KeyError(f"{uid} has no expected decision to slip (it is "
                                   f"{item['status']}): give expected_decision, a date")
                # from the decision in force: an overdue one arrives on as_of at the earliest
                # (an acceptance test: a slip of an overdue decision changed nothing)
                day = max(item["expected_decision"], change.as_of or data["as_of"]) \
                    + to_delta(change.slip)
            _set_item(data, uid, status=status, decided=None, expected_decision=day)
        case Approve(approve=uid, decided=day):
            _set_item(data, uid, status="approved", decided=day, expected_decision=None)
        case Reject(reject=uid) | Withdraw(withdraw=uid):
            verb, status = (("reject", "rejected") if isinstance(change, Reject)
                            else ("withdraw", "withdrawn"))
            if (was := _item(data, uid).get("status")) in CLOSED_STATUSES:  # an acceptance
                raise KeyError(f"{uid} is already {was}: nothing to {verb}")  # test: silent
            _set_item(data, uid, status=status)
        case MoveRelease(move_release=rid, go_live=day):
            _release(data, rid)
            calendar = dict(data["calendar"])
            calendar["moves"] = {**calendar.get("moves", {}), rid: day}
            data["calendar"] = calendar
        case CancelRelease(cancel_release=rid):
            _release(data, rid)
            calendar = dict(data["calendar"])
            calendar["cancel"] = [*calendar.get("cancel", []), rid]
            data["calendar"] = calendar
        case AddRelease(add_release=rid, go_live=day):
            calendar = dict(data["calendar"])
            calendar["extra"] = [*calendar.get("extra", []), {"id": rid, "go_live": day}]
            data["calendar"] = calendar
        case ShiftLeadTimes(shift_lead_times=period):
            _lead_times(data, change, _shift(duration_parts(period)))
        case ScaleLeadTimes(scale_lead_times=factor):
            _lead_times(data, change, _scale(factor))
        case SetRule(set_rule=name):
            k = _rule_index(data, name)
            fields = {key: v for key, v in (change.model_extra or {}).items()}
            if "rule" in fields:
                raise KeyError("set-rule cannot change a rule's kind")
            data["rules"] = [
                dict(r, **fields) if i == k else r for i, r in enumerate(data["rules"])
            ]
        case SwitchOff(switch_off=name):
            data["switched_off"] = [*data.get("switched_off", []), name]
        case Pin(pin=uid, release=rid):
            _item(data, uid)
            rules = [
                r for r in data["rules"] if not (r.get("rule") == "fixed" and r.get("item") == uid)
            ]
            data["rules"] = [
                *rules,
                {
                    "rule": "fixed",
                    "item": uid,
                    "release": rid,
                    "note": change.note or "pinned by a what-if",
                },
            ]


def apply_changes(scenario: Scenario, changes: Sequence[Change] | None = None) -> Scenario:
    """The scenario with `changes` (default: its own `changes`) applied in order; the result
    has no changes left. Raises `ChangeError` naming the change that cannot apply."""
    todo = list(scenario.changes if changes is None else changes)
    if not todo:
        return scenario
    data: Data = scenario.model_dump(mode="python", by_alias=True, exclude={"changes"})
    for k, change in enumerate(todo):
        try:
            _apply(data, change)
        except KeyError as exc:
            raise ChangeError(k, str(exc.args[0])) from None
    return Scenario.model_validate(data)
