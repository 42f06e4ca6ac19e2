"""Release calendars: nth-weekday windows, moved go-lives, baselines and cut-off dates.

Month arithmetic is `dateutil.relativedelta`, so "12 months before 30 June" is
30 June a year earlier and "1 month before 31 March" is 28 or 29 February.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE, relativedelta, weekday

from solver.fields import Duration, duration_parts
from solver.model import Calendar, MovedGoLive, Policy, Week, Weekday, Window

_WEEKDAYS: dict[Weekday, weekday] = {
    "monday": MO,
    "tuesday": TU,
    "wednesday": WE,
    "thursday": TH,
    "friday": FR,
    "saturday": SA,
    "sunday": SU,
}
_WEEK_NUMBER: dict[Week, int] = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}


_UNITS = ("years", "months", "weeks", "days")


def format_duration(parts: dict[str, int]) -> str:
    """The inverse of `duration_parts`, largest unit first; `'0 days'` when empty."""
    words = [f"{parts[u]} {u if parts[u] != 1 else u[:-1]}" for u in _UNITS if parts.get(u)]
    return " ".join(words) or "0 days"


def to_delta(duration: Duration) -> relativedelta:
    """`'12 months'` -> `relativedelta(months=12)`."""
    p = duration_parts(duration)
    return relativedelta(years=p.get("years", 0), months=p.get("months", 0),
                         weeks=p.get("weeks", 0), days=p.get("days", 0))


def nth_weekday(year: int, month: int, weekday_name: Weekday, week: Week) -> dt.date:
    """The first/second/.../last given weekday of a month, e.g. last Thursday of June."""
    n = _WEEK_NUMBER[week]
    wd = _WEEKDAYS[weekday_name]
    if n > 0:
        return dt.date(year, month, 1) + relativedelta(weekday=wd(n))
    return dt.date(year, month, 1) + relativedelta(day=31, weekday=wd(-1))


def window_date(window: Window, year: int) -> dt.date:
    return nth_weekday(year, window.month, window.weekday, window.week)


@dataclass(frozen=True)
class Release:
    """A dated release with its scope-baseline dates."""

    id: str
    go_live: dt.date
    dcc_baseline: dt.date
    full_baseline: dt.date
    moved_from: dt.date | None = None
    kept_baseline: bool = False
    """A scope baseline stays where the standard date had it: taken before the move."""

    @property
    def year(self) -> int:
        return self.go_live.year

    def scope_baseline(self, dcc_impact: bool) -> dt.date:
        """When the scope a change joins is baselined: the DCC-system scope for a change
        impacting DCC systems, else the full scope."""
        return self.dcc_baseline if dcc_impact else self.full_baseline

    def baselined_by(self, dcc_impact: bool, day: dt.date) -> bool:
        """Whether that scope is baselined before `day`: what joins it on `day`, outside its
        published scope, is an exception, and what leaves it leaves a baselined scope. The
        one test of a baseline having passed (the scope-baseline rule, moves, lint)."""
        return self.scope_baseline(dcc_impact) < day


def _months(first: str, last: str) -> list[tuple[int, int]]:
    y0, m0 = map(int, first.split("-"))
    y1, m1 = map(int, last.split("-"))
    return [
        (y, m) for y in range(y0, y1 + 1) for m in range(1, 13) if (y0, m0) <= (y, m) <= (y1, m1)
    ]


def build_releases(calendar: Calendar, policy: Policy,
                   as_of: dt.date | None) -> list[Release]:
    """All releases in the horizon, sorted by go-live then id.

    Window releases get the id `YYYY-MM` of their window and keep it when their go-live
    moves. A move later keeps a scope baseline the standard date had passed when the Panel
    moved it (`MovedGoLive.decided`, else `as_of`): it was taken, and a later go-live does
    not re-open the scope (an acceptance test: a go-live moved four weeks let a new item into
    a baselined scope without an exception). A move earlier whose new baseline date falls
    before the move is baselined on the move's day: no scope is baselined before the Panel
    moves its release. Callers validate that moves and cancellations name existing
    releases.
    """
    dated: dict[str, tuple[dt.date, dt.date | None]] = {}
    decided: dict[str, dt.date | None] = {}
    months = set(_months(calendar.first, calendar.last))
    for year in sorted({y for y, _ in months}):
        for window in calendar.windows:
            if (year, window.month) in months:
                standard = window_date(window, year)
                dated[f"{year:04d}-{window.month:02d}"] = (standard, None)
    for extra in calendar.extra:
        dated[extra.id] = (extra.go_live, None)
    for rid, move in calendar.moves.items():
        if rid in dated:
            go_live, decided[rid] = ((move.go_live, move.decided)
                                     if isinstance(move, MovedGoLive) else (move, as_of))
            dated[rid] = (go_live, dated[rid][0])
    for rid in calendar.cancel:
        dated.pop(rid, None)
    dcc, full = to_delta(policy.dcc_baseline), to_delta(policy.full_baseline)

    def baseline(rid: str, go_live: dt.date, moved_from: dt.date | None,
                 before: relativedelta) -> tuple[dt.date, bool]:
        """The scope baseline, and whether it is one taken before the move and kept."""
        taken = moved_from - before if moved_from is not None else None
        by = decided.get(rid)
        if taken is not None and by is not None and taken < by:  # passed (`ScopeBaseline`)
            return min(taken, go_live - before), taken < go_live - before
        if by is not None and go_live - before < by:  # a move earlier baselines no scope
            return by, False  # before the move itself, but on it (an acceptance test: June
            # 2021 moved to 20 May on 26 May 2020 had its DCC scope baselined on 20 May 2020)
        return go_live - before, False

    releases = []
    for rid, (go, moved_from) in dated.items():
        (dcc_day, dcc_kept), (full_day, full_kept) = (baseline(rid, go, moved_from, dcc),
                                                      baseline(rid, go, moved_from, full))
        releases.append(Release(rid, go, dcc_day, full_day, moved_from, dcc_kept or full_kept))
    return sorted(releases, key=lambda r: (r.go_live, r.id))


def window_ids(calendar: Calendar) -> set[str]:
    """Ids of the standard-window releases in the horizon (before extras and cancellations)."""
    months = set(_months(calendar.first, calendar.last))
    return {f"{y:04d}-{w.month:02d}" for w in calendar.windows for (y, m) in months if m == w.month}


def latest_start(end: dt.date, lead_time: Duration) -> dt.date:
    """The last date `d` with `d + lead_time <= end`. Not always `end - lead_time`: month
    arithmetic clips to a month's end (30 and 31 January + 1 month are 29 February too,
    while 29 February - 1 month is 29 January), and adds months before days, so going
    back crosses other months than coming forward ("1 month 10 days" before 1 March 2023
    is 22 January, but 22 January + 1 month 10 days is 4 March)."""
    delta = to_delta(lead_time)
    start = end - delta
    day = dt.timedelta(days=1)
    while start + delta > end:
        start -= day
    while start + day + delta <= end:
        start += day
    return start


def cut_off(go_live: dt.date, dcc_lead_time: Duration, party_lead_time: Duration) -> dt.date:
    """Last decision date that still makes a go-live (decision + lead time no later than
    go-live): DCC and Parties implement in parallel, so the longer lead time decides."""
    return min(latest_start(go_live, dcc_lead_time), latest_start(go_live, party_lead_time))
