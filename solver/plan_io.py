"""Reading and writing plan files: `plan.json` (the contract) and `plan.csv`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

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
        ]
    )
    for item in plan.items:
        unit = inst.unit(item.id) if item.id not in inst.closed else None
        go_live = inst.release(item.release).go_live.isoformat() if item.release else ""
        writer.writerow(
            [
                item.id,
                item.title,
                item.status,
                item.release or "",
                go_live,
                item.cut_off.isoformat() if item.cut_off else "",
                item.fall_back or "",
                "yes" if unit and unit.dcc_impact else "no",
                ";".join(unit.specs) if unit else "",
                "yes" if item.fall_back_needs_moves else "",
            ]
        )
    return out.getvalue()


def read_assignments(path: Path) -> dict[str, str | None]:
    """The `assignments` of a plan file (item id -> release id or null)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError(path, "", "file not found") from None
    except json.JSONDecodeError as exc:
        raise ScenarioError(path, "JSON syntax", exc.msg, exc.lineno) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(path, "", f"cannot read file: {exc}") from None
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
    return dict(assignments)


def check_plan_names(path: Path, inst: Instance, assignments: dict[str, str | None]) -> None:
    """Raise `ScenarioError` for a plan file's first item or release the scenario does not
    know at all (a typo, not a rule broken: bad input). Closed items and complete coverage
    are for the checker to judge."""
    from solver.scenario import unknown_name

    items = {u.id for u in inst.units} | set(inst.closed)
    for uid, rid in assignments.items():
        if uid not in items:
            raise ScenarioError(path, f"assignments.{uid}", unknown_name(uid, items, "item"))
        if rid is not None and rid not in inst.release_ids:
            raise ScenarioError(path, f"assignments.{uid}",
                                unknown_name(rid, inst.release_ids, "release"))
