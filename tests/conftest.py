"""Shared helpers: small scenarios built in code, solved for real, judged by the checker."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from solver.check import check_assignment
from solver.engine import SolveOptions, solve
from solver.instance import Instance
from solver.model import Plan, Scenario
from solver.plan import make_plan
from solver.scenario import check_references, load_scenario

ROOT = Path(__file__).resolve().parent.parent
SEC_2020 = ROOT / "scenarios" / "sec-2020"
FAST = SolveOptions(time_limit=30, workers=2)


def item(uid: str, **fields: Any) -> dict[str, Any]:
    """A pending documentation-only item deciding on 2021-01-15 unless told otherwise."""
    base: dict[str, Any] = {
        "id": uid,
        "title": f"Item {uid}",
        "status": "change-board-vote",
        "expected_decision": "2021-01-15",
        "party_lead_time": "38 days",
    }
    if fields.get("status") == "approved":
        base.pop("expected_decision")
        base["decided"] = "2020-10-01"
    base.update(fields)
    return base


def scenario(items: list[dict[str, Any]], rules: list[dict[str, Any]] | None = None,
             **fields: Any) -> Scenario:
    """Four releases: 2021-06 (24 Jun), 2021-11 (4 Nov), 2022-06 (30 Jun), 2022-11 (3 Nov)."""
    data: dict[str, Any] = {
        "name": "test",
        "as_of": "2020-11-01",
        "calendar": {
            "windows": [{"month": 6, "week": "last"}, {"month": 11, "week": "first"}],
            "first": "2021-06",
            "last": "2022-11",
        },
        "specifications": ["DUIS", "GBCS", "CH firmware"],
        "items": items,
        "rules": rules or [],
    }
    data.update(fields)
    made = Scenario.model_validate(data)
    problems = list(check_references(made))
    assert not problems, f"not a scenario a user could load: {problems}"
    return made


def assert_valid(inst: Instance, plan: Plan) -> None:
    """The solver-free checker finds no hard violation in the plan."""
    hard = [v for v in check_assignment(inst, plan.assignments) if v.hard]
    assert not hard, hard


def solve_checked(s: Scenario, options: SolveOptions = FAST) -> tuple[Instance, Plan]:
    """Solve for real and check the plan independently."""
    inst = Instance(s)
    plan = make_plan(inst, solve(inst, options), options)
    if plan.status != "infeasible":
        assert_valid(inst, plan)
    return inst, plan


def replanned(s: Scenario, base: Plan) -> tuple[Instance, Plan]:
    """`s` planned as a what-if of the scenario `base` is the plan of: against it (moves
    count from it), hinted with it."""
    inst = Instance(s, reference=base.assignments)
    return inst, make_plan(inst, solve(inst, FAST, hint=base.assignments), FAST)


def scenario_file(path: Path, s: Scenario) -> Path:
    """`s` written as a scenario file a command reads (JSON), at `path`."""
    path.write_text(s.model_dump_json(by_alias=True, exclude_unset=True))
    return path


def alignments_by_anchor_year(tmp_path: Path, base: str) -> Path:
    """A what-if of the seed scenario `base` whose aligned uplifts have no year of their
    own: each binds in whichever year SECMP0007 goes, and lapses for a year it leaves."""
    path = tmp_path / f"{base}-anchor-year.yaml"
    path.write_text(f"extends: {SEC_2020 / base}.yaml\nchanges:\n" + "".join(
        f"  - {{set-rule: 'aligned-uplift({spec}, SECMP0007)', year: null}}\n"
        for spec in ("GBCS", "DUIS")))
    return path


@pytest.fixture(scope="session")
def seed_plans() -> dict[str, tuple[Instance, Plan]]:
    """Every sec-2020 scenario solved once per test session."""
    out = {}
    for path in sorted(SEC_2020.glob("*.yaml")):
        out[path.stem] = solve_checked(load_scenario(path), SolveOptions(time_limit=60))
    return out


@contextmanager
def clock_jumps_after_level_1(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A machine much slower than the budget counts on: once a solve's first level is
    proven, the clock jumps past every budget's safety stop."""
    from solver import budget as budget_module
    from solver import progress

    late = [0.0]
    monkeypatch.setattr(budget_module, "time",
                        SimpleNamespace(monotonic=lambda: time.monotonic() + late[0]))

    def jump(event: progress.Event) -> None:
        if event.done and event.stage.startswith("level 1"):
            late[0] = 1e6

    progress.listen(jump)
    try:
        yield
    finally:
        progress.listen(None)
