"""Load scenario files: YAML or JSON, `extends:` overlays, strict validation.

A what-if file names its base with `extends:` and lists only what changes:

* `items:` a mapping with `update` (id -> fields to replace), `add` (new items) and
  `remove` (ids);
* `rules:` a mapping with `add` (new rules) and `remove` (rule names such as
  `uplift-cap(GBCS, 2021)`);
* `calendar:`, `policy:` mappings merged key by key (`calendar.moves` moves a go-live);
* `changes:` and `assumptions:` added to the base's (an assumption about the same names
  replaces the base's);
* any other key replaces the base's value.

Every problem becomes one `ScenarioError` naming the file, the place (key path, and the
line where the YAML parser knows it) and what is wrong.
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args, get_origin

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from solver.fields import PATTERN_WORDS
from solver.model import Calendar, Item, Part, Scenario, WhatIf
from solver.rules import Rule

if TYPE_CHECKING:
    from solver.calendar import Release

Loc = tuple[str | int, ...]

BASE_ONLY = {
    "code": "a what-if plans the same code's releases",
    "switched_off": "a what-if switches a rule off with the change `- switch-off: NAME`",
}
"""Scenario keys a what-if may not set, and what to say instead of "unknown key"."""


_SafeBase: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeBase):  # type: ignore[valid-type,misc]
    """PyYAML's safe loader (libyaml's when present: ten times faster) reading plain
    values as YAML 1.2 does: `true`/`false` only, decimal, `0o` and `0x` integers and plain
    floats. YAML 1.1's readings silently changed what a file says (a fuzz test: `value:
    1:30` became 90, `id: 0123` the octal 83, a specification `NO` false). Its timestamp
    resolver is left out too: dates stay text for pydantic to parse, so an impossible date
    such as 2020-02-30 is reported with its place."""


_YAML_12 = {
    "tag:yaml.org,2002:bool": (re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                               "tTfF"),
    "tag:yaml.org,2002:int": (re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
                              "-+0123456789"),
    "tag:yaml.org,2002:float": (re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"), "-+.0123456789"),
}
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers
            if tag not in ("tag:yaml.org,2002:timestamp", *_YAML_12)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _tag, (_regexp, _firsts) in _YAML_12.items():
    _Loader.add_implicit_resolver(_tag, _regexp, list(_firsts))


def _yaml_12_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    """An integer as YAML 1.2 reads it: `0123` is 123, not YAML 1.1's octal 83."""
    text = str(loader.construct_scalar(node))
    base = {"0o": 8, "0x": 16}.get(text[:2], 10)
    return int(text[2:] if base != 10 else text, base)


_Loader.add_constructor("tag:yaml.org,2002:int", _yaml_12_int)


def _parse(text: str) -> tuple[dict[Loc, int], Any]:
    """One parse: the line of every key path, then the data built from the node tree
    (after `_node_lines` has refused what it refuses, an alias first of all)."""
    _check_depth(text)
    loader = _Loader(text)
    lines: dict[Loc, int] = {}
    try:
        node = loader.get_single_node()
        if node is None:
            return lines, None
        _node_lines(node, (), lines, set())
        return lines, loader.construct_document(node)
    finally:
        loader.dispose()


def _check_depth(text: str) -> None:
    """Refuse deep nesting from the parser's events, before libyaml builds the node tree:
    30,000 levels of `[` crashed the process there (a fuzz test). Past `_CRASH_SAFE_DEPTH`
    only: below it the tree's check (`_node_lines`) says the place. About a fifth of the
    parse's time."""
    depth, line = 0, 0
    too_deep = f"nested more than {MAX_DEPTH} levels deep"
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                line = event.start_mark.line + 1 if event.start_mark else line
                if depth > _CRASH_SAFE_DEPTH:
                    raise _BadNode((), line, too_deep)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError as exc:  # PyYAML 6.0.4's libyaml stops at its own depth: the same
        if "nesting depth" not in str(exc):
            raise
        mark = getattr(exc, "problem_mark", None)
        raise _BadNode((), mark.line + 1 if mark else line, too_deep) from None


_CRASH_SAFE_DEPTH = 1000
"""Nesting libyaml builds a tree of without trouble (10,000 levels did; 30,000 crashed)."""
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
"""Characters no text of a scenario needs (tabs and line breaks are fine), which SVG and
GraphML cannot hold: a fuzz test's title with U+0001 made files no XML reader opens (an
acceptance test: U+FFFE and U+FFFF too)."""
MAX_DIGITS = 30
"""Digits a number in a scenario may have (Python refuses past 4,300, with a traceback)."""


class ScenarioError(Exception):
    """Bad input: one message naming file, place and problem."""

    def __init__(self, file: Path | str, place: str, problem: str, line: int | None = None):
        self.file, self.place, self.problem, self.line = str(file), place, problem, line
        where = f"{self.file}:{line}" if line else self.file
        super().__init__(f"{where}: {place}: {problem}" if place else f"{where}: {problem}")


@dataclass
class SourceFile:
    """One parsed file: its data and the line of every key path in it."""

    path: Path
    data: dict[str, Any]
    lines: dict[Loc, int]


MAX_DEPTH = 40
"""Nesting a scenario file may have (a real one needs under ten levels)."""


class _BadNode(Exception):
    def __init__(self, loc: Loc, line: int, problem: str):
        super().__init__(problem)
        shown = "".join(f"[{part}]" if isinstance(part, int) else f".{part}"
                        for part in loc[:4]).lstrip(".")
        self.place = shown + ("..." if len(loc) > 4 else "")
        self.line, self.problem = line, problem


def _node_lines(node: yaml.Node, loc: Loc, out: dict[Loc, int], seen: set[int]) -> None:
    """Index the line of every key path; refuse what a strict file cannot mean: a key
    given twice (one would silently win), an alias (`*name`, which can also expand
    without bound) and nesting past MAX_DEPTH."""
    line = node.start_mark.line + 1
    if id(node) in seen:  # an alias is the node it names: its line is the anchor's
        raise _BadNode(loc, out.get(loc, line), "YAML aliases (*name) are not supported: "
                                                "write the value out")
    seen.add(id(node))
    if len(loc) > MAX_DEPTH:
        raise _BadNode(loc, line, f"nested more than {MAX_DEPTH} levels deep")
    out[loc] = line
    if isinstance(node, yaml.ScalarNode) and node.tag.endswith((":int", ":float")) \
            and len(node.value) > MAX_DIGITS:
        raise _BadNode(loc, line, f"a number of more than {MAX_DIGITS} digits")
    if isinstance(node, yaml.ScalarNode) and (bad := _CONTROL.search(node.value)):
        raise _BadNode(loc, line, f"control character U+{ord(bad.group()):04X} in the text "
                                  "(no chart, GraphML or report file could hold it)")
    if isinstance(node, yaml.MappingNode):
        first: dict[Any, int] = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):  # `? [a, b]`: no name a file uses
                raise _BadNode(loc, key.start_mark.line + 1,
                               "a key must be a name, not a list or a mapping")
            if key.tag == "tag:yaml.org,2002:merge":  # its keys slip past the check below
                raise _BadNode(loc, key.start_mark.line + 1,
                               "YAML merge keys (<<) are not supported: write the keys out")
            k = key.value
            if k in first:
                raise _BadNode((*loc, k), key.start_mark.line + 1,
                               f"key {k!r} appears twice (first on line {first[k]})")
            first[k] = out[(*loc, k)] = key.start_mark.line + 1
            _node_lines(value, (*loc, k), out, seen)
            out[(*loc, k)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            try:
                _node_lines(value, (*loc, i), out, seen)
            except _BadNode as exc:  # an item named by its id, as every other place names
                item = _item_id(value) if loc == ("items",) else None  # it (a review:
                if item is not None:  # `items[0].title` for a key given twice in MP300)
                    exc.place = exc.place.replace(f"items[{i}]", f"items[{item}]", 1)
                raise


def _item_id(node: yaml.Node) -> str | None:
    """The `id` an item's mapping node gives, if it gives one as a plain value."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "id" \
                    and isinstance(value, yaml.ScalarNode) and value.value:
                return str(value.value)
    return None


def read_source(path: Path) -> SourceFile:
    """Parse one file safely (no object construction) and index its lines."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(path, "", "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(path, "", f"cannot read file: {exc}") from None
    if not text.strip():
        raise ScenarioError(path, "", "file is empty")
    try:
        lines, data = _parse(text)
    except _BadNode as exc:
        raise ScenarioError(path, exc.place, exc.problem, exc.line) from None
    except RecursionError:
        raise ScenarioError(path, "", f"nested more than {MAX_DEPTH} levels deep") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise ScenarioError(path, "YAML syntax", str(exc.problem or exc), line) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(path, "YAML syntax", str(exc)) from None
    if not isinstance(data, dict):
        raise ScenarioError(path, "", "the file must hold a mapping of keys (name, items, ...)", 1)
    return SourceFile(path, data, lines)


@dataclass
class Origin:
    """Where a piece of merged data was written: a file and the key path in it."""

    source: SourceFile
    loc: Loc


_NUMBERED = ("rules", "changes", "assumptions")
"""Lists a what-if adds to, whose merged index is not the one its file shows."""


@dataclass
class Loaded:
    """A scenario's merged data with the origin of each part, for located error messages."""

    data: dict[str, Any]
    chain: list[SourceFile]
    top: dict[str, list[Origin]] = field(default_factory=dict)
    items: list[list[Origin]] = field(default_factory=list)
    rules: list[list[Origin]] = field(default_factory=list)
    changes: list[list[Origin]] = field(default_factory=list)
    assumptions: list[list[Origin]] = field(default_factory=list)
    removed: dict[str, str] = field(default_factory=dict)
    """Item id -> where an overlay's `items: remove:` took it out ("wi.yaml:4")."""
    removed_units: dict[str, str] = field(default_factory=dict)
    """Unit id (the item, or each part of a split one) -> the removed item's id."""
    removed_rules: set[str] = field(default_factory=set)
    """Names of the rules an overlay's `rules: remove:` took out."""
    dropped_parts: set[str] = field(default_factory=set)
    """Ids of parts an overlay's `items: update:` left out of an item's `parts`."""

    def took_out(self, name: str) -> bool:
        """True when an overlay took out what `name` (an assumption's) is about: an item or
        part, or one of its fields; a rule."""
        owner = name.rpartition(".")[0]
        gone = {*self.removed, *self.removed_units, *self.dropped_parts}
        return name in gone or owner in gone or name in self.removed_rules

    def error(self, loc: Loc, problem: str) -> ScenarioError:
        """A `ScenarioError` for a place in the merged data, named as the file that wrote it
        numbers it: a what-if's `changes[0]` is not the merged list's `changes[1]` (an
        acceptance test found the merged index named)."""
        origins, rest = self._origins(loc)

        def place(origin: Origin) -> str:
            return self.place((*origin.loc, *rest) if loc and loc[0] in _NUMBERED and
                              origin.loc else loc)

        for origin in reversed(origins):
            if (*origin.loc, *rest) in origin.source.lines:
                full = (*origin.loc, *rest)
                return ScenarioError(origin.source.path, place(origin), problem,
                                     origin.source.lines[full])
        origin = origins[-1] if origins else Origin(self.chain[-1], ())
        full = (*origin.loc, *rest)
        while full and full not in origin.source.lines:
            full = full[:-1]
        return ScenarioError(origin.source.path, place(origin), problem,
                             origin.source.lines.get(full))

    def _origins(self, loc: Loc) -> tuple[list[Origin], Loc]:
        tables = {"items": self.items, "rules": self.rules, "changes": self.changes,
                  "assumptions": self.assumptions}
        if len(loc) >= 2 and loc[0] in tables and isinstance(loc[1], int):
            table = tables[str(loc[0])]
            if loc[1] < len(table):
                return table[loc[1]], loc[2:]
        if loc and isinstance(loc[0], str):
            return self.top.get(loc[0], []), loc[1:]
        return [], loc

    def place(self, loc: Loc) -> str:
        """Readable key path: `items[MP084].status`, `rules[2].max`."""
        out = ""
        for i, part in enumerate(loc):
            if isinstance(part, int):
                label: str | int = part
                if i == 1 and loc[0] == "items":
                    items = self.data.get("items")
                    if isinstance(items, list) and part < len(items):
                        entry = items[part]
                        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                            label = entry["id"]
                out += f"[{label}]"
            else:
                out += f".{part}" if out else str(part)
        return out


# --- extends ------------------------------------------------------------------------------


MAX_EXTENDS = 30
"""Files in one `extends:` chain (what-ifs of what-ifs: a handful in practice)."""


def load_merged(path: Path, _seen: tuple[Path, ...] = ()) -> Loaded:
    """Read a file and, recursively, the base it extends; merge the overlays in order."""
    path = path.resolve() if path.exists() else path
    source = read_source(path)
    if {"assignments", "status"} <= source.data.keys():  # `--compare plan.json`, say
        raise ScenarioError(path, "", "a plan file, not a scenario: give the scenario file "
                                      "it was planned from")
    if "extends" not in source.data:
        return _as_base(source)
    base_name = source.data["extends"]
    if not (isinstance(base_name, str) and base_name.strip()):
        raise ScenarioError(path, "extends", f"must be a file name (got {base_name!r})",
                            source.lines.get(("extends",)))
    if len(_seen) >= MAX_EXTENDS:
        raise ScenarioError(path, "extends", f"more than {MAX_EXTENDS} files extend one "
                            "another here: flatten the chain", source.lines.get(("extends",)))
    base_path = (path.parent / base_name).resolve()
    if base_path in (*_seen, path):
        cycle = " -> ".join(p.name for p in (*_seen, path, base_path))
        raise ScenarioError(
            path, "extends", f"extends cycle: {cycle}", source.lines.get(("extends",))
        )
    if not base_path.exists():
        raise ScenarioError(
            path, "extends", f"base file {base_name} not found", source.lines.get(("extends",))
        )
    try:
        WhatIf.model_validate(source.data)
    except ValidationError as exc:
        raise _first_error(
            Loaded(source.data, [source], {k: [Origin(source, (k,))] for k in source.data}),
            exc,
            model=WhatIf,
        ) from None
    base = load_merged(base_path, (*_seen, path))
    _overlay(base, source)
    return base


def _as_base(source: SourceFile) -> Loaded:
    data = dict(source.data)
    data.setdefault("name", source.path.stem)
    loaded = Loaded(data, [source])
    loaded.top = {key: [Origin(source, (key,))] for key in data}
    for key, table in (("items", loaded.items), ("rules", loaded.rules),
                       ("changes", loaded.changes), ("assumptions", loaded.assumptions)):
        entries = data.get(key)
        if entries is not None and not isinstance(entries, list):
            raise ScenarioError(source.path, key, "must be a list", source.lines.get((key,)))
        table.extend([Origin(source, (key, i))] for i in range(len(entries or [])))
    return loaded


def _overlay(loaded: Loaded, source: SourceFile) -> None:
    data = loaded.data
    loaded.chain.append(source)
    data["name"] = source.path.stem
    for key, value in source.data.items():
        if key == "extends":
            continue
        loaded.top.setdefault(key, []).append(Origin(source, (key,)))
        if key == "changes" and isinstance(value, list):
            value = [_slip_dated(entry, source.data.get("as_of", data.get("as_of")))
                     for entry in value]
            data["changes"] = [*(data.get("changes") or []), *value]
            loaded.changes.extend([Origin(source, ("changes", i))] for i in range(len(value)))
        elif key == "items":
            _overlay_items(loaded, source, value)
        elif key == "rules":
            _overlay_rules(loaded, source, value)
        elif key == "assumptions" and isinstance(value, list):
            _overlay_assumptions(loaded, source, value)
        elif key in ("calendar", "policy", "uncertainty") and isinstance(value, dict):
            merged = dict(data.get(key) or {})
            for sub, sub_value in value.items():
                if sub == "moves" and isinstance(sub_value, dict):
                    merged[sub] = {**(merged.get(sub) or {}), **sub_value}
                else:
                    merged[sub] = sub_value
            data[key] = merged
        else:
            data[key] = value
    _drop_uncertainty_of_removed(loaded, source)
    _lead_time_changes_among(loaded, source)


_LEAD_TIME_CHANGES = ("shift-lead-times", "scale-lead-times")
_LEAD_TIME_FIELDS = frozenset({"dcc_lead_time", "party_lead_time"})


def _lead_time_changes_among(loaded: Loaded, source: SourceFile) -> None:
    """This file's lead-time changes with no `items` reach the items as it leaves them
    (`among`): changes apply after every file's overlays, so an item a later file added was
    changed too (an acceptance test: December's x1.1 stretched a 3-month lead time given in
    April to 3 months 9 days)."""
    ids = [entry.get("id") for entry in loaded.data.get("items") or []
           if isinstance(entry, dict)]
    changes = loaded.data.get("changes") or []
    for k, change in enumerate(changes):
        if loaded.changes[k][-1].source is source and isinstance(change, dict) \
                and any(kind in change for kind in _LEAD_TIME_CHANGES) \
                and change.get("items") is None and "among" not in change:
            changes[k] = {**change, "among": ids}


def _lead_time_written(loaded: Loaded, source: SourceFile, item_id: str) -> None:
    """An earlier file's lead-time changes leave `item_id` alone, its lead time written
    again by `source`: the newer word on it."""
    changes = loaded.data.get("changes") or []
    for k, change in enumerate(changes):
        if loaded.changes[k][-1].source is not source and isinstance(change, dict) \
                and isinstance(change.get("among"), list) and item_id in change["among"]:
            changes[k] = {**change, "among": [i for i in change["among"] if i != item_id]}


def _slip_dated(entry: Any, as_of: Any) -> Any:
    """A `re-decide` by a `slip`, with the planning date of the file that writes it as the
    day an overdue decision's slip counts from (its `as_of`, unless given): changes apply
    after every file's overlays, so a later month's `as_of` moved it again (an acceptance
    test: `slip: 2 months` on an overdue decision in August drifted a month later with
    every monthly file, was never listed as due, and left its baselined release)."""
    if isinstance(entry, dict) and "re-decide" in entry and "slip" in entry \
            and "as_of" not in entry and as_of is not None:
        return {**entry, "as_of": as_of}
    return entry


def _drop_uncertainty_of_removed(loaded: Loaded, source: SourceFile) -> None:
    """A base's `uncertainty.items` entries, and places in its `together` groups, for the
    items a what-if removes go with them, as its assumptions about them do (a review:
    removing MP084 from uncertain.yaml was bad input until the whole `uncertainty.items`
    map was written out again). An entry the what-if itself writes for a removed item
    stays, and is refused as naming nothing."""
    unc = loaded.data.get("uncertainty")
    if not (isinstance(unc, dict) and loaded.removed):
        return
    own_unc = source.data.get("uncertainty")
    own_unc = own_unc if isinstance(own_unc, dict) else {}
    items = unc.get("items")
    if isinstance(items, dict):
        own = own_unc.get("items")
        own = own if isinstance(own, dict) else {}
        unc = {**unc, "items": {k: v for k, v in items.items()
                                if k not in loaded.removed or k in own}}
    groups = unc.get("together")
    if isinstance(groups, list) and "together" not in own_unc:  # the base's groups
        left = [[i for i in g if i not in loaded.removed] if isinstance(g, list) else g
                for g in groups]
        unc = {**unc, "together": [g for g in left if not isinstance(g, list) or len(g) > 1]}
    loaded.data["uncertainty"] = unc


def _changes(source: SourceFile, key: str, value: Any, allowed: set[str]) -> dict[str, Any]:
    line = source.lines.get((key,))
    if not isinstance(value, dict):
        raise ScenarioError(
            source.path, key, f"in a what-if file, {key} is a mapping of {sorted(allowed)}", line
        )
    for change in value:
        if change not in allowed:
            raise ScenarioError(
                source.path,
                f"{key}.{change}",
                unknown_name(str(change), allowed),
                source.lines.get((key, change)),
            )
    return value


def _removals(source: SourceFile, key: str, changes: dict[str, Any]) -> list[Any]:
    """An overlay's `KEY: {remove: [...]}`, none listed twice."""
    removing = list(changes.get("remove") or [])
    for i, name in enumerate(removing):
        if name in removing[:i]:
            raise ScenarioError(source.path, f"{key}.remove[{i}]", f"{name!r} is listed twice",
                                source.lines.get((key, "remove", i)))
    return removing


def _overlay_items(loaded: Loaded, source: SourceFile, value: Any) -> None:
    changes = _changes(source, "items", value, {"update", "add", "remove"})
    items: list[Any] = list(loaded.data.get("items") or [])
    ids = [entry.get("id") if isinstance(entry, dict) else None for entry in items]
    for item_id in _removals(source, "items", changes):
        if item_id not in ids:
            raise ScenarioError(
                source.path,
                "items.remove",
                f"no item {item_id!r} in the base scenario",
                source.lines.get(("items", "remove")),
            )
        k = ids.index(item_id)
        parts = _part_ids(item_id, items[k]) if isinstance(items[k], dict) else set()
        for unit_id in parts or {str(item_id)}:
            loaded.removed_units[unit_id] = str(item_id)
        del items[k], ids[k], loaded.items[k]
        _supersede(loaded, source, str(item_id), _ITEM_CHANGES)
        line = source.lines.get(("items", "remove"))
        loaded.removed[str(item_id)] = f"{source.path.name}:{line}" if line else source.path.name
    for item_id, fields in (changes.get("update") or {}).items():
        loc = ("items", "update", item_id)
        if item_id not in ids:
            removed_here = str(item_id) in loaded.removed and \
                loaded.removed[str(item_id)].startswith(source.path.name)
            raise ScenarioError(
                source.path,
                f"items.update.{item_id}",
                f"item {item_id!r} is removed in this file too: update it or remove it, "
                "not both" if removed_here
                else unknown_name(str(item_id), set(map(str, ids)), "item"),
                source.lines.get(loc),
            )
        if not isinstance(fields, dict):
            raise ScenarioError(
                source.path,
                f"items.update.{item_id}",
                "must be a mapping of fields",
                source.lines.get(loc),
            )
        k = ids.index(item_id)
        if _DECISION_FIELDS & fields.keys():
            dropped = _supersede(loaded, source, str(item_id), _DECISION_CHANGES)
            fields = _approval_kept(fields, dropped)
        if _LEAD_TIME_FIELDS & fields.keys():
            _lead_time_written(loaded, source, str(item_id))
        loaded.dropped_parts |= _part_ids(item_id, items[k]) - _part_ids(item_id, fields)
        items[k] = {**items[k], **fields}
        loaded.items[k].append(Origin(source, loc))
    for i, entry in enumerate(changes.get("add") or []):
        items.append(entry)
        loaded.items.append([Origin(source, ("items", "add", i))])
    loaded.data["items"] = items


_DECISION_CHANGES = frozenset({"send-back", "re-decide", "approve", "reject", "withdraw"})
_ITEM_CHANGES = _DECISION_CHANGES | {"pin"}
_DECISION_FIELDS = frozenset({"status", "decided", "expected_decision"})


def _supersede(loaded: Loaded, source: SourceFile, item_id: str,
               kinds: frozenset[str]) -> list[Any]:
    """Drop an earlier file's changes of `kinds` naming `item_id`, and return them: a later
    file that removes the item, or states its decision in `items: update:`, is the newer
    word on it. Changes apply after every file's overlays, so the earlier change undid the
    later update (a monthly re-plan: `approve: MP080` in May, `status: implemented` in
    December, and MP080 stayed approved, with no word)."""
    changes = list(loaded.data.get("changes") or [])
    keep = [k for k, change in enumerate(changes)
            if loaded.changes[k][-1].source is source or not isinstance(change, dict)
            or not any(change.get(kind) == item_id for kind in kinds)]
    if len(keep) < len(changes):
        loaded.data["changes"] = [changes[k] for k in keep]
        loaded.changes[:] = [loaded.changes[k] for k in keep]
    return [change for k, change in enumerate(changes) if k not in keep]


def _approval_kept(fields: dict[str, Any], dropped: list[Any]) -> dict[str, Any]:
    """An update stating an item implemented (or approved) with no date of its own keeps
    the approval date of the `approve` change it supersedes (an acceptance test: `secplan
    roll` marked SECMP0067 implemented, and its approval in a month before was lost, the
    assumptions showing the expected decision of the base as the value in force)."""
    approvals = [c for c in dropped if "approve" in c and c.get("decided") is not None]
    if not approvals or fields.get("status") not in ("approved", "implemented") \
            or {"decided", "expected_decision"} & fields.keys():
        return fields
    return {**fields, "decided": approvals[-1]["decided"], "expected_decision": None}


def _part_ids(item_id: Any, entry: Mapping[str, Any]) -> set[str]:
    """`ITEM.PART` for each part an item's (or an update's) `parts` lists."""
    return {f"{item_id}.{p['id']}" for p in entry.get("parts") or []
            if isinstance(p, dict) and "id" in p} if isinstance(entry.get("parts"), list) \
        else set()


def _pinned_hint(loaded: Loaded, name: str) -> str | None:
    """Why `rules: {remove: [NAME]}` cannot take out the rule a base's `pin` change makes,
    and what does (an acceptance test: `validate` listed `fixed(SECMP0067)`, and removing
    it said "unknown rule; did you mean 'fixed(SECMP0062.2)'?"): changes apply after every
    file's overlays, so the rule is not there yet."""
    for change in loaded.data.get("changes") or []:
        if isinstance(change, dict) and isinstance(change.get("pin"), str):
            pinned = {"rule": "fixed", "item": change["pin"], "release": change.get("release")}
            try:
                made: str = TypeAdapter(Rule).validate_python(pinned).name
            except ValidationError:
                continue  # a bad pin: said where it is applied
            if made == name:
                return (f"{name!r} is made by a `pin` change, and changes apply after "
                        f"every file's overlays; to stop it, add `- switch-off: {name!r}` to "
                        "this file's changes (or drop this file's own pin)")
    return None


def _overlay_rules(loaded: Loaded, source: SourceFile, value: Any) -> None:
    changes = _changes(source, "rules", value, {"add", "remove"})
    rules: list[Any] = list(loaded.data.get("rules") or [])
    names: list[str] = []
    for k, entry in enumerate(rules):
        try:
            names.append(TypeAdapter(Rule).validate_python(entry).name)
        except ValidationError as exc:
            raise _first_error(loaded, exc, ("rules", k)) from None
    for name in _removals(source, "rules", changes):
        if name not in names:
            raise ScenarioError(
                source.path,
                "rules.remove",
                _pinned_hint(loaded, str(name)) or unknown_name(str(name), set(names), "rule"),
                source.lines.get(("rules", "remove")),
            )
        k = names.index(name)
        del rules[k], names[k], loaded.rules[k]
        loaded.removed_rules.add(str(name))
    for i, entry in enumerate(changes.get("add") or []):
        rules.append(entry)
        loaded.rules.append([Origin(source, ("rules", "add", i))])
    loaded.data["rules"] = rules


def _about(entry: Any) -> tuple[str, ...] | None:
    """An assumption entry's `about` as a tuple of names (None when malformed: validation
    reports it later)."""
    about = entry.get("about") if isinstance(entry, dict) else None
    about = [about] if isinstance(about, str) else about
    return tuple(about) if isinstance(about, list) and all(isinstance(a, str) for a in about) \
        else None


def _overlay_assumptions(loaded: Loaded, source: SourceFile, value: list[Any]) -> None:
    """A what-if's assumptions are added to the base's; one about the same names (in any
    order) replaces the base's (the what-if revises it)."""
    entries: list[Any] = list(loaded.data.get("assumptions") or [])
    inherited = len(entries)  # two of the file's own about the same names are both kept
    for i, entry in enumerate(value):
        origin = [Origin(source, ("assumptions", i))]
        about = _about(entry)
        same = next((k for k, old in enumerate(entries[:inherited])
                     if about and set(_about(old) or ()) == set(about)), None)
        if same is None:
            entries.append(entry)
            loaded.assumptions.append(origin)
        else:
            entries[same] = entry
            loaded.assumptions[same] = origin
    loaded.data["assumptions"] = entries


# --- validation -------------------------------------------------------------------------


def unknown_name(key: str, valid: Collection[str], what: str = "key") -> str:
    """"unknown item 'secmp0067'; did you mean 'SECMP0067'?": the same name in another
    case first, else the closest spelling; a split item, where its parts are the names,
    says so (a fuzz test: "unknown item 'A'" for an item with parts A.1 and A.2)."""
    parts = sorted(v for v in valid if v.startswith(f"{key}."))
    if parts:
        return (f"{key!r} is a split item: name one of its parts, "
                + ", ".join(parts[:4]) + (" ..." if len(parts) > 4 else ""))
    return f"unknown {what} {key!r}{did_you_mean(key, valid)}"


def did_you_mean(key: str, valid: Collection[str]) -> str:
    """"; did you mean 'SECMP0067'?": the same name in another case first, else the
    closest spelling; "" when nothing is close."""
    folded = {v.casefold(): v for v in sorted(valid)}
    close = ([folded[key.casefold()]] if key.casefold() in folded
             else difflib.get_close_matches(key, sorted(valid), n=1))
    return f"; did you mean {close[0]!r}?" if close else ""


def _model_at(loc: Loc, root: type[BaseModel]) -> type[BaseModel] | None:
    """The pydantic model that holds the last key of `loc` (for 'did you mean')."""
    from solver.changes import ACTIONS, Change
    from solver.rules import RULE_MODELS

    model: type[BaseModel] | None = root
    keyed = False  # the part is a key of a mapping (`uncertainty.items.MP204`), not a field
    for part in loc[:-1]:
        if model is None:
            return None
        if isinstance(part, int) or keyed:
            keyed = False
            continue
        if part in RULE_MODELS:
            model = RULE_MODELS[part]
            continue
        if part in ACTIONS and issubclass(model, Change):  # a change's kind (`re-decide`)
            model = ACTIONS[str(part)]
            continue
        if part in UNION_MEMBERS:  # the union's member the error is about
            continue
        info = model.model_fields.get(part)
        if info is None:
            return None
        model = _inner_model(info.annotation)
        keyed = _is_mapping(info.annotation)
    return model


def _is_mapping(annotation: Any) -> bool:
    if get_origin(annotation) in (dict, Mapping):
        return True
    return any(_is_mapping(arg) for arg in get_args(annotation))


def _pattern_words(loc: Loc, root: type[BaseModel]) -> str | None:
    """What a valid value of the string field at `loc` looks like, when its pattern is one
    of PATTERN_WORDS (a period, a release id)."""
    holder = _model_at(loc, root)
    info = holder.model_fields.get(str(loc[-1])) if holder else None
    if info is None:
        return None
    found = [getattr(meta, "pattern", None) for meta in info.metadata]
    todo = [info.annotation]  # an optional field's pattern is inside its union (`slip: 60`)
    while todo:
        annotation = todo.pop()
        found += [getattr(meta, "pattern", None)
                  for meta in getattr(annotation, "__metadata__", ())]
        todo += get_args(annotation)
    return next((PATTERN_WORDS[p] for p in found if p in PATTERN_WORDS), None)


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _first_error(
    loaded: Loaded, exc: ValidationError, prefix: Loc = (), model: type[BaseModel] = Scenario
) -> ScenarioError:
    return loaded.error(*_first_problem(exc, prefix, model, loaded.place))


UNION_MEMBERS = frozenset({"date", "MovedGoLive"})
"""The names pydantic gives a union's members in an error's place (`calendar.moves.2020-11`
may be a date or a `{go_live, decided}`); no key of a scenario is named so."""

SHOWN_PLACES = 3
"""Places of further problems a bad-input message names after its first."""


def _other_member(loc: Loc, first: Loc, shown: Callable[[Loc], Loc]) -> bool:
    """Whether an error at `loc` is about another member of a union the `first` error's
    value is one of (a move given as a mapping fails as a date too): the same problem."""
    where = shown(loc)
    return where == shown(first) or (bool(loc) and loc[-1] in UNION_MEMBERS
                                     and shown(first)[:len(where)] == where)


def _first_problem(
    exc: ValidationError, prefix: Loc = (), model: type[BaseModel] = Scenario,
    place: Callable[[Loc], str] | None = None,
) -> tuple[Loc, str]:
    """The place and words of a validation error's first problem; with `place`, the places
    of the others too, the first few (an acceptance test: "(+1 more problem)" said not
    where)."""
    from solver.changes import ACTIONS

    errors = exc.errors()
    # A misspelt required key shows as both "missing" and "extra": name the typo.
    first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc: Loc = (*prefix, *first["loc"])
    if first["type"] == "extra_forbidden":
        holder = _model_at(loc, model)
        valid = set(holder.model_fields) if holder else set()
        if holder is Scenario:  # `extend:` read as a whole scenario (a fuzz test)
            valid.add("extends")
        problem = unknown_name(str(loc[-1]), valid)
        if holder is WhatIf and loc[-1] in BASE_ONLY:  # an acceptance test: "unknown key"
            problem = f"{loc[-1]!r} belongs to the base scenario: {BASE_ONLY[str(loc[-1])]}"
        elif " " in str(loc[-1]):  # `{note: Legal text first, then the build}` (an
            # acceptance test: "unknown key 'then the build'")
            problem += ("; a comma in a {...} mapping ends the value before it: put text "
                        "with a comma in quotes")
    elif first["type"] == "missing":
        problem = f"required key {loc[-1]!r} is missing"
        loc = loc[:-1]
    elif first["type"] == "string_pattern_mismatch" and (
        first.get("ctx", {}).get("pattern") in PATTERN_WORDS
    ):
        problem = f"should be {PATTERN_WORDS[first['ctx']['pattern']]}"
    elif first["type"].startswith(("date_", "datetime_")):
        got_text = first.get("input")  # pydantic's detail only where it helps: "month value
        # is outside expected range", not "invalid character in year" for 27/06/2027
        problem = ("not a date YYYY-MM-DD" if not isinstance(got_text, str)
                   or not re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", got_text.strip())
                   else f"not a date YYYY-MM-DD: {first['msg'].rpartition(', ')[2]}")
    elif first["type"] == "literal_error" and isinstance(first.get("input"), str):
        # `weekday: Thursday` (an acceptance test: pydantic's "Input should be ...", no
        # "did you mean")
        values = re.findall(r"'([^']*)'", str(first.get("ctx", {}).get("expected", "")))
        problem = f"should be one of: {', '.join(values)}{did_you_mean(first['input'], values)}"
    elif first["type"] == "union_tag_invalid":  # `rule: capactiy`
        ctx = first.get("ctx", {})
        tags = [t.strip(" '") for t in str(ctx.get("expected_tags", "")).split(",")]
        what = str(ctx.get("discriminator", "kind")).strip("'")
        problem = unknown_name(str(ctx.get("tag")), tags, what)
    elif first["type"] == "unknown_change" and isinstance(first.get("input"), dict) \
            and first["input"]:  # `send-bak: MP300` (an acceptance test: no "did you mean")
        keys = [str(k) for k in first["input"]]  # the action's typo, not `expected_decision`
        key = next((k for k in keys if difflib.get_close_matches(k, ACTIONS, n=1)), keys[0])
        problem = unknown_name(key, ACTIONS, "change")
        if "did you mean" not in problem:
            problem += f"; a change starts with one of: {', '.join(ACTIONS)}"
    elif first["type"] == "union_tag_not_found":  # a rule without `rule:` (a fuzz test)
        from solver.rules import RULE_MODELS

        key = str(first.get("ctx", {}).get("discriminator", "")).strip("'")
        kinds = f" (its kind: {', '.join(RULE_MODELS)})" if key == "rule" else ""
        problem = f"needs the key {key!r}{kinds}"
    elif first["type"] == "string_type" and (words := _pattern_words(loc, model)):
        problem = f"should be {words}"  # `party_lead_time: 90`: a number, not a period
    elif first["type"] == "model_type" and (inner := _model_at((*loc, ""), model)):
        # a what-if's `items:` given as a list (a proposer read pydantic's "instance of
        # ItemChanges")
        problem = f"should be a mapping with the keys {', '.join(inner.model_fields)}"
    elif first["type"] == "list_type" and isinstance(first.get("input"), str | int):
        problem = f"should be a list: write [{first['input']}]"  # `items: MP131`
    else:
        problem = first["msg"]
        if first["type"] == "value_error":
            problem = problem.removeprefix("Value error, ")
    got = first.get("input")
    if first["type"].startswith("string_") and isinstance(got, int | float) \
            and not isinstance(got, bool) and "period" not in problem:  # `id: 0123`: 123
        problem += f" (got the number {got!r}: write an id or name in quotes, as written)"
    elif first["type"] not in ("extra_forbidden", "missing") and "input" in first and (
        not isinstance(got, dict | list)
    ):
        problem += f" (got {got!r})"
    # Keep tagged-union labels out of the place shown to the user: a rule's kind, and a
    # change's kind after its index (`changes[0].expected_decision`, beside `re-decide:`
    # on the next line, not `changes[0].re-decide.expected_decision` on its line: an
    # acceptance test).
    from solver.rules import RULE_MODELS

    def shown(loc: Loc) -> Loc:  # without the union members pydantic names (`.date`)
        return tuple(p for k, p in enumerate(loc) if not (isinstance(p, str) and (
            p in RULE_MODELS or p in UNION_MEMBERS or loc[k + 1:k + 2] == (p,)
            or (p in ACTIONS and 0 < k < len(loc) - 1 and isinstance(loc[k - 1], int)))))

    # a required key misspelt is missing too, where the typo is: one problem, not two (an
    # acceptance test: "(+1 more problem)" never shown)
    typo = str(first["loc"][-1]) if first["type"] == "extra_forbidden" and first["loc"] else ""
    missing = [str(e["loc"][-1]) for e in errors if e["type"] == "missing"
               and e["loc"][:-1] == first["loc"][:-1]]
    meant = difflib.get_close_matches(typo, missing, n=1) if typo else []
    others = [e for e in errors if e is not first and not (
        meant and e["type"] == "missing" and e["loc"] == (*first["loc"][:-1], meant[0]))
        and not _other_member(e["loc"], first["loc"], shown)]
    if others:
        where = list(dict.fromkeys(place(shown((*prefix, *e["loc"]))) for e in others)) \
            if place is not None else []
        listed = (": " + ", ".join(where[:SHOWN_PLACES])
                  + (", ..." if len(where) > SHOWN_PLACES else "")) if where else ""
        problem += f" (+{len(others)} more problem{'s' if len(others) > 1 else ''}{listed})"
    return shown(loc), problem


def base_of(path: Path | str) -> Path | None:
    """The file a what-if `extends` (None for a base scenario)."""
    path = Path(path)
    return _extended(path, read_source(path).data)


def _extended(path: Path, data: Mapping[str, Any]) -> Path | None:
    """The file `data`, read from `path`, extends (None: it extends nothing)."""
    base = data.get("extends")
    return (path.parent / base).resolve() if isinstance(base, str) else None


def lineage(path: Path | str) -> list[str]:
    """The scenarios a what-if file extends, nearest first, by name (file stems)."""
    out: list[str] = []
    base = base_of(path)
    while base is not None and len(out) < MAX_EXTENDS:  # a cycle is bad input on loading
        out.append(base.stem)
        base = base_of(base)
    return out


_NOT_CHANGES = ("extends", "name", "description", "assumptions")
"""What-if keys that change nothing in the plan's inputs."""


def what_if_changes(path: Path | str) -> list[tuple[str, list[str]]]:
    """Each what-if file of a chain, nearest first, with what it changes, a line an entry
    in the file's own words ("changes: {send-back: SECMP0067, expected_decision:
    2020-11-19}"): an acceptance test found a what-if's changes in neither validate nor
    the report, only its description."""
    out: list[tuple[str, list[str]]] = []
    current: Path | None = Path(path)
    while current is not None and len(out) < MAX_EXTENDS:
        data = read_source(current).data  # each file read once
        if _extended(current, data) is None:  # the base scenario: no changes of its own
            break
        lines: list[str] = []
        for key, value in data.items():
            if key in _NOT_CHANGES:
                continue
            entries = value.items() if isinstance(value, dict) else [(None, value)]
            for sub, entry in entries:
                where = key if sub is None else f"{key}.{sub}"
                if key == "items" and sub == "update" and isinstance(entry, dict):
                    lines += [f"items.update.{uid}: {_flow(f)}" for uid, f in entry.items()]
                elif isinstance(entry, list) and entry and all(isinstance(e, dict)
                                                                for e in entry):
                    lines += [f"{where}: {_flow(e)}" for e in entry]
                else:
                    lines.append(f"{where}: {_flow(entry)}")
        out.append((current.name, lines))
        current = _extended(current, data)
    return out


def _flow(value: Any) -> str:
    """A value as one line, as YAML's flow style writes it, unquoted ("{send-back:
    SECMP0067, expected_decision: 2020-11-19}", "[MP101]", "3 months")."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)


def removed_units(path: Path | str) -> dict[str, str]:
    """The units (items, or parts of split ones) an overlay of the scenario file took out ->
    "item 'X' is removed (wi.yaml:4, items.remove)"."""
    loaded = load_merged(Path(path))
    return {unit_id: _removed_words(item_id, loaded.removed[item_id])
            for unit_id, item_id in loaded.removed_units.items()}


def load_scenario(path: Path | str) -> Scenario:
    """Load, resolve `extends`, validate shape and references; raise `ScenarioError`."""
    loaded = load_merged(Path(path))
    try:
        scenario = Scenario.model_validate(loaded.data)
    except ValidationError as exc:
        raise _in_what_if(Path(path), _first_error(loaded, exc)) from None
    from solver.whatif import ChangeError, apply_changes

    for loc, problem in check_references(scenario, loaded.removed):
        raise _in_what_if(Path(path), loaded.error(loc, problem))
    if not scenario.changes:
        return _assumptions_checked(scenario, scenario, loaded)
    try:
        changed = apply_changes(scenario)
    except ChangeError as exc:
        raise loaded.error(("changes", exc.index), exc.problem) from None
    except ValidationError as exc:
        raise _blame(loaded, scenario, _first_problem(exc)) from None
    for found in check_references(changed):
        raise _blame(loaded, scenario, found)
    return _assumptions_checked(scenario, changed, loaded)


def _assumptions_checked(written: Scenario, changed: Scenario, loaded: Loaded) -> Scenario:
    """`changed` (the scenario `written` with its changes applied) with its assumptions'
    names checked, each assumption marked with the file that wrote it.

    A name must be there before the changes or after (a rule a `pin` makes), or be what an
    overlay took out (an item or rule removed, a part dropped: a what-if may say why it
    removes one); any other name is bad input, in whichever file wrote it. An inherited
    assumption (a base file's) no longer applies to what this file's overlays and changes
    took out or renamed (`set-rule`), so such names leave it, and it goes when none is
    left, or when one a later file in the chain wrote is about the names it has left (that
    file revises it, as `_overlay_assumptions` does for the same names); the file's own
    keep every name."""
    if not changed.assumptions:
        return changed
    after = assumption_names(changed)
    before = after if changed is written else assumption_names(written)
    rank = [loaded.chain.index(origins[-1].source) for origins in loaded.assumptions]
    own = [k == len(loaded.chain) - 1 for k in rank]
    latest: dict[frozenset[str], int] = {}  # names left -> the latest file about them
    for a, k in zip(changed.assumptions, rank, strict=True):
        left = frozenset(n for n in a.about if n in after)
        latest[left] = max(k, latest.get(left, k))
    kept = []
    for i, (assumption, origins) in enumerate(zip(changed.assumptions, loaded.assumptions,
                                                  strict=True)):
        origin = origins[-1]
        for k, name in enumerate(assumption.about):
            if name not in after and name not in before and not loaded.took_out(name):
                raise loaded.error(("assumptions", i, "about", k), unknown_name(
                    name, after | before, "item, field, rule or scenario key"))
        if not own[i]:
            names = [name for name in assumption.about if name in after]
            if not names or latest[frozenset(names)] > rank[i]:
                continue
            assumption = assumption.model_copy(update={"about": names})
        assumption._written_in = str(origin.source.path)
        kept.append(assumption)
    return changed.model_copy(update={"assumptions": kept})


def _in_what_if(path: Path, error: ScenarioError) -> ScenarioError:
    """An error placed in a base file that is valid on its own comes from the what-if's
    overlays (`specifications: [X]` drops a specification the base's items change): say
    so, naming the what-if, or its author looks for a fault in a file they did not edit."""
    base = base_of(path)
    if base is None or Path(error.file).resolve() == path.resolve():
        return error
    try:
        load_scenario(base)
    except ScenarioError:
        return error  # the base's own fault
    return ScenarioError(error.file, error.place,
                         f"{error.problem} (after the overlays of {path.name}; "
                         f"{base.name} alone is valid)", error.line)


def _problem_after(scenario: Scenario, count: int) -> tuple[Loc, str] | None:
    """The first problem of `scenario` with its first `count` changes applied (None for
    none, or when a change cannot apply yet)."""
    from solver.whatif import ChangeError, apply_changes

    try:
        applied = apply_changes(scenario, scenario.changes[:count])
    except ChangeError:
        return None
    except ValidationError as exc:
        return _first_problem(exc)
    return next(iter(check_references(applied)), None)


def _blame(loaded: Loaded, scenario: Scenario, problem: tuple[Loc, str]) -> ScenarioError:
    """The error for a problem of `scenario` once all its changes apply, placed at the change
    after which it appears and stays (the base file itself is valid): changes may pass
    through an invalid state (a pin before the release it names is added), so only the
    final scenario is judged."""
    k = len(scenario.changes)
    while k > 1 and _problem_after(scenario, k - 1) == problem:
        k -= 1
    loc, words = problem
    from solver.changes import Pin
    from solver.rules.placement import Fixed

    pin = scenario.changes[k - 1]
    kept = [r for r in scenario.rules  # the pin replaces its item's `fixed` rule, at the end
            if not (isinstance(pin, Pin) and isinstance(r, Fixed) and r.item == pin.pin)]
    if isinstance(pin, Pin) and loc[:1] == ("rules",) and len(loc) > 2 \
            and isinstance(loc[1], int) and loc[1] >= len(kept):
        # in the rule the pin makes: the pin's own field (a proposer: "then rules[15]", a
        # rule they never wrote)
        return loaded.error(("changes", k - 1, *loc[2:]), words)
    if loc == ("changes",):  # about the change itself (a switch-off naming no rule): not
        # "then changes: switch-off: ..." (an acceptance test)
        return loaded.error(("changes", k - 1), words)
    return loaded.error(("changes", k - 1), f"then {loaded.place(loc)}: {words}")


# --- references ---------------------------------------------------------------------------


def _missing_release(rid: str, releases: Collection[str], scenario: Scenario,
                     remedy: str) -> str:
    """A reference to a release the scenario does not have: cancelled (say what to do), or
    a typo."""
    if rid in scenario.calendar.cancel:
        return f"release {rid!r} is cancelled, and this still names it: {remedy}"
    ids = sorted(releases)
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", rid):  # a date, not "did you mean" a release
        return f"{rid!r} is a date: a release is named by its month, YYYY-MM"
    month = re.fullmatch(r"(\d{4})-(\d{1,2})", rid)
    if ids and month and 1 <= int(month[2]) <= 12:
        padded = f"{month[1]}-{int(month[2]):02d}"
        if padded in releases:
            return f"release {rid!r}: write it {padded!r}"
        inside = ids[0] <= padded <= ids[-1]
        if int(month[2]) not in {w.month for w in scenario.calendar.windows}:
            return (f"no release of the calendar falls in {padded} (its windows: months "
                    f"{', '.join(str(w.month) for w in scenario.calendar.windows)})"
                    + (did_you_mean(rid, releases) if inside else
                       f", and it is outside the horizon ({ids[0]} to {ids[-1]})"))
        if not inside:
            # not "did you mean '2028-06'?" for a `latest` past the horizon (an acceptance
            # test: taking the hint adds a limit never meant)
            end = "last" if padded > ids[-1] else "first"
            return (f"release {padded!r} is outside the horizon ({ids[0]} to {ids[-1]}): "
                    f"move calendar.{end} to take it in, or name a release of the horizon")
    return unknown_name(rid, releases, "release")


_ITEM_REMEDY = "update the item too (items: {update: {ID: {FIELD: ...}}})"
def removed_as(unit_id: str, removed: Mapping[str, str]) -> str | None:
    """"item 'X' is removed (wi.yaml:4, items.remove)" when an overlay removed `unit_id`,
    or the split item it is a part of (`X.2`)."""
    for item_id, where in removed.items():
        if unit_id == item_id or unit_id.startswith(item_id + "."):
            return _removed_words(item_id, where)
    return None


def _removed_words(item_id: str, where: str) -> str:
    return f"item {item_id!r} is removed ({where}, items.remove)"


_RULE_REMEDY = "change the rule too (set-rule, or rules: {remove, add})"
_REMOVED_REMEDY = "remove or replace the rule too (rules: {remove, add})"


def check_references(scenario: Scenario,
                     removed: Mapping[str, str] | None = None) -> Iterator[tuple[Loc, str]]:
    """Cross-references and orderings pydantic cannot see, as (place, problem). `removed`:
    item ids an overlay took out, and where (a rule still naming one says so)."""
    from solver.calendar import build_releases, window_ids
    from solver.rules import Precedence, precedence_cycle

    cal = scenario.calendar
    windows = window_ids(cal)
    for rid in cal.moves:
        if rid not in windows and rid not in {e.id for e in cal.extra}:
            yield ("calendar", "moves", rid), unknown_name(rid, windows, "release")
    for i, rid in enumerate(cal.cancel):
        if rid not in windows and rid not in {e.id for e in cal.extra}:
            yield ("calendar", "cancel", i), unknown_name(rid, windows, "release")
    seen_extra: set[str] = set()
    for i, extra in enumerate(cal.extra):
        if extra.id in windows or extra.id in seen_extra:
            yield ("calendar", "extra", i, "id"), f"release id {extra.id!r} is used twice"
        seen_extra.add(extra.id)
    releases = {r.id: r for r in build_releases(cal, scenario.policy, scenario.as_of)}
    yield from _check_same_day(cal, list(releases.values()))
    order = {rid: k for k, rid in enumerate(releases)}
    specs = set(scenario.specifications)
    if len(specs) != len(scenario.specifications):
        yield ("specifications",), "a specification is listed twice"
    ids: set[str] = set()
    seen: set[str] = set()
    for i, item in enumerate(scenario.items):
        yield from _check_item(i, item, ids, seen, specs, releases, scenario)
        if item.earliest in order and item.latest in order:
            assert item.earliest is not None and item.latest is not None
            if order[item.earliest] > order[item.latest]:
                yield (
                    ("items", i, "earliest"),
                    (f"earliest release {item.earliest} is after latest release {item.latest}"),
                )
    yield from _check_rules(scenario, ids, specs, set(releases), removed or {})
    cycle = precedence_cycle(scenario)
    if cycle:  # at its last rule, naming the others (an acceptance test: at `rules:`)
        pairs = set(itertools.pairwise(cycle))
        rules = [(k, r) for k, r in enumerate(scenario.rules)
                 if isinstance(r, Precedence) and (r.before, r.after) in pairs]
        yield (("rules", rules[-1][0]) if rules else ("rules",)), (
            "precedence cycle: " + " -> ".join(cycle)
            + (f" (by {', '.join(r.name for _, r in rules)})" if rules else ""))
    all_ids = {i.id for i in scenario.items} | ids
    for place, problem in scenario.uncertainty.unknown_references(all_ids, set(releases)):
        name = str(place[-1])
        gone = removed_as(name, removed or {}) if place[0] == "items" else (
            f"release {name!r} is cancelled" if name in cal.cancel else None)
        yield ("uncertainty", *place), (f"{gone}, and this still names it: drop the entry too"
                                        if gone else problem)
    if scenario.switched_off:
        from solver.instance import Instance

        inst = Instance(scenario)
        for name in inst.unknown_switched_off:  # an acceptance test: no "did you mean"
            yield ("changes",), f"switch-off: {unknown_name(name, inst.rule_names, 'rule')}"


def assumption_names(scenario: Scenario) -> set[str]:
    """What an assumption may be about: items and parts, with or without one of their
    fields; the file's rules by name; the scenario's keys, with or without a sub-key."""
    from solver.assumptions import unit_ids

    item_ids = {i.id for i in scenario.items}
    names = unit_ids(scenario)
    for uid in set(names):
        fields = Item.model_fields if uid in item_ids else Part.model_fields
        names.update(f"{uid}.{f}" for f in fields if f not in ("id", "parts"))
    names.update(r.name for r in scenario.rules)
    for key, info in type(scenario).model_fields.items():
        if key in ("changes", "assumptions"):  # the first are applied and gone on loading
            continue
        names.add(key)
        sub = info.annotation
        if isinstance(sub, type) and issubclass(sub, BaseModel):
            names.update(f"{key}.{f}" for f in sub.model_fields)
    return names


def same_day_releases(scenario: Scenario) -> Iterator[tuple[Loc, str]]:
    """`check_references`' one-release-a-day check alone: for a sweep's drawn go-lives,
    the one thing a drawn release move can break."""
    from solver.calendar import build_releases

    yield from _check_same_day(scenario.calendar,
                               build_releases(scenario.calendar, scenario.policy,
                                              scenario.as_of))


def _check_same_day(cal: Calendar, releases: list[Release]) -> Iterator[tuple[Loc, str]]:
    """One release a day: "after" and "before" could not tell two on the same go-live
    apart. The place is the extra release or the move that makes the second."""
    extra = {e.id: k for k, e in enumerate(cal.extra)}
    for first, second in itertools.pairwise(releases):
        if first.go_live != second.go_live:
            continue
        later = second if second.id in cal.moves or second.id in extra else first
        other = first if later is second else second
        place: Loc = (
            ("calendar", "moves", later.id) if later.id in cal.moves
            else ("calendar", "extra", extra[later.id], "go_live") if later.id in extra
            else ("calendar",)
        )
        yield place, (f"release {later.id} goes live on {later.go_live}, the same day as "
                      f"{other.id}: give each release its own day")


def _check_item(
    i: int,
    item: Item,
    ids: set[str],
    seen: set[str],
    specs: set[str],
    releases: dict[str, Any],
    scenario: Scenario,
) -> Iterator[tuple[Loc, str]]:
    """Checks one item; `ids` collects the plannable ids (a split item's parts), `seen`
    every id (the split item's own too)."""
    names = [item.id, *(f"{item.id}.{p.id}" for p in item.parts)]
    for name in names:
        if name in ids or name in seen:
            yield ("items", i, "id"), f"item id {name!r} is used twice"
        seen.add(name)
    ids.update(names[1:] if item.parts else names)
    if item.decided is not None and item.decided > scenario.as_of:
        yield (
            ("items", i, "decided"),
            (
                f"decided date {item.decided} is after as_of {scenario.as_of}; "
                "a future decision is an expected_decision"
            ),
        )
    for key in ("earliest", "latest", "baseline"):
        rid = getattr(item, key)
        if rid is not None and rid not in releases:
            yield ("items", i, key), _missing_release(
                rid, set(releases), scenario,
                _ITEM_REMEDY.replace("ID", item.id).replace("FIELD", key))
    for k, spec in enumerate(item.specs):
        if spec not in specs:
            yield ("items", i, "specs", k), unknown_name(spec, specs, "specification")
    for j, part in enumerate(item.parts):
        for k, spec in enumerate(part.specs or []):
            if spec not in specs:
                yield (
                    ("items", i, "parts", j, "specs", k),
                    unknown_name(spec, specs, "specification"),
                )
        if part.baseline is not None and part.baseline not in releases:
            yield (
                ("items", i, "parts", j, "baseline"),
                _missing_release(part.baseline, set(releases), scenario,
                                 _ITEM_REMEDY.replace("ID", item.id).replace("FIELD", "parts")),
            )


def _check_rules(
    scenario: Scenario, ids: set[str], specs: set[str], releases: set[str],
    removed: Mapping[str, str],
) -> Iterator[tuple[Loc, str]]:
    names: set[str] = set()
    for k, rule in enumerate(scenario.rules):
        named: set[str] = set()
        for key, item_id in rule.item_refs():
            if item_id in named:  # never-together(A, A) silently left A out of the plan
                yield ("rules", k, *key), f"item {item_id!r} is listed twice in this rule"
            named.add(item_id)
            gone = removed_as(item_id, removed)
            if gone is not None and item_id not in ids:
                yield ("rules", k, *key), f"{gone}, and this still names it: {_REMOVED_REMEDY}"
            elif item_id not in ids:
                yield ("rules", k, *key), unknown_name(item_id, ids, "item")
        for key, spec in rule.spec_refs():
            if spec not in specs:
                yield ("rules", k, *key), unknown_name(spec, specs, "specification")
        for key, rid in rule.release_refs():
            if rid not in releases:
                yield ("rules", k, *key), _missing_release(rid, releases, scenario,
                                                           _RULE_REMEDY)
        name = rule.name
        if name in names:
            yield ("rules", k), f"rule {name} is listed twice"
        names.add(name)
