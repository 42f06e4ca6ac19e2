"""Seeded generator of realistic synthetic SEC release-planning scenarios.

A generated scenario looks like a planning round of the seed paper, scaled up: June (last
Thursday) and November (first Thursday) SEC Releases from 2021, an `as_of` date a few
months before the first of them, and modifications, draft proposals and DCC change
requests with the seed round's mix of statuses, routes, lead times and specification
impacts. Its rules are the seed's families: uplift caps, aligned uplifts, precedence
chains, same-release groups, never-together pairs, capacity and fixed items.

Every scenario is feasible by construction. While drawing, the generator builds a
*witness*: an assignment of every unit that keeps all the built-in rules (decision in
time, scope baseline, windows, the order of a split item's parts). Capacity, uplift caps
and alignments are then imposed and the witness repaired to keep them (an item is moved
later, or left outside the horizon); dependencies are drawn last, consistent with the
witness. The witness itself is returned by `generate` so tests can check it with the
solver-free checker. Only `random.Random(seed)` is used: the same arguments give the
same scenario.

    python -m benchmarks.generate --items 1000 --years 10 --seed 1 -o gen.yaml
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from solver.calendar import Release, build_releases, cut_off, nth_weekday
from solver.model import Calendar, Policy, Window

FIRST_YEAR = 2021
SPECIFICATIONS = ("DUIS", "GBCS", "CH firmware", "CHISM", "MMC", "SMETS", "CHTS")
DOC_LEAD_TIME = "38 days"
"""Party lead time of a documentation-only change (the seed's 22 Oct -> 29 Nov cut-off)."""
DCC_LEAD_MONTHS = tuple(range(6, 16))
DCC_LEAD_WEIGHTS = (3, 3, 4, 6, 8, 12, 30, 8, 6, 5)
"""DCC-system lead times of 6-15 months, most often the 12 months seen in practice."""
OBJECTIVE: list[dict[str, Any]] = [
    {"term": "unplaced", "priority": 1, "weight": 1},
    {"term": "exceptions", "priority": 1, "weight": 1},
    {"term": "delay", "priority": 2, "weight": 1},
    {"term": "uplifts", "priority": 2, "weight": 10},
    {"term": "soft-rules", "priority": 2, "weight": 1},
    {"term": "moves", "priority": 2, "weight": 5},
]
"""The seed round's objective: nothing left out first, then one value-months trade-off."""

_VERBS = (
    "Changes to",
    "Clarification of",
    "Alignment of",
    "Enhancements to",
    "Correcting",
    "Extending",
    "Removal of obsolete",
    "Incorporating IRPs into",
)
_TOPICS = (
    "DUIS alerts",
    "GBCS use cases",
    "SMKI certificates",
    "Communications Hub ordering",
    "Install and Commission",
    "Threshold Anomaly Detection",
    "prepayment top-ups",
    "load control",
    "device firmware management",
    "Service Request traffic management",
    "privacy assessments",
    "incident management",
    "Change of Supplier processing",
    "network operator access",
    "security controls",
    "Testing Services",
    "registration data",
    "SMETS1 devices",
    "alert storm protection",
    "HAN device pairing",
)


@dataclass(eq=False)
class Unit:
    """A plannable unit under construction (an item, or one part of a split item)."""

    id: str
    order: int
    decision: dt.date
    dcc_impact: bool
    dcc_lead: str
    party_lead: str
    specs: tuple[str, ...]
    effort: int
    value: int
    approved: bool
    part: bool = False
    prev: Unit | None = None
    next: Unit | None = None
    baseline: int | None = None
    earliest: int | None = None
    latest: int | None = None
    allowed: frozenset[int] = frozenset()
    pos: int | None = None
    pinned: bool = False


@dataclass
class Draft:
    """An item under construction: its file fields and its plannable units."""

    data: dict[str, Any]
    units: list[Unit]
    closed: bool = False


@dataclass
class Generated:
    """A scenario dict and the witness assignment that proves its hard rules satisfiable."""

    scenario: dict[str, Any]
    witness: dict[str, str | None]


@dataclass
class _Uplift:
    """A rule limiting a specification to one uplift in a year, kept at `keep` if set."""

    spec: str
    year: int
    anchor: Unit | None = None
    dropped: bool = False


@dataclass
class _Builder:
    rng: random.Random
    n_items: int
    releases: list[Release]
    as_of: dt.date
    drafts: list[Draft] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    rules: list[dict[str, Any]] = field(default_factory=list)
    cap_effort: int = 0
    cap_count: int = 0
    next_order: int = 0
    load: list[int] = field(default_factory=list)
    count: list[int] = field(default_factory=list)
    _cut: dict[tuple[int, str, str], dt.date] = field(default_factory=dict)

    # --- dates --------------------------------------------------------------------------

    def cut(self, k: int, unit: Unit) -> dt.date:
        key = (k, unit.dcc_lead, unit.party_lead)
        if key not in self._cut:
            self._cut[key] = cut_off(self.releases[k].go_live, unit.dcc_lead, unit.party_lead)
        return self._cut[key]

    def first_in_time(self, unit: Unit) -> int | None:
        """The first release whose cut-off the unit's decision meets."""
        return next(
            (k for k in range(len(self.releases)) if self.cut(k, unit) >= unit.decision), None
        )

    def allowed(self, unit: Unit) -> frozenset[int]:
        """Releases the built-in rules allow: decision in time, scope baseline, window."""
        out = set()
        for k, release in enumerate(self.releases):
            scope_date = release.dcc_baseline if unit.dcc_impact else release.full_baseline
            if self.cut(k, unit) < unit.decision:
                continue
            if unit.baseline != k and scope_date < self.as_of:
                continue
            if unit.earliest is not None and k < unit.earliest:
                continue
            if unit.latest is not None and k > unit.latest:
                continue
            out.add(k)
        return frozenset(out)

    def days_ahead(self, low: int, high: int) -> dt.date:
        return self.as_of + dt.timedelta(days=self.rng.randint(low, max(low, high)))

    def horizon_days(self) -> int:
        return (self.releases[-1].go_live - self.as_of).days

    # --- items --------------------------------------------------------------------------

    def draw_items(self) -> None:
        counters = {"MP": 150, "CR": 1300, "DP": 200}
        for _ in range(self.n_items):
            kind = self.rng.choices(
                ["modification", "change-request", "draft-proposal"], weights=[65, 20, 15]
            )[0]
            prefix = {"modification": "MP", "change-request": "CR", "draft-proposal": "DP"}[kind]
            item_id = f"{prefix}{counters[prefix]:03d}"
            counters[prefix] += 1
            self.drafts.append(self.draw_item(item_id, kind))
        self.units = [u for d in self.drafts if not d.closed for u in d.units if u.order >= 0]

    def draw_item(self, item_id: str, kind: str) -> Draft:
        rng = self.rng
        route, status = self.draw_route_status(kind)
        data: dict[str, Any] = {
            "id": item_id,
            "title": self.draw_title(),
            "kind": kind,
            "route": route,
            "status": status,
        }
        decision = self.draw_decision(data)
        dcc = rng.random() < {"modification": 0.4, "change-request": 0.9}.get(kind, 0.3)
        dcc = dcc and route != "fast-track"
        lead = self.draw_lead(dcc)
        specs = self.draw_specs(dcc)
        if "CH firmware" in specs:
            months = max(12, int(lead[0].split()[0]))
            lead = (f"{months} months", lead[1])
        effort = rng.choices([1, 2, 3, 5, 8, 13], weights=[20, 25, 20, 18, 12, 5])[0] if dcc else 0
        value = rng.choices([1, 2, 3, 4, 5], weights=[15, 30, 30, 15, 10])[0]
        data.update(
            {
                "dcc_impact": dcc,
                "dcc_lead_time": lead[0],
                "party_lead_time": lead[1],
                "specs": list(specs),
                "effort": effort,
                "value": value,
            }
        )
        closed = status in ("rejected", "withdrawn")
        if dcc and kind == "modification" and not closed and rng.random() < 0.03:
            return self.split_item(data, decision)
        unit = Unit(
            item_id,
            self.take_order(),
            decision,
            dcc,
            lead[0],
            lead[1],
            specs,
            effort,
            value,
            status == "approved",
        )
        return Draft(data, [unit], closed)

    def take_order(self) -> int:
        self.next_order += 1
        return self.next_order - 1

    def split_item(self, data: dict[str, Any], decision: dt.date) -> Draft:
        """A split modification like SECMP0007: legal text, DCC systems, then perhaps CH
        firmware, each part in a later release than the one before."""
        rng = self.rng
        item_id = data["id"]
        parts: list[dict[str, Any]] = [
            {"id": "1", "title": "legal text", "dcc_impact": False, "specs": [], "effort": 0,
             "dcc_lead_time": "0 days", "party_lead_time": DOC_LEAD_TIME},
            {"id": "2", "title": "DCC systems"},
        ]  # fmt: skip
        if rng.random() < 0.5:
            parts.append(
                {"id": "3", "title": "CH firmware", "specs": ["CH firmware"],
                 "dcc_lead_time": "15 months"}
            )  # fmt: skip
        if data["status"] == "approved" and rng.random() < 0.3:
            parts[0]["status"] = "implemented"
        units: list[Unit] = []
        for part in parts:
            unit = Unit(
                f"{item_id}.{part['id']}",
                self.take_order() if "status" not in part else -1,
                decision,
                part.get("dcc_impact", data["dcc_impact"]),
                part.get("dcc_lead_time", data["dcc_lead_time"]),
                part.get("party_lead_time", data["party_lead_time"]),
                tuple(part.get("specs", data["specs"])),
                part.get("effort", data["effort"]),
                data["value"],
                data["status"] == "approved",
                part=True,
            )
            if units and units[-1].order >= 0:
                units[-1].next, unit.prev = unit, units[-1]
            units.append(unit)
        data["parts"] = parts
        data["note"] = "Split modification: parts go live in order."
        return Draft(data, units)

    def draw_title(self) -> str:
        """A title as the seed round's are, for a change request too: its CR id says what
        it is (an acceptance test: a "DCC change request:" prefix was all a cut label kept)."""
        return f"{self.rng.choice(_VERBS)} {self.rng.choice(_TOPICS)}"

    def draw_route_status(self, kind: str) -> tuple[str, str]:
        rng = self.rng
        if kind == "change-request":
            return "dcc-change-request", rng.choices(["approved", "refinement"], [70, 30])[0]
        if kind == "draft-proposal":
            return rng.choices(["self-governance", "authority"], [60, 40])[0], "draft-proposal"
        route = rng.choices(["self-governance", "authority", "fast-track"], [55, 37, 8])[0]
        if route == "fast-track":
            return route, rng.choices(["approved", "change-board-vote"], [60, 40])[0]
        vote = "with-authority" if route == "authority" else "change-board-vote"
        statuses = ["approved", vote, "report-due", "sent-back", "rejected", "withdrawn"]
        weights = [30, 22, 38, 4 if route == "authority" else 0, 3, 3]
        return route, rng.choices(statuses, weights)[0]

    def draw_decision(self, data: dict[str, Any]) -> dt.date:
        """Set `decided` or `expected_decision` by status; return the unit decision date."""
        status, route = data["status"], data["route"]
        horizon = self.horizon_days()
        if status in ("approved", "rejected", "withdrawn"):
            date = self.as_of - dt.timedelta(days=self.rng.randint(1, 540))
            data["decided"] = date.isoformat()
            return date if status == "approved" else dt.date.max
        if status == "change-board-vote":
            date = self.change_board(self.days_ahead(1, 60))
        elif status == "with-authority":
            date = self.days_ahead(14, 180)
        elif status == "sent-back":
            date = self.days_ahead(90, 300)
        elif status == "refinement":
            date = self.days_ahead(30, int(0.5 * horizon))
        elif status == "report-due":
            date = self.days_ahead(30, int(0.7 * horizon))
        else:  # draft-proposal
            date = self.days_ahead(90, int(0.85 * horizon))
        if route == "self-governance" and status != "change-board-vote":
            date = self.change_board(date)
        data["expected_decision"] = date.isoformat()
        return date

    @staticmethod
    def change_board(date: dt.date) -> dt.date:
        """The Change Board meeting (fourth Wednesday of a month) on or after `date`."""
        year, month = date.year, date.month
        while True:
            meeting = nth_weekday(year, month, "wednesday", "fourth")
            if meeting >= date:
                return meeting
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)

    def draw_lead(self, dcc: bool) -> tuple[str, str]:
        """(DCC lead time, Party lead time)."""
        if not dcc:
            return "0 days", DOC_LEAD_TIME
        months = self.rng.choices(DCC_LEAD_MONTHS, DCC_LEAD_WEIGHTS)[0]
        party = self.rng.choices([DOC_LEAD_TIME, "3 months", "6 months"], [50, 30, 20])[0]
        return f"{months} months", party

    def draw_specs(self, dcc: bool) -> tuple[str, ...]:
        rng = self.rng
        odds = (
            {"DUIS": 0.5, "GBCS": 0.35, "CH firmware": 0.1, "CHISM": 0.08, "MMC": 0.06,
             "SMETS": 0.02, "CHTS": 0.01}
            if dcc
            else {"DUIS": 0.12, "GBCS": 0.03, "CHISM": 0.05, "MMC": 0.04}
        )  # fmt: skip
        chosen = {spec for spec in SPECIFICATIONS if rng.random() < odds.get(spec, 0.0)}
        if "CH firmware" in chosen and rng.random() < 0.7:
            chosen.add("GBCS")
        return tuple(s for s in SPECIFICATIONS if s in chosen)

    # --- published baselines and windows ------------------------------------------------

    def publish(self) -> None:
        """Baselines (the published RIDs) for releases whose scope baseline has passed, a
        few slipped ones (a decision now later than the published release's cut-off, like
        SECMP0067), and earliest/latest windows."""
        rng = self.rng
        published = [
            k
            for k, r in enumerate(self.releases)
            if min(r.dcc_baseline, r.full_baseline) < self.as_of
        ]
        for unit in self.units:
            first = self.first_in_time(unit)
            if first is not None and first in published and rng.random() < 0.85:
                unit.baseline = first
            elif first is not None and first - 1 in published and rng.random() < 0.05:
                unit.baseline = first - 1
            if unit.part or unit.baseline is not None:
                continue
            if unit.dcc_impact and not unit.approved and rng.random() < 0.04:
                unit.earliest = rng.randrange(len(self.releases))
            elif first is not None and rng.random() < 0.02:
                unit.latest = min(len(self.releases) - 1, first + rng.randint(0, 2))
        for unit in self.units:
            unit.allowed = self.allowed(unit)

    # --- the witness ----------------------------------------------------------------------

    def place(self) -> None:
        """A first witness: each unit in one of its earliest allowed releases."""
        rng = self.rng
        self.load = [0] * len(self.releases)
        self.count = [0] * len(self.releases)
        for unit in self.units:
            after = unit.prev.pos if unit.prev is not None else -1
            if unit.prev is not None and after is None:
                continue
            options = sorted(k for k in unit.allowed if k > (after if after is not None else -1))
            if not options:
                continue
            if unit.baseline in options and rng.random() < 0.9:
                self.set_pos(unit, unit.baseline)
            else:
                step = rng.choices([0, 1, 2], weights=[60, 25, 15])[0]
                self.set_pos(unit, options[min(step, len(options) - 1)])

    def set_pos(self, unit: Unit, k: int | None) -> None:
        if unit.dcc_impact and unit.pos is not None:
            self.load[unit.pos] -= unit.effort
            self.count[unit.pos] -= 1
        unit.pos = k
        if unit.dcc_impact and k is not None:
            self.load[k] += unit.effort
            self.count[k] += 1

    def drop(self, unit: Unit) -> None:
        """Leave the unit (and its later parts) outside the horizon in the witness."""
        node: Unit | None = unit
        while node is not None:
            self.set_pos(node, None)
            node = node.next

    def fits(self, unit: Unit, k: int) -> bool:
        """Whether the witness may move the unit to release `k`."""
        if k not in unit.allowed or unit.pinned:
            return False
        if unit.prev is not None and (unit.prev.pos is None or unit.prev.pos >= k):
            return False
        if unit.next is not None and unit.next.pos is not None and unit.next.pos <= k:
            return False
        if not unit.dcc_impact or not self.cap_effort:
            return True
        return self.load[k] + unit.effort <= self.cap_effort and self.count[k] + 1 <= self.cap_count

    def pin(self) -> None:
        """Fixed rules: approved items kept in the published release they were approved for."""
        rng = self.rng
        placed = [u for u in self.units if u.approved and not u.part and u.pos is not None]
        published = [u for u in placed if u.pos == u.baseline]
        pool = published if published else placed
        for unit in rng.sample(pool, min(len(pool), max(1, round(0.03 * self.n_items)))):
            unit.pinned = True
        for unit in sorted((u for u in self.units if u.pinned), key=lambda u: u.order):
            assert unit.pos is not None
            self.rules.append(
                {"rule": "fixed", "item": unit.id, "release": self.releases[unit.pos].id,
                 "note": "Approved for inclusion."}
            )  # fmt: skip

    def impose_capacity(self) -> None:
        """One capacity rule on DCC build and test for every release, about 1.6 times the
        average load; units over it move to the next release with room. A slipped unit (its
        decision now too late for its published release) keeps its room there: the
        published allocation was agreed within the capacity."""
        n = len(self.releases)
        dcc = [u for u in self.units if u.dcc_impact and u.pos is not None]
        pinned_load = [0] * n
        pinned_count = [0] * n
        for u in dcc:
            if u.pinned and u.pos is not None:
                pinned_load[u.pos] += u.effort
                pinned_count[u.pos] += 1
        held_load = [0] * n  # the slipped units' room
        held_count = [0] * n
        for u in self.units:
            if u.dcc_impact and u.baseline is not None and self.cut(u.baseline, u) < u.decision:
                held_load[u.baseline] += u.effort
                held_count[u.baseline] += 1
        pinned_load = [a + b for a, b in zip(pinned_load, held_load, strict=True)]
        pinned_count = [a + b for a, b in zip(pinned_count, held_count, strict=True)]
        self.cap_effort = max(
            math.ceil(1.6 * sum(u.effort for u in dcc) / n),
            max((u.effort for u in self.units), default=1),
            max(pinned_load),
            1,
        )
        self.cap_count = max(math.ceil(1.6 * len(dcc) / n), max(pinned_count), 1)
        for k in range(n):
            crowd = [u for u in dcc if u.pos == k and not u.pinned]
            self.rng.shuffle(crowd)
            while (self.load[k] + held_load[k] > self.cap_effort
                   or self.count[k] + held_count[k] > self.cap_count):
                self.move_later(crowd.pop(), k + 1)
        self.rules.append(
            {"rule": "capacity", "max_effort": self.cap_effort, "max_count": self.cap_count,
             "note": "DCC build and test capacity per release (synthetic)."}
        )  # fmt: skip

    def impose_uplifts(self) -> None:
        """Uplift caps (one GBCS and one CH firmware version a year, some years one DUIS,
        CHISM or MMC version) and aligned GBCS uplifts on anchor items; the witness keeps
        them by moving units to a later release (the year's kept one, or beyond) or out."""
        rng = self.rng
        years = sorted({r.year for r in self.releases})
        caps = [
            _Uplift(spec, year)
            for year in years
            for spec, odds in (("GBCS", 1.0), ("CH firmware", 1.0), ("DUIS", 0.4),
                               ("CHISM", 0.3), ("MMC", 0.3))
            if rng.random() < odds
        ]  # fmt: skip
        anchors = self.choose_anchors(len(years))
        aligned = [
            _Uplift("GBCS", self.releases[a.pos].year, anchor=a)
            for a in anchors
            if a.pos is not None
        ]
        while self.repair_pass(caps + aligned):
            pass
        for cap in caps:
            if not cap.dropped:
                self.rules.append(
                    {"rule": "uplift-cap", "spec": cap.spec, "year": cap.year, "max": 1}
                )
        for rule in aligned:
            if rule.dropped or rule.anchor is None:
                continue
            self.rules.append({"rule": "aligned-uplift", "spec": "GBCS", "anchor": rule.anchor.id})
            if "DUIS" in rule.anchor.specs and rng.random() < 0.5:
                self.rules.append(
                    {"rule": "aligned-uplift", "spec": "DUIS", "anchor": rule.anchor.id,
                     "hard": False, "penalty": 10}
                )  # fmt: skip

    def choose_anchors(self, n_years: int) -> list[Unit]:
        """Valuable GBCS changes placed in distinct years, like SECMP0007."""
        pool = [
            u
            for u in self.units
            if "GBCS" in u.specs
            and u.dcc_impact
            and u.value >= 3
            and u.pos is not None
            and not u.part
        ]
        chosen: list[Unit] = []
        used: set[int] = set()
        for unit in self.rng.sample(pool, len(pool)):
            assert unit.pos is not None
            year = self.releases[unit.pos].year
            if year not in used and len(chosen) < max(1, n_years // 3):
                chosen.append(unit)
                used.add(year)
        for unit in chosen:
            unit.pinned = True  # the witness keeps anchors where they are
        return chosen

    def changers(self) -> dict[tuple[str, int], list[Unit]]:
        out: dict[tuple[str, int], list[Unit]] = {}
        for unit in self.units:
            if unit.pos is not None:
                for spec in unit.specs:
                    out.setdefault((spec, unit.pos), []).append(unit)
        return out

    def repair_pass(self, rules: list[_Uplift]) -> bool:
        """Fix every broken uplift rule once; True if the witness changed."""
        changed = False
        for rule in rules:
            if rule.dropped:
                continue
            at = self.changers()
            year = [k for k, r in enumerate(self.releases) if r.year == rule.year]
            busy = [k for k in year if at.get((rule.spec, k))]
            if len(busy) <= 1:
                continue
            keep = self.kept_release(rule, busy, at)
            if keep is None:
                rule.dropped = True
                continue
            for k in busy:
                if k == keep:
                    continue
                for unit in at[(rule.spec, k)]:
                    self.move_later(unit, max(keep, k + 1))
                    changed = True
        return changed

    def move_later(self, unit: Unit, start: int) -> None:
        """Move the unit to the first release from `start` on where it fits, else out."""
        target = next((j for j in range(start, len(self.releases)) if self.fits(unit, j)), None)
        if target is None:
            self.drop(unit)
        else:
            self.set_pos(unit, target)

    @staticmethod
    def kept_release(
        rule: _Uplift, busy: list[int], at: dict[tuple[str, int], list[Unit]]
    ) -> int | None:
        """The release that keeps the year's uplift, or None when pinned units need two."""
        pinned = sorted({k for k in busy if any(u.pinned for u in at[(rule.spec, k)])})
        if rule.anchor is not None:
            pinned = sorted({*pinned, rule.anchor.pos}) if rule.anchor.pos is not None else pinned
        if len(pinned) > 1:
            return None
        if pinned:
            return pinned[0]
        return max(busy)  # moving later always keeps decision in time and scope baseline

    # --- dependencies ---------------------------------------------------------------------

    def free_units(self) -> list[Unit]:
        return [u for u in self.units if not u.part]

    def key(self, unit: Unit) -> tuple[int, int]:
        """A total order the witness respects: precedence edges only go forward in it."""
        return (unit.pos if unit.pos is not None else len(self.releases), unit.order)

    def add_precedence(self) -> None:
        """Chains of consequential changes, 2-4 items each, acyclic by construction."""
        rng = self.rng
        pool = self.free_units()
        if len(pool) < 2:
            return
        seen: set[tuple[str, str]] = set()
        for _ in range(max(1, self.n_items // 25)):
            length = min(len(pool), rng.choices([2, 3, 4], weights=[60, 30, 10])[0])
            chain = sorted(rng.sample(pool, length), key=self.key)
            for before, after in itertools.pairwise(chain):
                if (before.id, after.id) in seen:
                    continue
                seen.add((before.id, after.id))
                both = before.pos is not None and after.pos is not None
                gap = 0 if both and before.pos == after.pos else 1
                if gap and both and rng.random() < 0.15:
                    gap = 0
                rule: dict[str, Any] = {"rule": "precedence", "before": before.id,
                                        "after": after.id}  # fmt: skip
                if gap != 1:
                    rule["min_gap"] = gap
                self.rules.append(rule)

    def add_groups(self) -> None:
        """Same-release suites (cross-code changes) and never-together pairs."""
        rng = self.rng
        by_pos: dict[int, list[Unit]] = {}
        for unit in self.free_units():
            if unit.pos is not None:
                by_pos.setdefault(unit.pos, []).append(unit)
        used: set[str] = set()
        crowded = [k for k in sorted(by_pos) if len(by_pos[k]) >= 2]
        for _ in range(max(1, self.n_items // 40) if crowded else 0):
            k = rng.choice(crowded)
            free = [u for u in by_pos[k] if u.id not in used]
            size = min(len(free), rng.choice([2, 2, 3]))
            if size < 2:
                continue
            group = sorted(rng.sample(free, size), key=lambda u: u.order)
            used.update(u.id for u in group)
            self.rules.append({"rule": "same-release", "items": [u.id for u in group]})
        pool = self.free_units()
        pairs: set[tuple[str, str]] = set()
        for _ in range(max(1, self.n_items // 50) if len(pool) >= 2 else 0):
            a, b = sorted(rng.sample(pool, 2), key=lambda u: u.order)
            if (a.pos is not None and a.pos == b.pos) or (a.id, b.id) in pairs:
                continue
            pairs.add((a.id, b.id))
            rule: dict[str, Any] = {"rule": "never-together", "items": [a.id, b.id]}
            if rng.random() < 0.2:
                rule.update({"hard": False, "penalty": 3})
            self.rules.append(rule)

    def add_release_limits(self) -> None:
        """A limit on all changes in the first release (a short test window) and on DCC
        effort in one later release (a DCC Service Provider freeze)."""
        if len(self.releases) < 2:
            return
        first = sum(1 for u in self.units if u.pos == 0)
        self.rules.append(
            {"rule": "capacity", "releases": [self.releases[0].id], "dcc_only": False,
             "max_count": max(first, math.ceil(1.2 * first)) + 1,
             "note": "Short test window for the first release."}
        )  # fmt: skip
        k = self.rng.randrange(1, len(self.releases))
        self.rules.append(
            {"rule": "capacity", "releases": [self.releases[k].id],
             "max_effort": max(self.load[k], math.ceil(0.8 * self.cap_effort)),
             "note": "DCC Service Provider change freeze."}
        )  # fmt: skip

    def republish(self) -> None:
        """The published allocation as agreed: a unit the witness no longer holds in its
        published release (moved for a capacity, an uplift cap or a dependency, or placed
        elsewhere at first) was never in that release's scope; only the slipped ones (now
        decided too late for it, like SECMP0067) stay where they no longer fit. Before,
        the published allocation broke its own capacities and dependencies, and every
        generated base plan began by moving items out of baselined scopes."""
        for unit in self.units:
            k = unit.baseline
            if k is not None and unit.pos != k and self.cut(k, unit) >= unit.decision:
                unit.baseline = None

    def keep_slips_that_fit(self, scenario: dict[str, Any]) -> bool:
        """A slipped unit stays in its published release only where the published
        allocation with it there kept every rule but its own decision's: it was agreed
        within the rules (one GBCS version a year, its dependencies), before the decision
        slipped. Judged with the solver-free checker, one slipped unit at a time; True if
        any was unpublished."""
        from solver.check import check_assignment
        from solver.instance import Instance
        from solver.model import Scenario

        slipped = [u for u in self.units
                   if u.baseline is not None and self.cut(u.baseline, u) < u.decision]
        if not slipped:
            return False
        inst = Instance(Scenario.model_validate(scenario))
        published = self.witness()
        unpublished = False
        for unit in slipped:
            assert unit.baseline is not None
            trial = {**published, unit.id: self.releases[unit.baseline].id}
            if any(v.hard and not v.rule.startswith("decision-in-time(")
                   for v in check_assignment(inst, trial)):
                unit.baseline = None
                unpublished = True
            else:
                published = trial
        return unpublished

    # --- output ---------------------------------------------------------------------------

    def items(self) -> Iterator[dict[str, Any]]:
        for draft in self.drafts:
            data = dict(draft.data)
            by_id = {u.id: u for u in draft.units}
            if "parts" in data:
                parts = []
                for part in data["parts"]:
                    unit = by_id[f"{data['id']}.{part['id']}"]
                    entry = dict(part)
                    if unit.baseline is not None:
                        entry["baseline"] = self.releases[unit.baseline].id
                    parts.append(entry)
                data["parts"] = parts
            else:
                unit = draft.units[0]
                for key in ("baseline", "earliest", "latest"):
                    k = getattr(unit, key)
                    if k is not None:
                        data[key] = self.releases[k].id
            yield _compact(data)

    def witness(self) -> dict[str, str | None]:
        return {
            u.id: self.releases[u.pos].id if u.pos is not None else None
            for u in sorted(self.units, key=lambda u: u.id)
        }


def _compact(item: dict[str, Any]) -> dict[str, Any]:
    """Leave out fields at their defaults, as a person writing the file would."""
    defaults = {"dcc_impact": False, "dcc_lead_time": "0 days", "specs": [], "effort": 0}
    return {k: v for k, v in item.items() if defaults.get(k, object()) != v}


def _releases(years: int) -> tuple[dict[str, Any], list[Release]]:
    calendar = {
        "windows": [
            {"month": 6, "weekday": "thursday", "week": "last"},
            {"month": 11, "weekday": "thursday", "week": "first"},
        ],
        "first": f"{FIRST_YEAR}-06",
        "last": f"{FIRST_YEAR + years - 1}-11",
    }
    model = Calendar(
        windows=[Window.model_validate(w) for w in calendar["windows"]],
        first=calendar["first"],
        last=calendar["last"],
    )
    return calendar, build_releases(model, Policy(), None)


def generate(items: int, years: int, seed: int) -> Generated:
    """A synthetic scenario of `items` items over `years` years, with its witness plan."""
    if items < 1 or years < 1:
        raise ValueError("items and years must be at least 1")
    rng = random.Random(seed)
    calendar, releases = _releases(years)
    as_of = releases[0].go_live - dt.timedelta(days=rng.randint(90, 150))
    builder = _Builder(rng, items, releases, as_of)
    builder.draw_items()
    builder.publish()
    builder.place()
    builder.pin()
    builder.impose_capacity()
    builder.impose_uplifts()
    builder.add_precedence()
    builder.add_groups()
    builder.add_release_limits()
    builder.republish()
    scenario = _scenario(builder, items, years, seed, calendar, as_of)
    if builder.keep_slips_that_fit(scenario):
        scenario = _scenario(builder, items, years, seed, calendar, as_of)
    return Generated(scenario, builder.witness())


def _scenario(
    builder: _Builder, items: int, years: int, seed: int, calendar: dict[str, Any],
    as_of: dt.date,
) -> dict[str, Any]:
    return {
        "name": f"synthetic-{items}x{years}-s{seed}",
        "description": (
            f"Synthetic SEC planning round: {items} items over {years} years "
            f"(benchmarks.generate, seed {seed})."
        ),
        "as_of": as_of.isoformat(),
        "calendar": calendar,
        "policy": {"dcc_baseline": "12 months", "full_baseline": "6 months",
                   "exceptions": "forbidden"},
        "specifications": list(SPECIFICATIONS),
        "objective": [dict(t) for t in OBJECTIVE],
        "rules": builder.rules,
        "items": list(builder.items()),
    }  # fmt: skip


def generate_scenario(items: int, years: int, seed: int) -> dict[str, Any]:
    """A synthetic scenario dict (see the module docstring); feasible, deterministic."""
    return generate(items, years, seed).scenario


def dump_yaml(scenario: dict[str, Any]) -> str:
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(scenario, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.generate", description="Write a synthetic scenario file."
    )
    parser.add_argument("--items", type=int, required=True)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--out", type=Path, help="YAML file (default: standard output)")
    args = parser.parse_args(argv)
    text = (
        f"# Generated by: python -m benchmarks.generate --items {args.items} "
        f"--years {args.years} --seed {args.seed}\n"
        + dump_yaml(generate_scenario(args.items, args.years, args.seed))
    )
    if args.out is None:
        print(text, end="")
    else:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
