"""What a valid scenario says that its author probably did not mean: warnings. The
commands print them on standard error and carry on; what cannot be planned is bad input
(`solver.scenario`) instead."""

from __future__ import annotations

import datetime as dt
import itertools
import re

from solver.calendar import Release, build_releases, cut_off
from solver.fields import duration_parts
from solver.instance import Unit, units_of
from solver.model import CLOSED_STATUSES, PENDING_STATUSES, Scenario
from solver.rules.base import RuleBase
from solver.rules.dependency import NeverTogether, Precedence, SameRelease
from solver.rules.placement import Fixed
from solver.uncertainty import drawn_items


def _nonzero(duration: str) -> bool:
    return any(duration_parts(duration).values())


def closed_units(scenario: Scenario) -> dict[str, str]:
    """The closed items and parts (rejected, withdrawn, implemented) -> their status."""
    return {unit.id: unit.status for item in scenario.items
            for unit in units_of(item, scenario.as_of) if unit.status in CLOSED_STATUSES}


def pinned(scenario: Scenario) -> set[str]:
    """The items and parts a `fixed` rule names (switched off or not)."""
    return {r.item for r in scenario.rules if isinstance(r, Fixed)}


def moot_because(rule: RuleBase, closed: dict[str, str]) -> str:
    """Why a rule no longer applies to the plan ("SECMP0007 is rejected"): it names a
    `closed` item, which `Instance` leaves out with the rule; "" when it applies. A
    same-release or never-together rule keeps its open items, so it is moot only when
    fewer than two are left (an acceptance test: a same-release pair with one rejected
    vanished without the warning the docs promise)."""
    refs = [ref for _, ref in rule.item_refs()]
    gone = [ref for ref in refs if ref in closed]
    if isinstance(rule, SameRelease | NeverTogether) and len(refs) - len(gone) >= 2:
        return ""
    return ", ".join(f"{ref} is {closed[ref]}" for ref in gone)


def _left_alone(rule: RuleBase, closed: dict[str, str]) -> str:
    """What a moot rule leaves planned on its own: "; MP256 is planned without it (reject or
    withdraw it too if it cannot go alone)" (an acceptance test: a precedence's prerequisite
    withdrawn, its dependant stayed planned with no word on it)."""
    alone = [ref for _, ref in rule.item_refs() if ref not in closed]
    if isinstance(rule, NeverTogether) or not alone:
        return ""
    if isinstance(rule, Precedence) and rule.before not in closed:
        return ""  # the one before may go whenever: nothing waits on the closed one
    closed_ones = len(rule.item_refs()) - len(alone)
    one = len(alone) == 1
    return (f"; {', '.join(alone)} {'is' if one else 'are'} planned without "
            f"{'it' if closed_ones == 1 else 'them'} (reject or withdraw {'it' if one else 'them'}"
            f" too if {'it' if one else 'they'} cannot go alone)")


def _calendar_warnings(scenario: Scenario, releases: list[Release]) -> list[str]:
    """What a fuzz test found accepted in silence: a go-live moved past a later release's
    (the plan orders releases by go-live, whatever their ids say, and "a later release" in a
    rule means a later go-live), to its own date, or of a cancelled release; an extra
    release whose id names another month, or outside the horizon. And a go-live moved into
    the past (an acceptance test: a year's typo froze June 2021 with a warning about order
    only)."""
    cal = scenario.calendar
    found = [f"calendar.moves: {rid} is cancelled too, so its move does nothing"
             for rid in cal.moves if rid in cal.cancel]
    found += [f"calendar.moves: {r.id} is moved to {r.go_live}, its own date" for r in releases
              if r.moved_from == r.go_live]
    found += [f"calendar.moves: {r.id} is moved to {r.go_live}, before as_of "
              f"{scenario.as_of} (from {r.moved_from}): it counts as gone live, its scope "
              "frozen; check the date" for r in releases
              if r.moved_from is not None and r.go_live < scenario.as_of <= r.moved_from]
    for extra in cal.extra:
        month = f"{extra.go_live.year:04d}-{extra.go_live.month:02d}"
        if _MONTH_ID.fullmatch(extra.id) and extra.id != month:
            found.append(f"calendar.extra: {extra.id} goes live on {extra.go_live}, in {month}: "
                         "its id names another month")
        if not cal.first <= month <= cal.last:
            found.append(f"calendar.extra: {extra.id} goes live on {extra.go_live}, outside the "
                         f"horizon {cal.first} to {cal.last}; it is planned all the same")
    found += [f"calendar: {words}: the plan takes {later} as the earlier release; check the "
              "moved dates" for words, later in out_of_order(scenario, releases)]
    return found


def out_of_order(scenario: Scenario, releases: list[Release]) -> list[tuple[str, str]]:
    """Window releases whose go-lives run against their ids, as ("2021-06 goes live on
    2021-12-01, after 2021-11 (2021-11-04)", "2021-11"): a move took one past the next
    (extra releases' ids are checked on their own)."""
    extras = {e.id for e in scenario.calendar.extra}
    by_id = sorted((r for r in releases if _MONTH_ID.fullmatch(r.id) and r.id not in extras),
                   key=lambda r: r.id)
    return [(f"{before.id} goes live on {before.go_live}, after {after.id} ({after.go_live})",
             after.id) for before, after in itertools.pairwise(by_id)
            if after.go_live < before.go_live]


_MONTH_ID = re.compile(r"\d{4}-\d{2}")


def listed(names: list[str], most: int = 6, what: str = "") -> str:
    """"A, B, C and 4 more": at most `most` names, all of them when one more would be left
    (an acceptance test: "and 1 more" hid an item to save a few characters); `what` the
    names are, where not items ("and 9 more routes")."""
    if len(names) <= most + 1:
        return ", ".join(names)
    return ", ".join(names[:most]) + f" and {len(names) - most} more" + (f" {what}" * bool(what))


def loose_commitment(unit: Unit, release: Release | None, as_of: dt.date) -> bool:
    """Whether `unit`, published in `release`, is approved for inclusion there with that
    release's scope baselined by `as_of`, where a `fixed` rule would keep it: not gone live
    (frozen keeps it there), and approved in time for it (a `fixed` rule there would clash:
    a monthly re-plan followed that advice into no plan)."""
    if unit.status != "approved" or release is None or release.go_live < as_of:
        return False
    if unit.decision > cut_off(release.go_live, unit.dcc_lead_time, unit.party_lead_time):
        return False
    return release.baselined_by(unit.dcc_impact, as_of)


def _unfixed_commitments(scenario: Scenario, releases: list[Release],
                         units: list[Unit]) -> list[str]:
    """Approved items in their published release, whose scope is already baselined, with no
    `fixed` rule to keep them there: "approved for inclusion" stays unless a scenario moves
    it, and without the rule the plan may move one for a small gain (an acceptance test: an
    approved DCC build slipped a year to save 4 value-months, the RID none the wiser)."""
    fixed = pinned(scenario)
    by_id = {r.id: r for r in releases}
    loose = [f"{unit.id} ({unit.baseline})" for unit in units if unit.id not in fixed
             and loose_commitment(unit, by_id.get(unit.baseline or ""), scenario.as_of)]
    if not loose:
        return []
    return [f"approved, in a release whose scope is baselined, with no fixed rule: "
            f"{listed(loose, 10)}; the plan may move them (each move counts "
            f"policy.baselined_move_cost = {scenario.policy.baselined_move_cost} moves): add "
            "`{rule: fixed, item: ID, release: RID}` for each that must stay"]


def _together_warnings(scenario: Scenario) -> list[str]:
    """A `together` group's members decided already (nothing is drawn for them), and those
    whose own odds give way to the group's first item's (a review: MP258's approval of 50%
    became MP254's 95% without a word)."""
    items = {i.id: i for i in scenario.items}
    unc = scenario.uncertainty
    leader_of = unc.leaders({i.id for i in drawn_items(scenario)})
    found = []
    for k, group in enumerate(unc.together):
        found += [f"uncertainty.together[{k}]: {i} is {items[i].status}, so nothing is drawn "
                  "for it" for i in group if i in items and items[i].status not in
                  PENDING_STATUSES]
        for member in sorted(i for i in group if i in leader_of):
            own, first = unc.item_odds(items[member]), unc.item_odds(items[leader_of[member]])
            if (own.approval, own.delay_days) != (first.approval, first.delay_days):
                found.append(f"uncertainty.together[{k}]: {member} is drawn with "
                             f"{leader_of[member]} (approval {first.approval:.0%}), not by its "
                             f"own odds (approval {own.approval:.0%})")
    return found


def _contradictions(scenario: Scenario, releases: list[Release],
                    closed: dict[str, str]) -> list[str]:
    """Rules that leave items out of every plan without a clash (an acceptance test: a
    same-release and a never-together rule on one pair, and a deadline before the first
    release still to go live, were planned without a word but for "outside the horizon").
    Rules switched off, and closed items, bind nothing."""
    off = set(scenario.switched_off)
    hard = [r for r in scenario.rules if r.hard and r.name not in off]
    found = []
    for together, apart in itertools.product(
            (r for r in hard if isinstance(r, SameRelease)),
            (r for r in hard if isinstance(r, NeverTogether))):
        both = [i for i in together.items if i in apart.items and i not in closed]
        if len(both) > 1:
            found.append(f"{together.name} and {apart.name}: {' and '.join(both[:2])} must go "
                         "in one release and may not, so the group stays out of the horizon; "
                         "drop one of the rules")
    first = min((r.go_live for r in releases if r.go_live >= scenario.as_of), default=None)
    found += [f"{item.id}: its deadline {item.deadline} is before the first go-live still to "
              f"come ({first}), so no plan meets it; check the date"
              for item in scenario.items
              if first is not None and item.deadline is not None and item.deadline < first
              and item.status not in CLOSED_STATUSES]
    return found


def scenario_warnings(scenario: Scenario) -> list[str]:
    """One sentence per doubtful entry, naming the item (or part) and what to do."""
    found = []
    releases = build_releases(scenario.calendar, scenario.policy, scenario.as_of)
    years = {r.year for r in releases}
    found += _calendar_warnings(scenario, releases)
    closed = closed_units(scenario)
    for rule in scenario.rules:  # `Instance` drops them (an acceptance test: silently)
        if why := moot_because(rule, closed):
            found.append(f"{rule.name}: {why}, so the rule no longer applies to the plan"
                         + _left_alone(rule, closed))
        year = getattr(rule, "year", None)  # a cap's or an alignment's (a typo binds nothing)
        if year is not None and year not in years:
            found.append(f"{rule.name}: no release of the horizon is in {year}, so the rule "
                         "constrains nothing; check the year")
    found += _contradictions(scenario, releases, closed)
    units = [unit for item in scenario.items for unit in units_of(item, scenario.as_of)]
    found += _unfixed_commitments(scenario, releases, units) + _together_warnings(scenario)
    overdue = [f"{u.id} ({u.overdue_since})" for u in units
               if u.overdue_since is not None and u.status not in CLOSED_STATUSES]
    if overdue:  # planned as decided on as_of at the earliest (a proposer's stale Change
        # Board dates were planned on without a word)
        found.append(f"expected decision before as_of {scenario.as_of}, so planned as "
                     f"decided on {scenario.as_of} at the earliest: {listed(overdue, 10)}; "
                     "record each decision, or give its new expected date")
    for unit in units:
        if unit.status in CLOSED_STATUSES:  # never planned: its lead time means nothing
            continue
        if _nonzero(unit.dcc_lead_time) and not unit.dcc_impact:
            found.append(
                f"{unit.id}: dcc_lead_time {unit.dcc_lead_time} but no dcc_impact: its "
                "cut-off counts the lead time, but DCC capacity rules, DCC lead-time "
                "changes and the DCC scope baseline leave it out; set `dcc_impact: true` "
                "if it changes DCC Systems"
            )
    return found
