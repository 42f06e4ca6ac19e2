"""Field types and the strict base model shared by the scenario models and the rules."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints

_ID = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
_MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
_UNIT = r"\d+ (day|days|week|weeks|month|months|year|years)"
_PERIOD = rf"^{_UNIT}( {_UNIT})*$"
ItemId = Annotated[str, StringConstraints(pattern=_ID)]
ReleaseId = Annotated[str, StringConstraints(pattern=_ID)]
MonthId = Annotated[str, StringConstraints(pattern=_MONTH)]
MAX_PERIOD_DAYS = 36_600
"""A period may span a hundred years at most (so every date it reaches is a date)."""


def _not_too_long(period: str) -> str:
    words = period.split()
    per = {"day": 1, "week": 7, "month": 31, "year": 366}
    days = sum(int(n) * per[unit.removesuffix("s")] for n, unit in zip(words[::2], words[1::2],
                                                                        strict=True))
    if days > MAX_PERIOD_DAYS:
        raise ValueError("a period of at most 100 years")
    return period


Duration = Annotated[str, StringConstraints(pattern=_PERIOD), AfterValidator(_not_too_long)]
"""A period such as `38 days`, `6 weeks`, `12 months` or `1 month 10 days`."""
PATTERN_WORDS = {
    _ID: "an id of letters, digits, '.', '_' and '-', such as 'MP084' or '2021-06'",
    _MONTH: "a month such as '2021-06'",
    _PERIOD: "a period such as '38 days', '6 weeks', '12 months' or '1 month 10 days'",
}
"""What a value of each pattern looks like, for error messages (not the pattern itself)."""


class Strict(BaseModel):
    """Base of every file model: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
