"""Monte Carlo what-ifs: how likely is each release to hold (`secplan sweep`).

A sweep draws N concrete what-ifs from a scenario's `uncertainty:` section (see
`solver.uncertainty`), each a list of ordinary changes (`reject`, `re-decide`,
`shift-lead-times`, `move-release`), applies each with `solver.whatif.apply_changes` and
re-plans it against the scenario's own plan, the way a planner re-plans a what-if: moving
an item away from the base plan costs. What comes back is, per item, the chance of each
release; per release, the chance its scope holds; the expected specification uplifts;
and which uncertainties move the most items.

Reproducible whatever runs it: sample `i` of seed `s` is drawn from a random stream that
depends on `(s, i)` only and is solved by one CP-SAT worker, whose search is
deterministic (the engine's tie-break is budgeted in deterministic time, not seconds), so
the same seed and N give the same result on one process, two, or a hundred machines, and
a resumed sweep equals a fresh one.

Execution is on Dask: a local cluster of worker processes by default, an in-process one
for tiny runs, or any running scheduler (`scheduler="tcp://host:8786"`). Samples go to
workers in batches; each batch is a pure task (its result depends only on its
arguments), so a batch lost with a worker is simply run again elsewhere. Results stream
into a JSON-lines file as they arrive, one line per sample, so an interrupted sweep
resumes where it stopped.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import itertools
import json
import logging
import math
import random
import signal
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypedDict

from solver import progress as progress_events
from solver.budget import Budget
from solver.calendar import build_releases, format_duration
from solver.changes import Change, MoveRelease, Redecide, Reject, ShiftLeadTimes
from solver.compare import unproven_words
from solver.engine import DEFAULT_OPTIONS, MAX_WORKERS, SolveOptions, solve
from solver.files import parse_json
from solver.instance import Instance
from solver.lint import out_of_order
from solver.model import Plan, Scenario
from solver.paging import NOT_PLANNED, chosen_groups, page_count, page_of
from solver.rules.placement import Window
from solver.scenario import same_day_releases
from solver.uncertainty import drawn_groups, drawn_items, overrun_reaches

if TYPE_CHECKING:
    from matplotlib.axes import Axes

SWEEP_OPTIONS = SolveOptions(time_limit=20.0, workers=1, seed=0)
"""Per sample: one CP-SAT worker, because a Dask worker is one core and the sweep's
parallelism is across samples (the engine's default would give a large model one worker
per core, per sample); one worker is also deterministic. A sample of the SEC 2020 round
solves in well under a second, so the time limit only guards against a pathological
draw."""
TINY = 20
"""Up to this many samples to solve, an in-process cluster: starting worker processes
(each importing OR-Tools) would take longer than the solving."""
MAX_BATCH = 50
"""Samples per task at most: large enough that Dask's per-task cost (a few ms) is noise
next to ~0.1 s per sample, small enough that a lost worker costs little re-work."""
NONE = "none"
"""The outcome of an item outside the horizon in a sample (approved, or still pending, but
in no release of the horizon)."""
REJECTED = "rejected"
"""The outcome of an item the sample rejected (it leaves every plan)."""
REJECTED_COLOUR = "#d9d9d9"
"""Light grey, hatched in the chart: out of the plan like "none" (grey), for another
reason."""


REJECTED_SUFFIX = " rejected"


def rejected_label(item_id: str) -> str:
    """A rejection drawn for an item, in the words of `SampleRecord.drawn`."""
    return item_id + REJECTED_SUFFIX
DEFINITE = frozenset({"optimal", "feasible", "infeasible", "invalid"})
"""Sample outcomes a resumed sweep keeps; an `error` may be passing (a lost worker, a
time limit on a loaded machine), so a resumed sweep solves it again."""
CONNECT_TIMEOUT = "20s"
"""How long to try reaching a `--scheduler` before giving up with a clear message."""
WORKER_WAIT = 60.0
"""Seconds a `--scheduler` may have no worker before the sweep gives up, saying so (a
review: with none connected, the sweep waited in silence)."""


@functools.cache
def code_version() -> str:
    """A digest of secplan's own source: samples solved by another version (its presets'
    odds, its rules) must not be mixed with this one's (a review: a worker running another
    secplan gave MP080 60% rejected against 5%, in silence)."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]
MAX_ERRORS = 20
"""Failed samples listed in a result (the lowest indexes); all are counted."""

log = logging.getLogger(__name__)


class SweepError(Exception):
    """A sweep that cannot start: no base plan, or an `--out` file of another sweep."""


# --- drawing samples --------------------------------------------------------------------


def sample_seed(seed: int, index: int) -> int:
    """The random seed of sample `index`: a hash of (seed, index) alone, so a sample is the
    same whichever worker draws it and however the samples are batched."""
    digest = hashlib.sha256(f"secplan-sweep/{seed}/{index}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


class Draw(NamedTuple):
    """One drawn uncertainty: the change it makes, and a label in words that groups like
    draws (`SECMP0007 decided 31-90 days late`) for the "what moves items" table."""

    change: Change
    label: str


LATENESS = ((30, "up to 30 days"), (90, "31-90 days"), (math.inf, "over 90 days"))
"""Buckets of decision delay for labels: a month (a deferred Change Board vote), a
quarter, longer."""


def _lateness(days: int) -> str:
    if days < 0:
        return "early"
    return next(f"{words} late" for limit, words in LATENESS if days <= limit)


MIN_GROUP = 5
"""Samples a cause must be seen in, and missed in, for its means to be ranked."""
SHOWN_CAUSES = 15
"""Causes `print_sweep` lists, the highest ranked."""
SHOWN_ITEMS = 40
"""Items `print_sweep` lists without --release: those least likely to stay."""


def few_words(row: Mapping[str, Any]) -> str:
    """Why a cause ranks below its impact: " (weighted down: only 1 sample without it)"
    (an acceptance test read "under 5 samples" beside a cause seen in 90% of them, and a
    row of +1.03 below one of +0.43); "" for a cause ranked as its impact says."""
    if not row.get("few"):
        return ""
    without = row.get("samples_without")
    if without is None:  # a summary written before session 13
        return " (weighted down: few samples)"
    seen = row["samples"] < MIN_GROUP
    n = row["samples"] if seen else without
    to = f" to {row['weighted_impact']:+.2f}" if "weighted_impact" in row else ""  # the rank's
    return (f" (weighted down{to}: only {n} sample{'s' * (n != 1)} "  # (an acceptance test:
            f"{'with' if seen else 'without'} it)")  # +15.45 above +17.20 with no word why)


def cause_of(label: str) -> str:
    """A drawn uncertainty's label without its size where sizes split it into many rows,
    the cause the "what moves items" table weighs: "SECMP0007 DCC lead time +3 months" ->
    "SECMP0007 DCC lead time longer", "2020-11 go-live 2 weeks later" -> "2020-11 go-live
    later" (a review found one overrun split over six rows by size, each ranked low, the
    real driver ninth). A decision's lateness keeps its three buckets: nearly every sample
    draws some delay, so "decided late" alone would leave no samples to compare with."""
    if " DCC lead time +" in label:
        return label.partition(" +")[0] + " longer"
    if " go-live " in label:
        return label.partition(" go-live ")[0] + " go-live " + label.rsplit(" ", 1)[1]
    return label


def draw_sample(scenario: Scenario, seed: int, index: int) -> list[Draw]:
    """Sample `index`: the concrete changes the scenario's uncertainty draws for it.

    Every pending item takes three uniform numbers (approval, delay, lead time) and every
    release not gone live two (move, size), in a fixed order, whether or not they change
    anything; so tightening one item's odds leaves every other item's draws alone. An item
    of a `together` group takes its group's first item's approval and slip instead of its
    own (the numbers are drawn all the same)."""
    rng = random.Random(sample_seed(seed, index))
    odds_of = scenario.uncertainty
    drawn: list[Draw] = []
    pending = drawn_items(scenario)
    leader_of = odds_of.leaders({i.id for i in pending})
    outcome: dict[str, int | None] = {}  # a group's first item -> its slip (None: rejected)
    for item in pending:
        odds = odds_of.item_odds(item)
        approval, delay, overrun = rng.random(), rng.random(), rng.random()
        leader = leader_of.get(item.id)
        rejected = outcome[leader] is None if leader else approval >= odds.approval
        if rejected:
            outcome[item.id] = None
            drawn.append(Draw(Reject(reject=item.id), rejected_label(item.id)))
            continue
        days = outcome[leader] if leader else round(odds.delay_days.draw(delay))
        assert days is not None and item.expected_decision is not None
        outcome[item.id] = days
        if days:
            decision = item.expected_decision + dt.timedelta(days=days)
            drawn.append(Draw(Redecide(re_decide=item.id, expected_decision=decision),
                              f"{item.id} decided {_lateness(days)}"))
        months = round(odds.extra_months.draw(overrun))
        if months and overrun_reaches(item):
            period = format_duration({"months": months})
            drawn.append(Draw(ShiftLeadTimes(shift_lead_times=period, items=[item.id]),
                              f"{item.id} DCC lead time +{period}"))
    for release in build_releases(scenario.calendar, scenario.policy, scenario.as_of):
        if release.go_live < scenario.as_of:
            continue
        odds_r = odds_of.release_odds(release.id)
        moves, size = rng.random(), rng.random()
        days = round(odds_r.days.draw(size))
        if moves < odds_r.move and days:
            go_live = release.go_live + dt.timedelta(days=days)
            weeks = math.ceil(abs(days) / 7)
            drawn.append(Draw(MoveRelease(move_release=release.id, go_live=go_live),
                              f"{release.id} go-live {weeks} week{'s' * (weeks > 1)} "
                              f"{'later' if days > 0 else 'earlier'}"))
    return drawn


def draw_changes(scenario: Scenario, seed: int, index: int) -> list[Change]:
    """Sample `index` as a what-if's `changes:` list."""
    return [d.change for d in draw_sample(scenario, seed, index)]


# --- solving samples (runs on the workers) ---------------------------------------------


@dataclass(frozen=True)
class Payload:
    """What every worker needs, shipped once per worker: the scenario (its own changes
    applied), the base plan every sample is re-planned against, and the solve options."""

    scenario: Scenario
    base: dict[str, str | None]
    options: SolveOptions
    code: str = field(default_factory=code_version)
    """The client's `code_version`: a worker running another refuses the samples."""

    def to_json(self) -> str:
        return json.dumps(
            {
                "scenario": self.scenario.model_dump(mode="json", by_alias=True),
                "base": self.base,
                "options": dataclasses.asdict(self.options),
                "code": self.code,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> Payload:
        data = json.loads(text)
        return cls(
            Scenario.model_validate(data["scenario"]),
            data["base"],
            SolveOptions(**data["options"]),
            data["code"],
        )

    @cached_property
    def fingerprint(self) -> str:
        """What a sample's result depends on besides (seed, index): the scenario, the
        base plan and secplan's code (a resume after an upgrade starts afresh). Solve
        options are left out, so a resumed sweep may use another time limit."""
        data = {"scenario": self.scenario.model_dump(mode="json", by_alias=True),
                "base": self.base, "code": self.code}
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


class SampleRecord(TypedDict):
    """One sample's result: a line of the `--out` file."""

    index: int
    status: str
    """optimal, feasible (time limit), infeasible, invalid (the draws break a rule of
    scenario files: two releases on one day), or error."""
    assignment: dict[str, str | None]
    """Every item of the base plan -> its release (None: outside the horizon, rejected)."""
    moved: list[str]
    """Items still open whose release differs from the base plan."""
    uplifts: dict[str, dict[str, int]]
    """Specification -> year -> releases that change it."""
    drawn: list[str]
    """The sample's uncertainties in words, grouped for the "what moves items" table. The
    exact changes are left out (a third of the line): `draw_changes(scenario, seed,
    index)` gives them back."""
    error: str | None
    clock_stopped: bool
    """The clock, not the budget's work, stopped one of the sample's solves (its worker did
    less work per second than `--time-limit` counts on): another run may plan it otherwise
    (`solver.budget`). Absent from files written before it was recorded: False."""
    missed: list[str]
    """Items whose deadline the sample's draws made impossible: planned without it, after
    the date or left out (`solve_sample`). Absent from files written before: none."""


def uplift_counts(inst: Instance, assignment: dict[str, str | None]) -> dict[str, dict[str, int]]:
    """Specification -> year (of go-live) -> how many releases change it under `assignment`,
    both in sorted order (the specifications come from sets, whose order changes from one
    process to the next: the summary's text must not)."""
    out: dict[str, dict[str, int]] = {}
    for rid, specs in inst.uplifts(assignment).items():
        year = str(inst.release(rid).year)
        for spec in specs:
            out.setdefault(spec, {})
            out[spec][year] = out[spec].get(year, 0) + 1
    return {spec: dict(sorted(out[spec].items())) for spec in sorted(out)}


def _record(
    index: int,
    status: str,
    drawn: Sequence[Draw],
    error: str | None = None,
    assignment: dict[str, str | None] | None = None,
    moved: list[str] | None = None,
    uplifts: dict[str, dict[str, int]] | None = None,
    clock_stopped: bool = False,
    missed: list[str] | None = None,
) -> SampleRecord:
    return SampleRecord(
        index=index,
        status=status,
        assignment=assignment or {},
        moved=moved or [],
        uplifts=uplifts or {},
        drawn=[d.label for d in drawn],
        error=error,
        clock_stopped=clock_stopped,
        missed=missed or [],
    )


def solve_sample(payload: Payload, seed: int, index: int) -> SampleRecord:
    """Draw, apply and re-plan sample `index`. Never raises: a sample that fails is a
    result too (its error recorded), so a sweep's totals always add up to N. A solve the
    clock stopped is recorded as such, not warned about on the worker's standard error.
    Where the draws make an item's deadline impossible, the sample is planned without that
    deadline and the item recorded as `missed`."""
    from solver.explain import minimal_clash
    from solver.whatif import apply_changes

    drawn: list[Draw] = []
    if payload.code != code_version():  # a worker that joined after the check
        return _record(index, "error", drawn, f"this worker runs another secplan (code "
                                              f"{code_version()}, the sweep's {payload.code})")
    try:
        drawn = draw_sample(payload.scenario, seed, index)
        scenario = apply_changes(payload.scenario, [d.change for d in drawn])
        problem = next(same_day_releases(scenario), None)  # two go-lives drawn on one day
        if problem is not None:
            return _record(index, "invalid", drawn, f"the draws make no valid scenario: "
                                                    f"{problem[1]}")
        crossed = out_of_order(scenario, build_releases(scenario.calendar, scenario.policy,
                                                        scenario.as_of))
        if crossed:  # a review: a release drawn before the one ahead of it, in silence
            return _record(index, "invalid", drawn, f"the draws move a release past another: "
                                                    f"{crossed[0][0]}")
        missed: list[str] = []
        while True:
            inst = Instance(scenario, reference=payload.base)
            budget = Budget.of(payload.options)  # its clock starts with the solve
            solution = solve(inst, payload.options, hint=payload.base, budget=budget)
            if solution.status != "infeasible":
                break
            clash = minimal_clash(inst, payload.options) or []
            # a deadline the draws made impossible is an outcome to count, not a sample
            # lost: planned without it (a review: one item 11 days from its cut-off made
            # every sample of a sweep infeasible)
            deadlines = {r.name: r.item for r in inst.rules
                         if isinstance(r, Window) and r.deadline is not None}
            late = sorted({inst.unit(deadlines[name]).item.id for name in clash
                           if name in deadlines})
            if not late:
                error = "no plan satisfies the rules" + (f": {', '.join(clash)}" if clash
                                                         else "")
                return _record(index, "infeasible", drawn, error)
            missed += late
            scenario = scenario.model_copy(update={"items": [
                i.model_copy(update={"deadline": None}) if i.id in late else i
                for i in scenario.items]})
    except Exception as exc:  # one bad sample must not sink a sweep of a million
        return _record(index, "error", drawn, f"{type(exc).__name__}: {exc}")
    got = solution.assignment
    return _record(
        index,
        solution.status,
        drawn,
        assignment={uid: got.get(uid) for uid in payload.base},
        moved=sorted(uid for uid, rid in payload.base.items() if uid in got and got[uid] != rid),
        uplifts=uplift_counts(inst, got),
        clock_stopped=budget.clock_stopped,
        missed=sorted(missed),
    )


def solve_samples(payload: Payload, seed: int, indexes: Sequence[int]) -> list[SampleRecord]:
    """One Dask task: a batch of samples. Pure, so Dask may run it again after a worker
    dies, and a rerun gives the same records."""
    return [solve_sample(payload, seed, index) for index in indexes]


# --- the result -------------------------------------------------------------------------


@dataclass
class SweepResult:
    """Counts over the samples, added up as they arrive (a sweep of a million samples
    never holds them all); probabilities are over the samples that have a plan.

    `solved`, `seconds` and `rate` describe this run (a resumed run solves fewer); they
    are not part of `summary()`, which is the same for the same scenario, seed and N."""

    scenario: str
    seed: int
    samples: int
    base: dict[str, str | None]
    releases: dict[str, dt.date]
    """Base plan's releases in horizon order -> go-live."""
    base_uplifts: dict[str, dict[str, int]]
    item_of: dict[str, str] = field(default_factory=dict)
    """Unit id -> its item's id, where they differ (the parts of a split item): a rejection
    is drawn for the item."""
    base_unproven: str = ""
    """`solver.compare.unproven_words` of the base plan: "" when proven optimal, else every
    sample may improve on it where the draws change nothing (an acceptance test: a sweep of
    a scenario with no uncertainty moved two items in every sample)."""
    groups: dict[str, str] = field(default_factory=dict)
    """Item -> the words for its `together` group ("A, B"), for items drawn with others:
    their decision and rejection draws are one cause (`cause`)."""
    outcomes: Counter[str] = field(default_factory=Counter)
    placements: defaultdict[str, Counter[str]] = field(
        default_factory=lambda: defaultdict(Counter)
    )
    unchanged: Counter[str] = field(default_factory=Counter)
    holds: Counter[str] = field(default_factory=Counter)
    kept: Counter[str] = field(default_factory=Counter)
    """Per release: its base-plan items still there, summed over samples with a plan."""
    uplift_sums: defaultdict[str, Counter[str]] = field(
        default_factory=lambda: defaultdict(Counter)
    )
    with_samples: Counter[str] = field(default_factory=Counter)
    with_moves: Counter[str] = field(default_factory=Counter)
    """Per cause (`cause_of`): samples with a plan it occurred in, and their items moved."""
    rejected_samples: Counter[str] = field(default_factory=Counter)
    rejected_moves: Counter[str] = field(default_factory=Counter)
    """Per item: samples with a plan that reject it, and their items moved."""
    total_moves: int = 0
    clock_stopped: int = 0
    """Samples with a plan the clock stopped (`SampleRecord.clock_stopped`): only those may
    come out otherwise in another run."""
    missed: Counter[str] = field(default_factory=Counter)
    """Per item: samples with a plan that miss its deadline (`SampleRecord.missed`)."""
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    solved: int = 0
    seconds: float = 0.0
    rate: float = 0.0
    """Samples per second while solving (after the cluster started)."""

    @property
    def base_scopes(self) -> dict[str, frozenset[str]]:
        return {rid: frozenset(u for u, r in self.base.items() if r == rid)
                for rid in self.releases}

    def chosen(self, releases: Sequence[str] | None) -> list[str]:
        """The base plan's groups `releases` names (all when None), in horizon order, each
        once; ValueError for one it does not have."""
        return chosen_groups([*self.releases, NOT_PLANNED], releases)

    def items(self, releases: Sequence[str] | None = None) -> list[str]:
        """Units by base-plan release (horizon order, then those it leaves out), then id;
        only those of `releases` when given ('not planned' for the ones left out)."""
        rank = {rid: k for k, rid in enumerate(self.chosen(releases))}
        group = {uid: rid or NOT_PLANNED for uid, rid in self.base.items()}
        return sorted((u for u in self.base if group[u] in rank),
                      key=lambda u: (rank[group[u]], u))

    @property
    def planned(self) -> int:
        """Samples with a plan (optimal or feasible)."""
        return self.outcomes["optimal"] + self.outcomes["feasible"]

    @property
    def counted(self) -> int:
        return sum(self.outcomes.values())

    def add(self, record: SampleRecord) -> None:
        """Count one sample. Kept lean: at a hundred workers the client adds up a few
        thousand samples a second."""
        self.outcomes[record["status"]] += 1
        if record["status"] not in ("optimal", "feasible"):
            self.errors.append((record["index"], record["status"], record["error"] or ""))
            if len(self.errors) > 2 * MAX_ERRORS:
                self.errors = sorted(self.errors)[:MAX_ERRORS]
            return
        self.clock_stopped += record.get("clock_stopped", False)
        self.missed.update(record.get("missed", []))
        assignment = record["assignment"]
        rejected = {label for label in record["drawn"] if label.endswith(REJECTED_SUFFIX)}
        changed: set[str | None] = set()  # releases an item left or joined
        for uid, rid in self.base.items():
            got = assignment.get(uid)
            if got is not None:
                self.placements[uid][got] += 1
            elif rejected and rejected_label(self.item_of.get(uid, uid)) in rejected:
                self.placements[uid][REJECTED] += 1
            else:
                self.placements[uid][NONE] += 1
            if got != rid:
                changed.update((rid, got))
            elif rid is not None:
                self.kept[rid] += 1
        moved = {r for uid in record["moved"] for r in (self.base[uid], assignment.get(uid))}
        for rid in self.releases:
            self.unchanged[rid] += rid not in changed
            self.holds[rid] += rid not in moved
        for spec, years in record["uplifts"].items():
            self.uplift_sums[spec].update(years)
        moves = len(record["moved"])
        self.total_moves += moves
        for cause in {self.cause(label) for label in record["drawn"]}:
            self.with_samples[cause] += 1
            self.with_moves[cause] += moves
        for label in rejected:
            self.rejected_samples[label.removesuffix(REJECTED_SUFFIX)] += 1
            self.rejected_moves[label.removesuffix(REJECTED_SUFFIX)] += moves

    def cause(self, label: str) -> str:
        """`cause_of(label)`, with an item's decision or rejection named for its `together`
        group: "A, B decided 1-4 weeks late", drawn once for the group (an acceptance test:
        each item of a group was its own row in "what moves items", the same numbers)."""
        cause = cause_of(label)
        item, _, rest = cause.partition(" ")
        if item in self.groups and (rest.startswith("decided ") or
                                    cause.endswith(REJECTED_SUFFIX)):
            return f"{self.groups[item]} {rest}"
        return cause

    def probabilities(self) -> dict[str, dict[str, float]]:
        """Item -> release (or "none": outside the horizon; "rejected") -> share of planned
        samples; releases in horizon order, only those that occur."""
        order = [*self.releases, NONE, REJECTED]
        n = self.planned
        return {
            uid: {rid: counts[rid] / n for rid in order if counts[rid]}
            for uid, counts in sorted(self.placements.items())
        }

    def release_unchanged(self) -> dict[str, float]:
        """Release -> share of planned samples whose scope equals the base plan's."""
        n = self.planned
        return {rid: self.unchanged[rid] / n for rid in self.releases} if n else {}

    def release_moves(self) -> dict[str, float]:
        """Release -> share of planned samples whose draws move its go-live, later or
        earlier (a review: the release table gave the base plan's go-live alone, even for
        a release moving in half the samples)."""
        n = self.planned
        return {rid: sum(self.with_samples[f"{rid} go-live {way}"]
                         for way in ("later", "earlier")) / n
                for rid in self.releases} if n else {}

    def release_kept(self) -> dict[str, float]:
        """Release -> mean share of its base-plan items that a planned sample keeps there,
        for releases the base plan fills (an acceptance test: at 1,000 items every busy
        release's scope changed in every sample, so "unchanged" said 0 % for all of them
        and nothing told a release losing one item from one losing half)."""
        n, scopes = self.planned, self.base_scopes
        return {rid: self.kept[rid] / (n * len(scopes[rid]))
                for rid in self.releases if scopes[rid]} if n else {}

    def release_holds(self) -> dict[str, float]:
        """Release -> share of planned samples in which no item moves into or out of it:
        its scope holds but for items rejected (which leave any plan)."""
        n = self.planned
        return {rid: self.holds[rid] / n for rid in self.releases} if n else {}

    def expected_uplifts(self) -> dict[str, dict[str, float]]:
        """Specification -> year -> mean number of releases changing it."""
        n = self.planned
        specs = sorted({*self.uplift_sums, *self.base_uplifts})
        out: dict[str, dict[str, float]] = {}
        for spec in specs:
            sums = self.uplift_sums.get(spec, Counter())
            years = sorted({*sums, *self.base_uplifts.get(spec, {})})
            out[spec] = {year: (sums[year] / n if n else 0.0) for year in years}
        return out

    def influence(self) -> list[dict[str, Any]]:
        """Each cause (`cause_of`: an item decided late, its DCC build overrunning, a
        release moving, an item rejected): in how many planned samples it occurred, the
        mean number of items moved with it and without it, and its impact: share x (with -
        without), how much it adds to the mean number moved. An item's lateness or overrun
        is weighed against the samples that keep the item (a rejected item counts as no
        move, so every rejection looked like a cure: a review found the top-ranked cause
        reversed once they were set aside). Ranked by impact, weighted down where the cause
        was seen, or missed, in fewer than `MIN_GROUP` samples (`few`: its means rest on
        little; a review found a cause missed in one sample ranked first). Correlation
        within the samples, not cause and effect."""
        ranked: list[tuple[float, str, dict[str, Any]]] = []
        n = self.planned
        for cause, count in self.with_samples.items():
            item = None if cause.endswith(REJECTED_SUFFIX) or " go-live " in cause \
                else cause.split()[0].rstrip(",")  # a group's: its first item's, the same
            pool, pool_moves = n, self.total_moves
            if item is not None:  # the samples that keep the item
                pool -= self.rejected_samples[item]
                pool_moves -= self.rejected_moves[item]
            with_it = self.with_moves[cause] / count
            rest = pool - count
            without = (pool_moves - self.with_moves[cause]) / rest if rest else None
            impact = count / n * (with_it - without) if without is not None else 0.0
            weight = min(1.0, min(count, rest) / MIN_GROUP)
            ranked.append((-impact * weight, cause, {
                "uncertainty": cause, "samples": count, "mean_moves_with": with_it,
                "mean_moves_without": without, "impact": impact,
                "weighted_impact": impact * weight,
                "samples_without": rest, "few": min(count, rest) < MIN_GROUP}))
        return [row for *_, row in sorted(ranked, key=lambda r: (r[0], r[1]))]

    def summary(self) -> dict[str, Any]:
        n = self.planned
        return {
            "scenario": self.scenario,
            "seed": self.seed,
            "samples": self.samples,
            "planned": n,
            "outcomes": {k: self.outcomes[k] for k in sorted(self.outcomes)},
            "base": self.base,
            "probabilities": self.probabilities(),
            "release_unchanged": self.release_unchanged(),
            "release_holds": self.release_holds(),
            "release_kept": self.release_kept(),
            "release_moves": self.release_moves(),
            "deadlines_missed": {uid: self.missed[uid] / n for uid in sorted(self.missed)},
            "expected_uplifts": self.expected_uplifts(),
            "base_uplifts": self.base_uplifts,
            "mean_moves": self.total_moves / n if n else 0.0,
            "base_unproven": self.base_unproven,
            "clock_stopped": self.clock_stopped,
            "influence": self.influence(),
            "errors": [{"index": i, "status": s, "error": e}
                       for i, s, e in sorted(self.errors)[:MAX_ERRORS]],
        }

    def summary_json(self) -> str:
        """The summary as JSON: the same text for the same scenario, seed and N."""
        return json.dumps(self.summary(), indent=2)


# --- the --out file ---------------------------------------------------------------------


FORMAT = 1
"""Version of the `--out` file's lines; a resumed sweep refuses a file of another."""


def _header(payload: Payload, seed: int) -> dict[str, Any]:
    return {"sweep": {"format": FORMAT, "scenario": payload.scenario.name, "seed": seed,
                      "fingerprint": payload.fingerprint}}


def read_records(out: Path, payload: Payload, seed: int, samples: int) -> dict[int, SampleRecord]:
    """Records of the first `samples` samples already in `out` with a definite outcome,
    the latest line winning; a torn last line (an interrupted write) is skipped. Raises
    `SweepError` when the file holds another scenario's or seed's samples."""
    if not out.exists() or out.stat().st_size == 0:
        return {}
    try:
        with out.open(encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except UnicodeDecodeError:
        raise SweepError(f"{out}: not a sweep file (not UTF-8 text); choose another --out") \
            from None
    try:
        header = dict(parse_json(lines[0])["sweep"])
    except (ValueError, KeyError, TypeError):
        raise SweepError(
            f"{out}: not a sweep file (no header line); choose another --out"
        ) from None
    if header != _header(payload, seed)["sweep"]:
        raise SweepError(
            f"{out} holds samples of another sweep (scenario {header.get('scenario')!r}, "
            f"seed {header.get('seed')}, or a changed scenario, base plan, file format or "
            "secplan version; a base plan from --plan, or planned here, can differ from the "
            "other at scale); "
            "choose another --out, or the same scenario and seed"
        )
    found: dict[int, SampleRecord] = {}
    for line in lines[1:]:
        try:
            record = parse_json(line)
        except ValueError:  # a torn line, or anything else no sample wrote
            continue
        if _well_formed(record, payload.base) and 0 <= record["index"] < samples:
            found[record["index"]] = record
    return {i: r for i, r in found.items() if r["status"] in DEFINITE}


_FIELDS: dict[str, type | tuple[type, ...]] = {
    "index": int, "status": str, "assignment": dict, "moved": list, "uplifts": dict,
    "drawn": list, "error": (str, type(None)),
}


def _well_formed(record: Any, base: dict[str, str | None]) -> bool:
    """A line with every field of a `SampleRecord`, each of its type down to its items, and
    only items of the base plan: anything else (a torn or hand-edited line) is not kept,
    and its sample is solved again."""
    if not (isinstance(record, dict)
            and all(isinstance(record.get(key, ...), kind) for key, kind in _FIELDS.items())):
        return False
    return (all(u in base and (r is None or isinstance(r, str))
                for u, r in record["assignment"].items())
            and all(isinstance(u, str) and u in base for u in record["moved"])
            and all(isinstance(label, str) for label in record["drawn"])
            and isinstance(record.get("missed", []), list)
            and all(isinstance(u, str) for u in record.get("missed", []))
            and all(isinstance(years, dict) and all(
                isinstance(y, str) and isinstance(n, int) for y, n in years.items())
                for years in record["uplifts"].values()))


@contextmanager
def _journal(out: Path | None, header: dict[str, Any]) -> Iterator[Callable[[list[SampleRecord]],
                                                                           None]]:
    """A writer appending records to `out` (and flushing) as they arrive."""
    if out is None:
        yield lambda records: None
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    fresh = not out.exists() or out.stat().st_size == 0
    torn = not fresh and not out.read_bytes().endswith(b"\n")
    with out.open("a", encoding="utf-8") as handle:
        if fresh:
            handle.write(json.dumps(header) + "\n")
        elif torn:
            handle.write("\n")

        def write(records: list[SampleRecord]) -> None:
            handle.writelines(json.dumps(r, separators=(",", ":")) + "\n" for r in records)
            handle.flush()

        yield write


# --- running on Dask --------------------------------------------------------------------


def _distributed() -> Any:
    """The `distributed` module, typed as Any: its API is unannotated, so each call would
    otherwise need its own `type: ignore` under mypy's strict mode."""
    import distributed

    return distributed


@contextmanager
def _client(scheduler: str | None, workers: int | None, todo: int) -> Iterator[Any]:
    """A Dask client: to `scheduler`, else to a local cluster of `workers` processes (an
    in-process one for tiny runs)."""
    dd = _distributed()
    Client, LocalCluster = dd.Client, dd.LocalCluster
    if scheduler is not None:
        try:
            remote = Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, ValueError) as exc:
            raise SweepError(f"cannot reach a Dask scheduler at {scheduler}: {exc}") from None
        with remote as client:
            try:
                client.wait_for_workers(1, timeout=WORKER_WAIT)
            except (TimeoutError, OSError):
                raise SweepError(f"no worker joined the Dask scheduler at {scheduler} within "
                                 f"{WORKER_WAIT:.0f} s: start one (`dask worker {scheduler}`)"
                                 ) from None
            others = {worker: code for worker, code in client.run(code_version).items()
                      if code != code_version()}
            if others:
                raise SweepError(
                    f"{len(others)} worker(s) of {scheduler} run another secplan (code "
                    f"{sorted(others.values())[0]}, here {code_version()}), e.g. "
                    f"{sorted(others)[0]}: install this one on every worker")
            yield client
        return
    # The scheduler always serves HTTP (health checks); a random local port keeps a second
    # sweep, or anything else on the dashboard's usual 8787, from clashing with it.
    # Dask's own errors stay quiet too: a task's failure reaches the sweep through its
    # future, and on Ctrl-C a worker whose heartbeat found the scheduler already gone
    # printed a traceback (a loaded machine, session 20's test run).
    quiet = {"dashboard_address": "127.0.0.1:0", "silence_logs": logging.CRITICAL}
    if todo <= TINY:
        with Client(processes=False, n_workers=1, threads_per_worker=workers or 2,
                    **quiet) as client:
            yield client
        return
    with _children_ignore_ctrl_c():
        cluster = LocalCluster(n_workers=workers or 2, threads_per_worker=1, processes=True,
                               **quiet)
    with cluster, Client(cluster) as client:
        yield client


@contextmanager
def _children_ignore_ctrl_c() -> Iterator[None]:
    """Processes started inside ignore SIGINT, as they inherit its disposition: a terminal's
    Ctrl-C reaches every process of the job, and each Dask worker printed its
    KeyboardInterrupt traceback before "secplan: interrupted" (an acceptance test: 66
    lines). The sweep stops them itself when it is interrupted. A Ctrl-C while they start
    (a second or two) is lost; a worker Dask restarts later (one killed past its memory
    limit) takes Ctrl-C again. (Blocking SIGINT instead, to take it once they are up, does
    not reach them: multiprocessing's spawn clears a child's signal mask, and each worker
    printed its traceback again; session 21.) Only the main thread may set a handler;
    elsewhere nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:  # None: a handler set outside Python, which cannot be put back as it was
        signal.signal(signal.SIGINT, signal.SIG_DFL if previous is None else previous)


def batches(todo: Sequence[int], slots: int, size: int | None = None) -> list[list[int]]:
    """Cut the sample indexes into tasks: about four per worker thread, at most
    `MAX_BATCH` samples each, so work stays balanced to the end of the sweep."""
    size = size or max(1, min(MAX_BATCH, math.ceil(len(todo) / (4 * max(slots, 1)))))
    return [list(todo[k : k + size]) for k in range(0, len(todo), size)]


def _stream(client: Any, payload: Payload, seed: int, todo: Sequence[int],
            batch_size: int | None) -> Iterator[list[SampleRecord]]:
    """Records of the samples `todo`, batch by batch as they finish (in any order).

    At most a few batches per worker thread are in flight, so a huge sweep neither floods
    the scheduler nor holds many results; a batch whose task fails for good (after Dask's
    retries) comes back as error records, so it is solved again on resume."""
    slots = sum(client.nthreads().values()) or 1
    todo_batches = iter(batches(todo, slots, batch_size))
    token = hashlib.sha256(f"{payload.fingerprint}/{seed}".encode()).hexdigest()[:16]
    shipped = client.submit(Payload.from_json, payload.to_json(), key=f"secplan-payload-{token}",
                            retries=2)

    running: dict[Any, list[int]] = {}

    def submit(batch: list[int]) -> Any:
        key = f"secplan-sweep-{token}-{batch[0]}-{batch[-1]}-{len(batch)}"
        future = client.submit(solve_samples, shipped, seed, batch, key=key, retries=2)
        running[future.key] = batch
        return future

    first = itertools.islice(todo_batches, 4 * slots + 4)
    window = _distributed().as_completed([submit(batch) for batch in first])
    for future in window:
        batch = running.pop(future.key)
        try:
            records: list[SampleRecord] = future.result()
        except Exception as exc:
            log.warning("samples %d-%d lost: %s", batch[0], batch[-1], exc)
            records = [_record(i, "error", [], f"task failed on the cluster: {exc!r}")
                       for i in batch]
        future.release()
        following = next(todo_batches, None)
        if following is not None:
            window.add(submit(following))
        yield records


def base_payload(path: Path, options: SolveOptions,
                 saved: tuple[Instance, Plan] | None = None) -> tuple[Payload, Instance, Plan]:
    """The scenario and its deterministic plan (as `secplan solve` makes it, with the
    engine's default workers; `saved`, the one it wrote, when given): every sample is
    re-planned against it. Raises `ScenarioError` for bad input (the loader also checks
    the uncertainty section's items and releases) and `SweepError` when the scenario itself
    has no plan."""
    from solver.plan import plan_file

    inst, plan = saved or plan_file(path, dataclasses.replace(options,
                                                              workers=DEFAULT_OPTIONS.workers))
    if plan.status == "infeasible":
        raise SweepError(f"{path}: no plan satisfies the rules, so there is nothing to "
                         "sweep against; see `secplan solve`")
    return Payload(inst.scenario, dict(plan.assignments), options), inst, plan


def _progress_bar(show: bool, total: int, done: int) -> Any:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        Task,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:.1f} samples/s" if speed else "- samples/s")

    bar = Progress(TextColumn("sweep"), BarColumn(), MofNCompleteColumn(), Rate(),
                   TimeElapsedColumn(), TimeRemainingColumn(),
                   console=Console(stderr=True), disable=not show)
    return bar, bar.add_task("sweep", total=total, completed=done)


def run_sweep(
    path: Path,
    samples: int,
    seed: int = 0,
    workers: int | None = None,
    scheduler: str | None = None,
    out: Path | None = None,
    progress: bool = True,
    solve_options: SolveOptions | None = None,
    *,
    batch_size: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    on_base: Callable[[SweepResult], None] | None = None,
    base: tuple[Instance, Plan] | None = None,
) -> SweepResult:
    """Sweep `samples` Monte Carlo what-ifs of the scenario file `path`.

    `workers`: local worker processes (default 2); `scheduler`: the address of a running
    Dask scheduler to use instead. `out`: a JSON-lines file, one line per sample, appended
    as samples finish; samples already in it are not solved again. `solve_options`: per
    sample (default `SWEEP_OPTIONS`: one CP-SAT worker); the base plan uses the engine's
    default workers. `batch_size`: samples per task (default: about four tasks per worker
    thread, at most `MAX_BATCH`). `on_progress(done, samples)` is called after each batch;
    `on_base(result)` once the base plan is known, before any sample (it may raise).
    `base`: the scenario and the plan `secplan solve` wrote for it, instead of planning it.

    Raises `ScenarioError` (bad input), `SweepError` (no base plan, or `out` belongs to
    another sweep) and `ValueError` (bad counts)."""
    if samples < 1:
        raise ValueError("samples must be at least 1")
    if workers is not None and not 1 <= workers <= MAX_WORKERS:
        raise ValueError(f"--workers must be from 1 to {MAX_WORKERS} (got {workers})")
    started = time.monotonic()
    options = solve_options or SWEEP_OPTIONS
    payload, inst, base_plan = base_payload(path, options, base)
    result = SweepResult(
        scenario=payload.scenario.name,
        seed=seed,
        samples=samples,
        base=payload.base,
        releases={r.id: r.go_live for r in inst.releases},
        base_uplifts=uplift_counts(inst, payload.base),
        item_of={u.id: u.item.id for u in inst.units if u.id != u.item.id},
        groups=drawn_groups(payload.scenario),
        base_unproven=unproven_words([(payload.scenario.name, base_plan)], "the draws"),
    )
    if on_base is not None:
        on_base(result)
    kept = read_records(out, payload, seed, samples) if out is not None else {}
    for index in sorted(kept):
        result.add(kept[index])
    todo = [i for i in range(samples) if i not in kept]
    bar, task = _progress_bar(progress, samples, len(kept))
    if todo:  # the samples' solves report nothing: the bar counts them (a worker forked
        # from a process listening to the base plan's stages wrote over the bar)
        with progress_events.muted(), _journal(out, _header(payload, seed)) as write, bar, \
                _client(scheduler, workers, len(todo)) as client:
            solving = time.monotonic()
            for records in _stream(client, payload, seed, todo, batch_size):
                write(records)
                for record in records:
                    result.add(record)
                result.solved += len(records)
                bar.advance(task, len(records))
                if on_progress is not None:
                    on_progress(result.counted, samples)
            result.rate = result.solved / max(time.monotonic() - solving, 1e-9)
    result.seconds = time.monotonic() - started
    return result


# --- showing the result -----------------------------------------------------------------


def percent_text(p: float) -> str:
    """A share standing alone (a release's scope holding, a deadline missed), the same in
    the terminal and the report: a whole percent, or one decimal below 1% or above 99%,
    where a whole one would read 0% or 100% with some samples differing (and "<0.1%" or
    ">99.9%" where one decimal would)."""
    if p in (0.0, 1.0) or 0.01 <= p <= 0.99:
        return f"{100 * p:.0f}%"
    text = f"{100 * p:.1f}"
    return "<0.1%" if text == "0.0" else ">99.9%" if text == "100.0" else f"{text}%"


def margin_words(n: int) -> str:
    """How far a share of `n` samples may be from the one more samples would give, in
    the terminal and the report (a Panel read 23% and 52% of 40 samples as precise): the
    95% margin at its widest, a share of one half."""
    if not n:
        return ""
    return (f"With {n} samples a share is known to about \u00b1"
            f"{100 * 1.96 * math.sqrt(0.25 / n):.0f} points (95%); more samples narrow it.")


def whole_percents(shares: Mapping[str, float]) -> dict[str, int]:
    """Shares as whole percents that add up to 100 (largest remainders round up), so that
    a row of the sweep table sums as its samples do (28% + 65% + 8% read as 101%)."""
    exact = {k: 100 * p for k, p in shares.items()}
    out = {k: int(v) for k, v in exact.items()}
    short = round(sum(exact.values())) - sum(out.values())
    for k in sorted(exact, key=lambda k: (out[k] - exact[k], exact[k], k))[:max(short, 0)]:
        out[k] += 1
    return out


def share_text(p: float, percent: int) -> str:
    """A share of the samples as its whole `percent` (`whole_percents`), the same in the
    terminal and the report (an acceptance test: 1 in 8 read 12% in one, 13% in the other);
    "<1%" or ">99%" where rounding would hide that some samples differ."""
    return ("" if p == 0 else "<1%" if percent == 0 else ">99%" if percent == 100 and p < 1
            else f"{percent}%")


def print_sweep(result: SweepResult, console: Any, releases: Sequence[str] | None = None
                ) -> None:
    """The sweep as tables on a rich `Console` (typed Any like `solver.report_text`'s
    printers, which take what `secplan`'s `console()` makes): items (those of `releases`
    in the base plan, when given), releases, uplifts, what moves items, samples without a
    plan."""
    from rich.table import Table

    n = result.planned
    outcomes = ", ".join(f"{v} {k}" for k, v in sorted(result.outcomes.items()))
    console.print(f"[bold]{result.scenario}[/bold]: {result.samples} samples, seed "
                  f"{result.seed} ({outcomes})")
    if n:
        console.print(margin_words(n))
    if result.solved:  # "at 0.0 samples/s" at 24 s a sample (an acceptance test)
        pace = f"{result.rate:.1f} samples/s" if result.rate >= 1 or not result.rate \
            else f"one sample every {1 / result.rate:.0f} s"
        console.print(f"solved {result.solved} in this run at {pace}")
    if result.base_unproven:
        console.print(f"[yellow]{result.base_unproven}[/yellow]")
    if result.clock_stopped:
        console.print(f"[yellow]{result.clock_stopped} sample(s) stopped by the clock before "
                      "their budget of work was spent (a worker slower than --time-limit "
                      "counts on): another run may plan them otherwise[/yellow]")
    if result.missed:  # each share of the samples with a plan
        console.print("[yellow]deadlines missed (planned after the date, or left out): "
                      + ", ".join(f"{uid} in {percent_text(k / n)}"
                                  for uid, k in sorted(result.missed.items())) + "[/yellow]")
    if not n:
        console.print("[red]no sample has a plan[/red]")
    else:
        probabilities = result.probabilities()
        items = Table(title="Release of each item (share of samples with a plan)",
                      caption="none: outside the horizon; rejected: the sample rejected it")
        for col in ("item", "base plan", "stays", "distribution"):
            items.add_column(col)
        listed = result.items(releases)

        def stays_in(uid: str) -> float:
            return probabilities.get(uid, {}).get(result.base[uid] or NONE, 0.0)

        if not listed:
            items.caption = f"no items in these releases in the base plan; {items.caption}"
        elif releases is None and len(listed) > SHOWN_ITEMS:  # an acceptance test: 1,105 lines
            risky = set(sorted(listed, key=lambda u: (stays_in(u), u))[:SHOWN_ITEMS])
            items.caption = (f"the {SHOWN_ITEMS} items of {len(listed)} least likely to stay "
                             "(--release R shows a release's items, --json every item); "
                             f"{items.caption}")
            listed = [uid for uid in listed if uid in risky]
        for uid in listed:
            base = result.base[uid] or NONE
            stays = stays_in(uid)
            colour = "green" if stays >= 0.9 else "yellow" if stays >= 0.5 else "red"
            percent = whole_percents(probabilities.get(uid, {}))
            spread = "  ".join(f"{rid} {share_text(p, percent[rid])}"
                               for rid, p in probabilities.get(uid, {}).items())
            items.add_row(uid, base, f"[{colour}]{share_text(stays, percent.get(base, 0)) or '0%'}"
                                     f"[/{colour}]", spread)
        console.print(items)
        release_table = Table(title="Does each release's scope hold?")
        for col in ("release", "go-live", "go-live moves", "items in base plan",
                    "of them kept (mean)", "scope unchanged", "holds (rejections aside)"):
            release_table.add_column(col)
        holds, moves_in = result.release_holds(), result.release_moves()
        kept = result.release_kept()
        for rid, p in result.release_unchanged().items():
            release_table.add_row(rid, str(result.releases[rid]), percent_text(moves_in[rid]),
                                  str(len(result.base_scopes[rid])),
                                  percent_text(kept[rid]) if rid in kept else "-", percent_text(p),
                                  percent_text(holds[rid]))
        console.print(release_table)
        uplifts = Table(title="Specification uplifts per year")
        for col in ("specification", "year", "base plan", "expected"):
            uplifts.add_column(col)
        for spec, years in result.expected_uplifts().items():
            for year, mean in years.items():
                uplifts.add_row(spec, year, str(result.base_uplifts.get(spec, {}).get(year, 0)),
                                f"{mean:.2f}")
        console.print(uplifts)
        causes = result.influence()
        shown = f"; the first {SHOWN_CAUSES} of {len(causes)}, --json lists every one" \
            if len(causes) > SHOWN_CAUSES else ""
        moves = Table(title=f"What moves items (mean items moved: "
                            f"{result.total_moves / n:.2f} per sample; an item's lateness "
                            f"against the samples that keep it; correlation, not cause{shown})")
        for col in ("uncertainty", "samples", "moves with it", "without", "impact"):
            moves.add_column(col)
        for row in causes[:SHOWN_CAUSES]:
            without = row["mean_moves_without"]
            moves.add_row(row["uncertainty"], percent_text(row["samples"] / n),
                          f"{row['mean_moves_with']:.2f}",
                          "-" if without is None else f"{without:.2f}",
                          f"{row['impact']:+.2f}" + few_words(row))
        console.print(moves)
    failed = result.summary()["errors"]
    if failed:
        errors = Table(title=f"Samples without a plan ({result.samples - n}; first "
                             f"{len(failed)})")
        for col in ("sample", "outcome", "error"):
            errors.add_column(col)
        for row in failed:
            errors.add_row(str(row["index"]), row["status"], row["error"])
        console.print(errors)


LEGEND_COLUMNS = 6
CHART_ROWS = 60
"""Items on a page of the sweep chart, as on a Gantt page."""


def plot_sweep(result: SweepResult, releases: Sequence[str] | None = None,
               max_rows: int = CHART_ROWS, page: int = 0) -> Axes:
    """One stacked horizontal bar per item: the share of samples placing it in each
    release (grey: outside the horizon; hatched: rejected), items grouped by base-plan
    release (named beside each item, groups ruled off), the legend below in rows.
    `releases` keeps those base-plan releases' items ('not planned' for the ones it left
    out) and `max_rows` items make a page, as in the Gantt chart (an acceptance test: 1,000
    items made one picture 41,622 pixels tall)."""
    import matplotlib.pyplot as plt

    from solver.plot.gantt import NOT_PLANNED_COLOUR, horizon_colours

    probabilities = result.probabilities()
    chosen = result.items(releases)
    pages = page_count(len(chosen), max_rows)
    items = list(reversed(page_of(chosen, max_rows, page, "sweep chart")))  # top down
    outcomes = {rid for uid in items for rid in probabilities.get(uid, {})}
    legend_rows = math.ceil(len(outcomes) / LEGEND_COLUMNS)
    _, ax = plt.subplots(figsize=(9, 1.8 + 0.28 * max(len(items), 4) + 0.25 * legend_rows),
                         layout="constrained")
    rows = range(len(items))
    colours = {**horizon_colours(list(result.releases)), NONE: NOT_PLANNED_COLOUR,
               REJECTED: REJECTED_COLOUR}
    names = {NONE: "outside the horizon", REJECTED: "rejected"}
    left = [0.0] * len(items)
    for rid, colour in colours.items():
        widths = [probabilities.get(uid, {}).get(rid, 0.0) for uid in items]
        if any(widths):
            ax.barh(rows, widths, left=left, color=colour, label=names.get(rid, rid),
                    edgecolor="white", linewidth=0.5, hatch="///" if rid == REJECTED else None)
            left = [a + b for a, b in zip(left, widths, strict=True)]
    ax.set_yticks(rows, [f"{uid}  ({result.base[uid] or 'outside'})" for uid in items])
    for k in rows[1:]:
        if result.base[items[k]] != result.base[items[k - 1]]:
            ax.axhline(k - 0.5, color="black", linewidth=0.8)
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.6, max(len(items), 1) - 0.4)
    ax.xaxis.set_major_formatter(lambda x, _: f"{100 * x:.0f}%")
    ax.set_xlabel(f"share of {result.planned} samples with a plan (of {result.samples})")
    which = f", base-plan releases {', '.join(result.chosen(releases))}" if releases else ""
    paged = f", page {page + 1} of {pages}" if pages > 1 else ""
    ax.set_title(f"{result.scenario}: release of each item in the samples{which}{paged}\n"
                 "(in brackets: its release in the base plan)", fontsize="medium")
    shown = len(ax.containers)
    if not result.planned or not items:  # a review: empty axes, and matplotlib's warning
        ax.text(0.5, 0.5, "no sample has a plan" if not result.planned else
                "no items in these releases in the base plan", transform=ax.transAxes,
                ha="center")
        return ax
    ax.get_figure(root=True).legend(  # type: ignore[union-attr]
        title="release in the sample", loc="outside lower center",
        ncols=min(shown, LEGEND_COLUMNS), frameon=False)
    return ax
