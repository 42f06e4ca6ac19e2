"""Loading scenarios: `extends:` overlays resolve as documented."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from solver.scenario import ScenarioError, load_scenario
from tests.conftest import SEC_2020


def test_update_replaces_only_the_named_fields() -> None:
    base = load_scenario(SEC_2020 / "baseline.yaml")
    what_if = load_scenario(SEC_2020 / "secmp0067-send-back.yaml")
    b = next(i for i in base.items if i.id == "SECMP0067")
    w = next(i for i in what_if.items if i.id == "SECMP0067")
    assert (w.status, w.expected_decision) == ("sent-back", dt.date(2020, 11, 19))
    assert (w.dcc_lead_time, w.specs, w.baseline) == (b.dcc_lead_time, b.specs, b.baseline)
    assert what_if.name == "secmp0067-send-back"
    assert [i.id for i in what_if.items] == [i.id for i in base.items]


def test_overlays_chain_and_rules_add() -> None:
    s = load_scenario(SEC_2020 / "no-extra-duis-2021.yaml")  # extends send-back, baseline
    names = [r.name for r in s.rules]
    assert names.count("uplift-cap(DUIS, 2021)") == 1
    assert names.count("uplift-cap(GBCS, 2021)") == 1
    assert next(i for i in s.items if i.id == "SECMP0067").status == "sent-back"


def test_rules_remove_by_name(tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text(
        f"extends: {SEC_2020 / 'baseline.yaml'}\n"
        "rules:\n  remove: ['uplift-cap(GBCS, 2021)']\n")
    names = [r.name for r in load_scenario(tmp_path / "w.yaml").rules]
    assert "uplift-cap(GBCS, 2021)" not in names and "uplift-cap(GBCS, 2022)" in names


def test_calendar_moves_merge_into_the_base() -> None:
    s = load_scenario(SEC_2020 / "nov-2020-29-november.yaml")
    assert s.calendar.moves == {"2020-11": dt.date(2020, 11, 29)}
    assert len(s.calendar.windows) == 2


def test_items_add_and_remove(tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text(
        f"extends: {SEC_2020 / 'baseline.yaml'}\n"
        "items:\n  remove: [MP084]\n  add:\n"
        "    - {id: MP142, title: Late addition, status: approved, decided: 2020-05-01}\n")
    s = load_scenario(tmp_path / "w.yaml")
    ids = [i.id for i in s.items]
    assert "MP084" not in ids and ids[-1] == "MP142"


def test_an_overlay_cannot_redefine_items_as_a_list(tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text(
        f"extends: {SEC_2020 / 'baseline.yaml'}\nitems: []\n")
    with pytest.raises(ScenarioError, match="items"):
        load_scenario(tmp_path / "w.yaml")


def test_every_scenario_file_loads() -> None:
    for path in sorted((SEC_2020.parent).rglob("*.yaml")):
        load_scenario(path)


def test_plain_values_read_as_yaml_1_2(tmp_path: Path) -> None:
    """A fuzz test: YAML 1.1 made a specification `NO` false, `yes` true and `0o17`-style
    octals out of leading zeros; a what-if's values read as written."""
    path = tmp_path / "w.yaml"
    path.write_text(f"extends: {SEC_2020 / 'baseline.yaml'}\n"
                    "specifications: [DUIS, GBCS, CH firmware, CHISM, MMC, SMETS, CHTS, NO, yes,"
                    " 'on']\n"
                    "items:\n  update: {MP084: {specs: [NO, yes], effort: 010, value: 0x3}}\n")
    s = load_scenario(path)
    assert s.specifications[-3:] == ["NO", "yes", "on"]
    mp084 = next(i for i in s.items if i.id == "MP084")
    assert (mp084.specs, mp084.effort, mp084.value) == (["NO", "yes"], 10, 3)
