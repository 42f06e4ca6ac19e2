"""Uncertainty in a scenario, for Monte Carlo what-ifs (`secplan sweep`).

A plan rests on guesses: that a pending modification is approved, on its expected
decision date, with the DCC's lead time as estimated, for a go-live that stays put. A
scenario's `uncertainty:` section says how sure each guess is, so that a sweep can draw
many concrete what-ifs and report how likely each release is to hold:

    uncertainty:
      preset: typical              # start from the documented defaults, typical()
      every_item: {approval: 0.9}  # every pending item, below routes and statuses
      routes:
        authority: {approval: 0.85, delay_days: {low: -14, mode: 14, high: 120}}
      statuses:
        sent-back: {delay_days: {low: 0, mode: 30, high: 150}}
      items:
        SECMP0007: {extra_months: {low: 0, mode: 2, high: 6}}
      every_release: {move: 0.1, days: {low: 7, mode: 21, high: 28}}
      releases:
        "2020-11": {move: 0.5, days: {low: 14, mode: 24, high: 28}}

An item's odds are taken field by field from the most specific entry that gives them:
its `items` entry, its status, its route, `every_item`, then the preset's status, route
and `every_item`; what none of them gives is certain. A release's odds come from its
`releases` entry, `every_release`, then the preset's. Only items whose decision is still to
come are uncertain (an approved item has a decision date, not odds), and extra lead time
applies to their DCC-system work only. Releases already gone live (as of the scenario's
date) do not move. Without a section, or with `preset: none` and no entries, a scenario
is certain and a sweep reproduces its plan in every sample.

Overlays (`extends:`) merge this section key by key: a what-if that gives `routes`
replaces its base's `routes` whole and keeps the base's `items`.

The sampling itself (odds -> a concrete list of `solver.changes`) is in `solver.sweep`.
"""

from __future__ import annotations

import difflib
import functools
import math
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypeVar, get_args

from pydantic import Field, field_validator, model_validator

from solver.fields import ItemId, ReleaseId, Strict

if TYPE_CHECKING:
    from solver.model import Item, Scenario


class Triangular(Strict):
    """A triangular distribution: the least, the likeliest and the most.

    Planners can name three such numbers for a decision's slip or a build's overrun where
    they could not name a mean and a variance; `low == mode == high` is a certainty."""

    low: float
    mode: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high:
            raise ValueError(
                f"need low <= mode <= high (got {self.low:g}, {self.mode:g}, {self.high:g})"
            )
        return self

    def draw(self, u: float) -> float:
        """The value at quantile `u` in [0, 1) (inverse CDF), so each draw uses exactly one
        uniform number whatever the spread: samples stay comparable when odds change."""
        low, mode, high = self.low, self.mode, self.high
        if high == low:
            return low
        if u < (mode - low) / (high - low):
            return low + math.sqrt(u * (high - low) * (mode - low))
        return high - math.sqrt((1 - u) * (high - low) * (high - mode))

    @property
    def certain(self) -> bool:
        return self.low == self.high


NO_SPREAD = Triangular(low=0, mode=0, high=0)


class ItemUncertainty(Strict):
    """How sure a pending item's decision and lead time are; a field left out is taken from
    a less specific entry (see the module docstring)."""

    approval: float | None = Field(
        None, ge=0, le=1, description="Chance the item is approved; it is rejected otherwise."
    )
    delay_days: Triangular | None = Field(
        None,
        description="Days the decision arrives after its expected date (negative: earlier).",
    )
    extra_months: Triangular | None = Field(
        None,
        description="Months added to the DCC lead time of a DCC-system item (build overrun).",
    )
    note: str = ""

    @field_validator("extra_months")
    @classmethod
    def _no_negative_lead_time(cls, value: Triangular | None) -> Triangular | None:
        if value is not None and value.low < 0:
            raise ValueError("extra_months cannot be negative (a lead time only grows)")
        return _within(value, MAX_MONTHS, "months")

    @field_validator("delay_days")
    @classmethod
    def _days_in_range(cls, value: Triangular | None) -> Triangular | None:
        return _within(value, MAX_DAYS, "days")


MAX_DAYS = 3660
"""Days a decision or go-live may be drawn to move, either way: ten years."""
MAX_MONTHS = 120
"""Months a build may be drawn to overrun: ten years."""


def _within(value: Triangular | None, most: int, unit: str) -> Triangular | None:
    """A spread whose draws stay within `most` units either way (dates beyond would not be
    dates any more: every sample would fail)."""
    if value is not None and max(abs(value.low), abs(value.high)) > most:
        raise ValueError(f"at most {most:,} {unit} either way (got {value.low:g} to "
                         f"{value.high:g})")
    return value


class ReleaseUncertainty(Strict):
    """How likely a release's go-live is to move, and by how much."""

    move: float | None = Field(None, ge=0, le=1, description="Chance the go-live moves.")
    days: Triangular | None = Field(
        None, description="Days the go-live moves by when it moves (negative: earlier)."
    )
    note: str = ""

    @field_validator("days")
    @classmethod
    def _days_in_range(cls, value: Triangular | None) -> Triangular | None:
        return _within(value, MAX_DAYS, "days")


@dataclass(frozen=True)
class ItemOdds:
    """An item's resolved odds: every field known."""

    approval: float
    delay_days: Triangular
    extra_months: Triangular


@dataclass(frozen=True)
class ReleaseOdds:
    """A release's resolved odds."""

    move: float
    days: Triangular


T = TypeVar("T")


def _first(values: list[T | None], default: T) -> T:
    """The first value given, most specific first; `default` (certain) when none is."""
    return next((v for v in values if v is not None), default)


def _check_keys(keys: list[str], valid: tuple[str, ...], what: str) -> None:
    for key in keys:
        if key not in valid:
            close = difflib.get_close_matches(key, valid, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ValueError(f"unknown {what} {key!r}{hint} (known: {', '.join(valid)})")


class Uncertainty(Strict):
    """How uncertain the scenario's decisions, lead times and go-lives are (see the module
    docstring for the file format and how entries combine)."""

    preset: Literal["none", "typical"] = Field(
        "none",
        description="'typical': start from the documented defaults (solver.uncertainty."
        "typical); 'none': only what this section says.",
    )
    every_item: ItemUncertainty | None = Field(None, description="Every pending item.")
    routes: dict[str, ItemUncertainty] = Field(
        default_factory=dict, description="By decision route (who decides, and when)."
    )
    statuses: dict[str, ItemUncertainty] = Field(
        default_factory=dict, description="By status; more specific than the route."
    )
    items: dict[ItemId, ItemUncertainty] = Field(
        default_factory=dict, description="By item id; the most specific."
    )
    every_release: ReleaseUncertainty | None = Field(
        None, description="Every release not gone live."
    )
    releases: dict[ReleaseId, ReleaseUncertainty] = Field(
        default_factory=dict, description="By release id; more specific than every_release."
    )
    together: list[list[ItemId]] = Field(
        default_factory=list,
        description="Groups of items decided together (a modification and its consequential "
        "change): each group's pending items share the approval and decision-date draws of "
        "its first pending item by id; each keeps its own DCC overrun.",
    )

    @field_validator("together")
    @classmethod
    def _groups(cls, value: list[list[str]]) -> list[list[str]]:
        seen: set[str] = set()
        for group in value:
            if len(set(group)) < 2:
                raise ValueError(f"a group decided together names two or more items (got "
                                 f"{group})")
            twice = sorted(seen & set(group))
            if twice:
                raise ValueError(f"{twice[0]} is in two groups decided together: merge them")
            seen |= set(group)
        return value

    @field_validator("routes")
    @classmethod
    def _known_routes(cls, value: dict[str, ItemUncertainty]) -> dict[str, ItemUncertainty]:
        from solver.model import Route  # solver.model imports this module

        _check_keys(list(value), get_args(Route), "route")
        return value

    @field_validator("statuses")
    @classmethod
    def _known_statuses(
        cls, value: dict[str, ItemUncertainty]
    ) -> dict[str, ItemUncertainty]:
        from solver.model import PENDING_STATUSES

        _check_keys(list(value), tuple(sorted(PENDING_STATUSES)), "pending status")
        return value

    def _layers(self) -> list[Uncertainty]:
        return [self] if self.preset == "none" else [self, typical()]

    def item_odds(self, item: Item) -> ItemOdds:
        """The odds of a pending item, each field from its most specific entry."""
        entries = [
            entry
            for layer in self._layers()
            for entry in (
                layer.items.get(item.id),
                layer.statuses.get(item.status),
                layer.routes.get(item.route) if item.route else None,
                layer.every_item,
            )
            if entry is not None
        ]
        return ItemOdds(
            approval=_first([e.approval for e in entries], 1.0),
            delay_days=_first([e.delay_days for e in entries], NO_SPREAD),
            extra_months=_first([e.extra_months for e in entries], NO_SPREAD),
        )

    def leaders(self, pending: Collection[str]) -> dict[str, str]:
        """Pending item -> the item whose approval and decision-date draws it shares: the
        first pending item by id of its `together` group (a review: a consequential change
        was drawn rejected while its parent went ahead). Items in no group are left out."""
        out: dict[str, str] = {}
        for group in self.together:
            members = sorted(i for i in group if i in pending)
            out |= {i: members[0] for i in members[1:]}
        return out

    def release_odds(self, release: str) -> ReleaseOdds:
        """The odds of a release's go-live moving, each field from its most specific entry."""
        entries = [
            entry
            for layer in self._layers()
            for entry in (layer.releases.get(release), layer.every_release)
            if entry is not None
        ]
        return ReleaseOdds(
            move=_first([e.move for e in entries], 0.0),
            days=_first([e.days for e in entries], NO_SPREAD),
        )

    def unknown_references(
        self, items: set[str], releases: set[str]
    ) -> list[tuple[tuple[str | int, ...], str]]:
        """Entries naming an item or release the scenario does not have, as (place, problem):
        a typo there would otherwise silently make that item certain."""
        out: list[tuple[tuple[str | int, ...], str]] = []
        for k, group in enumerate(self.together):
            for name in group:
                if name not in items:
                    close = difflib.get_close_matches(name, sorted(items), n=1)
                    hint = f"; did you mean {close[0]!r}?" if close else ""
                    out.append((("together", k), f"no item {name!r} in the scenario{hint}"))
        for key, known, what in (("items", items, "item"), ("releases", releases, "release")):
            entries: dict[str, object] = dict(getattr(self, key))
            for name in entries:
                if name not in known:
                    close = difflib.get_close_matches(name, sorted(known), n=1)
                    hint = f"; did you mean {close[0]!r}?" if close else ""
                    out.append(((key, name), f"no {what} {name!r} in the scenario{hint}"))
        return out


def _spread(low: float, mode: float, high: float) -> Triangular:
    return Triangular(low=low, mode=mode, high=high)


@functools.cache
def typical() -> Uncertainty:
    """The documented defaults behind `preset: typical`. Every number is an ASSUMPTION, for
    a planner to replace with the round's own judgement; the notes say what each rests on.
    Built on first use, because validating route names needs `solver.model`, which
    imports this module."""
    return Uncertainty(
        every_item=ItemUncertainty(
            approval=0.9,
            delay_days=_spread(0, 7, 60),
            extra_months=_spread(0, 0, 3),
            note="Most modifications that reach a decision are approved; DCC builds often "
            "overrun, by up to three months (COVID-19 added about three in 2020).",
        ),
        routes={
            "authority": ItemUncertainty(
                approval=0.85,
                delay_days=_spread(-14, 14, 120),
                note="The Authority (Ofgem) sets no decision date: it decides weeks to "
                "months after the expected date, and rejects or sends back some reports.",
            ),
            "self-governance": ItemUncertainty(
                approval=0.9,
                delay_days=_spread(0, 0, 35),
                note="The Change Board votes on a set date; at worst a deferral moves the "
                "vote to its next monthly meeting.",
            ),
            "fast-track": ItemUncertainty(
                approval=0.98,
                delay_days=_spread(0, 0, 14),
                note="Fast-Track changes are uncontroversial housekeeping.",
            ),
            "dcc-change-request": ItemUncertainty(
                approval=0.95,
                delay_days=_spread(0, 7, 60),
                note="DCC change requests are mostly mandated; their timing follows DCC "
                "impact assessments.",
            ),
        },
        statuses={
            status: ItemUncertainty(
                delay_days=_spread(0, 30, 150),
                note="Back with (or still in) a Working Group: the decision date is a guess.",
            )
            for status in ("sent-back", "draft-proposal", "refinement")
        },
        every_release=ReleaseUncertainty(
            move=0.1,
            days=_spread(7, 21, 28),
            note="Most releases keep their date; November 2019 and November 2020 both moved "
            "about three weeks, to 29 November.",
        ),
    )


def drawn_items(scenario: Scenario) -> list[Item]:
    """The items a sample draws an approval and a decision date for: the pending ones, by
    id (the order their draws are taken in)."""
    from solver.model import PENDING_STATUSES

    return [i for i in sorted(scenario.items, key=lambda i: i.id)
            if i.status in PENDING_STATUSES and i.expected_decision is not None]


def drawn_groups(scenario: Scenario) -> dict[str, str]:
    """Item -> its `together` group's drawn items in words ("A, B"), for every item drawn
    with another: the items whose approval and slip are one draw."""
    leader_of = scenario.uncertainty.leaders({i.id for i in drawn_items(scenario)})
    members: dict[str, list[str]] = {}
    for item, leader in sorted(leader_of.items()):
        members.setdefault(leader, [leader]).append(item)
    return {item: ", ".join(group) for group in members.values() for item in group}


def overrun_reaches(item: Item) -> bool:
    """A DCC build overrun (a lead-time shift on the item) changes some pending DCC-system
    part of it: a split item's DCC part may be decided already."""
    from solver.whatif import lead_time_skip  # solver.whatif imports solver.model, this

    data = item.model_dump()
    return any(lead_time_skip(unit, data) is None for unit in data["parts"] or [data])


def odds_rows(scenario: Scenario) -> tuple[list[list[str]], list[list[str]]]:
    """What a sweep draws from, in words, for `secplan validate` (a review: a section could
    be checked only by sweeping it): per pending item its chance of approval, its decision's
    slip in days and its DCC build's overrun in months (low / likeliest / high; "-" where
    none can fall); per release not gone live, its chance of moving and by how many days."""
    from solver.calendar import build_releases

    def spread(t: Triangular) -> str:
        return "-" if t == NO_SPREAD else f"{t.low:g} / {t.mode:g} / {t.high:g}"

    items = []
    pending = drawn_items(scenario)
    leader_of = scenario.uncertainty.leaders({i.id for i in pending})
    for item in pending:
        odds = scenario.uncertainty.item_odds(item)
        leader = leader_of.get(item.id)
        together = f"with {leader}"  # its approval and slip are its group's first item's
        items.append([item.id, together if leader else f"{odds.approval:.0%}",
                      together if leader else spread(odds.delay_days),
                      spread(odds.extra_months) if overrun_reaches(item) else "-"])
    releases = []
    for release in build_releases(scenario.calendar, scenario.policy, scenario.as_of):
        odds_r = scenario.uncertainty.release_odds(release.id)
        if release.go_live >= scenario.as_of and odds_r.move:
            releases.append([release.id, f"{odds_r.move:.0%}", spread(odds_r.days)])
    return items, releases
