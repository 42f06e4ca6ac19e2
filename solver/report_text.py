"""Terminal output: scenario summary, plan tables, the RID scope table, explanations."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any, TypeVar

from rich.table import Table

from solver.calendar import cut_off
from solver.check import broken_rules
from solver.compare import Comparison
from solver.explain import ReleaseOption
from solver.instance import Instance, Unit
from solver.lint import listed
from solver.model import (
    CLASH_WORDS,
    STATUS_WORDS,
    TIGHT_MARGIN_DAYS,
    Plan,
    PlanItem,
    Scenario,
    plan_words,
)
from solver.objective import levels
from solver.plan import (
    SKIPPED_PREFIX,
    exception_only,
    held_by_own_rules,
    moving_too,
    pinned_against,
    rules_bar,
    who_moves,
)
from solver.rules.base import RuleBase
from solver.rules.baseline import EXCEPTION_PREFIX, exception_note
from solver.rules.capacity import Capacity
from solver.rules.uplift import AlignedUplift

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
"""English names whatever the locale (strftime's %B follows LC_TIME)."""


def long_date(day: dt.date) -> str:
    """A date as a Panel paper writes it in prose: "Thursday 4 November 2027" (the RID
    header had strftime's "04")."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def _column_width(head: str, cells: list[str]) -> int:
    """A table column's width in characters, with its padding and border."""
    return max(len(head), *map(len, cells)) + 3


def _print_odds(s: Scenario, out: Any, every: bool) -> None:
    """The odds a sweep draws from, when the scenario has an uncertainty section; the
    first rows of each table unless `every`."""
    from solver.uncertainty import Uncertainty, odds_rows

    if s.uncertainty == Uncertainty():
        return
    items, releases = odds_rows(s)
    for title, columns, rows in (
        ("Uncertainty a sweep draws from, per pending item (low / likeliest / high)",
         ("item", "approval", "decision slip, days", "DCC build overrun, months"), items),
        ("Releases that may move (days: low / likeliest / high)",
         ("release", "moves", "days"), releases),
    ):
        if rows:
            shown, left_out = _first(rows, every, f"{columns[0]}s")
            table = Table(*columns, title=title, caption=left_out)
            for row in shown:
                table.add_row(*row)
            out.print(table)


T = TypeVar("T")

SHOWN_ROWS = 40
"""Rows `secplan validate` shows of a table with a row per item or rule, unless `--all`
(an acceptance test: 3,027 lines at 1,000 items, mostly every pending item's cut-offs)."""
SHOWN_IDS = 30
"""Item ids `secplan validate` lists per status, unless `--all`."""


def _first(rows: list[T], every: bool, what: str) -> tuple[list[T], str | None]:
    """The rows to show and, when some are left out, a caption saying how many."""
    if every or len(rows) <= SHOWN_ROWS:
        return rows, None
    return rows[:SHOWN_ROWS], f"the first {SHOWN_ROWS} of {len(rows)} {what}; --all shows every one"


def print_summary(inst: Instance, out: Any, every: bool = False) -> None:
    """What `secplan validate` shows: releases, pending cut-offs, items by status, rules,
    assumptions; long lists cut to their first rows unless `every`."""
    s = inst.scenario
    out.print(f"[bold]{s.name}[/bold]: {s.description}".rstrip(": "))
    out.print(f"as of {s.as_of}; {len(inst.units)} items to plan, {len(inst.closed)} closed")
    releases = Table(title="Releases")
    for col in ("release", "go-live", "DCC scope baseline", "full scope baseline", "note"):
        releases.add_column(col)
    for r in inst.releases:
        notes = []
        if r.moved_from:
            notes.append(f"moved from {r.moved_from}")
        if inst.is_frozen(r):
            notes.append("gone live: frozen")
        elif r.baselined_by(True, inst.as_of):
            notes.append(
                "DCC scope baselined"
                + (", full scope baselined" if r.baselined_by(False, inst.as_of) else "")
            )
        releases.add_row(
            r.id,
            f"{r.go_live} {r.go_live:%a}",
            str(r.dcc_baseline),
            str(r.full_baseline),
            "; ".join(notes),
        )
    out.print(releases)
    pending, left_out = _first([u for u in inst.units if not u.decision_known], every,
                               "pending items")
    if pending:
        lead = [[u.id, u.status, str(u.decision)] for u in pending]
        # b: an acceptance test read a baselined release's cut-off as one to make
        cells = [[f"{c}" + (" x" if c < u.decision else
                            " b" if exception_note(inst, u, r) is not None else "")
                  for r in inst.releases for c in (inst.cut_off(u, r),)] for u in pending]
        barred = ("only as an exception" if inst.scenario.policy.exceptions == "allowed"
                  else "closed to it")
        title = ("Pending decisions: cut-off date per release (x: decision misses it; b: scope "
                 f"baselined, {barred})")
        heads = ["item", "status", "expected"]
        ids = [r.id for r in inst.releases]
        widths = [_column_width(rid, [row[k] for row in cells]) for k, rid in enumerate(ids)]
        room = getattr(out, "width", 120) - 1 - sum(
            _column_width(h, [row[k] for row in lead]) for k, h in enumerate(heads))
        chunks: list[list[int]] = [[]]  # release columns that fit the width, table by table
        used = 0
        for k, width in enumerate(widths):
            if chunks[-1] and used + width > room:
                chunks.append([])
                used = 0
            chunks[-1].append(k)
            used += width
        for n, chunk in enumerate(chunks):  # never a date cut to "2026-0…"
            cut = Table(title=title if n == 0 else f"{title}, continued", caption=left_out)
            for col in (*heads, *(ids[k] for k in chunk)):
                cut.add_column(col, no_wrap=True)
            for first, dates in zip(lead, cells, strict=True):
                cut.add_row(*first, *(dates[k] for k in chunk))
            out.print(cut)
    statuses: dict[str, list[str]] = {}
    for u in inst.units:
        statuses.setdefault(u.status, []).append(u.id)
    for uid, closed in inst.closed.items():
        statuses.setdefault(closed.status, []).append(uid)
    by_status = Table(title="Items by status")
    by_status.add_column("status")
    by_status.add_column("n", justify="right")
    by_status.add_column("items")
    for status in sorted(statuses):
        ids = sorted(statuses[status])
        more = len(ids) - SHOWN_IDS if not every and len(ids) > SHOWN_IDS else 0
        by_status.add_row(status, str(len(ids)), ", ".join(ids[:len(ids) - more])
                          + (f" (+{more} more)" if more else ""))
    if any(len(ids) > SHOWN_IDS for ids in statuses.values()) and not every:
        by_status.caption = "--all lists every item"
    out.print(by_status)
    rows = rule_rows(inst)  # the scenario's rules first, then a row per built-in family
    shown, left_out = _first(rows[:len(inst.file_rules)], every, "rules the scenario writes")
    built_in = rows[len(inst.file_rules):]
    rules = Table(title="Rules (built-in ones per item are counted)", caption=left_out)
    for column in ("rule", "kind", "asks", "note"):
        rules.add_column(column)
    for row in [*shown, *built_in]:
        rules.add_row(*row)
    out.print(rules)
    _print_odds(s, out, every)
    if s.assumptions:
        from solver.assumptions import about_words, as_written, written_in

        assumed = Table(title="Assumptions (with the value in force)")
        assumed.add_column("about")
        assumed.add_column("assumption")
        assumed.add_column("written in")
        for a in s.assumptions:
            was = as_written(s, a)
            assumed.add_row("\n".join([*about_words(s, a.about), *([f"({was})"] if was else [])]),
                            a.note, written_in(a))
        out.print(assumed)


def rule_rows(inst: Instance) -> list[tuple[str, str, str, str]]:
    """(rule, kind, what it asks, note) for each rule the scenario writes, then one row per
    family of built-in rules ("decision-in-time(...)", "built in", what such a rule asks,
    how many there are)."""

    def kind(rule: RuleBase) -> str:
        return "hard" if rule.hard else f"soft ({rule.penalty})"

    rows = [(rule.name, kind(rule), rule.asks, rule.note) for rule in inst.file_rules]
    written = {id(rule) for rule in inst.file_rules}
    built_in: dict[tuple[str, str], list[str]] = {}  # (family, kind) -> the rules' notes
    for rule in inst.rules:
        if id(rule) not in written:
            built_in.setdefault((rule.name.split("(")[0], kind(rule)), []).append(rule.note)
    for (family, how), notes in sorted(built_in.items()):
        asks = notes[0].removeprefix("built in: ")
        rows.append((f"{family}(...)", "built in" + ("" if how == "hard" else f", {how}"),
                     asks, f"{len(notes)} of them"))
    return rows


def new_versions_words(item: PlanItem) -> str:
    """"adds a new GBCS version", "adds new GBCS and DUIS versions": what the item's
    fall-back adds (empty when nothing; a Panel read "a new DUIS version" beside a release
    as unlabelled); "moves the DUIS version from 2022-06" for a version only it makes in
    its release (a proposer read "adds" where the version moved)."""
    said = []
    for specs, one, many in ((item.fall_back_new_versions, "adds a new {} version",
                              "adds new {} versions"),
                             (item.fall_back_moved_versions,
                              f"moves the {{}} version from {item.release}",
                              f"moves the {{}} versions from {item.release}")):
        if specs:
            names = specs[0] if len(specs) < 2 else f"{', '.join(specs[:-1])} and {specs[-1]}"
            said.append((one if len(specs) < 2 else many).format(names))
    return "; ".join(said)


def fall_back_words(inst: Instance, item: PlanItem) -> str:
    """An item's fall-back as a table cell: the release, marked when it holds the item only
    if other items move too; "none in the horizon" for a pending item placed without one
    ("not found in time" when the budget ran out first); nothing for a decided item."""
    if item.fall_back is None:
        placed_pending = item.release is not None and not inst.unit(item.id).decision_known
        if not placed_pending:
            return ""
        return no_fall_back_words(inst, item) if item.fall_back_found else \
            "not found in time"
    # a fall-back that adds a version is one more for every Party to test (a Panel read)
    new = new_versions_words(item)
    if item.fall_back_if_others_move:  # the versions are the fall-back's (an acceptance test
        # read them as the movers')
        return (f"{item.fall_back} ({f'{new}; ' * bool(new)}or {item.fall_back_if_others_move}"
                f" if {who_moves(item.fall_back_moves)})")
    if not item.fall_back_needs_moves:
        return item.fall_back + (f" ({new})" if new else "")
    return f"{item.fall_back}, {moving_too(item.fall_back_moves)}"  # as the report


def no_fall_back_words(inst: Instance, item: PlanItem) -> str:
    """What a pending item has when no release is left to fall back to: "none by its
    deadline 2028-07-31" when its deadline bars the rest of the horizon (an acceptance
    test: "none in the horizon" hid that the deadline, not the horizon, leaves nothing);
    where the scenario allows exceptions, that it is none without one (a review: the
    release whose scope is baselined by then may still take it, as an exception); and the
    release that holds it if another item leaves the horizon (an acceptance test: "none"
    read as nothing could take an item whose decision was a week from its cut-off)."""
    unit = inst.unit(item.id)
    deadline = unit.item.deadline
    last = inst.releases[-1].go_live if inst.releases else None
    pushing = (f" as the plan stands ({item.fall_back_if_one_leaves} if another item leaves "
               "the horizon)" if item.fall_back_if_one_leaves else "")
    shut = ", ".join([] if item.release is None else exception_only(inst, unit, item.release))
    held = [] if item.release is None else held_by_own_rules(inst, unit, item.release)
    if deadline is not None and last is not None and deadline < last:
        head = f"none by its deadline {deadline}"
    elif held:  # a pin (an acceptance test: "none in the horizon" with no word why), and
        # where it would go without (a proposer: a pinned decision still falls back)
        lifted = item.fall_back_without_own_rules
        head = f"none: {rules_bar(held)} every release left" + (
            f" ({lifted} without {'it' if len(held) == 1 else 'them'})" if lifted else "")
    else:
        return "none in the horizon" + (f" without an exception ({shut}: scope baselined by "
                                        "then)" if shut else "") + pushing
    return head + (f"; {shut} only as an exception (scope baselined by then)" if shut
                   else "") + pushing


def decision_margin(inst: Instance, item: PlanItem) -> int | None:
    """Days from a placed item's expected decision to the cut-off of its release (negative:
    it misses it); None for a decided item, or one in no release."""
    if item.release is None or item.id in inst.closed:
        return None
    return inst.decision_margin(inst.unit(item.id), inst.release(item.release))


RULES_BROKEN = "Rules broken"
LEFT_OUT = "left out"
"""An item's option of no release, in a ranking (a Panel read: "none  possible: ..." read
as "no option possible")."""


def objective_words(inst: Instance, objective: Mapping[str, int]) -> str:
    """"objective: priority 1: unplaced 0 + exceptions 0 = 0; priority 2: delay 647 +
    uplifts 7 x 10 + ...": each level's terms with their weights and the level's total (a
    Panel read: "soft-rules 10, delay 647, uplifts 7, moves 3" mixed penalties, counts and
    weighted counts with nothing to weigh them by)."""
    said = []
    for level in levels(inst.scenario.objective):
        terms = [f"{t.term} {objective.get(t.term, 0)}"
                 + (f" \u00d7 {t.weight}" if t.weight != 1 else "") for t in level]
        total = sum(t.weight * objective.get(t.term, 0) for t in level)
        said.append(f"priority {level[0].priority}: " + " + ".join(terms)
                    + (f" = {total}" if len(level) > 1 or level[0].weight != 1 else ""))
    if len(said) == 1:
        return "objective: " + said[0].split(": ", 1)[1]
    return "objective, each priority settled before the next: " + "; ".join(said)


def other_broken_rules(plan: Plan) -> dict[str, tuple[bool, list[str]]]:
    """The plan's broken rules (`broken_rules`) less the allowed exceptions (soft
    scope-baseline rules), which `headline` names as exceptions."""
    return {rule: said for rule, said in broken_rules(plan.violations).items()
            if said[0] or not rule.startswith("scope-baseline(")}


def headline(inst: Instance, plan: Plan) -> list[str]:
    """What stands out in a plan, as sentences: the items that move from the base plan (or
    the published allocation), grouped by route; those left out; the exceptions; the other
    rules broken; the decisions due within TIGHT_MARGIN_DAYS of their cut-off. Empty with
    no plan."""
    if plan.status == "infeasible":
        return []
    source = f"the {inst.moves_source}"
    # (from, to, out of a baselined scope) -> items, as the plan lists them
    routes: dict[tuple[str, str, bool], list[str]] = {}
    for i in plan.items:
        was = inst.moved_from(inst.unit(i.id), i.release) if i.id not in inst.closed else None
        if was is not None:
            baselined = inst.in_baselined_scope(inst.unit(i.id))
            routes.setdefault((was, i.release or "none", baselined), []).append(i.id)
    each = inst.scenario.policy.baselined_move_cost  # (an acceptance test: "moves 3 x 5"
    # beside one item moved, the 3 said only in the report)
    moved = [f"{', '.join(ids)} {a} \u2192 {b}" + (
        f" (out of a baselined scope: {each} moves each)" * baselined)
        for (a, b, baselined), ids in routes.items()]
    outside = [i.id for i in plan.items if i.release is None and i.id not in inst.closed]
    tight = [f"{i.id} ({days} days; if later: {fall_back_words(inst, i) or 'none'})"
             for i in plan.items
             if (days := decision_margin(inst, i)) is not None and 0 <= days < TIGHT_MARGIN_DAYS]
    exceptions = [f"{i.id} {note.removeprefix('Exception: ')}" for i in plan.items
                  if i.release is not None and i.id not in inst.closed
                  and (note := exception_note(inst, inst.unit(i.id), inst.release(i.release)))]
    broken = [rule + ("" if hard else " (soft)")
              for rule, (hard, _) in other_broken_rules(plan).items()]
    lapsed = _lapsed_alignments(inst, plan)
    published = _published_differences(inst, plan)
    # a release that had items where moves count from and has none now (a Panel read: a
    # what-if moving June 2021 emptied it, and only the tables showed it)
    had = {inst.reference(u) for u in inst.units} - {None}
    emptied = [r.id for r in plan.releases if not r.items and r.id in had]

    count = sum(len(ids) for ids in routes.values())  # an acceptance test: "and 9 more"
    # read as nine items, where it was nine routes of 38 items
    return [f"Moves from {source} ({count} item{'s' * (count != 1)}): "
            f"{listed(moved, what='routes' if len(moved) > 7 else '')}" if moved
            else f"Nothing moves from {source}",
            *([f"Left outside the horizon: {listed(outside)}"] if outside else []),
            *([f"Releases left with no items (they had some in {source}): "
               f"{listed(emptied)}"] if emptied else []),
            *([f"Exceptions: {listed(exceptions)}"] if exceptions else []),  # (an acceptance
            # test: said only as a soft rule broken)
            *([f"{RULES_BROKEN}: {listed(broken)}"] if broken else []),
            *([f"Alignments lapsed, their anchor gone from the year: {listed(lapsed)}"]
              if lapsed else []),
            *([f"Decisions expected less than {TIGHT_MARGIN_DAYS} days before their "
               f"cut-off: {listed(tight)}"] if tight else []),
            *([f"Cut-offs other than the published allocation's: {listed(published, 3)}"]
              if published else [])]


def published_cut_off(inst: Instance, item: PlanItem) -> dt.date | None:
    """The cut-off the published allocation gives a pending item (`baseline_cut_off`) when
    the plan keeps it in that release with another cut-off of its own (a Panel read: the
    November 2020 cut-offs were 28 September here and 22 October in the RID, and only the
    assumptions said why). None otherwise."""
    if item.id in inst.closed or item.cut_off is None:
        return None
    unit = inst.unit(item.id)
    published = unit.item.baseline_cut_off
    if published is None or unit.decision_known or item.release != unit.item.baseline \
            or published == item.cut_off:
        return None
    return published


def _published_differences(inst: Instance, plan: Plan) -> list[str]:
    """"MP084, MP088 in 2020-11: 2020-09-28 against the published 2020-10-22 (24 days
    earlier)", grouped by release and dates."""
    groups: dict[tuple[str, dt.date, dt.date], list[str]] = {}
    implied: dict[tuple[str, dt.date, dt.date], dt.date] = {}
    for item in plan.items:
        if (published := published_cut_off(inst, item)) is not None:
            assert item.release is not None and item.cut_off is not None
            key = (item.release, item.cut_off, published)
            groups.setdefault(key, []).append(item.id)
            # the go-live the published date is the cut-off of, with the item's own lead
            # times, where a shift of the plan's go-live gives it exactly (a Panel read: 24
            # days earlier, and only the assumptions far below said why)
            unit, go_live = inst.unit(item.id), inst.release(item.release).go_live
            shifted = go_live + (published - item.cut_off)
            if cut_off(shifted, unit.dcc_lead_time, unit.party_lead_time) == published:
                implied.setdefault(key, shifted)
    out = []
    for (rid, cut, pub), ids in groups.items():
        why = "" if (rid, cut, pub) not in implied else (
            f"; the published date is the cut-off of a go-live on {implied[rid, cut, pub]}, "
            f"the plan's is {inst.release(rid).go_live}")
        out.append(f"{', '.join(ids)} in {rid}: {cut} against the published {pub} "
                   f"({abs((pub - cut).days)} days {'earlier' if cut < pub else 'later'}{why})")
    return out


def _lapsed_alignments(inst: Instance, plan: Plan) -> list[str]:
    """"GBCS in 2021 (SECMP0007 2021-11 -> 2022-06; 2021-11 still changes GBCS)": an
    aligned uplift without a year of its own binds only in its anchor's year, so when the
    anchor leaves the year it had in the base plan (or the published allocation) while that
    year still changes the specification, no rule is broken, yet the version it was to share
    with the anchor goes out alone (a Panel review of the COVID what-if: two GBCS versions
    eight months apart, with "no rule broken")."""
    out = []
    releases = {r.id: r for r in plan.releases}
    for rule in inst.file_rules:
        if not isinstance(rule, AlignedUplift) or rule.year is not None \
                or rule.anchor not in plan.assignments or rule.anchor in inst.closed:
            continue
        was, now = inst.reference(inst.unit(rule.anchor)), plan.assignments[rule.anchor]
        if was is None or was == now or was not in releases:
            continue
        year = inst.release(was).year
        if now is not None and inst.release(now).year == year:
            continue
        still = [rid for rid, r in releases.items()
                 if inst.release(rid).year == year and rule.spec in r.uplifts]
        if still:
            out.append(f"{rule.spec} in {year} ({rule.anchor} {was} \u2192 {now or 'none'}; "
                       f"{', '.join(still)} still change{'s' if len(still) == 1 else ''} "
                       f"{rule.spec})")
    return out


def print_plan(inst: Instance, plan: Plan, out: Any) -> None:
    """What `secplan solve` shows: one table per release, then anything left out."""
    out.print(f"[bold]{plan.scenario}[/bold]: {plan_words(plan.status, plan.gap)}; as of "
              f"{inst.as_of}")
    if inst.scenario.description:
        out.print(inst.scenario.description)
    out.print(objective_words(inst, plan.objective), soft_wrap=True)
    items = {i.id: i for i in plan.items}
    for release in plan.releases:
        r = inst.release(release.id)
        moved = f" (moved from {r.moved_from})" if r.moved_from else ""
        moved += gone_live_words(inst, release.id)
        table = Table(
            title=f"{release.id}: go-live {release.go_live}{moved}; uplifts: "
            f"{', '.join(release.uplifts) or 'none'}",
            title_justify="left",
        )
        for col in ("item", "title", "status", "cut-off (pending)", "fall-back"):
            table.add_column(col)
        for uid in release.items:
            i = items[uid]
            pending = decision_margin(inst, i) is not None
            # each move marked, as the report's tables do (the summary lists a few)
            was = None if uid in inst.closed else inst.moved_from(inst.unit(uid), release.id)
            table.add_row(uid, i.title, i.status + f" (moved from {was})" * bool(was),
                          str(i.cut_off) if pending else "", fall_back_words(inst, i))
        live = [] if release.items else sorted(
            uid for uid, unit in inst.closed.items()
            if unit.status == "implemented" and unit.baseline == release.id)
        if release.items:
            out.print(table)
        elif live:  # gone live with its items (a monthly re-plan read "no items")
            out.print(f"[dim]{release.id}: go-live {release.go_live}{moved}: nothing left to "
                      f"plan; implemented there: {', '.join(live)}; uplifts: "
                      f"{', '.join(release.uplifts) or 'none'}[/dim]")
        else:
            out.print(f"[dim]{release.id}: go-live {release.go_live}{moved}: no items[/dim]")
    loads = capacity_rows(inst, plan)
    if loads:  # how full each release is, against each capacity rule
        table = Table(title="Capacity used", title_justify="left")
        for col in ("rule", "release", "load"):
            table.add_column(col)
        for row in loads:
            table.add_row(row["rule"], row["release"], load_words(row),
                          style="yellow" if row["state"] else None)
        out.print(table)
    outside = [i for i in plan.items if i.release is None and i.id not in inst.closed]
    if outside:
        out.print("[bold]Not in any release of the horizon:[/bold]")
        for i in outside:
            out.print(f"  {i.id} ({i.status}): {i.reasons[0] if i.reasons else ''}")
    print_closed(inst, out)
    # sentences are not wrapped (a review: piped output broke them mid-sentence), so that
    # each stays one line for grep and for whoever reads the text at another width
    # each broken rule once, with what breaks it, where the headline names it
    for line in headline(inst, plan):
        if not line.startswith(RULES_BROKEN):
            out.print(f"[bold]{line}.[/bold]", soft_wrap=True)
            continue
        out.print(f"[bold]{RULES_BROKEN}:[/bold]")
        for rule, (hard, messages) in other_broken_rules(plan).items():
            out.print(f"  [yellow]{rule}{'' if hard else ' (soft)'}: {'; '.join(messages)}"
                      "[/yellow]", soft_wrap=True)
    for k, alt in enumerate(plan.alternatives, 1):
        gaps = ", ".join(f"level {n} +{g}" for n, g in enumerate(alt.gap_to_best, 1))
        out.print(f"[bold]Alternative {k}[/bold]: objective {gaps} against the best plan")
        table = Table()
        for col in ("item", "best plan", "this alternative"):
            table.add_column(col)
        for uid in alt.differs_from_best:
            table.add_row(uid, plan.assignments.get(uid) or "-", alt.assignments[uid] or "-")
        out.print(table)


def print_clash(inst: Instance, plan: Plan, out: Any) -> None:
    out.print(f"[bold red]{plan.scenario}: no plan satisfies the rules.[/bold red]")
    out.print(f"{CLASH_WORDS}:")
    for name in plan.clash:
        note = f"  ({inst.rule_named[name].note})" if inst.rule_named[name].note else ""
        out.print(f"  - {name}{note}")
    for fixed, said in pinned_against(inst, plan.clash):
        out.print(f"{fixed.name} puts {fixed.item} in {fixed.release}, which each of these "
                  "bars on its own:")
        for name, messages in said.items():
            out.print(f"  - {name}: {'; '.join(messages)}")
    relax = plan.relaxation
    if relax:
        out.print("Smallest set of rules to relax for a plan, and what the plan made without "
                  "them does to them:")
        for broken in relax:
            out.print(f"  - {broken.rule}" + (f": {broken.message}" if broken.message else ""))
    if plan.relaxation_alternatives:
        out.print("Or relax any one of these instead:")
        for broken in plan.relaxation_alternatives:
            out.print(f"  - {broken.rule}" + (f": {broken.message}" if broken.message else ""))


def capacity_rows(inst: Instance, plan: Plan, release_id: str | None = None
                  ) -> list[dict[str, Any]]:
    """Each capacity rule's load per release it limits (or in `release_id` only): effort
    and items against the limits, and whether they are reached ("full") or passed ("over",
    a soft rule broken)."""
    rows = []
    for rule in inst.rules:
        if not isinstance(rule, Capacity):
            continue
        for rid, (effort, count) in rule.use(inst, plan.assignments).items():
            if release_id not in (None, rid):
                continue
            loads = [(used, limit) for used, limit in ((effort, rule.max_effort),
                                                       (count, rule.max_count))
                     if limit is not None]
            state = "over" if any(u > m for u, m in loads) else \
                "full" if any(u == m for u, m in loads) else ""
            rows.append({"rule": rule.name, "release": rid, "effort": effort,
                         "max_effort": rule.max_effort, "items": count,
                         "max_count": rule.max_count, "state": state})
    return rows


def load_words(row: dict[str, Any]) -> str:
    """"effort 95/100, items 3" or "items 3/3, effort 95", then "(full)" or "(over)": the
    load against each limit, the limited measure first."""
    effort = f"effort {row['effort']}" + (f"/{row['max_effort']}" if row["max_effort"]
                                          is not None else "")
    items = f"items {row['items']}" + (f"/{row['max_count']}" if row["max_count"]
                                       is not None else "")
    said = f"{effort}, {items}" if row["max_effort"] is not None else \
        (f"{items}, {effort}" if row["effort"] else items)
    return said + (f" ({row['state']})" if row.get("state") else "")


def moved_out(inst: Instance, plan: Plan, release_id: str) -> list[tuple[str, str | None]]:
    """The items the base plan (or the published allocation) has in the release and this
    plan puts elsewhere, each with where it goes (an acceptance test: an approved item left
    a baselined release and the release's RID did not say so)."""
    return [(i.id, i.release) for i in plan.items
            if i.id not in inst.closed and i.release != release_id
            and inst.reference(inst.unit(i.id)) == release_id]


def decision_words(unit: Unit) -> str:
    """"decision expected", or "Authority decision expected" on the Authority's route,
    where the date is not the Change Board's (a proposer read "Change Board vote; decision
    expected 10 Sep" as the vote's date); not where its status already says so."""
    authority = unit.item.route == "authority" and unit.status != "with-authority"
    return ("Authority decision" if authority else "decision") + " expected"


def gone_live_words(inst: Instance, release_id: str) -> str:
    """" (gone live: its scope is frozen)" for a release gone live before `as_of`, else ""
    (a monthly re-plan: its scope table read as a live release's)."""
    return " (gone live: its scope is frozen)" if inst.is_frozen(inst.release(release_id)) \
        else ""


def moved_out_words(inst: Instance, plan: Plan, release_id: str) -> str:
    """"Moved out of this release (from the published allocation): MP250 to 2028-06, out
    of this release's baselined scope.", or "" when nothing left it (a monthly re-plan read
    "its scope already baselined" as the new release's)."""
    gone = [f"{uid} to {to or 'no release'}"
            + (", out of this release's baselined scope"
               if inst.in_baselined_scope(inst.unit(uid)) else "")
            for uid, to in moved_out(inst, plan, release_id)]
    return (f"Moved out of this release (from the {inst.moves_source}): {'; '.join(gone)}."
            if gone else "")


def rid_data(inst: Instance, plan: Plan, release_id: str) -> dict[str, Any]:
    """A release's scope as the RID table has it, as data (`secplan rid --json`): the
    release's dates and uplifts, then per item its status in words, whether it impacts DCC
    Systems, the date it is included if approved by (pending items), an exception's note
    and its fall-back (the plan file's fields)."""
    r = inst.release(release_id)
    rel = next(x for x in plan.releases if x.id == release_id)
    items = {i.id: i for i in plan.items}
    rows = []
    for uid in rel.items:
        unit, item = inst.unit(uid), items[uid]
        pending = not unit.decision_known
        rows.append({
            "id": uid, "title": unit.title, "dcc_impact": unit.dcc_impact,
            "status": unit.status,
            "status_words": (f"{STATUS_WORDS.get(unit.status, unit.status)}; "
                             f"{decision_words(unit)} {unit.decision}{unit.overdue_note}."
                             if pending
                             else f"Approved for inclusion ({unit.decision})."),
            "decision": unit.decision.isoformat() if unit.decision else None,
            "decision_known": not pending,
            "included_if_approved_by": str(item.cut_off) if pending else None,
            "published_cut_off": str(p) if (p := published_cut_off(inst, item)) else None,
            "exception": exception_note(inst, unit, r),
            "fall_back": item.fall_back, "fall_back_if_others_move":
                item.fall_back_if_others_move, "fall_back_if_one_leaves":
                item.fall_back_if_one_leaves, "fall_back_needs_moves":
                item.fall_back_needs_moves, "fall_back_barred_by": item.fall_back_barred_by,
            "fall_back_moves": item.fall_back_moves,
            "fall_back_found": item.fall_back_found,
            "fall_back_words": fall_back_words(inst, item),
            "moved_from": inst.moved_from(unit, release_id),
        })
    return {"release": release_id, "go_live": str(r.go_live),
            "dcc_scope_baseline": str(r.dcc_baseline),
            "full_scope_baseline": str(r.full_baseline), "uplifts": rel.uplifts,
            "items": rows, "moves_from": inst.moves_source,
            "capacity": capacity_rows(inst, plan, release_id),
            "moved_out": [{"id": uid, "to": to,
                           "baselined": inst.in_baselined_scope(inst.unit(uid))}
                          for uid, to in moved_out(inst, plan, release_id)]}


def print_rid(inst: Instance, plan: Plan, release_id: str, out: Any) -> None:
    """A release's scope in the style of the RID table."""
    data = rid_data(inst, plan, release_id)
    out.print(
        f"[bold]{release_id} {inst.scenario.code} Release[/bold]: go-live "
        f"{long_date(inst.release(release_id).go_live)}{gone_live_words(inst, release_id)}; "
        f"DCC scope baseline {data['dcc_scope_baseline']}, full scope baseline "
        f"{data['full_scope_baseline']}; uplifts: {', '.join(data['uplifts']) or 'none'}"
    )
    table = Table()
    for col in (
        "Modification",
        "Impacts DCC Systems?",
        "Current status",
        "Included if approved by",
        "Fall-back",
    ):
        table.add_column(col)
    for row in data["items"]:
        table.add_row(
            f"{row['id']} '{row['title']}'" + (f" (moved here from {row['moved_from']})"
                                               if row["moved_from"] else ""),
            "yes" if row["dcc_impact"] else "",
            row["status_words"] + (f" {row['exception']}." if row["exception"] else ""),
            (row["included_if_approved_by"] or "") + (
                f" (published: {row['published_cut_off']})" if row["published_cut_off"]
                else ""),
            row["fall_back_words"],
        )
    if data["items"]:
        out.print(table)
    else:  # an acceptance test: an empty table, said nowhere (the report says it)
        out.print("No items in this release.")
    for row in data["capacity"]:
        out.print(f"{row['rule']}: {load_words(row)}")
    if gone := moved_out_words(inst, plan, release_id):
        out.print(f"[bold]{gone}[/bold]", soft_wrap=True)


def print_closed(inst: Instance, out: Any) -> None:
    """The closed items (rejected, withdrawn, implemented), which no plan places."""
    if inst.closed:
        out.print("Closed, not planned: "
                  + ", ".join(f"{uid} ({u.status})" for uid, u in sorted(inst.closed.items())))


def print_options(inst: Instance, item: PlanItem, options: list[ReleaseOption],
                  out: Any, notes: bool = True) -> None:
    """One item's explanation: its place, then each release considered, best first; then
    what its marks mean, unless `notes` is False (`print_option_notes` once for many)."""
    from solver.explain import decision_reason

    head = f"[bold]{item.id}[/bold] {item.title} -> {item.release or 'no release'}"
    if item.id not in inst.closed:  # where it came from: the Panel's first question (an
        was = inst.moved_from(inst.unit(item.id), item.release)  # acceptance test: never
        if was is not None:  # said)
            head += f" (moved from {was}, its release in the {inst.moves_source})"
    fall_back = fall_back_words(inst, item)
    if fall_back:
        head += f"; if the decision misses {item.cut_off}: fall-back {fall_back}"
    out.print(head)
    if item.release:
        out.print("  " + decision_reason(inst, inst.unit(item.id), item.release))
    elif item.reasons:
        out.print("  " + item.reasons[0])
    for reason in item.reasons:  # why not the next one (an acceptance test: in --json only),
        if reason.startswith((SKIPPED_PREFIX, EXCEPTION_PREFIX)):  # an exception (an audit)
            out.print("  " + reason)
    table = Table(show_header=True, box=None, padding=(0, 1))
    table.add_column("  release")
    table.add_column("why")
    for option in options:
        label = option.release or LEFT_OUT
        if option.current:
            mark = "[green]chosen[/green]: "
        elif option.alone:
            mark = "[yellow]moving it alone[/yellow]" + (" breaks " if option.blocked_by else ": ")
        elif option.neighbours is not None:
            mark = ("[yellow]no room nearby[/yellow]: " if option.blocked_by
                    else "[yellow]possible[/yellow]: ")
        else:
            mark = "[red]blocked by[/red] " if option.blocked_by else "possible: "
        table.add_row(f"  {label}", mark + option.summary)
    out.print(table)
    if notes:
        print_option_notes(options, out)


def print_option_notes(options: list[ReleaseOption], out: Any,
                       time_limit: float | None = None) -> None:
    """What the marks among `options` mean; with `time_limit` (the explanations' budget), how
    many releases were judged moving the item alone, and about what limit would have let
    the model weigh them all (an acceptance test: 905 of 976 items judged alone at 20 s,
    told only to raise --time-limit)."""
    if any(option.neighbours is not None for option in options):
        out.print("  [dim]the plan is not proven optimal, so the model was asked with only the "
                  "item's neighbours free to move (items linked to it by small rules, and "
                  "those sharing a rule or a specification with it in the years the move "
                  "touches), against keeping it where it is; items further away moving "
                  "might do better[/dim]")
    alone = sum(option.alone for option in options)
    if not alone:
        return
    more = " (raise --time-limit)"
    if time_limit is not None:
        asked = len(options) - alone
        more = (f". {alone:,} of {len(options):,} releases weighed were judged so: "
                + (f"--time-limit {math.ceil(time_limit * len(options) / asked)} or so would "
                   "let the model weigh them all at the pace so far" if asked else
                   "raise --time-limit"))
    out.print("  [dim]\u201cmoving it alone\u201d: no time left to ask the model; other "
              f"items moving might make room, or lower the cost{more}[/dim]")


def rule_change_words(c: Comparison) -> list[str]:
    """"Rules broken now, kept in BASE: ...", and the other way, and a planning date that
    moved: the terminal's and the report's words for them."""
    return [*([f"Planned as of {c.as_of[1]}, where {c.base} is as of {c.as_of[0]}: delay "
               "counts each item's months from that date, so it changes for items that stay put"]
              if c.as_of else []),
            *([f"Rules broken now, kept in {c.base}: {listed(c.rules_broken)}"]
              if c.rules_broken else []),
            *([f"Rules broken in {c.base}, kept now: {listed(c.rules_kept)}"]
              if c.rules_kept else []),
            *([f"Rules broken in {c.base}, not in force now: {listed(c.rules_gone)}"]
              if c.rules_gone else []),
            *([f"Rules not in force in {c.base}, broken now: {listed(c.rules_new)}"]
              if c.rules_new else [])]


def print_comparison(c: Comparison, out: Any) -> None:
    out.print(f"[bold]{c.base}[/bold] -> [bold]{c.other}[/bold]" + (
        "" if c.against_base else f" ({c.other} is not planned from {c.base}'s plan, but "
                                  "as `secplan solve` plans it)"))
    for title, rows in (
        ("Moved", c.moved),
        ("Entered the horizon", c.entered),
        ("Left the horizon", c.left),
    ):
        if not rows:
            continue
        table = Table(title=title, title_justify="left")
        for col in ("item", "from", "to", "why"):
            table.add_column(col)
        for m in rows:
            table.add_row(m.item, m.before or "-", m.after or "-", m.reason)
        out.print(table)
    if c.unproven:
        out.print(f"[yellow]{c.unproven}[/yellow]")
    for line in rule_change_words(c):
        out.print(line)
    if not (c.moved or c.entered or c.left):
        out.print("No item moved.")
    for g in c.go_lives:
        out.print(f"Release {g.release}: go-live {g.before or '-'} -> {g.after or '-'}")
    if c.cut_offs:
        table = Table(title="Cut-off dates that changed", title_justify="left")
        for col in ("item", "release", "from", "to", "days"):
            table.add_column(col)
        for k in c.cut_offs:
            table.add_row(k.item, k.release, str(k.before), str(k.after), f"{k.days:+d}")
        out.print(table)
    if c.fall_backs:
        table = Table(title="Fall-backs that changed (where a decision missing its cut-off "
                            "lapses to)", title_justify="left")
        for col in ("item", "release", "fall-back before", "fall-back after"):
            table.add_column(col)
        for f in c.fall_backs:
            table.add_row(f.item, f.release + (f" (moved from {f.moved_from})" if f.moved_from
                                               else ""), f.before_words, f.after_words)
        out.print(table)
    if c.uplifts:
        table = Table(title="Specification uplifts that changed", title_justify="left")
        for col in ("release", "before", "after"):
            table.add_column(col)
        for u in c.uplifts:
            table.add_row(u.release, ", ".join(u.before) or "-", ", ".join(u.after) or "-")
        out.print(table)
    table = Table(
        title="Uplifts per specification and year (before -> after)", title_justify="left"
    )
    table.add_column("specification")
    years = sorted({y for per in c.uplifts_per_year.values() for y in per})
    for y in years:
        table.add_column(str(y))
    for spec, per in c.uplifts_per_year.items():
        table.add_row(spec, *(f"{per[y][0]} -> {per[y][1]}" if y in per else "" for y in years))
    out.print(table)
    table = Table(title="Objective terms", title_justify="left",
                  caption=f"each plan's terms count its own items: {c.counted_apart}"
                  if c.counted_apart else None)
    for col in ("term", c.base, c.other):
        table.add_column(col)
    for term, (before, after) in c.objective.items():
        table.add_row(c.moves_term if term == "moves" else term, str(before), str(after))
    out.print(table)
