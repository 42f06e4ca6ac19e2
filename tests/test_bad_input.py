"""Bad scenario input: the loader raises one located `ScenarioError`, the CLI exits 2.

Every case writes its file(s) to `tmp_path`, mostly by mutating a small valid scenario,
and is judged twice: `load_scenario` must raise a `ScenarioError` naming the file, the key
path and the problem (with the exact line where the YAML parser knows it), and
`secplan validate` must exit 2 with one message line on stderr and no traceback.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from solver.scenario import ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIO_FILES = sorted((ROOT / "scenarios").rglob("*.yaml"))

D = dt.date
BASE: dict[str, Any] = {
    "name": "mini",
    "as_of": D(2020, 5, 26),
    "calendar": {
        "windows": [
            {"month": 6, "weekday": "thursday", "week": "last"},
            {"month": 11, "weekday": "thursday", "week": "first"},
        ],
        "first": "2020-11",
        "last": "2021-11",
    },
    "specifications": ["DUIS", "GBCS"],
    "items": [
        {
            "id": "MP084",
            "title": "Other User Panel Seating Amendment",
            "status": "with-authority",
            "expected_decision": D(2020, 8, 27),
            "party_lead_time": "38 days",
            "baseline": "2020-11",
        },
        {
            "id": "SECMP0007",
            "title": "Firmware updates to IHDs and PPMIDs",
            "status": "approved",
            "decided": D(2020, 3, 1),
            "dcc_impact": True,
            "dcc_lead_time": "12 months",
            "specs": ["GBCS", "DUIS"],
            "effort": 5,
        },
        {
            "id": "SECMP0062",
            "title": "Alert Storm Protection",
            "status": "approved",
            "decided": D(2019, 10, 3),
            "parts": [{"id": "1", "status": "implemented"}, {"id": "2"}],
        },
    ],
    "rules": [
        {"rule": "uplift-cap", "spec": "GBCS", "year": 2021, "max": 1},
        {"rule": "precedence", "before": "MP084", "after": "SECMP0007"},
        {"rule": "fixed", "item": "MP084", "release": "2020-11"},
    ],
}
"""A small valid scenario (checked by `test_base_scenario_is_valid`); cases break one thing."""

Data = dict[str, Any]


# --- helpers ------------------------------------------------------------------------------


def write_yaml(path: Path, data: Any) -> Path:
    """Write `data` as block-style YAML in the key order given."""
    path.write_text(
        yaml.safe_dump(data, sort_keys=False, default_flow_style=False), encoding="utf-8"
    )
    return path


def write_base(
    tmp_path: Path, mutate: Callable[[Data], object] | None = None, name: str = "bad.yaml"
) -> Path:
    """Write a copy of `BASE`, changed in place by `mutate`."""
    data = copy.deepcopy(BASE)
    if mutate is not None:
        mutate(data)
    return write_yaml(tmp_path / name, data)


def item(data: Data, item_id: str) -> Data:
    return next(entry for entry in data["items"] if entry["id"] == item_id)


def rename(mapping: Data, old: str, new: str) -> None:
    """Rename a key in place, keeping its position (a typo where the key was)."""
    items = [(new if key == old else key, value) for key, value in mapping.items()]
    mapping.clear()
    mapping.update(items)


def line_of(path: Path, needle: str, nth: int = 1) -> int:
    """1-based number of the `nth` line of the file that contains `needle`."""
    hits = [n for n, text in enumerate(path.read_text().splitlines(), 1) if needle in text]
    assert len(hits) >= nth, f"{needle!r} not {nth} times in {path}"
    return hits[nth - 1]


def run_validate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "solver", "validate", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


# --- the cases ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    path: Path
    """The file given to the loader and the CLI."""
    place: str
    """Expected key path, e.g. `items[MP084].status` ("" when the whole file is wrong)."""
    problem: str
    """Regex the error's problem text must match (searched, case-insensitive)."""
    line: int | None
    """Expected line; None where no parser can know one (an empty file)."""
    file: Path | None = None
    """The file the error names, when not `path` (an error in a base file)."""


CASES: dict[str, Callable[[Path], Case]] = {}


def case(build: Callable[[Path], Case]) -> Callable[[Path], Case]:
    CASES[build.__name__.removeprefix("case_")] = build
    return build


# YAML itself


@case
def case_yaml_syntax_error(tmp_path: Path) -> Case:
    path = write_base(tmp_path)
    path.write_text(path.read_text().replace("User Panel Seating", "User Panel: Seating"))
    return Case(path, "YAML syntax", r"mapping values", line_of(path, "Panel: Seating"))


@case
def case_empty_file(tmp_path: Path) -> Case:
    path = tmp_path / "empty.yaml"
    path.write_text("")
    return Case(path, "", r"empty", None)


@case
def case_comments_only(tmp_path: Path) -> Case:
    path = tmp_path / "comments.yaml"
    path.write_text("# a scenario, one day\n\n")
    return Case(path, "", r"mapping", 1)


@case
def case_list_not_mapping(tmp_path: Path) -> Case:
    path = write_yaml(tmp_path / "list.yaml", [BASE["items"][0]])
    return Case(path, "", r"mapping", 1)


@case
def case_python_object_tag(tmp_path: Path) -> Case:
    path = tmp_path / "evil.yaml"
    path.write_text(
        "name: evil\nas_of: !!python/object:datetime.date {year: 2020, month: 5, day: 26}\n"
    )
    return Case(path, "YAML syntax", r"python/object", 2)


@case
def case_python_object_apply_tag(tmp_path: Path) -> Case:
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.yaml"
    path.write_text(f'name: evil\nas_of: !!python/object/apply:os.system ["touch {marker}"]\n')
    return Case(path, "YAML syntax", r"python/object/apply", 2)


# unknown keys (a typo where the key was) with "did you mean"


@case
def case_further_problems_are_placed(tmp_path: Path) -> Case:
    """An acceptance test: "(+1 more problem)" said not where; the first few are named."""
    def three(d: Data) -> None:
        item(d, "MP084")["value"] = -1
        item(d, "SECMP0007")["effort"] = "lots"
        item(d, "SECMP0062")["title"] = 7
    path = write_base(tmp_path, three)
    return Case(path, "items[MP084].value", r"greater than or equal to 0 \(got -1\) \(\+2 more "
                r"problems: items\[SECMP0007\]\.effort, items\[SECMP0062\]\.title\)$",
                line_of(path, "value: -1"))


@case
def case_a_typo_hides_no_other_missing_key(tmp_path: Path) -> Case:
    """A review: every missing key beside a typo was taken for the typo's, so a title left
    out went unsaid; only the key the typo is closest to is."""
    def both(d: Data) -> None:
        rename(item(d, "MP084"), "status", "statsu")
        del item(d, "MP084")["title"]
    path = write_base(tmp_path, both)
    return Case(path, "items[MP084].statsu", r"unknown key 'statsu'; did you mean 'status'\? "
                r"\(\+1 more problem: items\[MP084\]\.title\)$", line_of(path, "statsu:"))


@case
def case_a_move_s_key_misspelt(tmp_path: Path) -> Case:
    """A move given with when the Panel made it: a typo there is one problem, with "did you
    mean", not also "not a date" for the union's other member."""
    path = write_base(tmp_path, lambda d: d["calendar"].update(
        moves={"2020-11": {"go_live": D(2020, 11, 29), "decidd": D(2020, 5, 1)}}))
    return Case(path, "calendar.moves.2020-11.decidd",
                r"^unknown key 'decidd'; did you mean 'decided'\?$", line_of(path, "decidd:"))


@case
def case_unknown_top_level_key(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: rename(d, "calendar", "calender"))
    return Case(
        path,
        "calender",
        r"unknown key 'calender'; did you mean 'calendar'\?$",  # the missing key is the typo
        line_of(path, "calender:"),
    )


@case
def case_unknown_top_level_key_optional(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: d.update(descripton="typo"))
    return Case(
        path,
        "descripton",
        r"unknown key 'descripton'; did you mean 'description'\?",
        line_of(path, "descripton:"),
    )


@case
def case_unknown_item_key(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: rename(item(d, "MP084"), "status", "statsu"))
    return Case(
        path,
        "items[MP084].statsu",
        r"unknown key 'statsu'; did you mean 'status'\?$",  # the missing key is the typo
        line_of(path, "statsu:"),
    )


@case
def case_unknown_part_key(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: item(d, "SECMP0062")["parts"][1].update(baseline_="x"))
    return Case(
        path,
        "items[SECMP0062].parts[1].baseline_",
        r"unknown key 'baseline_'; did you mean 'baseline'\?",
        line_of(path, "baseline_:"),
    )


@case
def case_unknown_rule_key(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: rename(d["rules"][0], "spec", "spce"))
    return Case(
        path,
        "rules[0].spce",
        r"unknown key 'spce'; did you mean 'spec'\?$",  # the missing key is the typo
        line_of(path, "spce:"),
    )


@case
def case_unknown_calendar_key(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: rename(d["calendar"], "first", "frist"))
    return Case(
        path,
        "calendar.frist",
        r"unknown key 'frist'; did you mean 'first'\?",
        line_of(path, "frist:"),
    )


# wrong types and values


@case
def case_string_for_int_in_item(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: item(d, "SECMP0007").update(effort="lots"))
    return Case(path, "items[SECMP0007].effort", r"integer.*'lots'", line_of(path, "effort: lots"))


@case
def case_string_for_int_in_rule(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: d["rules"][0].update(year="twenty"))
    return Case(path, "rules[0].year", r"integer.*'twenty'", line_of(path, "year: twenty"))


@case
def case_bad_status_value(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: item(d, "MP084").update(status="approvd"))
    return Case(path, "items[MP084].status", r"did you mean 'approved'\? \(got 'approvd'\)$",
                line_of(path, "status: approvd"))


@case
def case_a_weekday_capitalised(tmp_path: Path) -> Case:
    """An acceptance test: pydantic's "Input should be 'monday', ..." and no "did you mean"."""
    path = write_base(tmp_path, lambda d: d["calendar"]["windows"][0].update(weekday="Thursday"))
    return Case(path, "calendar.windows[0].weekday", r"^should be one of: monday, tuesday, "
                r"wednesday, thursday, friday, saturday, sunday; did you mean 'thursday'\? "
                r"\(got 'Thursday'\)$", line_of(path, "weekday: Thursday"))


@case
def case_bad_date_string(tmp_path: Path) -> Case:
    """Not pydantic's "invalid character in year" (an acceptance test: Python's words)."""
    path = write_base(tmp_path, lambda d: d.update(as_of="26/05/2020"))
    return Case(path, "as_of", r"^not a date YYYY-MM-DD \(got '26/05/2020'\)$",
                line_of(path, "as_of:"))


@case
def case_a_month_out_of_range(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: d.update(as_of="2020-13-01"))
    return Case(path, "as_of", r"^not a date YYYY-MM-DD: month value is outside expected range "
                r"of 1-12 \(got '2020-13-01'\)$", line_of(path, "as_of:"))


@case
def case_a_comma_in_a_flow_mapping_s_text(tmp_path: Path) -> Case:
    """An acceptance test: `{..., note: Legal text first, then the build.}` said "unknown key
    'then the build.'" and no more."""
    path = write_base(tmp_path, lambda d: d.update(rules=[]))
    path.write_text(path.read_text().replace(
        "rules: []", "rules:\n- {rule: precedence, before: MP084, after: SECMP0007, note: Legal "
        "text first, then the build.}"))
    return Case(path, "rules[0].then the build.", r"^unknown key 'then the build.'; a comma in "
                r"a \{\.\.\.\} mapping ends the value before it: put text with a comma in "
                r"quotes$", line_of(path, "note:"))


@case
def case_impossible_date(tmp_path: Path) -> Case:
    """An unquoted YAML date that does not exist (30 February)."""
    path = write_base(tmp_path)
    text = path.read_text().replace("decided: 2020-03-01", "decided: 2020-02-30")
    path.write_text(text)
    return Case(path, "items[SECMP0007].decided", r"2020-02-30|day", line_of(path, "2020-02-30"))


@case
def case_bad_month_id(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: d["calendar"].update(last="2021-13"))
    return Case(path, "calendar.last", r"should be a month such as '2021-06', from 1900 to 2199 "
                                       r"\(got '2021-13'\)",
                line_of(path, "last:"))


@case
def case_bad_duration(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: item(d, "SECMP0007").update(dcc_lead_time="12 monts"))
    return Case(path, "items[SECMP0007].dcc_lead_time",
                r"should be a period such as '38 days'.* \(got '12 monts'\)",
                line_of(path, "12 monts"))


@case
def case_a_time_of_day_for_a_value(tmp_path: Path) -> Case:
    """A fuzz test: YAML 1.1 read `value: 1:30` as the number 90, silently."""
    path = write_base(tmp_path, lambda d: item(d, "MP084").update(value=0))
    path.write_text(path.read_text().replace("value: 0", "value: 1:30"))
    return Case(path, "items[MP084].value", r"valid integer \(got '1:30'\)",
                line_of(path, "value: 1:30"))


@case
def case_an_id_with_a_leading_zero(tmp_path: Path) -> Case:
    """A fuzz test: YAML 1.1 read `id: 0123` as the octal 83, and said "got 83"."""
    path = write_base(tmp_path, lambda d: item(d, "MP084").update(id="PLACEHOLDER"))
    path.write_text(path.read_text().replace("id: PLACEHOLDER", "id: 0123"))
    return Case(path, "items[0].id", r"\(got the number 123: write an id or name in quotes",
                line_of(path, "id: 0123"))


@case
def case_a_control_character_in_a_title(tmp_path: Path) -> Case:
    """A fuzz test: a title with U+0001 made an SVG and a GraphML no XML reader opens."""
    path = write_base(tmp_path, lambda d: item(d, "MP084").update(title="x\x01y"))
    return Case(path, "items[MP084].title", r"control character U\+0001 in the text",
                line_of(path, "title: \"x"))


@case
def case_a_noncharacter_in_a_title(tmp_path: Path) -> Case:
    """An acceptance test: U+FFFE, like U+0001, made files no XML reader opens."""
    path = write_base(tmp_path, lambda d: item(d, "MP084").update(title="x\ufffey"))
    return Case(path, "items[MP084].title", r"control character U\+FFFE in the text",
                line_of(path, "title: \"x"))


@case
def case_number_for_a_period(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: item(d, "MP084").update(party_lead_time=90))
    return Case(path, "items[MP084].party_lead_time",
                r"^should be a period such as '38 days'.* \(got 90\)$",
                line_of(path, "party_lead_time: 90"))


@case
def case_a_rule_without_its_kind(tmp_path: Path) -> Case:
    """A fuzz test: pydantic's "Unable to extract tag using discriminator 'rule'"."""
    path = write_base(tmp_path, lambda d: d["rules"][1].pop("rule"))
    return Case(path, "rules[1]", r"^needs the key 'rule' \(its kind: uplift-cap, .*precedence",
                line_of(path, "before: MP084"))


@case
def case_a_rule_naming_a_split_item(tmp_path: Path) -> Case:
    """A fuzz test: "unknown item 'A'" for a split item, whose parts are the names."""
    path = write_base(tmp_path, lambda d: d["rules"][1].update(after="SECMP0062"))
    return Case(path, "rules[1].after", r"^'SECMP0062' is a split item: name one of its "
                r"parts, SECMP0062.1, SECMP0062.2$", line_of(path, "after: SECMP0062"))


@case
def case_extends_misspelt(tmp_path: Path) -> Case:
    """A fuzz test: `extend:` read as a whole scenario, with no "did you mean"."""
    path = write_yaml(tmp_path / "what-if.yaml", {"extend": "base.yaml", "description": "x"})
    return Case(path, "extend", r"unknown key 'extend'; did you mean 'extends'\?", 1)


@case
def case_a_what_if_setting_the_code(tmp_path: Path) -> Case:
    """An acceptance test: `code: BSC` in a what-if was a plain "unknown key 'code'"."""
    write_base(tmp_path, name="base.yaml")
    path = write_yaml(tmp_path / "what-if.yaml", {"extends": "base.yaml", "code": "BSC"})
    return Case(path, "code", r"'code' belongs to the base scenario: a what-if plans the "
                r"same code's releases$", 2)


@case
def case_a_yaml_merge_key(tmp_path: Path) -> Case:
    """A fuzz test: `<<: [{value: 5}, {value: 7}]` slipped past the repeated-key check."""
    path = write_base(tmp_path)
    path.write_text(path.read_text() + "<<: [{description: a}, {description: b}]\n")
    return Case(path, "", r"YAML merge keys \(<<\) are not supported", line_of(path, "<<:"))


@case
def case_an_objective_term_twice(tmp_path: Path) -> Case:
    """A fuzz test: the same term at two priorities was accepted, and counted twice."""
    path = write_base(tmp_path, lambda d: d.update(objective=[
        {"term": "delay", "priority": 1}, {"term": "delay", "priority": 2}]))
    return Case(path, "objective", r"the term 'delay' is listed twice",
                line_of(path, "objective:"))


@case
def case_an_item_updated_and_removed(tmp_path: Path) -> Case:
    """A fuzz test: "unknown item 'MP084'" for an item the base has, removed by the same
    what-if that updates it."""
    write_base(tmp_path, name="base.yaml")
    path = write_yaml(tmp_path / "what-if.yaml", {
        "extends": "base.yaml",
        "items": {"update": {"MP084": {"value": 3}}, "remove": ["MP084"]}})
    return Case(path, "items.update.MP084", r"item 'MP084' is removed in this file too: "
                r"update it or remove it, not both", line_of(path, "MP084:"))


@case
def case_a_published_cut_off_without_its_release(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: item(d, "SECMP0007").update(
        baseline_cut_off=D(2020, 10, 22)))
    return Case(path, "items[SECMP0007]", r"baseline_cut_off is the published cut-off for "
                r"the baseline release: give baseline too", line_of(path, "id: SECMP0007"))


@case
def case_unknown_rule_kind(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: d["rules"][0].update(rule="uplift-cpa"))
    return Case(path, "rules[0]", r"^unknown rule 'uplift-cpa'; did you mean 'uplift-cap'\?$",
                line_of(path, "rule: uplift-cpa"))


@case
def case_unknown_key_in_uncertainty_entry(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: d.update(
        uncertainty={"items": {"MP084": {"aproval": 0.5}}}))
    return Case(path, "uncertainty.items.MP084.aproval",
                r"unknown key 'aproval'; did you mean 'approval'\?", line_of(path, "aproval:"))


@case
def case_a_period_naming_a_unit_twice(tmp_path: Path) -> Case:
    """A fuzz test: "1 month 1 month" was read as 2 months, without a word."""
    path = write_base(tmp_path, lambda d: item(d, "MP084").update(
        party_lead_time="1 month 2 weeks 1 months"))
    return Case(path, "items[MP084].party_lead_time", r"^names months twice: give each unit "
                r"once, as '1 month 10 days' \(got '1 month 2 weeks 1 months'\)$",
                line_of(path, "1 months"))


@case
def case_a_period_past_a_hundred_years(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: item(d, "MP084").update(party_lead_time="3000 years"))
    return Case(path, "items[MP084].party_lead_time", r"^a period of at most 100 years",
                line_of(path, "3000 years"))


@case
def case_a_spread_past_any_date(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: d.update(uncertainty={"every_item": {
        "delay_days": {"low": 0, "mode": 0, "high": 99999999}}}))
    return Case(path, "uncertainty.every_item.delay_days", r"at most 3,660 days either way",
                line_of(path, "delay_days:"))


@case
def case_a_number_the_objective_could_overflow_on(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: item(d, "MP084").update(value=10**15))
    return Case(path, "items[MP084].value", r"less than or equal to 100000",
                line_of(path, "value:"))


@case
def case_a_boolean_for_a_gap(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: d["rules"][1].update(min_gap=True))
    return Case(path, "rules[1].min_gap", r"valid integer \(got True\)",
                line_of(path, "min_gap:"))


@case
def case_what_if_scales_lead_times_without_bound(tmp_path: Path) -> Case:
    path = write_what_if(tmp_path, {"changes": [{"scale-lead-times": float("inf")}]})
    return Case(path, "changes[0].scale-lead-times", r"less than or equal to 100",
                line_of(path, "scale-lead-times"))


@case
def case_a_boolean_for_a_number(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: item(d, "MP084").update(value=True))
    return Case(path, "items[MP084].value", r"valid integer \(got True\)",
                line_of(path, "value:"))


@case
def case_a_number_for_a_date(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: d.update(as_of=20200526))
    return Case(path, "as_of", r"^not a date YYYY-MM-DD \(got 20200526\)$",
                line_of(path, "as_of:"))


@case
def case_an_item_twice_in_one_rule(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: d["rules"].append(
        {"rule": "never-together", "items": ["MP084", "MP084"]}))
    return Case(path, "rules[3].items[1]", r"item 'MP084' is listed twice in this rule",
                line_of(path, "- MP084", 2))


@case
def case_two_windows_in_one_month(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: d["calendar"]["windows"].append(
        {"month": 11, "weekday": "thursday", "week": "last"}))
    return Case(path, "calendar", r"two windows in month 11", line_of(path, "calendar:"))


@case
def case_what_if_removes_an_item_twice(tmp_path: Path) -> Case:
    path = write_what_if(tmp_path, {"items": {"remove": ["MP084", "MP084"]}})
    return Case(path, "items.remove[1]", r"'MP084' is listed twice",
                line_of(path, "- MP084", 2))


@case
def case_bad_policy_duration(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: d.update(policy={"dcc_baseline": "a year"}))
    return Case(path, "policy.dcc_baseline", r"a year", line_of(path, "dcc_baseline:"))


# duplicates


@case
def case_duplicate_item_id(tmp_path: Path) -> Case:
    twin = {"id": "MP084", "title": "Twin", "status": "approved", "decided": D(2020, 1, 1)}
    path = write_base(tmp_path, lambda d: d["items"].append(twin))
    return Case(
        path, "items[MP084].id", r"'MP084' is used twice", line_of(path, "id: MP084", nth=2)
    )


@case
def case_duplicate_part_id(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: item(d, "SECMP0062")["parts"][1].update(id="1"))
    return Case(
        path, "items[SECMP0062]", r"part id.*(repeat|twice)", line_of(path, "id: SECMP0062")
    )


@case
def case_split_item_baseline(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: item(d, "SECMP0062").update(baseline="2020-11"))
    return Case(
        path, "items[SECMP0062]", r"split item's baseline.*\(parts\[\]\.baseline\)",
        line_of(path, "id: SECMP0062"),
    )


@case
def case_duplicate_release_id(tmp_path: Path) -> Case:
    extra = {"id": "2021-06", "go_live": D(2021, 3, 4)}
    path = write_base(tmp_path, lambda d: d["calendar"].update(extra=[extra]))
    return Case(
        path, "calendar.extra[0].id", r"'2021-06' is used twice", line_of(path, "id: 2021-06")
    )


# references


@case
def case_unknown_item_in_rule(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: d["rules"][1].update(before="MP085"))
    return Case(
        path,
        "rules[1].before",
        r"unknown item 'MP085'; did you mean 'MP084'\?",
        line_of(path, "before: MP085"),
    )


@case
def case_unknown_spec_in_item(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: item(d, "SECMP0007").update(specs=["GBCS", "DUSI"]))
    return Case(
        path,
        "items[SECMP0007].specs[1]",
        r"unknown specification 'DUSI'; did you mean 'DUIS'\?",
        line_of(path, "- DUSI"),
    )


@case
def case_unknown_spec_in_uplift_cap(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: d["rules"][0].update(spec="GBSC"))
    return Case(
        path,
        "rules[0].spec",
        r"unknown specification 'GBSC'; did you mean 'GBCS'\?",
        line_of(path, "spec: GBSC"),
    )


@case
def case_unknown_release_item_baseline(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: item(d, "MP084").update(baseline="2020-12"))
    return Case(
        path,
        "items[MP084].baseline",
        r"no release of the calendar falls in 2020-12",
        line_of(path, "baseline: 2020-12"),
    )


@case
def case_unknown_release_item_earliest(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: item(d, "SECMP0007").update(earliest="2019-06"))
    return Case(
        path,
        "items[SECMP0007].earliest",
        r"^release '2019-06' is outside the horizon \(2020-11 to 2021-11\): move "
        r"calendar\.first to take it in, or name a release of the horizon$",
        line_of(path, "earliest: 2019-06"),
    )


@pytest.mark.parametrize(("latest", "said"), [
    ("2023-6", r"^release '2023-06' is outside the horizon"),  # however the month is written
    ("2021-6", r"^release '2021-6': write it '2021-06'$"),
    ("2021-06-24", r"^'2021-06-24' is a date: a release is named by its month, YYYY-MM$"),
    ("2023-01", r"^no release of the calendar falls in 2023-01 \(its windows: months 6, 11\), "
                r"and it is outside the horizon \(2020-11 to 2021-11\)$"),  # no way round
    ("2021-03", r"^no release of the calendar falls in 2021-03 \(its windows: months 6, 11\); "
                r"did you mean '2021-06'\?$"),
])
def test_a_release_id_written_otherwise_says_what_is_wrong(
        tmp_path: Path, latest: str, said: str) -> None:
    """A review: "2023-6" and "2023-06-30" got "did you mean" a release, and a month with no
    window "move calendar.last", which could never help."""
    path = write_base(tmp_path, lambda d: item(d, "SECMP0007").update(latest=latest))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert re.search(said, caught.value.problem), caught.value.problem


@case
def case_a_latest_release_past_the_horizon(tmp_path: Path) -> Case:
    """An acceptance test: "did you mean '2021-11'?" for a `latest` past the horizon, a
    limit never meant."""
    path = write_base(tmp_path, lambda d: item(d, "SECMP0007").update(latest="2023-06"))
    return Case(path, "items[SECMP0007].latest", r"^release '2023-06' is outside the horizon "
                r"\(2020-11 to 2021-11\): move calendar\.last to take it in",
                line_of(path, "latest: 2023-06"))


@case
def case_unknown_release_fixed_rule(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: d["rules"][2].update(release="2021-10"))
    return Case(
        path,
        "rules[2].release",
        r"no release of the calendar falls in 2021-10 \(its windows: months 6, 11\); did you "
        r"mean '2021-11'\?",  # in the horizon: a typo
        line_of(path, "release: 2021-10"),
    )


@case
def case_unknown_release_calendar_moves(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: d["calendar"].update(moves={"2020-12": D(2020, 12, 3)}))
    return Case(
        path,
        "calendar.moves.2020-12",
        r"unknown release '2020-12'",
        line_of(path, "2020-12:"),
    )


@case
def case_precedence_cycle(tmp_path: Path) -> Case:
    back = {"rule": "precedence", "before": "SECMP0007", "after": "MP084"}
    path = write_base(tmp_path, lambda d: d["rules"].append(back))
    return Case(  # at the cycle's last rule, naming them all (an acceptance test: `rules:`)
        path,
        "rules[3]",
        r"precedence cycle: (MP084 -> SECMP0007 -> MP084|SECMP0007 -> MP084 -> SECMP0007) "
        r"\(by precedence\(MP084, SECMP0007\), precedence\(SECMP0007, MP084\)\)$",
        line_of(path, "rule: precedence", 2),  # the second precedence rule: the one added
    )


# dates in impossible order


@case
def case_calendar_first_after_last(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: d["calendar"].update(first="2022-06"))
    return Case(path, "calendar", r"first.*2022-06.*after.*2021-11", line_of(path, "calendar:"))


@case
def case_item_earliest_after_latest(tmp_path: Path) -> Case:
    path = write_base(
        tmp_path, lambda d: item(d, "SECMP0007").update(earliest="2021-11", latest="2021-06")
    )
    return Case(
        path,
        "items[SECMP0007].earliest",
        r"2021-11 is after .*2021-06",
        line_of(path, "earliest: 2021-11"),
    )


@case
def case_decided_after_as_of(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: item(d, "SECMP0007").update(decided=D(2020, 6, 1)))
    return Case(
        path,
        "items[SECMP0007].decided",
        r"2020-06-01 is after as_of 2020-05-26",
        line_of(path, "decided: 2020-06-01"),
    )


# extends


@case
def case_extends_cycle(tmp_path: Path) -> Case:
    a = write_yaml(tmp_path / "a.yaml", {"extends": "b.yaml", "description": "A"})
    b = write_yaml(tmp_path / "b.yaml", {"description": "B", "extends": "a.yaml"})
    return Case(a, "extends", r"cycle.*a\.yaml.*b\.yaml.*a\.yaml", 2, file=b)


@case
def case_extends_a_long_chain(tmp_path: Path) -> Case:
    write_base(tmp_path, name="c0.yaml")
    for k in range(1, 41):
        write_yaml(tmp_path / f"c{k}.yaml", {"extends": f"c{k - 1}.yaml"})
    return Case(tmp_path / "c40.yaml", "extends", r"more than 30 files extend one another",
                1, file=tmp_path / "c10.yaml")


@case
def case_extends_an_empty_name(tmp_path: Path) -> Case:
    path = write_yaml(tmp_path / "what-if.yaml", {"extends": None, "description": "x"})
    return Case(path, "extends", r"must be a file name \(got None\)", 1)


@case
def case_a_key_given_twice(tmp_path: Path) -> Case:
    path = write_base(tmp_path)
    text = path.read_text()
    path.write_text(text.replace("as_of: ", "as_of: 2020-06-26\nas_of: ", 1))
    return Case(path, "as_of", r"key 'as_of' appears twice \(first on line 2\)", 3)


@case
def case_a_key_given_twice_in_an_item(tmp_path: Path) -> Case:
    """Named by the item's id, as every other problem in an item is (it said items[1])."""
    path = write_base(tmp_path)
    path.write_text(path.read_text().replace("- id: SECMP0007\n",
                                             "- id: SECMP0007\n  note: x\n  note: y\n", 1))
    return Case(path, "items[SECMP0007].note", r"key 'note' appears twice",
                line_of(path, "note: y"))


@case
def case_a_yaml_alias(tmp_path: Path) -> Case:
    path = write_base(tmp_path)
    text = path.read_text()
    path.write_text(text.replace("specifications:\n", "specifications: &specs\n", 1)
                    + "note: *specs\n")
    return Case(path, "note", r"YAML aliases \(\*name\) are not supported",
                line_of(path, "note: *specs"))


@case
def case_nesting_too_deep(tmp_path: Path) -> Case:
    path = tmp_path / "deep.yaml"
    path.write_text("name: x\nnote: " + "[" * 60 + "]" * 60 + "\n")
    return Case(path, "note[0][0][0]...", r"nested more than 40 levels deep", 2)


@case
def case_nesting_deep_enough_to_crash_the_parser(tmp_path: Path) -> Case:
    """A fuzz test: 30,000 levels ended the process in libyaml, with no message at all."""
    path = tmp_path / "deeper.yaml"
    path.write_text("as_of: " + "[" * 30000 + "]" * 30000 + "\n")
    return Case(path, "", r"nested more than 40 levels deep", 1)


@case
def case_a_list_for_a_key(tmp_path: Path) -> Case:
    """A fuzz test: `? [a, b]` ended in "unhashable type: 'list'"."""
    path = write_base(tmp_path)
    path.write_text(path.read_text() + "? [a, b]\n: 1\n")
    return Case(path, "", r"a key must be a name, not a list or a mapping",
                line_of(path, "? [a, b]"))


@case
def case_a_number_too_long(tmp_path: Path) -> Case:
    """A fuzz test: a 5,000-digit value ended in Python's "Exceeds the limit (4300
    digits)"."""
    data = copy.deepcopy(BASE)
    data["items"][0]["value"] = 0
    path = write_yaml(tmp_path / "long.yaml", data)
    path.write_text(path.read_text().replace("value: 0", "value: " + "1" * 5000))
    return Case(path, "items[MP084].value", r"a number of more than 30 digits",
                line_of(path, "value: 111"))


@case
def case_a_go_live_in_year_9999(tmp_path: Path) -> Case:
    """A fuzz test: a go-live moved to 9999-12-31 (or 0001-01-02) overflowed the date
    arithmetic of the baselines."""
    data = copy.deepcopy(BASE)
    data["calendar"]["moves"] = {"2020-11": "9999-12-31"}
    path = write_yaml(tmp_path / "far.yaml", data)
    return Case(path, "calendar.moves.2020-11", r"less than or equal to 2199-12-31",
                line_of(path, "9999-12-31"))


@case
def case_a_horizon_in_year_9999(tmp_path: Path) -> Case:
    data = copy.deepcopy(BASE)
    data["calendar"]["last"] = "9999-11"
    path = write_yaml(tmp_path / "far.yaml", data)
    return Case(path, "calendar.last", r"a month such as '2021-06', from 1900 to 2199",
                line_of(path, "9999-11"))


@case
def case_a_plan_file_for_a_scenario(tmp_path: Path) -> Case:
    path = tmp_path / "plan.json"
    path.write_text('{\n  "scenario": "mini",\n  "status": "optimal",\n  "assignments": {}\n}\n')
    return Case(path, "", r"a plan file, not a scenario", None)


@case
def case_extends_self(tmp_path: Path) -> Case:
    path = write_yaml(tmp_path / "self.yaml", {"extends": "self.yaml"})
    return Case(path, "extends", r"cycle.*self\.yaml", 1)


@case
def case_extends_missing_base(tmp_path: Path) -> Case:
    path = write_yaml(tmp_path / "what-if.yaml", {"description": "x", "extends": "nope.yaml"})
    return Case(path, "extends", r"nope\.yaml.*not found", 2)


@case
def case_error_in_base_file(tmp_path: Path) -> Case:
    base = write_base(tmp_path, lambda d: item(d, "SECMP0007").update(effort="lots"), "base.yaml")
    path = write_yaml(tmp_path / "what-if.yaml", {"extends": "base.yaml", "description": "x"})
    return Case(
        path, "items[SECMP0007].effort", r"integer.*'lots'", line_of(base, "effort: lots"), base
    )


# what-if overlays


def write_what_if(tmp_path: Path, changes: Data) -> Path:
    write_base(tmp_path, name="base.yaml")
    return write_yaml(tmp_path / "what-if.yaml", {"extends": "base.yaml", **changes})


@case
def case_what_if_update_unknown_item(tmp_path: Path) -> Case:
    path = write_what_if(tmp_path, {"items": {"update": {"MP085": {"status": "rejected"}}}})
    return Case(
        path,
        "items.update.MP085",
        r"unknown item 'MP085'; did you mean 'MP084'\?",
        line_of(path, "MP085:"),
    )


@case
def case_what_if_slip_as_a_number(tmp_path: Path) -> Case:
    # a proposer was told to "write an id or name in quotes"
    path = write_what_if(tmp_path, {"changes": [{"re-decide": "MP084", "slip": 60}]})
    return Case(path, "changes[0].slip", r"should be a period such as '38 days'.* \(got 60\)$",
                line_of(path, "slip:"))


@case
def case_what_if_items_as_a_list(tmp_path: Path) -> Case:
    # a proposer read pydantic's "a valid dictionary or instance of ItemChanges"
    path = write_what_if(tmp_path, {"items": [{"id": "MP900", "title": "New"}]})
    return Case(path, "items", r"^should be a mapping with the keys update, add, remove$",
                line_of(path, "items:"))


@case
def case_what_if_rule_items_as_one_name(tmp_path: Path) -> Case:
    path = write_what_if(tmp_path, {"rules": {"add": [{"rule": "same-release",
                                                       "items": "MP084"}]}})
    return Case(path, "rules.add[0].items", r"^should be a list: write \[MP084\]",
                line_of(path, "items: MP084"))


@case
def case_what_if_pin_to_a_release_written_otherwise(tmp_path: Path) -> Case:
    # a proposer was told of "rules[15]", the rule the pin makes, which they never wrote
    path = write_what_if(tmp_path, {"changes": [{"pin": "MP084", "release": "2021-6"}]})
    return Case(path, "changes[0].release", r"^release '2021-6': write it '2021-06'$",
                line_of(path, "release:"))


@case
def case_what_if_remove_unknown_item(tmp_path: Path) -> Case:
    path = write_what_if(tmp_path, {"items": {"remove": ["MP085"]}})
    return Case(path, "items.remove", r"'MP085'", line_of(path, "remove:"))


@case
def case_what_if_remove_unknown_rule(tmp_path: Path) -> Case:
    path = write_what_if(tmp_path, {"rules": {"remove": ["uplift-cap(GBCS, 2022)"]}})
    return Case(
        path,
        "rules.remove",
        r"unknown rule 'uplift-cap\(GBCS, 2022\)'; did you mean 'uplift-cap\(GBCS, 2021\)'\?",
        line_of(path, "remove:"),
    )


@case
def case_what_if_cancels_a_release_an_item_is_baselined_in(tmp_path: Path) -> Case:
    path = write_what_if(tmp_path, {"changes": [{"cancel-release": "2020-11"}]})
    return Case(
        path,
        "changes[0]",
        r"then items\[MP084\].baseline: release '2020-11' is cancelled, and this still names "
        r"it: update the item too \(items: \{update: \{MP084: \{baseline: \.\.\.\}\}\}\)$",
        line_of(path, "cancel-release"),
    )


@case
def case_what_if_cancels_a_release_a_rule_names(tmp_path: Path) -> Case:
    path = write_what_if(tmp_path, {
        "calendar": {"cancel": ["2020-11"]},
        "items": {"update": {"MP084": {"baseline": None}}},
    })
    return Case(
        path,
        "rules[2].release",
        r"release '2020-11' is cancelled, and this still names it: change the rule too",
        line_of(tmp_path / "base.yaml", "release: 2020-11"),
        tmp_path / "base.yaml",
    )


@case
def case_what_if_overlay_breaks_a_valid_base(tmp_path: Path) -> Case:
    path = write_what_if(tmp_path, {"specifications": ["DUIS"]})
    return Case(path, "items[SECMP0007].specs[0]",
                r"unknown specification 'GBCS'.* \(after the overlays of what-if.yaml; "
                r"base.yaml alone is valid\)$",
                line_of(tmp_path / "base.yaml", "- GBCS", 2), tmp_path / "base.yaml")


@case
def case_what_if_removes_an_item_a_rule_names(tmp_path: Path) -> Case:
    path = write_what_if(tmp_path, {"items": {"remove": ["MP084"]}})
    return Case(
        path,
        "rules[1].before",
        r"item 'MP084' is removed \(what-if.yaml:\d+, items.remove\), and this still names it",
        line_of(tmp_path / "base.yaml", "before: MP084"),
        tmp_path / "base.yaml",
    )


# assumptions


@case
def case_assumption_about_a_misspelt_item(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: d.update(assumptions=[
        {"about": ["SECMP0007.value", "MP085.expected_decision"], "note": "a guess"}]))
    return Case(path, "assumptions[0].about[1]",
                r"unknown item, field, rule or scenario key 'MP085.expected_decision'; did you "
                r"mean 'MP084.expected_decision'\?", line_of(path, "MP085.expected_decision"))


@case
def case_assumption_about_a_field_items_do_not_have(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: d.update(assumptions=[
        {"about": "MP084.lead_time", "note": "a guess"}]))
    return Case(path, "assumptions[0].about[0]", r"'MP084.lead_time'",
                line_of(path, "MP084.lead_time"))


@case
def case_assumption_about_nothing(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: d.update(assumptions=[{"about": [], "note": "x"}]))
    return Case(path, "assumptions[0].about", r"at least 1 item", line_of(path, "about:"))


@case
def case_assumption_without_a_note(tmp_path: Path) -> Case:
    path = write_base(tmp_path, lambda d: d.update(assumptions=[{"about": "MP084"}]))
    return Case(path, "assumptions[0]", r"required key 'note' is missing",
                line_of(path, "about: MP084"))


@case
def case_what_if_assumption_about_a_misspelt_rule(tmp_path: Path) -> Case:
    path = write_what_if(tmp_path, {"assumptions": [
        {"about": "uplift-cap(GBCS, 2022)", "note": "carries on"}]})
    return Case(path, "assumptions[0].about[0]",
                r"'uplift-cap\(GBCS, 2022\)'; did you mean 'uplift-cap\(GBCS, 2021\)'\?",
                line_of(path, "uplift-cap(GBCS, 2022)"))


@case
def case_what_if_shifts_a_named_item_its_filters_skip(tmp_path: Path) -> Case:
    path = write_what_if(tmp_path, {"changes": [
        {"shift-lead-times": "3 months", "items": ["SECMP0007"]},
        {"scale-lead-times": 1.5, "items": ["MP084"]},
    ]})
    return Case(path, "changes[0]", r"SECMP0007: not reached: decided \(pending_only, true by "
                r"default: add pending_only: false\)$", line_of(path, "shift-lead-times"))


@case
def case_what_if_scales_a_named_item_with_no_dcc_impact(tmp_path: Path) -> Case:
    path = write_what_if(tmp_path, {"changes": [{"scale-lead-times": 1.5, "items": ["MP084"]}]})
    return Case(path, "changes[0]", r"MP084: not reached: no DCC-system impact \(dcc_only",
                line_of(path, "scale-lead-times"))


@case
def case_what_if_unknown_top_level_key(tmp_path: Path) -> Case:
    path = write_what_if(tmp_path, {"calender": {"moves": {"2020-11": D(2020, 11, 29)}}})
    return Case(
        path,
        "calender",
        r"unknown key 'calender'; did you mean 'calendar'\?$",  # the missing key is the typo
        line_of(path, "calender:"),
    )


@case
def case_what_if_unknown_change_kind(tmp_path: Path) -> Case:
    path = write_what_if(tmp_path, {"items": {"updaet": {"MP084": {"status": "rejected"}}}})
    return Case(
        path,
        "items.updaet",
        r"unknown key 'updaet'; did you mean 'update'\?",
        line_of(path, "updaet:"),
    )


@case
def case_what_if_unknown_calendar_key(tmp_path: Path) -> Case:
    path = write_what_if(tmp_path, {"calendar": {"move": {"2020-11": D(2020, 11, 29)}}})
    return Case(
        path,
        "calendar.move",
        r"unknown key 'move'; did you mean 'moves'\?",
        line_of(path, "move:"),
    )


@case
def case_what_if_update_bad_status(tmp_path: Path) -> Case:
    path = write_what_if(tmp_path, {"items": {"update": {"MP084": {"status": "rejectd"}}}})
    return Case(path, "items[MP084].status", r"'rejectd'", line_of(path, "status: rejectd"))


@case
def case_what_if_update_unknown_field(tmp_path: Path) -> Case:
    path = write_what_if(tmp_path, {"items": {"update": {"MP084": {"statsu": "rejected"}}}})
    return Case(
        path,
        "items[MP084].statsu",
        r"unknown key 'statsu'; did you mean 'status'\?$",  # the missing key is the typo
        line_of(path, "statsu:"),
    )


@case
def case_what_if_added_rule_unknown_item(tmp_path: Path) -> Case:
    fixed = {"rule": "fixed", "item": "MP058", "release": "2021-06"}
    path = write_what_if(tmp_path, {"rules": {"add": [fixed]}})
    # named as the what-if writes it, not by its index in the merged list (rules[3])
    return Case(path, "rules.add[0].item", r"unknown item 'MP058'",
                line_of(path, "item: MP058"))


@case
def case_what_if_second_change_names_its_own_index(tmp_path: Path) -> Case:
    """The base has no changes, but a what-if of a what-if: its own changes[0] is the merged
    list's changes[1] (an acceptance test found the merged index named)."""
    first = write_what_if(tmp_path, {"changes": [{"reject": "MP084"}]})
    path = write_yaml(tmp_path / "second.yaml", {"extends": first.name, "changes": [
        {"shift-lead-times": "3 months", "items": ["MP084"]}]})
    return Case(path, "changes[0]", r"MP084", line_of(path, "shift-lead-times"))


@case
def case_what_if_added_item_duplicate_id(tmp_path: Path) -> Case:
    twin = {"id": "SECMP0007", "title": "Twin", "status": "approved", "decided": D(2020, 1, 1)}
    path = write_what_if(tmp_path, {"items": {"add": [twin]}})
    return Case(
        path, "items[SECMP0007].id", r"'SECMP0007' is used twice", line_of(path, "id: SECMP0007")
    )


@case
def case_release_on_another_releases_day(tmp_path: Path) -> Case:
    extra = {"id": "2021-07", "go_live": D(2021, 6, 24)}  # the June 2021 release's day
    path = write_base(tmp_path, lambda d: d["calendar"].update(extra=[extra]))
    return Case(path, "calendar.extra[0].go_live", r"2021-07 goes live on 2021-06-24, the "
                "same day as 2021-06", line_of(path, "go_live:"))


@case
def case_what_if_change_moves_a_release_onto_another(tmp_path: Path) -> Case:
    path = write_what_if(tmp_path, {"changes": [{"move-release": "2021-11",
                                                  "go_live": D(2021, 6, 24)}]})
    return Case(path, "changes[0]", r"then calendar\.moves\.2021-11: release 2021-11 goes "
                "live on 2021-06-24, the same day as 2021-06", line_of(path, "move-release"))


@case
def case_what_if_change_breaks_a_rule_field(tmp_path: Path) -> Case:
    path = write_what_if(tmp_path, {"changes": [{"set-rule": "uplift-cap(GBCS, 2021)",
                                                  "max": -1}]})
    return Case(path, "changes[0]", r"then rules\[0\]\.max: .*greater than or equal to 0",
                line_of(path, "set-rule"))


@case
def case_what_if_change_with_a_bad_period(tmp_path: Path) -> Case:
    path = write_what_if(tmp_path, {"changes": [{"shift-lead-times": "3 monthz"}]})
    return Case(path, "changes[0].shift-lead-times", r"should be a period such as",
                line_of(path, "shift-lead-times"))


@case
def case_what_if_change_with_a_bad_date_on_its_second_line(tmp_path: Path) -> Case:
    """An acceptance test: the place was `changes[0].re-decide.expected_decision`, on the
    line of `re-decide:`, one above the date."""
    path = write_what_if(tmp_path, {"changes": [{"re-decide": "MP084",
                                                 "expected_decision": "24/10/2020"}]})
    return Case(path, "changes[0].expected_decision", r"not a date YYYY-MM-DD",
                line_of(path, "expected_decision"))


@case
def case_what_if_move_unknown_release(tmp_path: Path) -> Case:
    path = write_what_if(tmp_path, {"calendar": {"moves": {"2020-12": D(2020, 12, 3)}}})
    return Case(
        path, "calendar.moves.2020-12", r"unknown release '2020-12'", line_of(path, "2020-12:")
    )


# --- the tests ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CASES))
def test_loader_raises_located_error(name: str, tmp_path: Path) -> None:
    expected = CASES[name](tmp_path)
    with pytest.raises(ScenarioError) as info:
        load_scenario(expected.path)
    err = info.value
    message = str(err)
    named = expected.file or expected.path
    assert Path(err.file).resolve() == named.resolve(), message
    assert named.name in message
    assert err.place == expected.place, message
    assert expected.place in message
    assert re.search(expected.problem, err.problem, re.IGNORECASE), message
    assert err.problem in message
    assert "(got {" not in message, "one clear message, not the whole mapping echoed back"
    assert err.line == expected.line, message
    if expected.line is not None:
        assert f"{named.name}:{expected.line}:" in message


@pytest.mark.parametrize("name", sorted(CASES))
def test_cli_validate_exits_2_with_one_line(name: str, tmp_path: Path) -> None:
    expected = CASES[name](tmp_path)
    result = run_validate(expected.path)
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert (expected.file or expected.path).name in lines[0]
    assert expected.place in lines[0]


def test_python_tags_are_not_executed(tmp_path: Path) -> None:
    expected = case_python_object_apply_tag(tmp_path)
    with pytest.raises(ScenarioError):
        load_scenario(expected.path)
    assert run_validate(expected.path).returncode == 2
    assert not (tmp_path / "pwned").exists()


def test_base_scenario_is_valid(tmp_path: Path) -> None:
    """The cases break one thing each in a scenario that is otherwise good."""
    path = write_base(tmp_path, name="good.yaml")
    assert load_scenario(path).name == "mini"
    result = run_validate(path)
    assert result.returncode == 0, result.stderr
    assert load_scenario(write_what_if(tmp_path, {"description": "no change"})).name == "what-if"


def test_baseline_validates() -> None:
    result = run_validate(ROOT / "scenarios" / "sec-2020" / "baseline.yaml")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=[p.stem for p in SCENARIO_FILES])
def test_every_scenario_file_validates(path: Path) -> None:
    load_scenario(path)
    result = run_validate(path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
