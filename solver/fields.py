"""Field types and the strict base model shared by the scenario models and the rules."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

ItemId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
ReleaseId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
MonthId = Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
_UNIT = r"\d+ (day|days|week|weeks|month|months|year|years)"
Duration = Annotated[str, StringConstraints(pattern=rf"^{_UNIT}( {_UNIT})*$")]
"""A period such as `38 days`, `6 weeks`, `12 months` or `1 month 10 days`."""


class Strict(BaseModel):
    """Base of every file model: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
