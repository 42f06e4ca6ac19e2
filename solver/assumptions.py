"""What a scenario's assumptions are about, and the value each of those holds now.

An assumption names items, their fields, rules or scenario keys (`Assumption.about`); a
what-if may have changed the value since the assumption was written (SECMP0067's expected
decision after the send-back), so the report and `secplan validate` show the value in
force beside the note, read from the resolved scenario.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

from pydantic import BaseModel

from solver.model import Assumption, Item, Part, Scenario


def in_force(scenario: Scenario, name: str) -> str:
    """The value `name` holds in the resolved scenario, in words ("" when the name is a
    whole item, a rule or a key too big to print: its name says enough)."""
    rule = next((r for r in scenario.rules if r.name == name), None)
    if rule is not None:
        if name in scenario.switched_off:
            return "switched off"
        from solver.lint import closed_units, moot_because

        if why := moot_because(rule, closed_units(scenario)):
            return f"no longer applies: {why}"
        return ("hard" if rule.hard else f"soft ({rule.penalty})") + f"; {rule.asks}"
    if name == "objective":  # the weights are what an assumption about it is about
        priorities = sorted({t.priority for t in scenario.objective})
        return "; ".join(f"priority {p}: " + ", ".join(
            f"{t.term} x{t.weight}" for t in scenario.objective if t.priority == p)
            for p in priorities)
    value = _lookup(scenario, name)
    if value is None:  # an item's field unset (its expected decision, once decided), or not one
        units = unit_ids(scenario)
        return "not set" if name not in units and name.rpartition(".")[0] in units else ""
    return "" if isinstance(value, BaseModel) else _words(value)


def _lookup(scenario: Scenario, name: str) -> object:
    """The value at `name`: `ITEM.FIELD` (a part's unset field is its item's), or
    `KEY.SUB` of the scenario; None for anything else."""
    owner, _, field = name.rpartition(".")
    for item in scenario.items:
        if owner == item.id and field in Item.model_fields:
            return getattr(item, field)
        part = next((p for p in item.parts if owner == f"{item.id}.{p.id}"), None)
        if part is not None and field in Part.model_fields:
            value = getattr(part, field)
            return getattr(item, field, None) if value is None else value
    head, _, sub = name.partition(".")
    value = getattr(scenario, head, None)
    if sub and isinstance(value, BaseModel):
        value = getattr(value, sub, None)
    if isinstance(value, (list, dict)) and any(
            isinstance(v, BaseModel) for v in (value.values() if isinstance(value, dict)
                                               else value)):
        return None  # windows, terms, uncertain items: their name says enough
    return value


def _words(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ", ".join(map(_words, value)) or "none"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_words(v)}" for k, v in value.items()) or "none"
    return str(value)


def written_in(assumption: Assumption) -> str:
    """The name of the file that wrote the assumption ("" for one not loaded from a file)."""
    return Path(assumption._written_in).name if assumption._written_in else ""


def as_written(scenario: Scenario, assumption: Assumption) -> str | None:
    """"as written, in baseline.yaml: SECMP0067 DCC lead time: 4 months" when a what-if has
    changed values the assumption is about since the file that wrote it (whose note may
    speak of the old ones); None when none changed."""
    then = _scenario_of(assumption._written_in) if assumption._written_in else None
    if then is None:
        return None
    changed = [name for name in assumption.about
               if (was := in_force(then, name)) and was != in_force(scenario, name)]
    return (f"as written, in {written_in(assumption)}: "
            + "; ".join(about_words(then, changed))) if changed else None


@functools.cache
def _scenario_of(path: str) -> Scenario | None:
    from solver.scenario import ScenarioError, load_scenario

    try:
        return load_scenario(path)
    except ScenarioError:  # a base valid only with the what-if's overlays
        return None


def unit_ids(scenario: Scenario) -> set[str]:
    """The ids of a scenario's items and of their parts (`SECMP0062.2`)."""
    return {i.id for i in scenario.items} | {f"{i.id}.{p.id}" for i in scenario.items
                                             for p in i.parts}


def about_words(scenario: Scenario, about: list[str]) -> list[str]:
    """An assumption's names with their values in force, one line each, in the order
    written, items' fields in words ("SECMP0067 expected decision: 2020-11-19"); a field
    of several items shares a line, at the first one's place ("decided: MP081 2020-02-26,
    MP093 2019-10-23"), with the value said once when it is the same ("Party lead time 38
    days: MP080, MP081")."""
    units = unit_ids(scenario)
    lines: list[str | tuple[str, list[tuple[str, str]]]] = []
    groups: dict[str, list[tuple[str, str]]] = {}
    for name in about:
        owner, _, field = name.rpartition(".")
        value = in_force(scenario, name)
        if name in units or owner not in units:
            label = _KEY_WORDS.get(name, name)
            lines.append(f"{label}: {value}" if value else label)
        elif field in groups:
            groups[field].append((owner, value))
        else:
            groups[field] = [(owner, value)]
            lines.append((field, groups[field]))
    return [line if isinstance(line, str) else _field_line(*line) for line in lines]


_KEY_WORDS = {"calendar.moves": "go-live moves", "objective": "objective weights",
              "policy.dcc_baseline": "DCC scope baseline", "policy.full_baseline":
              "full scope baseline", "policy.exceptions": "exceptions"}
"""Scenario keys in the Panel's words (a review: "calendar.moves: none" read as code)."""
_FIELD_WORDS = {"dcc_lead_time": "DCC lead time", "party_lead_time": "Party lead time",
                "dcc_impact": "DCC impact", "specs": "specifications"}


def _field_line(field: str, owners: list[tuple[str, str]]) -> str:
    values = {v for _, v in owners}
    field = _FIELD_WORDS.get(field, field.replace("_", " "))
    if len(owners) == 1:
        return f"{owners[0][0]} {field}: {owners[0][1]}"
    if len(values) == 1:
        return f"{field} {values.pop()}: " + ", ".join(o for o, _ in owners)
    return f"{field}: " + ", ".join(f"{o} {v}" for o, v in owners)
