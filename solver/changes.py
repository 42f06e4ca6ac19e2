"""The what-if change vocabulary, in the planners' words.

A what-if file lists `changes:`, applied in order after its field overlays; each change
is a mapping whose first key names the action, e.g.

    changes:
      - send-back: SECMP0067
        expected_decision: 2020-11-19
      - shift-lead-times: 3 months     # COVID-19: all pending DCC-system items
      - move-release: "2020-11"
        go_live: 2020-11-29

The same changes drive Monte Carlo samples. Their effect lives in `solver.whatif`.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import ConfigDict, Discriminator, Field, Tag, model_validator

from solver.fields import Day, Duration, ItemId, ReleaseId, Strict


class Change(Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    note: str = ""


class SendBack(Change):
    """The Authority sends a report back: a new expected decision date."""

    send_back: ItemId = Field(alias="send-back")
    expected_decision: Day


class Redecide(Change):
    """A decision is expected on a new date (delayed vote, Authority timing), or later by
    a period (`slip: 4 months`)."""

    re_decide: ItemId = Field(alias="re-decide")
    expected_decision: Day | None = None
    slip: Duration | None = Field(
        None, description="How much later than the expected decision in force (an overdue "
        "one's is the planning date), instead of a date: 4 months, 6 weeks.")
    as_of: Day | None = Field(
        None, description="With slip: the planning date an overdue decision's slip counts "
        "from. Default: the as_of of the file that writes the change, so a later month's "
        "file does not move it again.")

    @model_validator(mode="after")
    def _a_date_or_a_slip(self) -> Redecide:
        if (self.expected_decision is None) == (self.slip is None):
            raise ValueError("give expected_decision (a date) or slip (a period), one of them")
        return self


class Approve(Change):
    approve: ItemId
    decided: Day


class Reject(Change):
    reject: ItemId


class Withdraw(Change):
    withdraw: ItemId


class MoveRelease(Change):
    move_release: ReleaseId = Field(alias="move-release")
    go_live: Day


class CancelRelease(Change):
    cancel_release: ReleaseId = Field(alias="cancel-release")


class AddRelease(Change):
    """An ad-hoc release."""

    add_release: ReleaseId = Field(alias="add-release")
    go_live: Day


class LeadTimeChange(Change):
    """A change of lead times, and which items it reaches."""

    dcc_only: bool = Field(True, description="Only items that impact DCC Systems.")
    pending_only: bool = Field(True, description="Only items whose decision is still to come.")
    items: list[ItemId] | None = Field(None, description="Only these items.")
    among: list[ItemId] | None = Field(
        None, description="Set on loading, not written: with no `items`, the items of the "
        "scenario as the file writing the change leaves it. An item a later file adds, or "
        "whose lead time it writes, keeps the lead time that file gives (an acceptance "
        "test: December's stretch applied to an item added in April).")


class ShiftLeadTimes(LeadTimeChange):
    """Add a period to lead times (all DCC-system items +3 months: the COVID-19 case)."""

    shift_lead_times: Duration = Field(alias="shift-lead-times")


class ScaleLeadTimes(LeadTimeChange):
    """Multiply lead times: whole months stay months, a fraction of a month becomes days
    (365.25 / 12 a month), days rounded half up (3 months x 1.5 = 4 months 15 days)."""

    scale_lead_times: float = Field(alias="scale-lead-times", gt=0, le=100)


class SetRule(Change):
    """Change fields of a rule, e.g. `{set-rule: "uplift-cap(GBCS, 2021)", max: 2}`."""

    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)
    set_rule: str = Field(alias="set-rule")


class SwitchOff(Change):
    """Stop enforcing a rule, by name (a file rule or a built-in one)."""

    switch_off: str = Field(alias="switch-off")


class Pin(Change):
    """Fix an item to a release."""

    pin: ItemId
    release: ReleaseId


ACTIONS: dict[str, type[Change]] = {
    "send-back": SendBack,
    "re-decide": Redecide,
    "approve": Approve,
    "reject": Reject,
    "withdraw": Withdraw,
    "move-release": MoveRelease,
    "cancel-release": CancelRelease,
    "add-release": AddRelease,
    "shift-lead-times": ShiftLeadTimes,
    "scale-lead-times": ScaleLeadTimes,
    "set-rule": SetRule,
    "switch-off": SwitchOff,
    "pin": Pin,
}


def _action(value: Any) -> str | None:
    if isinstance(value, dict):
        return next((key for key in value if key in ACTIONS), None)
    if isinstance(value, Change):
        return next(a for a, model in ACTIONS.items() if isinstance(value, model))
    return None


AnyChange = Annotated[
    Annotated[SendBack, Tag("send-back")]
    | Annotated[Redecide, Tag("re-decide")]
    | Annotated[Approve, Tag("approve")]
    | Annotated[Reject, Tag("reject")]
    | Annotated[Withdraw, Tag("withdraw")]
    | Annotated[MoveRelease, Tag("move-release")]
    | Annotated[CancelRelease, Tag("cancel-release")]
    | Annotated[AddRelease, Tag("add-release")]
    | Annotated[ShiftLeadTimes, Tag("shift-lead-times")]
    | Annotated[ScaleLeadTimes, Tag("scale-lead-times")]
    | Annotated[SetRule, Tag("set-rule")]
    | Annotated[SwitchOff, Tag("switch-off")]
    | Annotated[Pin, Tag("pin")],
    Discriminator(
        _action,
        custom_error_type="unknown_change",
        custom_error_message=f"a change starts with one of: {', '.join(ACTIONS)}",
    ),
]
