"""Next month's what-if, drafted from this month's plan (`secplan roll`).

A monthly re-plan records what happened since the last one: releases that went live (their
approved items implemented), scopes the Panel baselined (the items planned there published
in them), and the decisions taken. The first two follow from the plan and the calendar, so
the draft writes them; the decisions only the planners know, so the draft lists each one
due, commented out, for them to record. Rules left naming only implemented items are taken
out, as the planner would (they no longer bind, and `validate` would warn of each), and an
approved item the window leaves in a baselined scope gets a `fixed` rule: approved for
inclusion, it stays unless a scenario moves it.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass, field
from typing import Any

import yaml

from solver.calendar import Release
from solver.instance import Instance, Unit
from solver.lint import loose_commitment, moot_because, pinned
from solver.model import PENDING_STATUSES, Item


@dataclass
class Roll:
    """What changes between the plan's `as_of` and `to`, unit by unit."""

    implemented: dict[str, str] = field(default_factory=dict)
    """Approved unit -> the release it went live in."""
    published: dict[str, str | None] = field(default_factory=dict)
    """Unit -> its release in a scope baselined in the window (None: out of the scope it
    was published in, now baselined without it)."""
    baselined: dict[str, dict[str, dt.date]] = field(default_factory=dict)
    """Release -> the scopes ("DCC", "full") baselined in the window, with their days."""
    went_live: dict[str, dt.date] = field(default_factory=dict)
    """Release -> go-live, for each gone live by `to` (before `as_of` too: an approved
    item still in one is implemented)."""
    due: list[Item] = field(default_factory=list)
    """Pending items whose decision is expected by `to` (or overdue already)."""
    moot_rules: list[str] = field(default_factory=list)
    fixed: dict[str, str] = field(default_factory=dict)
    """Approved unit -> the release the draft leaves it in, approved for inclusion there
    with that release's scope baselined, and no `fixed` rule yet (nor one switched off): the
    rule keeps it there, as "approved for inclusion" stays unless a scenario moves it (two
    acceptance tests: an item approved after its scope was baselined, or moved into
    another, got none, and the next plan moved it)."""


def roll(inst: Instance, assignment: dict[str, str | None], to: dt.date) -> Roll:
    """What the plan `assignment` of `inst` and the calendar say has happened by `to`."""
    out = Roll()
    releases = {r.id: r for r in inst.releases}
    for r in inst.releases:
        if r.go_live < to:
            out.went_live[r.id] = r.go_live
        for dcc, kind in ((True, "DCC"), (False, "full")):
            if _baselined_between(r, dcc, inst.as_of, to):
                out.baselined.setdefault(r.id, {})[kind] = r.scope_baseline(dcc)
    for unit in inst.units:
        rid = assignment.get(unit.id)
        if rid in out.went_live and unit.status == "approved":
            out.implemented[unit.id] = rid
            continue
        out.published.update(_published(unit, rid, releases, inst.as_of, to))
    has_rule = pinned(inst.scenario)
    for unit in inst.units:
        rid = out.published.get(unit.id, unit.baseline)
        if unit.id not in has_rule and rid is not None and assignment.get(unit.id) == rid \
                and loose_commitment(unit, releases.get(rid), to):  # (where the plan keeps
            out.fixed[unit.id] = rid  # it: one it moved out stays free to go)
    out.due = [item for item in inst.scenario.items if item.status in PENDING_STATUSES
               and (item.expected_decision or dt.date.max) <= to]  # on `to` too (an
    # acceptance test: MP099, expected on the roll's date, was never listed, nor said due)
    closed = {uid: unit.status for uid, unit in inst.closed.items()}
    now = {**closed, **dict.fromkeys(out.implemented, "implemented")}
    out.moot_rules = [rule.name for rule in inst.scenario.rules
                      if moot_because(rule, now) and not moot_because(rule, closed)]
    return out


def _baselined_between(release: Release, dcc: bool, as_of: dt.date, to: dt.date) -> bool:
    """Whether the release's scope (its DCC one for `dcc`) is baselined after `as_of`, by
    `to`."""
    return release.baselined_by(dcc, to) and not release.baselined_by(dcc, as_of)


def _published(unit: Unit, rid: str | None, releases: dict[str, Release], as_of: dt.date,
               to: dt.date) -> dict[str, str | None]:
    """The unit's new published release, when a scope baselined in the window holds it or
    its published release's scope is baselined in the window without it."""
    def newly(release_id: str | None) -> bool:
        r = releases.get(release_id) if release_id else None
        return r is not None and _baselined_between(r, unit.dcc_impact, as_of, to)

    if rid is not None and newly(rid) and unit.baseline != rid:
        return {unit.id: rid}
    if unit.baseline is not None and unit.baseline != rid and newly(unit.baseline):
        return {unit.id: None}
    return {}


def draft(inst: Instance, assignment: dict[str, str | None], to: dt.date, extends: str,
          source: str) -> str:
    """The what-if file's text: `extends` the scenario planned, `as_of` `to`; `source`
    names where the plan came from, for its first comment."""
    done = roll(inst, assignment, to)
    lines = [f"# {line}" for line in textwrap.wrap(
        f"Drafted by `secplan roll` from {source}, as of {to}: what the plan and the calendar "
        f"say happened since {inst.as_of}. Check it, record the decisions listed at the end, "
        "then plan it: `secplan solve` on this file.", 88, break_on_hyphens=False,
        break_long_words=False)]
    lines += [
        f"extends: {_flow(extends)}",
        f"description: {_flow(_description(done, inst.as_of, to))}",
        f"as_of: {to}",
    ]
    updates = _updates(inst, done)
    if updates:
        lines.append("items:\n  update:")
        for comment, entries in updates:
            lines.append(f"    # {comment}")
            lines += [f"    {_flow(item_id)}: {_flow(fields)}" for item_id, fields in entries]
    if done.moot_rules or done.fixed:
        lines.append("rules:")
    if done.moot_rules:
        lines.append("  remove:  # each binds an item now implemented: no longer binding")
        lines += [f"    - {_flow(name)}" for name in done.moot_rules]
    if done.fixed:
        lines.append("  add:  # approved for inclusion, its scope baselined: each stays there"
                     "\n    # (to let the plan move one, at a cost in moves: `changes: - "
                     "switch-off: fixed(ID)`)")
        lines += [f"    - {_flow({'rule': 'fixed', 'item': uid, 'release': rid})}"
                  for uid, rid in done.fixed.items()]
    if not any(r.go_live >= to for r in inst.releases):
        lines.append(f"# No release of the horizon goes live after {to}: extend the "
                     "calendar's `last` to plan further.")
    if not done.due:
        lines.append(f"# No decision is due by {to}.")
    else:
        lines.append("# Decisions due by then: record each (approve with its date, reject, "
                     "withdraw,\n# or re-decide with a new date or a slip) and uncomment it.")
        lines.append("# changes:")
        for item in done.due:
            when = item.expected_decision
            late = " (overdue)" if when is not None and when < inst.as_of else ""
            lines.append(f"#   # {item.id}: {item.status}, decision expected {when}{late}"
                         + _gone_live_in(inst, assignment, item, done))
            lines.append(f"#   - {{approve: {item.id}, decided: {when if not late else to}}}")
            lines.append(f"#   - {{re-decide: {item.id}, slip: 1 month}}")
    return "\n".join(lines) + "\n"


def _gone_live_in(inst: Instance, assignment: dict[str, str | None], item: Item,
                  done: Roll) -> str:
    """"; planned in 2020-11, which went live on 2020-11-05: approved in time, it went live
    there (the next roll marks it implemented)" for a due item the plan put in a release
    gone live by then: with no decision recorded it did not go live, and moves out."""
    rids = {rid for u in inst.units if u.item is item
            if (rid := assignment.get(u.id)) in done.went_live and rid is not None}
    return "".join(f"; planned in {rid}, which went live on {done.went_live[rid]}: approved "
                   "in time, it went live there (the next roll marks it implemented)"
                   for rid in sorted(rids))


def _description(done: Roll, as_of: dt.date, to: dt.date) -> str:
    """"Re-plan as of 2020-12-28; gone live: 2020-11; 2021-06: full scope baselined." with
    what happened since `as_of` only."""
    said = [f"as of {to}"]
    live = [rid for rid, day in done.went_live.items() if day >= as_of]
    if live:
        said.append("gone live: " + ", ".join(live))
    said += [f"{rid}: {' and '.join(f'{kind} scope baselined' for kind in scopes)}"
             for rid, scopes in done.baselined.items()]
    return "Re-plan " + "; ".join(said) + "."


def _updates(inst: Instance, done: Roll) -> list[tuple[str, list[tuple[str, dict[str, Any]]]]]:
    """`items: update:` entries grouped under a comment: implemented, then published. An item
    is written once, under its first group: a split item whose parts change in two groups
    gets one `parts` list with both changes (a second entry would be a duplicate key)."""
    units = {u.id: u for u in inst.units}
    written: dict[str, dict[str, Any]] = {}
    groups: list[tuple[str, list[tuple[str, dict[str, Any]]]]] = []

    def group(comment: str, ids: list[str], fields: dict[str, Any],
              release: dict[str, Any]) -> None:
        entries = _entries(units, ids, fields, release, written)
        if entries:
            groups.append((comment, entries))

    for rid in sorted({*done.implemented.values()}, key=list(done.went_live).index):
        group(f"{rid} went live on {done.went_live[rid]}: its approved items are implemented",
              [uid for uid, r in done.implemented.items() if r == rid],
              {"status": "implemented"}, done.implemented)
    for rid, scopes in done.baselined.items():
        said = " and ".join(f"{kind} scope baselined on {day}" for kind, day in scopes.items())
        group(f"{rid}: {said}, with these in it",
              [uid for uid, r in done.published.items() if r == rid], {}, done.published)
    group("planned out of a scope baselined since without them: no longer published there",
          [uid for uid, r in done.published.items() if r is None], {}, done.published)
    return groups


def _entries(units: dict[str, Unit], ids: list[str], fields: dict[str, Any],
             release: dict[str, Any], written: dict[str, dict[str, Any]],
             ) -> list[tuple[str, dict[str, Any]]]:
    """Item id -> fields for the units `ids` not `written` before: the item's own for a
    whole item, else its `parts` list again with those parts changed (an update replaces
    the list); a part of an item written before changes that item's list."""
    entries: dict[str, dict[str, Any]] = {}
    for uid in ids:
        item = units[uid].item
        if not item.parts:
            entries[item.id] = written[item.id] = {**fields, "baseline": release[uid]}
            continue
        if item.id not in written:
            entries[item.id] = written[item.id] = {"parts": [
                p.model_dump(mode="json", exclude_defaults=True) for p in item.parts]}
        part = next(p for p in written[item.id]["parts"] if f"{item.id}.{p['id']}" == uid)
        part.update(fields, baseline=release[uid])
    return list(entries.items())


def _flow(value: Any) -> str:
    """A value as one line of YAML, quoted where YAML needs it, keys in their order."""
    return yaml.safe_dump(value, default_flow_style=True, width=10_000, sort_keys=False,
                          allow_unicode=True).removesuffix("\n...\n").strip()
