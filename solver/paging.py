"""Charts with a row per item, grouped by release: which groups a `--release` keeps, and
how the rows fall on pages of `--rows` (the Gantt chart, the sweep's shares).

No matplotlib here: a command checks its `--release`, `--rows` and `--page` before the
work that the chart draws, not after it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

NOT_PLANNED = "not planned"
"""Group of items the plan leaves outside the horizon (assigned `null`)."""


def chosen_groups(order: Sequence[str], chosen: Sequence[str] | None) -> list[str]:
    """The groups of `order` that `chosen` names, in `order`'s order (all of them when
    `chosen` is None); ValueError naming any that `order` does not have."""
    if chosen is None:
        return list(order)
    unknown = [g for g in chosen if g not in order]
    if unknown:
        raise ValueError(f"no release {', '.join(map(repr, unknown))} in the plan; "
                         f"choose from {', '.join(order)}")
    return [g for g in order if g in set(chosen)]


def page_count(rows: int, max_rows: int) -> int:
    """Pages of `max_rows` rows that `rows` rows need (at least 1: an empty chart is one)."""
    if max_rows < 1:
        raise ValueError(f"max_rows must be at least 1 (got {max_rows})")
    return max(1, math.ceil(rows / max_rows))


def page_of(rows: Sequence[T], max_rows: int, page: int, chart: str) -> Sequence[T]:
    """The rows on page `page` (from 0) of `chart`; ValueError for a page it does not have."""
    pages = page_count(len(rows), max_rows)
    if not 0 <= page < pages:
        raise ValueError(f"page {page} does not exist: the {chart} has {pages} page(s)")
    return rows[page * max_rows:(page + 1) * max_rows]
