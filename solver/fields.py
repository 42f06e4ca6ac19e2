"""Field types and the strict base model shared by the scenario models and the rules."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

_ID = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
_MONTH = r"^(19|20|21)\d{2}-(0[1-9]|1[0-2])$"
_UNIT = r"\d+ (day|days|week|weeks|month|months|year|years)"
_PERIOD = rf"^{_UNIT}( {_UNIT})*$"
ItemId = Annotated[str, StringConstraints(pattern=_ID)]
ReleaseId = Annotated[str, StringConstraints(pattern=_ID)]
MonthId = Annotated[str, StringConstraints(pattern=_MONTH)]
Day = Annotated[dt.date, Field(ge=dt.date(1900, 1, 1), le=dt.date(2199, 12, 31))]
"""A date of a plan: from 1900 to 2199, so that the dates computed from it (baselines,
cut-offs, chart axes) stay within what dates can hold (a fuzz test: a go-live moved to
9999-12-31 or 0001-01-02 ended in a traceback)."""
def duration_parts(duration: str) -> dict[str, int]:
    """`'1 month 10 days'` -> `{'months': 1, 'days': 10}` (units summed, plural names)."""
    words = duration.split()
    parts: dict[str, int] = {}
    for count, unit in zip(words[::2], words[1::2], strict=True):
        name = unit if unit.endswith("s") else unit + "s"
        parts[name] = parts.get(name, 0) + int(count)
    return parts


MAX_PERIOD_MONTHS = 1200
"""A period may span a hundred years at most (so every date it reaches is a date)."""


def _check_period(period: str) -> str:
    """A period naming each unit once (a fuzz test: "1 month 1 month" read as 2 months) and
    of at most 100 years."""
    units = [u.removesuffix("s") for u in period.split()[1::2]]
    twice = next((u for u in units if units.count(u) > 1), None)
    if twice is not None:
        raise ValueError(f"names {twice}s twice: give each unit once, as '1 month 10 days'")
    p = duration_parts(period)
    months = 12 * p.get("years", 0) + p.get("months", 0)
    days = 7 * p.get("weeks", 0) + p.get("days", 0)
    if months * 31 + days > MAX_PERIOD_MONTHS * 31:  # "1200 months" = "100 years"
        raise ValueError("a period of at most 100 years")
    return period


Duration = Annotated[str, StringConstraints(pattern=_PERIOD), AfterValidator(_check_period)]
"""A period such as `38 days`, `6 weeks`, `12 months` or `1 month 10 days`."""
PATTERN_WORDS = {
    _ID: "an id of letters, digits, '.', '_' and '-', such as 'MP084' or '2021-06'",
    _MONTH: "a month such as '2021-06', from 1900 to 2199",
    _PERIOD: "a period such as '38 days', '6 weeks', '12 months' or '1 month 10 days'",
}
"""What a value of each pattern looks like, for error messages (not the pattern itself)."""


class Strict(BaseModel):
    """Base of every file model: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
