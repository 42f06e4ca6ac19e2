"""Pydantic models of a scenario file and of a plan.

A scenario file is strict: an unknown key is an error, so a typo never silently
drops a planning fact. Rules are a tagged union on the key `rule`; their
behaviour (CP-SAT posting and solver-free checking) lives in `solver.rules`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    Field,
    PrivateAttr,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from solver.changes import AnyChange
from solver.fields import Day, Duration, ItemId, MonthId, ReleaseId, Strict
from solver.rules import Rule
from solver.uncertainty import Uncertainty

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
Week = Literal["first", "second", "third", "fourth", "last"]
Kind = Literal["modification", "draft-proposal", "change-request"]
Route = Literal["self-governance", "authority", "fast-track", "dcc-change-request"]
Status = Literal[
    "approved",
    "change-board-vote",
    "with-authority",
    "report-due",
    "draft-proposal",
    "sent-back",
    "refinement",
    "rejected",
    "withdrawn",
    "implemented",
]
TIGHT_MARGIN_DAYS = 30
"""A decision expected less than this many days before its cut-off is marked at risk: a
Change Board vote or an Authority decision slips by weeks (a Panel review found 5 days'
margin in the same grey print as 197)."""


def gap_words(gap: float | None) -> str:
    """"gap 0.82%", or "no lower bound found" where the search proved nothing above 0
    (10,000 generated items in a minute read "gap 100.00%"); "" for none."""
    return "" if not gap else "no lower bound found" if gap >= 1 else f"gap {gap:.2%}"


def plan_words(status: str, gap: float | None) -> str:
    """A plan's status as a planner reads it: "optimal plan", "plan not proven optimal (gap
    0.82%)", "no plan" (a DCC manager read "feasible plan" on every chart as solver jargon;
    only standard error said what it meant), with its `gap_words`."""
    if status == "feasible":
        return "plan not proven optimal" + (f" ({gap_words(gap)})" if gap else "")
    return {"optimal": "optimal plan", "infeasible": "no plan"}.get(status, f"{status} plan")


CLASH_WORDS = ("These rules cannot all hold together (a minimal clash: without any one of "
               "them the others here can; other rules may clash as well, so dropping one of "
               "these may not be enough for a plan)")
"""What a plan's `clash` is, as the text and the HTML report introduce it (an acceptance
test read "without any one of them the rest can hold" as a plan once one is dropped)."""


STATUS_WORDS = {
    "approved": "Approved",
    "change-board-vote": "Change Board vote",
    "with-authority": "With the Authority for decision",
    "report-due": "Modification Report due",
    "draft-proposal": "Draft Proposal",
    "sent-back": "Sent back by the Authority",
    "refinement": "In refinement",
    "rejected": "Rejected",
    "withdrawn": "Withdrawn",
    "implemented": "Implemented",
}
"""Each status in the Panel's words, for reports and legends."""
PENDING_STATUSES = frozenset(
    {
        "change-board-vote",
        "with-authority",
        "report-due",
        "draft-proposal",
        "sent-back",
        "refinement",
    }
)
"""Statuses whose decision is still to come: they need an expected decision date."""
CLOSED_STATUSES = frozenset({"rejected", "withdrawn", "implemented"})
MAX_VALUE = 100_000
MAX_EFFORT = 1_000_000
MAX_WEIGHT = 10_000
"""Bounds on the numbers the objective multiplies (value x months x weight, summed over
20,000 items, stays far inside the solver's 64-bit integers)."""
"""Statuses that take an item out of planning."""


# --- calendar ---------------------------------------------------------------------------


class Window(Strict):
    """A standard release window: the `week` `weekday` of `month`, every year."""

    month: int = Field(ge=1, le=12, strict=True)
    weekday: Weekday = "thursday"
    week: Week


class ExtraRelease(Strict):
    """An ad-hoc release outside the standard windows."""

    id: ReleaseId
    go_live: Day
    note: str = ""


class MovedGoLive(Strict):
    """A go-live the Panel moved, with when it did: a scope baseline its standard date had
    passed by then stays (the scope was baselined); one still to come follows the go-live,
    but not to a day before the move."""

    go_live: Day
    decided: Day = Field(description="When the Panel moved the go-live.")


class Calendar(Strict):
    """Release calendar: standard windows over the horizon, plus moves, extras, cancellations."""

    windows: list[Window] = Field(min_length=1)
    first: MonthId = Field(description="Month of the first release in the horizon (YYYY-MM).")
    last: MonthId = Field(description="Month of the last release in the horizon (YYYY-MM).")
    moves: dict[ReleaseId, Day | MovedGoLive] = Field(
        default_factory=dict,
        description="Go-live moved by the Panel; the release keeps its id. A date alone: moved "
        "as of `as_of`, so a scope baseline passed by then stays; `{go_live, decided}` gives "
        "when it was moved.")
    extra: list[ExtraRelease] = Field(default_factory=list)
    cancel: list[ReleaseId] = Field(default_factory=list)

    @model_validator(mode="after")
    def _first_not_after_last(self) -> Calendar:
        if self.first > self.last:
            raise ValueError(f"first ({self.first}) is after last ({self.last})")
        months = [w.month for w in self.windows]
        twice = sorted({m for m in months if months.count(m) > 1})
        if twice:  # release ids are YYYY-MM: the second would silently replace the first
            raise ValueError(f"two windows in month {twice[0]}: one release a month (its id "
                             "is YYYY-MM); add another as an extra release")
        return self


class Policy(Strict):
    """SEC Release Management Policy numbers."""

    dcc_baseline: Duration = Field(
        "12 months", description="DCC-system scope is baselined this long before go-live."
    )
    full_baseline: Duration = Field(
        "6 months", description="Full scope is baselined this long before go-live."
    )
    exceptions: Literal["forbidden", "allowed"] = Field(
        "forbidden",
        description="Whether an item may join a release whose baseline has passed (an exception).",
    )
    baselined_move_cost: int = Field(
        3,
        ge=1,
        le=100_000,
        strict=True,
        description="A move out of a release whose scope is baselined counts this many moves.",
    )


# --- items ------------------------------------------------------------------------------


class Part(Strict):
    """One part of a split item; parts are implemented in order, each in a later release."""

    id: ItemId
    title: str = ""
    status: Status | None = Field(None, description="Defaults to the item's status.")
    dcc_lead_time: Duration | None = None
    party_lead_time: Duration | None = None
    dcc_impact: bool | None = None
    specs: list[str] | None = None
    effort: int | None = Field(None, ge=0, le=MAX_EFFORT, strict=True)
    baseline: ReleaseId | None = None
    note: str = ""


class Item(Strict):
    """A modification, draft proposal or DCC change request to allocate to a release."""

    id: ItemId
    title: str
    kind: Kind = "modification"
    route: Route | None = None
    status: Status
    decided: Day | None = Field(None, description="Known decision date.")
    expected_decision: Day | None = Field(None, description="Expected decision date.")
    dcc_lead_time: Duration = "0 days"
    party_lead_time: Duration = "0 days"
    dcc_impact: bool = False
    specs: list[str] = Field(default_factory=list)
    effort: int = Field(0, ge=0, le=MAX_EFFORT, strict=True)
    value: int = Field(1, ge=0, le=MAX_VALUE, strict=True)
    earliest: ReleaseId | None = None
    latest: ReleaseId | None = None
    deadline: Day | None = Field(
        None, description="Go live by this date (a regulatory deadline): only releases "
        "going live on or before it may take the item; unlike `latest`, it follows a release "
        "whose date moves.")
    baseline: ReleaseId | None = Field(
        None, description="Release in the published (baselined) allocation, if any."
    )
    baseline_cut_off: Day | None = Field(
        None, description="The cut-off the published allocation gives it in its baseline "
        "release ('included if approved by'): the plan's own, where it differs, is said "
        "beside it.")
    parts: list[Part] = Field(default_factory=list)
    note: str = ""

    @model_validator(mode="after")
    def _decision_matches_status(self) -> Item:
        if self.decided is not None and self.expected_decision is not None:
            raise ValueError("give either decided or expected_decision, not both")
        if self.status == "approved" and self.decided is None:
            raise ValueError("an approved item needs its decided date")
        if self.status in PENDING_STATUSES and self.expected_decision is None:
            raise ValueError(f"a {self.status} item needs an expected_decision date")
        if len({p.id for p in self.parts}) != len(self.parts):
            raise ValueError("part ids repeat")
        if self.baseline_cut_off is not None and self.baseline is None:
            raise ValueError("baseline_cut_off is the published cut-off for the baseline "
                             "release: give baseline too")
        if self.parts and self.baseline is not None:
            raise ValueError("a split item's baseline release goes on each part in that "
                             "release's published scope (parts[].baseline)")
        return self


# --- objective --------------------------------------------------------------------------

Term = Literal["unplaced", "exceptions", "soft-rules", "delay", "uplifts", "moves"]


class ObjectiveTerm(Strict):
    """One term of the objective: lower priority numbers are optimised first."""

    term: Term
    priority: int = Field(ge=1, le=100, strict=True)
    weight: int = Field(1, ge=0, le=MAX_WEIGHT, strict=True)


DEFAULT_OBJECTIVE: tuple[ObjectiveTerm, ...] = (
    ObjectiveTerm(term="unplaced", priority=1, weight=1),
    ObjectiveTerm(term="exceptions", priority=1, weight=1),
    ObjectiveTerm(term="soft-rules", priority=2, weight=1),
    ObjectiveTerm(term="delay", priority=3, weight=1),
    ObjectiveTerm(term="uplifts", priority=4, weight=1),
    ObjectiveTerm(term="moves", priority=5, weight=1),
)


_ONE_OR_MORE_NAMES = {"anyOf": [
    {"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}]}
"""The schema of `Assumption.about` as files write it: one name, or a list."""


class Assumption(Strict):
    """A number or date the sources do not give, written where the Panel reads it: the
    report lists each with the value in force, so a reader weighs the plan against what
    it takes for granted (a YAML comment never reaches them)."""

    about: Annotated[list[str], WithJsonSchema(_ONE_OR_MORE_NAMES)] = Field(
        min_length=1,
        description="What it is about: items or parts (`SECMP0067`), their fields "
        "(`SECMP0067.expected_decision`), rules by name (`uplift-cap(GBCS, 2022)`) or "
        "scenario keys (`objective`, `policy.dcc_baseline`); one name or a list.",
    )
    note: str = Field(min_length=1, description="The assumption and where it comes from.")
    _written_in: str | None = PrivateAttr(default=None)
    """The file that wrote it (set on loading): a what-if may have changed the values it
    is about since, and the report says so."""

    @field_validator("about", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value


class Scenario(Strict):
    """A planning scenario, fully resolved (no `extends`)."""

    name: str
    description: str = ""
    code: str = Field(
        "SEC", min_length=1, max_length=20, pattern=r"^\S(.*\S)?$",
        description="The code whose releases these are (SEC, BSC, REC, UNC...): titles "
        "and headings say 'BSC Release'.")
    as_of: Day = Field(description="The planning date: baselines and frozen releases.")
    calendar: Calendar
    policy: Policy = Policy()
    specifications: list[str] = Field(
        default_factory=list, description="Technical specifications items may change."
    )
    items: list[Item]
    rules: list[Rule] = Field(default_factory=list)
    objective: list[ObjectiveTerm] = Field(default_factory=lambda: list(DEFAULT_OBJECTIVE))
    changes: list[AnyChange] = Field(
        default_factory=list, description="What-if changes, applied in order when loading."
    )
    switched_off: list[str] = Field(
        default_factory=list, description="Rules not enforced, by name (see switch-off)."
    )
    uncertainty: Uncertainty = Field(
        default_factory=Uncertainty, description="For Monte Carlo what-ifs (secplan sweep)."
    )
    assumptions: list[Assumption] = Field(
        default_factory=list, description="What the scenario takes for granted, and why."
    )

    def planning_fingerprint(self) -> str:
        """A digest of what a plan depends on: the scenario less its description, its
        assumptions, its uncertainty section, its items' titles and notes and its rules'
        notes, in no particular order of items or rules, defaults left out (a release of
        secplan adding a defaulted field changes no digest). plan.json keeps it, so `--plan`
        can say the scenario has changed since (an acceptance test: a plan made before the
        uplift weight went from 10 to 1000 was shown as the recommended one)."""
        import hashlib
        import json

        data = self.model_dump(mode="json", by_alias=True, exclude_defaults=True,
                               exclude={"description", "assumptions", "uncertainty"})
        for entry in data.get("items", []):  # words and order change no plan (a review)
            entry.pop("title", None)
            entry.pop("note", None)
        for entry in data.get("rules", []):
            entry.pop("note", None)
        data["items"] = sorted(data.get("items", []), key=lambda i: str(i.get("id")))
        data["rules"] = sorted(data.get("rules", []), key=lambda r: json.dumps(r, sort_keys=True))
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]

    @field_validator("objective")
    @classmethod
    def _each_term_once(cls, terms: list[ObjectiveTerm]) -> list[ObjectiveTerm]:
        """A term listed twice would count twice (a fuzz test: accepted in silence)."""
        seen = [t.term for t in terms]
        twice = next((t for k, t in enumerate(seen) if t in seen[:k]), None)
        if twice is not None:
            raise ValueError(f"the term {twice!r} is listed twice: give each term once, "
                             "with its priority and weight")
        return terms


# --- plan -------------------------------------------------------------------------------

PlanStatus = Literal["optimal", "feasible", "infeasible"]


class PlanRelease(BaseModel):
    id: str
    go_live: Day
    items: list[str]
    uplifts: list[str]


class PlanItem(BaseModel):
    id: str
    title: str
    status: str
    release: str | None
    cut_off: Day | None
    fall_back: str | None
    fall_back_needs_moves: bool = Field(
        default=False,
        description="The fall-back holds the item only if other items move too: no release "
        "left holds it as the plan stands.",
    )
    fall_back_barred_by: list[str] = Field(
        default_factory=list,
        description="When the fall-back needs other items to move: the rules that bar the "
        "item from it as the plan stands.",
    )
    fall_back_moves: list[str] = Field(
        default_factory=list,
        description="When the fall-back needs other items to move, or for "
        "fall_back_if_others_move: the fewest that must leave their release for it (empty "
        "when not found within the budget).",
    )
    fall_back_new_versions: list[str] = Field(
        default_factory=list,
        description="The specifications the item would add a version of in its fall-back, "
        "as the plan stands: each one more version for every Party to test.",
    )
    fall_back_moved_versions: list[str] = Field(
        default_factory=list,
        description="The specifications whose version the item would move to its fall-back, "
        "as the plan stands, as the only item changing them in its release: no more versions "
        "to test, but at another date.",
    )
    fall_back_found: bool = Field(
        default=True, description="False when the fall-back was not found within the budget."
    )
    fall_back_if_others_move: str | None = Field(
        default=None,
        description="An earlier release than the fall-back (found as the plan stands) that "
        "holds the item if other items move, kept in the horizon: a re-plan may put it there.",
    )
    fall_back_if_one_leaves: str | None = Field(
        default=None,
        description="With no fall-back as the plan stands: a release that holds the item if "
        "another item leaves the horizon (a re-plan leaves one item out either way).",
    )
    fall_back_without_own_rules: str | None = Field(
        default=None,
        description="With no fall-back because its pin (a `fixed` rule) bars every release "
        "left: the first release left that holds it as the plan stands, the pin lifted (as a "
        "Panel would once the decision misses its cut-off).",
    )
    reasons: list[str]


class PlanViolation(BaseModel):
    rule: str
    hard: bool
    message: str


class Alternative(BaseModel):
    """A near-optimal plan that differs from the best one (see `solver.alternatives`)."""

    assignments: dict[str, str | None]
    objective: dict[str, int]
    levels: list[int]
    gap_to_best: list[int] = Field(description="Per priority level: how much worse.")
    differs_from_best: list[str]


class Plan(BaseModel):
    """The plan file (`plan.json`)."""

    scenario: str
    status: PlanStatus
    objective: dict[str, int] = Field(default_factory=dict)
    gap: float = 0.0
    clock_stopped: bool = Field(
        False,
        description="The clock, not the budget of work, stopped the solve (this machine did "
        "less work per second than --time-limit counts on): another run may plan otherwise.",
    )
    assignments: dict[str, str | None]
    releases: list[PlanRelease] = Field(default_factory=list)
    items: list[PlanItem] = Field(default_factory=list)
    violations: list[PlanViolation] = Field(default_factory=list)
    clash: list[str] = Field(default_factory=list)
    relaxation: list[PlanViolation] = Field(
        default_factory=list,
        description="With no plan: the fewest hard rules to drop for one, each with what the "
        "plan made without them does to it.",
    )
    relaxation_alternatives: list[PlanViolation] = Field(
        default_factory=list,
        description="With no plan and one rule enough to drop: the clash's other rules "
        "whose dropping alone gives a plan too, each with what that plan does to it.",
    )
    alternatives: list[Alternative] = Field(default_factory=list)
    reference: dict[str, str | None] | None = Field(
        default=None,
        description="A what-if's base plan, which it was planned against and counts moves "
        "from (null for a base scenario): `--plan` reads the plan back with it.")
    fingerprint: str | None = Field(
        default=None,
        description="`Scenario.planning_fingerprint` of the scenario planned: `--plan` warns "
        "when the scenario has changed since.")


# --- what-if files ----------------------------------------------------------------------


class ItemChanges(Strict):
    update: dict[ItemId, dict[str, object]] = Field(
        default_factory=dict, description="Item id -> fields to replace."
    )
    add: list[Item] = Field(default_factory=list)
    remove: list[ItemId] = Field(default_factory=list)


class RuleChanges(Strict):
    add: list[Rule] = Field(default_factory=list)
    remove: list[str] = Field(default_factory=list, description="Rule names to drop.")


class CalendarChanges(Strict):
    windows: list[Window] | None = None
    first: MonthId | None = None
    last: MonthId | None = None
    moves: dict[ReleaseId, Day | MovedGoLive] | None = Field(
        None, description="Merged into the base's.")
    extra: list[ExtraRelease] | None = None
    cancel: list[ReleaseId] | None = None


class PolicyChanges(Strict):
    dcc_baseline: Duration | None = None
    full_baseline: Duration | None = None
    exceptions: Literal["forbidden", "allowed"] | None = None
    baselined_move_cost: int | None = Field(None, ge=1, le=100_000, strict=True)


class WhatIf(Strict):
    """A what-if file: a base scenario and only what changes."""

    extends: str = Field(description="The base scenario file, relative to this one.")
    name: str | None = None
    description: str | None = None
    as_of: Day | None = None
    calendar: CalendarChanges | None = None
    policy: PolicyChanges | None = None
    specifications: list[str] | None = None
    items: ItemChanges | None = None
    rules: RuleChanges | None = None
    objective: list[ObjectiveTerm] | None = None
    changes: list[AnyChange] | None = None
    uncertainty: Uncertainty | None = None
    assumptions: list[Assumption] | None = Field(
        None, description="Added to the base's; one about the same names replaces the base's."
    )
