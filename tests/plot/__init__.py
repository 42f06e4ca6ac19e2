"""Shared helpers for the picture tests: a fixed drawing style, plans built by hand, and
comparison against committed baseline images.

The pictures are drawn from plans written out here rather than solved, so a change in
the engine's objective cannot break a picture test; only a change in the drawing (or
in the scenario files' dates and titles) can.

To regenerate the baselines after a deliberate change to a picture:
    SECPLAN_UPDATE_BASELINES=1 pytest tests/plot
then look at every image in tests/plot/baseline/ before committing it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
from matplotlib.figure import Figure, SubFigure
from matplotlib.testing.compare import compare_images

from solver.instance import Instance
from solver.model import Plan, PlanRelease
from solver.plot import save_figure
from solver.scenario import load_scenario
from tests.conftest import SEC_2020

matplotlib.use("Agg")  # no display, the same renderer everywhere

BASELINE = Path(__file__).resolve().parent / "baseline"
DPI = 80
TOLERANCE = 2.0
"""RMS difference allowed (0-255 scale): absorbs anti-aliasing noise, not a moved line."""

STYLE: dict[str, object] = {
    "font.family": "DejaVu Sans",
    "svg.hashsalt": "secplan",
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
}


@contextmanager
def baseline_style() -> Iterator[None]:
    """matplotlib's defaults plus the few settings that make output repeatable."""
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        matplotlib.rcParams.update(STYLE)
        yield


NOVEMBER_2021 = {
    "MP078",
    "MP090",
    "MP099",
    "SECMP0007",
    "SECMP0015",
    "SECMP0024",
    "SECMP0046",
    "SECMP0056",
}
"""The send-back's 2021 candidates other than SECMP0067 (domain.md: all in November 2021)."""


def seed(name: str) -> Instance:
    """A scenario of the seed's planning round, ready to draw."""
    return Instance(load_scenario(SEC_2020 / f"{name}.yaml"))


def send_back_plan(inst: Instance) -> dict[str, str | None]:
    """The seed's answer after the send-back: SECMP0067 in June 2021, the other 2021
    candidates in November 2021, the rest in November 2020."""
    return {
        u.id: "2021-06"
        if u.id == "SECMP0067"
        else "2021-11"
        if u.id in NOVEMBER_2021
        else "2020-11"
        for u in inst.units
    }


def plan_of(inst: Instance, assignments: Mapping[str, str | None], status: str = "optimal") -> Plan:
    """A plan with the given assignments (units not named stay outside the horizon)."""
    full = {u.id: assignments.get(u.id) for u in inst.units}
    releases = [
        PlanRelease(
            id=r.id,
            go_live=r.go_live,
            items=[uid for uid, rid in full.items() if rid == r.id],
            uplifts=[],
        )
        for r in inst.releases
    ]
    return Plan.model_validate(
        {
            "scenario": inst.scenario.name,
            "status": status,
            "assignments": full,
            "releases": releases,
        }
    )


def assert_matches_baseline(fig: Figure | SubFigure, name: str, tmp_path: Path) -> None:
    """The figure, saved as PNG, matches `baseline/<name>.png` within TOLERANCE."""
    expected = BASELINE / f"{name}.png"
    actual = tmp_path / f"{name}.png"
    save_figure(fig, actual, dpi=DPI)
    plt.close(fig)
    if os.environ.get("SECPLAN_UPDATE_BASELINES"):
        BASELINE.mkdir(exist_ok=True)
        expected.write_bytes(actual.read_bytes())
        return
    assert expected.exists(), f"no baseline {expected}: run with SECPLAN_UPDATE_BASELINES=1"
    result = compare_images(str(expected), str(actual), tol=TOLERANCE)
    assert result is None, result
