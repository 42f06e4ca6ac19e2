"""Reading and writing plan files: `plan.json` (the contract) and `plan.csv`."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from solver.files import parse_json
from solver.instance import Instance
from solver.model import Plan
from solver.scenario import ScenarioError


def plan_json(plan: Plan) -> str:
    """The plan as JSON: stable key order, so equal plans give equal bytes."""
    return plan.model_dump_json(indent=2) + "\n"


def plan_csv(inst: Instance, plan: Plan) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "item",
            "title",
            "status",
            "release",
            "go_live",
            "cut_off",
            "fall_back",
            "dcc_impact",
            "specs",
            "fall_back_needs_moves",
            "fall_back_barred_by",
            "fall_back_moves",
            "fall_back_if_others_move",
            "fall_back_if_one_leaves",
            "expected_decision",
            "margin_days",
            "moved_from",
            "fall_back_without_own_rules",
        ]
    )
    for item in plan.items:
        # a closed item (an implemented part) keeps its own facts (an acceptance test read a
        # DCC part's "no" and no specifications as its own)
        unit = inst.closed.get(item.id) or inst.unit(item.id)
        go_live = inst.release(item.release).go_live.isoformat() if item.release else ""
        # a pending item's expected decision and its days to the cut-off (a DCC manager could
        # not draw the decisions at risk from plan.csv)
        pending = item.id not in inst.closed and not unit.decision_known
        margin = inst.decision_margin(unit, inst.release(item.release)) \
            if pending and item.release else None
        writer.writerow(
            [
                item.id,
                item.title,
                item.status,
                item.release or "",
                go_live,
                # a decided item has no cut-off to meet, as the terminal and report show it
                # (a proposer read CR1145's 2019-11-05 as one)
                item.cut_off.isoformat() if item.cut_off and pending else "",
                item.fall_back or "",
                "yes" if unit.dcc_impact else "no",
                ";".join(unit.specs),
                "yes" if item.fall_back_needs_moves else "",
                ";".join(item.fall_back_barred_by),
                ";".join(item.fall_back_moves),
                item.fall_back_if_others_move or "",
                item.fall_back_if_one_leaves or "",
                unit.decision.isoformat() if pending else "",
                "" if margin is None else str(margin),
                # every move, where the summary lists a few (an acceptance test: "and 13
                # more routes", with no way to see them)
                "" if item.id in inst.closed else inst.moved_from(unit, item.release) or "",
                item.fall_back_without_own_rules or "",
            ]
        )
    return out.getvalue()


class PlanFile(NamedTuple):
    """What `check` reads from a plan file."""

    assignments: dict[str, str | None]
    """Item id -> release id, or None for outside the horizon."""
    reference: dict[str, str | None] | None
    """The base plan a what-if's plan.json was planned against (None for a CSV or a base
    scenario's)."""
    scenario: str | None
    """The scenario a plan.json was made for (None for a CSV)."""


def read_assignments(path: Path) -> PlanFile:
    """The allocation a plan file gives: a `plan.json`'s `assignments`, or a CSV with
    `item` and `release` columns such as `plan.csv` (an empty release: outside the
    horizon), by the file's extension."""
    text = _text(path)
    if path.suffix.lower() == ".csv":
        return PlanFile(_csv_assignments(path, text), None, None)
    data = _plan_data(path, text)
    reference = data.get("reference")
    if reference is not None and not (isinstance(reference, dict) and all(
            isinstance(k, str) and (v is None or isinstance(v, str))
            for k, v in reference.items())):
        raise ScenarioError(path, "reference", "should map item ids to release ids or null")
    written = data.get("scenario")  # a hand-written plan.json may not say
    return PlanFile(dict(data["assignments"]), reference,
                    written if isinstance(written, str) else None)


def check_scenario_name(path: Path, written: object, name: str) -> None:
    """Bad input unless the plan file `path`, made for the scenario `written`, is one of the
    scenario named `name`."""
    if written != name:
        raise ScenarioError(path, "scenario", f"the plan of {written!r}, not of {name!r}")


def no_plan_in(path: Path) -> dict[str, Any] | None:
    """The object of `path` when it is a plan.json saying that no plan satisfied its
    scenario's rules (status infeasible); None for any other file, also one that cannot be
    read, which is then read as a plan (and its faults said)."""
    try:
        data = parse_json(_text(path))
    except (ScenarioError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("status") == "infeasible" else None


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")  # a spreadsheet's CSV may start with a BOM
    except FileNotFoundError:
        raise ScenarioError(path, "", "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(path, "", f"cannot read file: {exc}") from None


def _plan_data(path: Path, text: str) -> dict[str, Any]:
    """A plan.json's object, its `assignments` checked: release ids or null, agreeing with
    its `items` and `releases`."""
    try:
        data = parse_json(text, object_pairs_hook=_no_repeats)
    except _RepeatedKey as exc:
        raise ScenarioError(path, "", f"key {exc.key!r} appears twice in one object") from None
    except json.JSONDecodeError as exc:
        raise ScenarioError(path, "JSON syntax", exc.msg + " (a plan is plan.json, or a CSV "
                            "file named .csv with item and release columns)", exc.lineno) from None
    except ValueError as exc:
        raise ScenarioError(path, "", str(exc)) from None
    if not isinstance(data, dict) or not isinstance(data.get("assignments"), dict):
        raise ScenarioError(
            path,
            "assignments",
            "a plan file needs an object 'assignments' mapping item ids to release ids (or null)",
        )
    if data.get("status") == "infeasible":
        raise ScenarioError(path, "status", "the file holds no plan: no plan satisfied its "
                                            "scenario's rules")
    assignments = data["assignments"]
    for key, value in assignments.items():
        if value is not None and not isinstance(value, str):
            raise ScenarioError(
                path, f"assignments.{key}", f"must be a release id or null (got {value!r})"
            )
    _check_agreement(path, data, assignments)
    return data


WHOLE_PLAN_KEYS = ("scenario", "status", "releases", "items")
"""What `--plan` shows of a plan besides its assignments: read back as written."""
_EDITED = "`secplan check` judges an allocation, `secplan solve` plans the scenario again"
_WHOLE = ("--plan reads back the whole plan.json `solve --out` wrote (an allocation alone: "
          f"{_EDITED})")


def read_plan(path: Path, inst_of: Callable[[dict[str, str | None] | None], Instance]) -> \
        tuple[Instance, Plan]:
    """A plan file `secplan solve --out` wrote, read back whole (`--plan`), with the
    instance `inst_of(its reference)` makes: bad input when it is not a plan.json, or not
    this scenario's plan as it stands (an item it lacks or does not know, a hard rule it
    breaks, a cut-off the scenario now puts elsewhere: it was made before an edit)."""
    from pydantic import ValidationError

    if path.suffix.lower() == ".csv":
        raise ScenarioError(path, "", "--plan reads the plan.json `solve --out` writes (a CSV "
                                      "holds the allocation only: `secplan check` judges it)")
    data = _plan_data(path, _text(path))  # the file's own checks first, in its words
    assignments: dict[str, str | None] = data["assignments"]
    absent = [key for key in WHOLE_PLAN_KEYS if key not in data]
    if absent:  # an acceptance test: one missing key named at a time, then a traceback
        others = f" (and {', '.join(absent[1:])})" if absent[1:] else ""
        raise ScenarioError(path, absent[0], f"missing{others}: {_WHOLE}")
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ScenarioError(path, ".".join(str(p) for p in first["loc"]),
                            first["msg"]) from None
    inst = inst_of(plan.reference)
    check_scenario_name(path, plan.scenario, inst.scenario.name)
    stale = "; plan the scenario again (`secplan solve --out`)"
    check_plan_names(path, inst, dict(assignments), dict)
    missing = sorted({u.id for u in inst.units} - set(assignments))
    if missing:
        raise ScenarioError(path, "assignments", f"no place for {missing[0]}, which the "
                                                 f"scenario plans{stale}")
    unlisted = sorted({u.id for u in inst.units} - {item.id for item in plan.items})
    if unlisted:  # the commands show an item from its entry (rid: a traceback without it)
        raise ScenarioError(path, "items", f"has no entry for {unlisted[0]}: {_WHOLE}")
    if [r.id for r in plan.releases] != [r.id for r in inst.releases]:
        raise ScenarioError(path, "releases", "does not list the scenario's releases "
                            f"({', '.join(r.id for r in inst.releases)}): {_WHOLE}")
    from solver.check import check_assignment

    broken = [v for v in check_assignment(inst, assignments) if v.hard]
    if broken:  # every rule, once (an audit: two GBCS versions named only the cap)
        rules = list(dict.fromkeys(v.rule for v in broken))
        more = f" (and {', '.join(rules[1:])}: `secplan check` says how)" if rules[1:] else ""
        raise ScenarioError(path, "assignments", f"breaks {broken[0].rule}: "
                                                 f"{broken[0].message}{more}{stale}")
    for item in plan.items:
        unit = inst.unit(item.id) if item.id in assignments and item.id not in inst.closed \
            else None
        if item.release is not None and unit is not None and not unit.decision_known:
            now = inst.cut_off(unit, inst.release(item.release))
            if item.cut_off != now:
                raise ScenarioError(path, f"items[{item.id}].cut_off",
                                    f"is {item.cut_off}, where the scenario now gives {now}"
                                    f"{stale}")
    from solver.objective import term_values

    counted = term_values(inst, assignments)
    if plan.fingerprint == inst.scenario.planning_fingerprint():  # the scenario as planned
        differ = [t for t in counted if t != "moves"  # (from its reference: a what-if's
                  # base plan, which the commands comparing plans check against the base's)
                  and plan.objective.get(t, counted[t]) != counted[t]]
        if differ:  # an acceptance test: a move edited in consistently was shown with its
            # old fall-back, reasons and "optimal plan: proven best"
            raise ScenarioError(path, "assignments", f"are not the plan `solve` wrote: its "
                                f"objective says {differ[0]} {plan.objective[differ[0]]}, its "
                                f"assignments give {counted[differ[0]]}, so its fall-backs, "
                                "reasons and status no longer hold (edited by hand, or by "
                                f"another secplan); {_EDITED}")
    plan.objective = counted  # as the scenario now counts them: what `explain --plan` weighs
    return inst, plan  # each option against


class _RepeatedKey(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refusing a key given twice (the last would silently win)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _RepeatedKey(key)
        out[key] = value
    return out


_AGREE = ("plan.json gives the allocation three times (assignments, items, releases): make "
          "them agree (to judge an allocation edited by hand, `secplan check` also reads a "
          "plan.json of assignments alone, or plan.csv with its release column edited)")


def _check_agreement(path: Path, data: dict[str, Any],
                     assignments: dict[str, str | None]) -> None:
    """A hand-edited plan.json whose `items` or `releases` say otherwise than its
    `assignments` is bad input: judging `assignments` alone would call the edit valid."""
    items = data.get("items")
    for entry in items if isinstance(items, list) else []:
        if (isinstance(entry, dict) and isinstance(entry.get("id"), str)
                and entry["id"] in assignments and "release" in entry):
            uid = entry["id"]
            if entry["release"] != assignments[uid]:
                raise ScenarioError(path, f"items[{uid}].release",
                                    f"says {entry['release'] or 'null'}, but assignments.{uid} "
                                    f"says {assignments[uid] or 'null'}; {_AGREE}")
    releases = data.get("releases")
    for entry in releases if isinstance(releases, list) else []:
        if not (isinstance(entry, dict) and isinstance(entry.get("items"), list)):
            continue
        rid, listed = entry.get("id"), entry["items"]
        for k, uid in enumerate(listed):
            if not isinstance(uid, str):
                raise ScenarioError(path, f"releases[{rid}].items[{k}]",
                                    f"should be an item id (got {uid!r})")
            if uid in assignments and assignments[uid] != rid:
                raise ScenarioError(path, f"releases[{rid}].items",
                                    f"lists {uid}, but assignments.{uid} says "
                                    f"{assignments[uid] or 'null'}; {_AGREE}")
        for uid in sorted(u for u, r in assignments.items() if r == rid and u not in listed):
            raise ScenarioError(path, f"releases[{rid}].items",
                                f"leaves out {uid}, which assignments.{uid} puts there; {_AGREE}")


_NONE_WORDS = ("none", "null", "-", "outside", "not planned", "n/a")
"""What a hand-written plan may write for "outside the horizon" (a fuzz test: "unknown
release 'none'" did not say how to write it)."""


def _csv_assignments(path: Path, text: str) -> dict[str, str | None]:
    try:
        return _csv_rows(path, text)
    except csv.Error as exc:  # a field past csv's limit, say (a fuzz test: a traceback)
        raise ScenarioError(path, "", f"not a CSV table: {exc}") from None


def _csv_rows(path: Path, text: str) -> dict[str, str | None]:
    rows = csv.reader(io.StringIO(text))
    header = [c.strip().lower() for c in next(rows, [])]  # "Item,Release" is a plan too
    missing = [c for c in ("item", "release") if c not in header]
    if missing:
        raise ScenarioError(path, "header", "a CSV plan needs the columns item and release (as "
                            f"plan.csv has); {' and '.join(missing)} missing", 1)
    twice = sorted({c for c in header if header.count(c) > 1 and c})
    if twice:
        raise ScenarioError(path, "header", f"column {twice[0]!r} appears twice", 1)
    at = {c: header.index(c) for c in ("item", "release")}
    out: dict[str, str | None] = {}
    for row in rows:
        if not any(cell.strip() for cell in row):
            continue  # a blank line
        if len(row) != len(header):
            raise ScenarioError(path, "row", f"{len(row)} field{'s' * (len(row) != 1)} where "
                                f"the header has {len(header)}", rows.line_num)
        uid, rid = row[at["item"]].strip(), row[at["release"]].strip()
        if not uid:
            raise ScenarioError(path, "item", "empty item id", rows.line_num)
        if uid in out:
            raise ScenarioError(path, f"item {uid}", "listed twice", rows.line_num)
        out[uid] = rid or None
    return out


def _csv_line(path: Path, uid: str) -> int | None:
    """The line of a CSV plan's row for `uid`, read again: asked only for an error (a fuzz
    test: an unknown release named no line)."""
    rows = csv.reader(io.StringIO(path.read_text(encoding="utf-8")))
    header = [c.strip().lower() for c in next(rows, [])]
    at = header.index("item")
    return next((rows.line_num for row in rows if len(row) > at and row[at].strip() == uid),
                None)


def check_plan_names(path: Path, inst: Instance, assignments: dict[str, str | None],
                     removed: Callable[[], Mapping[str, str]]) -> dict[str, str]:
    """Raise `ScenarioError` for a plan file's first item or release the scenario does not
    know at all (a typo, not a rule broken: bad input). Return, and take out of
    `assignments`, the items (or parts) a what-if's overlay removed (an older plan may
    well name them), each with what to say: `removed()` gives them, asked only for a name
    the scenario does not know. Closed items and complete coverage are for the
    checker to judge."""
    from solver.scenario import unknown_name

    items = {u.id for u in inst.units} | set(inst.closed)
    csv_file = path.suffix.lower() == ".csv"
    dropped = {}
    for uid, rid in assignments.items():
        place = f"item {uid}" if csv_file else f"assignments.{uid}"
        if uid not in items:
            gone = removed().get(uid)
            if gone is None:
                raise ScenarioError(path, place, unknown_name(uid, items, "item"),
                                    _csv_line(path, uid) if csv_file else None)
            dropped[uid] = gone
        elif rid is not None and rid not in inst.release_ids:
            empty = ("; outside the horizon is an empty cell" if csv_file else
                     "; outside the horizon is null") if rid.lower() in _NONE_WORDS else ""
            raise ScenarioError(path, place,
                                unknown_name(rid, inst.release_ids, "release") + empty,
                                _csv_line(path, uid) if csv_file else None)
    for uid in dropped:
        del assignments[uid]
    return dropped
