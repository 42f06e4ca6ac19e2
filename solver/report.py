"""One self-contained HTML page of a plan, for a Panel paper.

The page holds the summary, one scope table per release in the style of the RID, the
Gantt chart, release timetable and dependency graph, the reasons for every placement and,
when given, the comparison with a base plan, ranked options per item and a Monte Carlo
sweep. It is one file with no scripts and no references outside itself (CSS inline,
figures inline as SVG), so it opens offline, can be mailed and archived as it is, and
prints as a paper. Every text is escaped, and the same inputs give the same bytes (fixed
SVG ids, no dates in the figures), so two reports can be diffed.

matplotlib is imported only inside the functions that draw, so the command line starts
without it.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import math
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from solver.check import broken_rules
from solver.files import parse_json
from solver.model import CLASH_WORDS, STATUS_WORDS, TIGHT_MARGIN_DAYS, gap_words, plan_words
from solver.paging import NOT_PLANNED, chosen_groups
from solver.plan import moving_too, pinned_against, who_moves
from solver.report_text import (
    LEFT_OUT,
    MONTHS,
    capacity_rows,
    decision_margin,
    decision_words,
    headline,
    load_words,
    long_date,
    moved_out_words,
    new_versions_words,
    no_fall_back_words,
    published_cut_off,
    rule_change_words,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from solver.calendar import Release
    from solver.compare import Comparison, Move
    from solver.explain import ReleaseOption
    from solver.instance import Instance, Unit
    from solver.model import Plan, PlanItem, PlanRelease

ReleaseOptions = Mapping[str, Sequence["ReleaseOption"]]
"""Item id -> every release considered for it, best first (`solver.explain.ranked`)."""

_SVG_METADATA: dict[str, str | None] = {"Date": None, "Creator": None, "Format": None,
                                        "Type": None}
"""No metadata block at all: no date, no matplotlib version, no outside address."""
_GANTT_ROWS = 60

_TERM_MEANING = {
    "unplaced": "items left outside every release of the horizon",
    "exceptions": "items added to a release after its scope baseline",
    "soft-rules": "penalties of the soft rules the plan breaks",
    "delay": "value-months: each item's value times the months until its go-live",
    "uplifts": "new specification versions: one per specification a release changes",
    "moves": "items moved from the base plan (a base scenario: from the published "
             "allocation): 1 each, {cost} for one whose release's scope was already "
             "baselined",
}
_PLAN_STATUS = {  # in `plan_words`' words (a review: "feasible" under its header's words)
    "optimal": "optimal plan: proven best under the objective",
    "feasible": "plan not proven optimal: it keeps every hard rule; a better one may exist",
    "infeasible": "no plan: no plan satisfies the rules",
}


# --- HTML building blocks ---------------------------------------------------------------


class Html(str):
    """Text that is already HTML (built by `tag` or escaped); inserted as it is."""

    __slots__ = ()


def _text(value: object) -> str:
    return value if isinstance(value, Html) else html.escape(str(value))


def join(*parts: object) -> Html:
    """Concatenate, escaping every part that is not already HTML."""
    return Html("".join(_text(p) for p in parts))


def tag(name: str, *content: object, **attrs: str | None) -> Html:
    """`<name ...>content</name>`: text and attribute values are escaped, Html content is
    kept. `class_` stands for `class`, `aria_label` for `aria-label`; None drops one."""
    attributes = "".join(
        f' {key.rstrip("_").replace("_", "-")}="{html.escape(value)}"'
        for key, value in attrs.items()
        if value is not None
    )
    return Html(f"<{name}{attributes}>{join(*content)}</{name}>")


def table(head: Sequence[object], rows: Sequence[Sequence[object]],
          class_: str | None = None, caption: str | None = None,
          row_ids: Sequence[str | None] | None = None, numeric: Collection[int] = ()) -> Html:
    """A table with a header row; cells are escaped text or Html. `row_ids` name the rows
    so that links can point at them; the `numeric` columns (by index) align right."""

    def aligned(k: int) -> str | None:
        return "n" if k in numeric else None

    header = tag("thead", tag("tr", *(tag("th", h, scope="col", class_=aligned(k))
                                      for k, h in enumerate(head))))
    ids = row_ids if row_ids is not None else [None] * len(rows)
    body = tag("tbody", *(tag("tr", *(tag("td", c, class_=aligned(k)) for k, c in enumerate(row)),
                              id=row_id)
                          for row, row_id in zip(rows, ids, strict=True)))
    return tag("table", tag("caption", caption) if caption else "", header, body, class_=class_)


def section(anchor: str, title: str, *content: object) -> Html:
    return tag("section", tag("h2", title), *content, id=anchor)


def day(date: dt.date) -> Html:
    """A date as a Panel paper writes it in a table: `22 Oct 2020`."""
    text = f"{date.day} {MONTHS[date.month - 1][:3]} {date.year}"
    return tag("time", text, datetime=date.isoformat())


_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def prose(text: str) -> Html:
    """A sentence the engine wrote (a reason, a rule's message), escaped, with its ISO
    dates as the tables write them ("2020-11-19" -> "19 Nov 2020"): a Panel review found
    the two formats side by side. Release ids ("2021-06") are left as they are."""
    def as_day(m: re.Match[str]) -> str:
        try:
            return day(dt.date(int(m[1]), int(m[2]), int(m[3])))
        except ValueError:  # not a date after all
            return m[0]

    return Html(_ISO_DATE.sub(as_day, html.escape(text)))


def long_day(date: dt.date) -> Html:
    """A date as a Panel paper writes it in prose: `Thursday 5 November 2020`."""
    return tag("time", long_date(date), datetime=date.isoformat())


def release_name(release_id: str, code: str) -> str:
    """`2020-11` -> `November 2020 SEC Release` (other ids are kept as they are)."""
    if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", release_id):
        return f"{MONTHS[int(release_id[5:]) - 1]} {release_id[:4]} {code} Release"
    return f"{code} Release {release_id}"


def _anchor(kind: str, name: str) -> str:
    """An element id from an item or release id (ids are [A-Za-z0-9_.-])."""
    return f"{kind}-{re.sub(r'[^A-Za-z0-9_.-]', '_', name)}"


def _release_link(release_id: str | None) -> Html:
    if release_id is None:
        return join("none")
    return tag("a", release_id, href="#" + _anchor("release", release_id))


def _item_link(item_id: str) -> Html:
    return tag("a", item_id, href="#" + _anchor("why", item_id))


# --- the page ---------------------------------------------------------------------------


class _Kept:
    """The releases a report shows (`--release`; all when None): `has(release)` for a
    release id, None for the items outside the horizon ('not planned')."""

    def __init__(self, inst: Instance, releases: Sequence[str] | None):
        self.releases = None if releases is None else \
            chosen_groups([*inst.release_ids, NOT_PLANNED], releases)
        self._set = None if self.releases is None else set(self.releases)

    def has(self, release: str | None) -> bool:
        return self._set is None or (release or NOT_PLANNED) in self._set


def build_report(
    inst: Instance,
    plan: Plan,
    comparison: Comparison | None = None,
    explanations: ReleaseOptions | None = None,
    sweep: Mapping[str, Any] | None = None,
    lineage: Sequence[str] = (),
    changes: Sequence[tuple[str, list[str]]] = (),
    releases: Sequence[str] | None = None,
) -> str:
    """The whole report as one HTML page (see the module's docstring).

    `comparison`: the plan against a base plan (`solver.compare.compare_plans`);
    `explanations`: ranked release options for some items; `sweep`: the JSON summary of
    `secplan sweep` (`samples`, `probabilities`: item -> release -> share); `lineage`: the
    files a what-if extends, nearest first (the summary names them); `changes`: what each
    what-if file of the chain changes (`solver.scenario.what_if_changes`); `releases`:
    only these releases' items in the release tables, charts, explanations and sweep shares
    ('not planned' for the items left out; an acceptance test: 5.3 MB at 1,000 items, with
    no way to make a Panel pack of the next releases)."""
    planned = plan.status != "infeasible"
    kept = _Kept(inst, releases)
    sections: list[tuple[str, str, Html]] = [
        ("summary", "Summary", _summary(inst, plan, lineage, explanations,
                                        changes, kept, sweep))]
    if not planned:
        sections.append(("clash", "Why no plan exists", _clash(inst, plan)))
    if comparison is not None:
        titles = {i.id: i.title for i in plan.items}
        sections.append(("comparison", f"What changed against {comparison.base}",
                         _comparison(comparison, titles)))
    if planned:
        sections.append(("releases", "Scope of each release", _releases(inst, plan, kept)))
    sections.append(("rules", "The rules", _rules(inst)))
    if inst.scenario.assumptions:
        sections.append(("assumptions", "What the plan assumes", _assumptions(inst)))
    if sweep is not None:
        sections.append(("sweep", "How robust is the plan? (Monte Carlo sweep)",
                         _sweep(sweep, kept)))
    sections.append(("figures", "Figures", _figures(inst, plan, kept)))
    if planned:
        sections.append(("explanations", "Why each item sits where it does",
                         _explanations(inst, plan, explanations or {}, kept)))
    sections.append(("words", "Words used here", _words(inst)))
    # a pack names its releases (a proposer's board pack for June 2021 read "SEC Releases")
    title = f"{inst.scenario.code} Releases: {inst.scenario.name}" if not releases else \
        f"{inst.scenario.code} Release{'s' * (len(releases) > 1)} {', '.join(releases)}: " \
        f"{inst.scenario.name}"
    body = tag("body", _header(inst, plan, title), _contents(sections),
               tag("main", *(section(a, t, c) for a, t, c in sections)))
    head = tag("head", Html('<meta charset="utf-8">'),
               Html('<meta name="viewport" content="width=device-width, initial-scale=1">'),
               tag("title", title), tag("style", Html(_CSS)))
    return "<!DOCTYPE html>\n" + tag("html", head, body, lang="en-GB") + "\n"


def write_report(path: str | Path, html_text: str) -> None:
    """Write the report so that a reader never sees half a page and a failure leaves any
    earlier report in place (`solver.files.write_atomic`)."""
    from solver.files import write_atomic

    write_atomic(path, html_text)


def read_sweep(path: str | Path) -> dict[str, Any]:
    """A `secplan sweep` summary file; ValueError (naming what is wrong) when it is not
    JSON or lacks the sample count or the probabilities."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read the sweep summary: {exc}") from exc
    try:
        data = parse_json(text)
    except ValueError as exc:  # a fuzz test gave the samples file, whose lines are JSON
        journal = ("; this is a sweep's samples (its --out): give the summary `secplan sweep "
                   "--json` prints" if text.startswith('{"sweep"') else "")
        raise ValueError(f"cannot read the sweep summary: {exc}{journal}") from exc
    if not isinstance(data, dict):
        raise ValueError("a sweep summary is a JSON object")
    samples = data.get("samples")
    if not isinstance(samples, int) or isinstance(samples, bool) or samples < 1:
        raise ValueError("the sweep summary has no 'samples' count of 1 or more "
                         f"(got {samples!r})")
    probabilities = data.get("probabilities")
    if not isinstance(probabilities, dict):
        raise ValueError("the sweep summary has no 'probabilities' (item -> release -> share)")
    for item, shares in probabilities.items():
        if not isinstance(shares, dict):
            raise ValueError(f"probabilities.{item}: should map releases to shares")
        for release, share in shares.items():
            if not (isinstance(share, int | float) and not isinstance(share, bool)
                    and 0 <= share <= 1):
                raise ValueError(f"probabilities.{item}.{release}: a share between 0 and 1 "
                                 f"(got {share!r})")
    base = data.get("base")
    if not isinstance(base, dict) or not all(r is None or isinstance(r, str)
                                             for r in base.values()):
        raise ValueError("the sweep summary has no 'base' plan (item -> release)")
    for key, depth, most in (("release_holds", 1, 1), ("release_unchanged", 1, 1),
                             ("release_kept", 1, 1),
                             ("release_moves", 1, 1), ("deadlines_missed", 1, 1),
                             ("expected_uplifts", 2, None), ("base_uplifts", 2, None)):
        if key in data and not _numbers(data[key], depth, most):
            mapped = ("specifications to years to numbers" if depth == 2
                      else "releases to shares between 0 and 1")
            raise ValueError(f"{key}: should map {mapped}")
    if "mean_moves" in data and not _numbers(data["mean_moves"], 0):
        raise ValueError("mean_moves: should be a number")
    if "planned" in data and not _numbers(data["planned"], 0):
        raise ValueError("planned: should be a count of samples")
    influence = data.get("influence", [])
    if not (isinstance(influence, list) and all(
            isinstance(row, dict) and isinstance(row.get("uncertainty"), str)
            and _numbers({k: row.get(k) for k in ("samples", "mean_moves_with")}, 1)
            and (row.get("mean_moves_without") is None
                 or _numbers(row["mean_moves_without"], 0))
            and all(_numbers(abs(row[k]) if isinstance(row[k], int | float)
                             and not isinstance(row[k], bool) else row[k], 0)
                    for k in ("impact", "weighted_impact") if k in row)  # either sign
            for row in influence)):
        raise ValueError("influence: should list uncertainties with their samples and moves")
    return data


def _numbers(value: Any, depth: int, most: float | None = None) -> bool:
    """A finite, non-negative number, at most `most` (`depth` 0), or a mapping `depth`
    deep down to such numbers."""
    if depth == 0:
        return (isinstance(value, int | float) and not isinstance(value, bool)
                and math.isfinite(value) and value >= 0 and (most is None or value <= most))
    return isinstance(value, dict) and all(_numbers(v, depth - 1, most)
                                           for v in value.values())


def _header(inst: Instance, plan: Plan, title: str) -> Html:
    s = inst.scenario
    return tag(
        "header",
        tag("h1", title),
        tag("p", s.description, class_="lede") if s.description else "",
        tag("p", join("Planning date ", long_day(s.as_of), " · ",
                      plan_words(plan.status, plan.gap), " · ", len(inst.releases),
                      " releases"), class_="meta"),
    )


def _contents(sections: Sequence[tuple[str, str, Html]]) -> Html:
    links = (tag("li", tag("a", title, href=f"#{anchor}")) for anchor, title, _ in sections)
    return tag("nav", tag("ol", *links), aria_label="Contents")


# --- summary ----------------------------------------------------------------------------


def _summary(inst: Instance, plan: Plan, lineage: Sequence[str] = (),
             explanations: ReleaseOptions | None = None,
             changes: Sequence[tuple[str, list[str]]] = (), kept: _Kept | None = None,
             sweep: Mapping[str, Any] | None = None) -> Html:
    """The answer first: each release's items and the decisions due, by when, with what a
    sweep found (a Panel read: the summary said "nothing moves" and the sweep's main risk
    was far below); then the plan's facts, the rules it breaks and its objective."""
    kept = kept or _Kept(inst, None)
    robust = Html("") if sweep is None else join(
        tag("p", "What the Monte Carlo sweep found (",
            tag("a", "the sweep below", href="#sweep"), "):"), _sweep_headline(sweep))
    return join(_headline(inst, plan, explanations), robust,
                _release_overview(inst, plan, kept),
                _decisions_due(inst, plan, kept), _facts(inst, plan, lineage, changes, kept),
                _violations(plan), _objective(inst, plan))


def _headline(inst: Instance, plan: Plan, explanations: ReleaseOptions | None = None) -> Html:
    """What stands out (`solver.report_text.headline`), in sentences above the tables (a
    Panel review asked for a headline); with explanations, the placements that rest on
    an item's value, which is an assumption (a Panel read: SECMP0067's June rests on its
    value 5, and only the explanations far below said so)."""
    closest = {uid: next((o for o in options if o.value_turns), None)  # ranked best first
               for uid, options in (explanations or {}).items()}
    resting = [f"{uid} in {plan.assignments[uid]} ({option.value_turns})"
               for uid, option in closest.items() if option is not None]
    said = headline(inst, plan) + (
        [f"Placements that rest on an item's value: {'; '.join(resting)}"] if resting else [])
    return tag("ul", *(tag("li", line + ".") for line in said), class_="headline") if said \
        else Html("")


def _lineage_words(lineage: Sequence[str]) -> str:
    """"a what-if of secmp0067-send-back.yaml, itself a what-if of baseline.yaml; moves
    counted from the plan of secmp0067-send-back.yaml" (a Panel review: the COVID report
    never named what it changes): its own base's plan, with or without --compare
    (`solver.cli.beside`)."""
    chain = "a what-if of " + ", itself a what-if of ".join(lineage)
    return f"{chain}; moves counted from the plan of {lineage[0]}"


def _facts(inst: Instance, plan: Plan, lineage: Sequence[str] = (),
           changes: Sequence[tuple[str, list[str]]] = (), kept: _Kept | None = None) -> Html:
    s = inst.scenario
    status = (_PLAN_STATUS[plan.status] + (f" ({gap_words(plan.gap)})" if plan.gap else "")
              + ("; the clock stopped the search before its budget of work was spent, so "
                 "another run may plan otherwise" if plan.clock_stopped else ""))
    go_lives = [r.go_live for r in inst.releases]
    horizon = (join(len(inst.releases), " releases, ", day(go_lives[0]), " to ",
                    day(go_lives[-1])) if go_lives else join("no releases"))
    rows: list[tuple[str, object]] = [
        ("Scenario", s.name + (f" ({_lineage_words(lineage)})" if lineage else "")),
        ("Description", s.description or "-"),
        *([("What it changes", join(*(tag("div", tag("span", name, class_="id"),
                                          tag("ul", *(tag("li", line) for line in lines)))
                                      for name, lines in changes)))] if changes else []),
        ("Planning date (as of)", long_day(s.as_of)),
        ("Plan", status),
        ("Horizon", horizon),
        ("Items", _item_count(inst, plan)),
        ("Rules broken", _broken_count(plan)),
    ]
    if kept is not None and kept.releases is not None and plan.status != "infeasible":
        named = ", ".join("those outside the horizon" if rid == NOT_PLANNED else rid
                          for rid in kept.releases)
        rows.append(("Shown", f"only the items of {named} (--release): in the allocation "
                              "and decisions above, the release tables, charts, explanations "
                              "and sweep shares; the plan, the headline, these facts and the "
                              "objective are the whole portfolio's"))
    if s.assumptions:
        rows.append(("Assumptions", join(len(s.assumptions), " (",
                                         tag("a", "listed below", href="#assumptions"), ")")))
    return tag("dl", *(join(tag("dt", k), tag("dd", v)) for k, v in rows), class_="facts")


def _item_count(inst: Instance, plan: Plan) -> str:
    closed = f"{len(inst.closed)} closed (not planned)"
    if plan.status == "infeasible":
        return f"{len(inst.units)} to plan, but no plan places them; {closed}"
    placed = sum(i.release is not None for i in plan.items)
    return (f"{len(inst.units)} to plan: {placed} in a release, {len(inst.units) - placed} "
            f"outside the horizon; {closed}")


def _broken_count(plan: Plan) -> str:
    if plan.status == "infeasible":
        return f"{len(plan.clash)} rules clash (see below)"
    broken = broken_rules(plan.violations)
    hard = sum(is_hard for is_hard, _ in broken.values())
    soft = len(broken) - hard
    if not broken:
        return "none"
    return (f"{hard} hard rule(s) violated" if hard else "no hard rule violated") + (
        f", {soft} soft rule(s) broken" if soft else "") + " (listed below)"


def _violations(plan: Plan) -> Html:
    if not plan.violations:
        return Html("")
    rows = [(v.rule, "hard: violated" if v.hard else "soft: broken", prose(v.message))
            for v in plan.violations]
    return table(("rule", "kind", "what"), rows, class_="wide", caption="Rules the plan breaks")


def _release_overview(inst: Instance, plan: Plan, kept: _Kept) -> Html:
    if plan.status == "infeasible":
        return Html("")
    rows: list[list[object]] = []
    for release in (r for r in plan.releases if kept.has(r.id)):
        r = inst.release(release.id)
        dcc = sum(inst.unit(uid).dcc_impact for uid in release.items)
        moved = join(" (moved from ", day(r.moved_from), ")") if r.moved_from else ""
        rows.append([_release_link(release.id), join(day(r.go_live), moved),
                     _item_links(release.items),
                     dcc, ", ".join(release.uplifts) or "-", _baseline_state(inst, r)])
    outside = [i.id for i in plan.items if i.release is None and i.id not in inst.closed]
    if outside and kept.has(None):
        rows.append(["outside the horizon", "-", _item_links(outside), "", "", ""])
    head = ("release", "go-live", "items", "how many impact DCC Systems", "uplifts",
            "on the planning date")
    return table(head, rows, class_="overview wide", caption="Recommended allocation",
                 numeric=(3,))


def _item_links(ids: Sequence[str]) -> Html:
    """Item ids, comma separated, each a link to its explanation ("-" for none)."""
    if not ids:
        return Html("-")
    return join(*(join(", " if k else "", _item_link(uid)) for k, uid in enumerate(ids)))


def _decisions_due(inst: Instance, plan: Plan, kept: _Kept) -> Html:
    """The pending items a release counts on, soonest cut-off first: approve by then, or
    the item falls back."""
    if plan.status == "infeasible":
        return Html("")
    due = sorted((i for i in plan.items
                  if decision_margin(inst, i) is not None and kept.has(i.release)),
                 key=lambda i: (i.cut_off, i.id))
    if not due:
        return Html("")
    rows = [(_item_link(i.id), _release_link(i.release or ""), _cut_off_cell(inst, i),
             _status_text(inst.unit(i.id)), _fall_back_cell(inst, inst.unit(i.id), i))
            for i in due]
    head = ("item", "release", "approve by (cut-off)", "status now", "fall-back if later")
    return table(head, rows, class_="wide", caption="Decisions the plan counts on, soonest first")


def _baseline_state(inst: Instance, r: Release) -> str:
    if inst.is_frozen(r):
        return "gone live: frozen"
    if r.baselined_by(False, inst.as_of):
        return "full scope baselined"
    if r.baselined_by(True, inst.as_of):
        return "DCC scope baselined"
    return "open"


def _objective(inst: Instance, plan: Plan) -> Html:
    if not plan.objective:
        return Html("")
    rows = [
        (t.priority, t.term, t.weight, plan.objective.get(t.term, 0),
         t.weight * plan.objective.get(t.term, 0),
         _TERM_MEANING.get(t.term, "").format(cost=inst.scenario.policy.baselined_move_cost))
        for t in sorted(inst.scenario.objective, key=lambda t: t.priority)
    ]
    caption = "Objective: lower priority numbers are settled first; weights trade off terms"
    return table(("priority", "term", "weight", "value", "weighted", "counts"), rows,
                 class_="objective", caption=caption, numeric=(0, 2, 3, 4))


WORDS = {
    "cut-off": "the last day a decision still makes a release: its go-live less the "
               "item's lead time (the DCC's or the Parties', whichever is longer), counted in "
               "calendar months, so a decision on that day plus the lead time lands on or "
               "before the go-live",
    "fall-back": "the release a pending item lapses to if its decision comes the day after "
                 "its cut-off, with the rest of the plan as it stands, never a release whose "
                 "scope is baselined by then (it would join it as an exception); "
                 "\u201cif others move\u201d: "
                 "only with other items moving too (the fewest that must are named, with the "
                 "rules that bar it otherwise)",
    "hard rule / soft rule": "a hard rule holds in every plan; a soft one may break, at its "
                             "penalty in the objective",
    "uplift": "a new version of a technical specification (GBCS, DUIS, ...) in a release: "
              "every release whose items change it makes one",
    "aligned uplift": "a year's uplift of a specification on the anchor item's date: only "
                      "the anchor's release changes it that year",
    "value-months": "each item's value (its weight in the plan, an assumption) times the "
                    "months from the planning date to its go-live, summed: the objective's "
                    "delay",
    "moves": "items placed elsewhere than in the base plan (or the published allocation), "
             "each costing 1, or {cost} once its release's scope is baselined",
    "priority": "the objective's levels: a lower priority number is settled first, and a "
                "later level cannot buy back any of it",
    "moving it alone": "a release judged with every other item where the plan has it; "
                       "the ranking lets others move too",
}
"""The report's terms, said once (a Panel read: value-months, soft rules and moves alone
were jargon)."""


def _words(inst: Instance) -> Html:
    """WORDS, as this scenario has them: the cost of a move once baselined; an aligned
    uplift with a year of its own, or binding in its anchor's year (an acceptance test: one
    wording whatever the rules said)."""
    from solver.rules.uplift import AlignedUplift

    cost = inst.scenario.policy.baselined_move_cost
    aligned = [r for r in inst.file_rules if isinstance(r, AlignedUplift)]
    year = [*((["with a year of its own, none does if the anchor goes in another year"])
              if any(r.year is not None for r in aligned) else []),
            *((["without one, it binds in the anchor's year only"])
              if any(r.year is None for r in aligned) else [])]
    said = {**WORDS, "aligned uplift": WORDS["aligned uplift"] + (
        f" ({'; '.join(year)})" if year else "")}
    rows = [(term, meaning.format(cost=cost)) for term, meaning in said.items()]
    return table(("Word", "Meaning"), rows, class_="wide")


def _clash(inst: Instance, plan: Plan) -> Html:
    rows = [(name, inst.rule_named[name].note if name in inst.rule_named else "")
            for name in plan.clash]
    relax = [(v.rule, prose(v.message)) for v in plan.relaxation]
    instead = [(v.rule, prose(v.message)) for v in plan.relaxation_alternatives]
    pins = [join(tag("p", f"{fixed.name} puts {fixed.item} in {fixed.release}, which each of "
                          "these bars on its own:"),
                 table(("rule", "what it says there"),
                       [(name, prose("; ".join(messages))) for name, messages in said.items()],
                       class_="clash"))
            for fixed, said in pinned_against(inst, plan.clash)]
    return join(
        tag("p", f"{CLASH_WORDS}."),
        table(("rule", "note"), rows, class_="clash"),
        *pins,
        tag("p", "The smallest set of rules to relax for a plan, and what the plan made "
                 "without them does to them:") if relax else "",
        table(("rule", "what the plan made without it does"), relax, class_="clash")
        if relax else "",
        tag("p", "Or relax any one of these instead:") if instead else "",
        table(("rule", "what the plan made without it does"), instead, class_="clash")
        if instead else "",
    )


# --- release scope tables ---------------------------------------------------------------


def _rules(inst: Instance) -> Html:
    """Every rule the scenario writes, then each family of built-in ones with what it
    asks: the reasons and clashes name rules as the code does (`decision-in-time(MP078)`),
    and this is where a reader finds what such a name means."""
    from solver.report_text import rule_rows

    return join(tag("p", "Reasons and clashes name rules as below: a family and what it "
                         "applies to, such as decision-in-time(MP078).", class_="meta"),
                table(("rule", "kind", "asks", "note"), rule_rows(inst), class_="rules"))


def _assumptions(inst: Instance) -> Html:
    """The scenario's assumptions, each with what it is about and the value that holds
    now: a what-if may have changed it since the note was written."""
    from solver.assumptions import about_words, as_written, written_in

    s = inst.scenario
    rows = []
    for a in s.assumptions:
        was = as_written(s, a)
        rows.append((join(*(tag("span", prose(line), class_="about")
                            for line in about_words(s, a.about)),
                          tag("span", prose(was), class_="about changed") if was else ""),
                     a.note, written_in(a)))
    return join(tag("p", "Numbers and dates the sources do not give, as the scenario "
                         "files state them; each with the value in force in this plan, and, "
                         "in red below it, the value it had in the file that wrote the note, "
                         "where a what-if has changed it since.", class_="meta"),
                table(("about (value in force)", "assumption", "note written in"), rows,
                      class_="assumptions"))


def _releases(inst: Instance, plan: Plan, kept: _Kept) -> Html:
    from solver.plot import release_colours

    colours = release_colours(inst)
    items = {i.id: i for i in plan.items}
    loads = capacity_rows(inst, plan)  # every rule's load, once for every release
    blocks = [_release_block(inst, plan, release, items, colours[release.id],
                             [row for row in loads if row["release"] == release.id])
              for release in plan.releases if kept.has(release.id)]
    outside = _outside(inst, plan) if kept.has(None) else Html("")
    if not blocks and not str(outside):  # a review: empty tables, and not a word why
        return tag("p", "No items in the releases asked for (--release).", class_="empty")
    return join(*blocks, outside)


def _release_block(inst: Instance, plan: Plan, release: PlanRelease,
                   items: Mapping[str, PlanItem], colour: str,
                   loads: list[dict[str, Any]]) -> Html:
    r = inst.release(release.id)
    heading = tag("h3", release_name(release.id, inst.scenario.code), " ",
                  tag("span", release.id, class_="id"))
    rows = [_rid_row(inst, release.id, items[uid]) for uid in release.items]
    head = ("Item", "Title", "Impacts DCC Systems?", "Current status",
            "Included if approved by", "Fall-back")
    scope = (table(head, rows, class_="rid wide") if rows
             else tag("p", "No items in this release.", class_="empty"))
    gone = moved_out_words(inst, plan, release.id)
    return tag("article", heading, _release_facts(inst, r, release, loads), scope,
               tag("p", gone, class_="moved-out") if gone else "",
               class_="release", id=_anchor("release", release.id),
               style=f"border-left-color: {colour}")


def _release_facts(inst: Instance, r: Release, release: PlanRelease,
                   loads: list[dict[str, Any]]) -> Html:
    go_live = join(long_day(r.go_live),
                   join(" (moved from ", long_day(r.moved_from), ")") if r.moved_from else "")
    passed = {True: " (passed)", False: ""}
    facts = [
        ("Go-live", go_live),
        ("DCC scope baseline", join(day(r.dcc_baseline), passed[r.baselined_by(True, inst.as_of)])),
        ("Full scope baseline", join(day(r.full_baseline),
                                     passed[r.baselined_by(False, inst.as_of)])),
        ("Specifications uplifted", ", ".join(release.uplifts) or "none"),
        *((f"Capacity used, {row['rule']}", load_words(row)) for row in loads),
    ]
    return tag("dl", *(tag("div", tag("dt", k), tag("dd", v)) for k, v in facts),
               class_="release-facts")


def _rid_row(inst: Instance, release_id: str, item: PlanItem) -> list[object]:
    unit = inst.unit(item.id)
    title: list[object] = [item.title]
    reference = inst.moved_from(unit, release_id)
    if reference is not None:
        title.append(tag("span", f"moved here from {reference} ({inst.moves_source})",
                         class_="note"))
    return [
        _item_link(item.id),
        join(*title),
        tag("span", "✓", class_="tick", aria_label="yes") if unit.dcc_impact else "",
        _status_cell(inst, unit, release_id),
        _cut_off_cell(inst, item),
        _fall_back_cell(inst, unit, item),
    ]


def _status_cell(inst: Instance, unit: Unit, release_id: str) -> Html:
    from solver.rules.baseline import exception_note

    exception = exception_note(inst, unit, inst.release(release_id))
    if exception is None:
        return _status_text(unit)
    return join(_status_text(unit), tag("span", exception, class_="note exception"))


def _status_text(unit: Unit) -> Html:
    if unit.decision_known:
        return join("Approved for inclusion (decided ", day(unit.decision), ").")
    words = STATUS_WORDS.get(unit.status, unit.status)
    return join(words, f"; {decision_words(unit)} ", day(unit.decision), unit.overdue_note, ".")


def _cut_off_cell(inst: Instance, item: PlanItem) -> Html:
    margin = decision_margin(inst, item)
    if margin is None or item.cut_off is None:
        return tag("span", "-", class_="na")
    note = f"{margin} days' margin" if margin >= 0 else f"missed by {-margin} days"
    tight = margin < TIGHT_MARGIN_DAYS
    cell = join(day(item.cut_off), tag("span", note + (": at risk" if tight else ""),
                                       class_="note tight" if tight else "note"))
    published = published_cut_off(inst, item)
    return cell if published is None else join(
        cell, tag("span", "published: ", day(published), class_="note"))


def _fall_back_cell(inst: Instance, unit: Unit, item: PlanItem) -> Html:
    if unit.decision_known:
        return tag("span", "-", class_="na")
    if item.fall_back is None:
        return join(no_fall_back_words(inst, item) if item.fall_back_found
                    else "not found in time")
    cell = join(_release_link(item.fall_back), " (", day(inst.release(item.fall_back).go_live),
                ")")
    if item.fall_back_needs_moves:
        return join(cell, tag("span", moving_too(item.fall_back_moves),
                              class_="note"))
    new = new_versions_words(item)
    versions = tag("span", new, class_="note") if new else ""
    if item.fall_back_if_others_move:
        return join(cell, versions, tag("span", f"or {item.fall_back_if_others_move} if "
                                                f"{who_moves(item.fall_back_moves)}",
                                        class_="note"))
    return join(cell, versions)


def _outside(inst: Instance, plan: Plan) -> Html:
    outside = [i for i in plan.items if i.release is None and i.id not in inst.closed]
    closed = [i for i in plan.items if i.id in inst.closed]
    parts: list[Html] = []
    if outside:
        rows = [(_item_link(i.id), i.title, STATUS_WORDS.get(i.status, i.status),
                 prose(i.reasons[0]) if i.reasons else "") for i in outside]
        parts.append(tag("h3", "Not in any release of the horizon"))
        parts.append(table(("Item", "Title", "Status", "Why"), rows, class_="outside"))
    if closed:
        listed = [(i.id, i.title, STATUS_WORDS.get(i.status, i.status)) for i in closed]
        parts.append(tag("h3", "Closed, not planned"))
        parts.append(table(("Item", "Title", "Status"), listed, class_="closed"))
    return join(*parts)


# --- comparison -------------------------------------------------------------------------


def _comparison(c: Comparison, titles: Mapping[str, str]) -> Html:
    parts = [tag("p", f"The plan of {c.other} against the plan of {c.base}: it was "
                      "planned from the base plan, so only what must or should move does."
                 if c.against_base else
                 f"The plan of {c.other} beside the plan of {c.base}: {c.other} is not "
                 f"planned from {c.base}'s plan, but as secplan solve plans it.")]
    if c.unproven:
        parts.append(tag("p", c.unproven[0].upper() + c.unproven[1:] + ".", class_="note"))
    parts += [tag("p", line + ".") for line in rule_change_words(c)]
    moves = [("Moved", c.moved), ("Entered the horizon", c.entered),
             ("Left the horizon", c.left)]
    for caption, rows in moves:
        if rows:
            parts.append(_moves_table(caption, rows, titles))
    if not (c.moved or c.entered or c.left):
        parts.append(tag("p", "No item moved.", class_="empty"))
    parts += [_go_live_changes(c), _cut_off_changes(c), _fall_back_changes(c), _uplift_changes(c),
              _uplifts_per_year(c), _objective_side_by_side(c)]
    return join(*parts)


def _moves_table(caption: str, moves: Sequence[Move], titles: Mapping[str, str]) -> Html:
    rows = [(_item_link(m.item), titles.get(m.item, ""), _release_link(m.before),
             _release_link(m.after), prose(m.reason)) for m in moves]
    return table(("Item", "Title", "From", "To", "Why"), rows, class_="moves wide",
                 caption=caption)


def _go_live_changes(c: Comparison) -> Html:
    if not c.go_lives:
        return Html("")
    rows = [(g.release, day(g.before) if g.before else "-", day(g.after) if g.after else "-")
            for g in c.go_lives]
    return table(("Release", "Go-live before", "Go-live after"), rows,
                 caption="Go-live dates that changed")


def _cut_off_changes(c: Comparison) -> Html:
    if not c.cut_offs:
        return Html("")
    rows = [(_item_link(k.item), k.release, day(k.before), day(k.after), f"{k.days:+d}")
            for k in c.cut_offs]
    return table(("Item", "Release", "Cut-off before", "Cut-off after", "Days"), rows,
                 caption="Cut-off dates that changed", numeric=(4,))


def _fall_back_changes(c: Comparison) -> Html:
    if not c.fall_backs:
        return Html("")
    rows = [(_item_link(f.item), join(_release_link(f.release), f" (moved from {f.moved_from})"
                                      if f.moved_from else ""),
             f.before_words, f.after_words) for f in c.fall_backs]
    return table(("Item", "Release", "Fall-back before", "Fall-back after"), rows,
                 caption="Fall-backs that changed (where a decision missing its cut-off "
                         "lapses to)")


def _uplift_changes(c: Comparison) -> Html:
    if not c.uplifts:
        return Html("")
    rows = [(u.release, ", ".join(u.before) or "-", ", ".join(u.after) or "-")
            for u in c.uplifts]
    return table(("Release", "Uplifts before", "Uplifts after"), rows,
                 caption="Specification uplifts that changed")


def _uplifts_per_year(c: Comparison) -> Html:
    years = sorted({y for per in c.uplifts_per_year.values() for y in per})
    if not years:
        return Html("")
    rows = [
        (spec, *(_change(*per[y]) if y in per else "" for y in years))
        for spec, per in c.uplifts_per_year.items()
    ]
    return table(("Specification", *years), rows, numeric=range(1, len(years) + 1),
                 caption="Versions per specification and year (base → this plan)")


def _worse_or_better(delta: int) -> str:
    """The class of a change in a cost (objective terms, versions): up is worse (red), down
    better (green; a Panel read found every change in red, improvements too)."""
    return "changed" if delta > 0 else "better"


def _change(before: int, after: int) -> Html:
    """A count of versions, base -> this plan."""
    if before == after:
        return join(before)
    return tag("span", f"{before} → {after}", class_=_worse_or_better(after - before))


def _objective_side_by_side(c: Comparison) -> Html:
    rows = [(c.moves_term if term == "moves" else term, before, after,
             _change_amount(after - before)) for term, (before, after) in c.objective.items()]
    return table(("Term", c.base, c.other, "Change"), rows, class_="objective",
                 caption="Objective terms, side by side" + (
                     f"; each plan's terms count its own items: {c.counted_apart}"
                     if c.counted_apart else ""), numeric=(1, 2, 3))


def _change_amount(delta: int) -> Html:
    """An objective term's change (every term is a cost)."""
    if not delta:
        return join("0")
    return tag("span", f"{delta:+d}", class_=_worse_or_better(delta))


# --- figures ----------------------------------------------------------------------------


def _figures(inst: Instance, plan: Plan, kept: _Kept) -> Html:
    from solver.plot import draw_gantt, draw_graph, draw_timetable, gantt_pages

    figures: list[Html] = []
    if plan.status != "infeasible":
        pages = gantt_pages(plan, kept.releases, _GANTT_ROWS)
        for page in range(pages):
            figures.append(_figure(
                f"gantt-{page + 1}",
                partial(draw_gantt, inst, plan, releases=kept.releases, max_rows=_GANTT_ROWS,
                        page=page),
                "Gantt chart: for each item, its decision, its cut-off and its release's "
                "go-live; scope baselines and the planning date across all rows."
                + (f" Page {page + 1} of {pages}." if pages > 1 else "")))
    figures.append(_figure(
        "timetable", lambda: draw_timetable(inst),
        "Release timetable: each release's DCC and full scope baselines and its go-live; "
        "the shaded time is before the planning date."))
    if plan.status != "infeasible":
        figures.append(_figure(
            "graph", lambda: draw_graph(inst, plan, releases=kept.releases),
            "Dependency graph: items in columns by release, an edge for every rule that "
            "ties two items (an aligned uplift only within the year where it binds); items "
            "changing the same specification in one release share a rail."))
    return join(*figures)


def _figure(name: str, draw: Callable[[], Axes], caption: str) -> Html:
    return tag("figure", _inline_svg(svg_of(draw), name), tag("figcaption", caption),
               id=f"figure-{name}")


def svg_of(draw: Callable[[], Axes]) -> str:
    """Draw a figure and return it as SVG text: fixed ids, text as text, no metadata, so
    the same figure gives the same text. The figure is closed afterwards."""
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    # fixed ids in the SVG; text kept as text (searchable, selectable, small)
    with mpl.rc_context({"svg.hashsalt": "secplan-report", "svg.fonttype": "none"}):
        figure = draw().figure.get_figure(root=True)
        buffer = io.StringIO()
        try:
            figure.savefig(buffer, format="svg", metadata=_SVG_METADATA)
        finally:
            plt.close(figure)
    return buffer.getvalue()


def _inline_svg(svg: str, prefix: str) -> Html:
    """An SVG document made fit to sit inside HTML: no XML prolog or doctype, and every id
    (and every reference to one) prefixed, so several figures on one page never share an
    id."""
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', svg)
    svg = re.sub(r'url\(#([^)]+)\)', rf"url(#{prefix}-\1)", svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', svg)
    return Html(svg.replace("<svg ", '<svg role="img" ', 1).strip())


# --- explanations -----------------------------------------------------------------------


def _explanations(inst: Instance, plan: Plan, explanations: ReleaseOptions,
                  kept: _Kept) -> Html:
    order = {rid: k for k, rid in enumerate(inst.release_ids)}
    shown = sorted(
        (i for i in plan.items if i.id not in inst.closed and kept.has(i.release)),
        key=lambda i: (i.release is None, order.get(i.release or "", 0), i.id),
    )
    ranked = [i for i in shown if len(explanations.get(i.id, ())) > 1]
    intro = tag("p", "For each item: its cut-off in its release, then why it is not in "
                     "the open releases just before it, nor in the next one: the hard rules "
                     "that forbid it, or, marked "
                     "\u201cmoving it alone\u201d, what that release would break or cost with "
                     "every other item where it is"
                     + (" (the ranking below lets others move too)." if ranked else "."))
    rows = [(_item_cell(i), _release_link(i.release),
             _reasons(i, explanations.get(i.id))) for i in shown]
    reasons = table(("Item", "Release", "Why here, and not earlier or later"), rows,
                    class_="why wide",
                    row_ids=[_anchor("why", i.id) for i in shown])
    rankings = [_ranking(inst, i, explanations[i.id]) for i in ranked]
    if rankings:
        rankings.insert(0, join(
            tag("h3", "Releases ranked per item, best first"),
            tag("p", "Computed from the model: the plan re-solved with the item held in each "
                     "release in turn. A blocked release lists hard rules that forbid it "
                     "(a minimal set of them; rules on the item alone, such as its "
                     "decision date, each forbid it by themselves); a possible one says "
                     "what the plan would gain and lose. "
                     "When the plan is not proven optimal, the model is asked with only the "
                     "item\u2019s neighbours free to move (items linked to it by small rules, "
                     "and those sharing a rule or a specification with it in the years the "
                     "move touches; marked \u201cnear\u201d), against keeping it where it "
                     "is: \u201cno room nearby\u201d lists the rules moving it alone breaks, "
                     "for which its neighbours make no room (items further away moving "
                     "might). "
                     "Releases the model could not settle within the time limit are judged "
                     "by moving the item alone (marked \u201calone\u201d): the rules that "
                     "move breaks, or what it costs with every other item in place.")))
    return join(intro, reasons, *rankings)


def _item_cell(item: PlanItem) -> Html:
    return join(tag("strong", item.id), tag("span", item.title, class_="note"))


_BARRED_ALONE = re.compile(r"not (\S+?)(?:, the next release)? \(moving it alone\): with ")
"""A plan reason saying which rules break when the item moves alone to a release
(`solver.explain.placement_reasons`)."""


def _reasons(item: PlanItem, options: Sequence[ReleaseOption] | None) -> Html:
    """The item's reasons; with its ranked `options`, a release a reason bars when the item
    moves alone but the ranking finds open with other items moving says so there (a Panel
    read: "why here" said a release breaks rules and the ranking called it possible)."""
    ranked = options is not None and len(options) > 1
    href = "#" + _anchor("rank", item.id)
    link = tag("a", "releases ranked below", href=href) if ranked else ""
    opened = {o.release for o in options or () if not (o.current or o.blocked_by or o.alone)}

    def said(reason: str) -> Html:
        alone = _BARRED_ALONE.match(reason)
        if ranked and alone and alone[1] in opened:
            return join(prose(reason), " ", tag(
                "span", f"({alone[1]} is possible with other items moving: ",
                tag("a", "ranked below", href=href), ")", class_="note"))
        return prose(reason)

    if len(item.reasons) == 1:
        return join(said(item.reasons[0]), " ", link)
    items = [tag("li", said(r)) for r in item.reasons]
    return join(tag("ul", *items, class_="reasons"), link)


def _ranking(inst: Instance, item: PlanItem, options: Sequence[ReleaseOption]) -> Html:
    """One item's ranked releases; the heading says which were weighed: every release, or
    (`whole_plan_questions`) its own with the earlier ones and the next, as it has them."""
    heading = tag("h4", item.id, " ", tag("span", item.title, class_="title"), ": ",
                  _weighed(inst, item.release, {o.release for o in options}))
    rows = [(_release_link(o.release) if o.release else LEFT_OUT, _verdict(o), prose(o.summary))
            for o in options]
    return tag("article", heading,
               table(("Release", "Verdict", "Why"), rows, class_="options wide"),
               class_="ranking", id=_anchor("rank", item.id))


def _weighed(inst: Instance, own: str | None, asked: set[str | None]) -> str:
    """"every release", or "its release, the earlier ones and the next" (an item in the
    first release has no earlier ones, one in the last no next)."""
    if asked >= {*inst.release_ids, None} or own is None:
        return "every release"
    k = inst.index(own)
    earlier = any(r is not None and inst.index(r) < k for r in asked)
    later = [r for r in asked if r is not None and inst.index(r) > k]
    words = ["its release", *(["the earlier ones"] if earlier else []),
             *([f"the next ({later[0]})"] if later else [])]
    return ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else words[0]


def _verdict(option: ReleaseOption) -> Html:
    if option.current:
        return tag("span", "chosen", class_="chosen")
    alone = " (alone)" if option.alone else " (near)" if option.neighbours is not None else ""
    if option.blocked_by and option.neighbours is not None:
        return tag("span", "no room nearby", class_="no-room")
    if option.blocked_by:
        return tag("span", "blocked" + alone, class_="blocked")
    return tag("span", "possible" + alone, class_="possible")


# --- sweep ------------------------------------------------------------------------------


def _sweep(sweep: Mapping[str, Any], kept: _Kept | None = None) -> Html:
    from solver.sweep import NONE, REJECTED, margin_words, whole_percents

    base: Mapping[str, str | None] = sweep.get("base") or {}
    probabilities: Mapping[str, Mapping[str, float]] = {
        uid: per for uid, per in sweep["probabilities"].items()
        if kept is None or kept.has(base.get(uid))}
    columns = list(dict.fromkeys(r for per in probabilities.values() for r in per))
    columns.sort(key=lambda r: (r in (NONE, REJECTED), r))
    rows = []
    for uid, per in sorted(probabilities.items()):
        percent = whole_percents(per)
        rows.append((uid, base.get(uid) or NONE, *(
            _share(per.get(r, 0.0), percent.get(r, 0), r == (base.get(uid) or NONE))
            for r in columns)))
    intro = tag("p", f"{sweep['samples']} samples of {sweep.get('scenario', 'the scenario')}"
                     + (f", {sweep['planned']} with a plan" if "planned" in sweep else "")
                     + (f" (seed {sweep['seed']})" if "seed" in sweep else "")
                     + ". Share of samples placing each item in each release (none: "
                       "outside the horizon; rejected: the sample rejected it); the base "
                       "plan's release is outlined. " + margin_words(sweep.get("planned",
                                                                   sweep["samples"])))
    return join(intro, _sweep_headline(sweep),
                table(("Item", "Base plan", *columns), rows, class_="sweep",
                      numeric=range(2, len(columns) + 2)),
                _sweep_releases(sweep), _sweep_uplifts(sweep), _sweep_influence(sweep),
                _sweep_failures(sweep))


def _sweep_failures(sweep: Mapping[str, Any]) -> Html:
    """Why samples have no plan: the outcomes besides a plan, and the first errors (a
    review: "60 samples, 51 with a plan" and not a word on the other 9)."""
    outcomes = sweep.get("outcomes")
    others = {k: v for k, v in outcomes.items() if k not in ("optimal", "feasible") and v} \
        if isinstance(outcomes, dict) else {}
    if not others:
        return Html("")
    words = {"infeasible": "no plan satisfies the rules", "invalid": "the draws make no "
             "valid scenario", "error": "the solve failed"}
    rows = [(row.get("index"), row.get("status"), prose(str(row.get("error") or "")))
            for row in (sweep.get("errors") or []) if isinstance(row, dict)]
    said = "; ".join(f"{n} {k} ({words.get(k, k)})" for k, n in sorted(others.items()))
    return join(tag("p", f"Samples without a plan: {said}. None of them counts in the shares "
                         "above."),
                table(("sample", "outcome", "why"), rows, numeric=(0,),
                      caption=f"The first {len(rows)} samples without a plan")
                if rows else Html(""))


def _sweep_headline(sweep: Mapping[str, Any]) -> Html:
    """What a Panel asks of a sweep first: which releases' scopes hold, which items stay
    (rejections aside: a rejected item leaves any plan), in the samples with a plan."""
    if sweep.get("planned") == 0:
        return tag("p", "No sample has a plan: nothing below describes the plan's "
                        "robustness.", class_="headline")
    holds: Mapping[str, float] = sweep.get("release_holds") or {}
    probabilities: Mapping[str, Mapping[str, float]] = sweep["probabilities"]
    base: Mapping[str, str | None] = sweep.get("base") or {}
    from solver.sweep import NONE, REJECTED, few_words, percent_text

    fragile = sorted(uid for uid, per in probabilities.items()
                     if per.get(base.get(uid) or NONE, 0.0) < 0.5 * (1 - per.get(REJECTED, 0.0)))
    of = "of the samples with a plan"
    said = []
    missed: Mapping[str, float] = sweep.get("deadlines_missed") or {}
    if missed:  # first: a regulatory deadline missed (planned after the date, or left out)
        said.append("Deadlines missed: " + ", ".join(f"{uid} in {percent_text(p)}"
                                                     for uid, p in missed.items()) + f" {of}")
    if holds:
        said.append("Scope holding (no item moving in or out, rejections aside): "
                    + ", ".join(f"{rid} in {percent_text(p)}" for rid, p in holds.items())
                    + f" {of}")
    if fragile:
        said.append(f"Items in their base-plan release in under half {of} that keep them "
                    f"(rejections aside): {', '.join(fragile)}")
    if "mean_moves" in sweep:
        said.append(f"On average {sweep['mean_moves']:.2f} items move per sample with a plan")
    causes = sweep.get("influence") or []
    if causes and causes[0].get("impact", 0.0) > 0:  # what drives the rest (a Panel read)
        top = causes[0]
        said.append(f"The uncertainty going with the most moves: {top['uncertainty']} (in "
                    f"{top['samples']} samples; correlation, not cause){few_words(top)}")
    return tag("ul", *(tag("li", line + ".") for line in said), class_="headline") if said \
        else Html("")


def _sweep_releases(sweep: Mapping[str, Any]) -> Html:
    holds: Mapping[str, float] = sweep.get("release_holds") or {}
    unchanged: Mapping[str, float] = sweep.get("release_unchanged") or {}
    if not holds or not unchanged or sweep.get("planned") == 0:
        return Html("")
    moves: Mapping[str, float] = sweep.get("release_moves") or {}  # not in older summaries
    kept: Mapping[str, float] = sweep.get("release_kept") or {}  # nor this
    from solver.sweep import percent_text

    rows = [(rid, percent_text(moves[rid]) if rid in moves else "-",
             percent_text(kept[rid]) if rid in kept else "-",
             percent_text(unchanged[rid]) if rid in unchanged else "-", percent_text(p))
            for rid, p in holds.items()]
    return table(("Release", "go-live moves", "base-plan items kept (mean)", "scope unchanged",
                  "scope holds (rejections aside)"), rows,
                 numeric=(1, 2, 3, 4), caption="Does each release's scope hold?")


def _sweep_uplifts(sweep: Mapping[str, Any]) -> Html:
    expected: Mapping[str, Mapping[str, float]] = sweep.get("expected_uplifts") or {}
    base: Mapping[str, Mapping[str, int]] = sweep.get("base_uplifts") or {}
    if "base_uplifts" not in sweep or sweep.get("planned") == 0:
        return Html("")
    rows = [(spec, year, base.get(spec, {}).get(year, 0),
             tag("span", f"{mean:.2f}",
                 class_="changed" if mean > base.get(spec, {}).get(year, 0) else None))
            for spec, years in expected.items() for year, mean in years.items()]
    if not rows:
        return Html("")
    return table(("Specification", "year", "versions in the base plan", "expected"), rows,
                 numeric=(2, 3), caption="Specification versions per year (more than "
                 "the base plan in red)")


REPORT_CAUSES = 8
"""Causes the report's sweep section lists, the highest ranked."""


def _sweep_influence(sweep: Mapping[str, Any]) -> Html:
    """The causes ranked by impact (`SweepResult.influence`), with it: a review found the
    table without it, and without a word that it shows correlation."""
    from solver.sweep import few_words

    causes = sweep.get("influence") or []
    rows = [(row["uncertainty"], row["samples"], f"{row['mean_moves_with']:.2f}",
             "-" if row.get("mean_moves_without") is None
             else f"{row['mean_moves_without']:.2f}",
             f"{row.get('impact', 0.0):+.2f}" + few_words(row))
            for row in causes[:REPORT_CAUSES]]
    if not rows:
        return Html("")
    shown = (f" (the first {REPORT_CAUSES} of the {len(causes)} uncertainties drawn)"
             if len(causes) > REPORT_CAUSES else "")  # a Panel read: "(8 of 82)" unexplained
    return table(("uncertainty", "samples with it", "items moved with it", "without it",
                  "impact"), rows, numeric=(1, 2, 3, 4),
                 caption=f"What moves items most{shown}: the impact is the share of samples "
                 "with it times the difference it goes with; an item decided late or overrunning "
                 "is weighed against the samples that keep the item. Correlation in the "
                 "samples, not cause and effect")


def _share(p: float, percent: int, is_base: bool) -> Html:
    """A share of the samples, as its whole `percent`; "<1%" or ">99%" where rounding
    would hide that some samples differ."""
    from solver.sweep import share_text

    text = share_text(p, percent) or ("0%" if is_base else "")  # not an empty outlined cell
    classes = " ".join(c for c in ("base" if is_base else "", "likely" if p >= 0.5 else "") if c)
    return tag("span", text, class_=classes or None)


_CSS = """
:root { --ink: #1d1d1f; --muted: #5a5a60; --rule: #d4d4d8; --band: #f5f5f7;
  --accent: #1f4e79; --bad: #a4262c; --good: #2e7d32; --warn: #8a5a00; }
* { box-sizing: border-box; }
html { font-size: 15px; }
body { margin: 0 auto; max-width: 1200px; padding: 1.5rem 2rem 4rem; color: var(--ink);
  font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; line-height: 1.45;
  background: #fff; }
h1 { font-size: 1.9rem; margin: 0 0 .3rem; color: var(--accent); }
h2 { font-size: 1.4rem; margin: 2.4rem 0 .8rem; padding-bottom: .25rem;
  border-bottom: 2px solid var(--accent); color: var(--accent); }
h3 { font-size: 1.1rem; margin: 1.4rem 0 .4rem; }
a { color: var(--accent); }
.meta, .note, .empty, .na, figcaption, caption, .id, .title { color: var(--muted); }
.id { font-weight: normal; font-size: .9rem; margin-left: .4rem; }
.title { font-weight: normal; }
.note { display: block; font-size: .82rem; }
.about { display: block; }
nav ol { display: flex; flex-wrap: wrap; gap: .3rem 1.4rem; padding: .6rem 1rem;
  margin: 1rem 0; list-style: none; background: var(--band); border-radius: 4px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1.2rem;
  margin: .6rem 0 1rem; }
dl.release-facts { display: flex; flex-wrap: wrap; gap: .2rem 2rem; margin: .3rem 0 .6rem;
  font-size: .9rem; }
dl.release-facts div { display: flex; gap: .5rem; }
dt { font-weight: bold; }
dd { margin: 0; }
table { border-collapse: collapse; margin: .6rem 0 1.2rem; font-size: .9rem; min-width: 50%; }
table.wide { width: 100%; }
caption { text-align: left; font-weight: bold; padding: .2rem 0; caption-side: top; }
th, td { text-align: left; vertical-align: top; padding: .35rem .55rem;
  border-bottom: 1px solid var(--rule); }
th { background: var(--band); border-bottom: 2px solid var(--rule); font-size: .85rem; }
tbody tr:nth-child(even) td { background: #fafafa; }
.n { text-align: right; font-variant-numeric: tabular-nums; }
.n, td time, td a { white-space: nowrap; }
table.rid td:first-child, table.moves td:first-child { font-weight: bold; }
table.why td:first-child { width: 16rem; }
table.rid td:nth-child(3) { text-align: center; }
.tick { color: var(--good); font-weight: bold; }
.changed { color: var(--bad); font-weight: bold; }
.better { color: var(--good); font-weight: bold; }
.note.tight { color: var(--bad); font-weight: bold; }
.about.changed { color: var(--bad); font-size: .9rem; font-weight: normal; }
.lede { font-size: 1.1rem; margin: .2rem 0; }
ul.headline { font-size: 1.05rem; margin: .6rem 0 1rem; padding-left: 1.2rem; }
article.release { border-left: 6px solid var(--rule); padding: .1rem 0 .1rem 1rem;
  margin: 1.4rem 0; }
ul.reasons { margin: 0; padding-left: 1.1rem; }
article.ranking h4 { font-size: 1rem; margin: 1rem 0 .2rem; }
table.options th:nth-child(-n+2) { width: 6.5rem; }
.chosen { color: var(--good); font-weight: bold; }
.blocked { color: var(--bad); font-weight: bold; }
.possible { color: var(--accent); }
.no-room { color: var(--warn); font-weight: bold; }
table.sweep td .base { outline: 1px solid var(--accent); padding: 0 .25rem; }
table.sweep td .likely { font-weight: bold; }
figure { margin: 1rem 0 2rem; }
figure svg { display: block; max-width: 100%; height: auto; }
figcaption { font-size: .9rem; margin-top: .3rem; }
@media print {
  @page { size: A4; margin: 14mm 12mm;
    @bottom-right { content: "page " counter(page) " of " counter(pages); font-size: 8pt;
      color: #5a5a60; } }
  html { font-size: 10pt; }
  body { max-width: none; padding: 0; }
  nav { display: none; }
  a { color: inherit; text-decoration: none; }
  h2 { break-before: page; break-after: avoid; }
  section#summary h2 { break-before: auto; }
  h3, h4, caption, dl.release-facts { break-after: avoid; }
  tr, figure, article.ranking, table.objective { break-inside: avoid; }
  thead { display: table-header-group; }
  tbody tr:nth-child(even) td { background: none; }
  th, td { padding: .25rem .4rem; }
  article.release { padding-left: .6rem; }
}
""".strip()
