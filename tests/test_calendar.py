import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from solver.calendar import build_releases, cut_off, nth_weekday, to_delta
from solver.model import Calendar, Policy

D = dt.date


@pytest.mark.parametrize(
    ("year", "month", "week", "expected"),
    [
        (2021, 6, "last", D(2021, 6, 24)),
        (2021, 11, "first", D(2021, 11, 4)),
        (2022, 6, "last", D(2022, 6, 30)),
        (2022, 11, "first", D(2022, 11, 3)),
        (2020, 11, "first", D(2020, 11, 5)),
        (2023, 2, "last", D(2023, 2, 23)),  # BSC February release
    ],
)
def test_known_go_lives(year: int, month: int, week: str, expected: dt.date) -> None:
    assert nth_weekday(year, month, "thursday", week) == expected  # type: ignore[arg-type]


def _calendar(**extra: object) -> Calendar:
    return Calendar.model_validate({
        "windows": [{"month": 6, "week": "last"}, {"month": 11, "week": "first"}],
        "first": "2020-11", "last": "2022-06", **extra,
    })


def test_horizon_releases_sorted_with_ids() -> None:
    releases = build_releases(_calendar(), Policy(), None)
    assert [(r.id, r.go_live) for r in releases] == [
        ("2020-11", D(2020, 11, 5)), ("2021-06", D(2021, 6, 24)),
        ("2021-11", D(2021, 11, 4)), ("2022-06", D(2022, 6, 30)),
    ]


def test_moved_release_keeps_its_id_and_baselines_follow() -> None:
    releases = build_releases(_calendar(moves={"2020-11": "2020-11-29"}), Policy(), None)
    nov = releases[0]
    assert (nov.id, nov.go_live, nov.moved_from) == ("2020-11", D(2020, 11, 29), D(2020, 11, 5))
    assert nov.dcc_baseline == D(2019, 11, 29)
    assert nov.full_baseline == D(2020, 5, 29)


def test_a_move_earlier_baselines_no_scope_before_the_move() -> None:
    """An acceptance test: June 2021 brought forward to 20 May 2021 on 26 May 2020 had its
    DCC-system scope baselined on 20 May 2020, before the move, and SECMP0067 was pushed
    out of a scope nobody had baselined. The baseline is the move's day; the full scope's,
    still to come, follows the go-live."""
    june = build_releases(_calendar(moves={"2021-06": "2021-05-20"}), Policy(),
                          D(2020, 5, 26))[1]
    assert (june.id, june.go_live) == ("2021-06", D(2021, 5, 20))
    assert (june.dcc_baseline, june.full_baseline) == (D(2020, 5, 26), D(2020, 11, 20))
    assert not june.kept_baseline


def test_a_move_later_keeps_a_scope_baseline_already_taken() -> None:
    """An acceptance test: the November 2020 go-live moved four weeks later recomputed its
    full scope baseline to 3 June 2020, after the planning date, and a new item joined the
    scope the Panel had baselined on 5 May without an exception. A baseline the standard
    date had passed by `as_of` stays; one still to come follows the go-live, as does every
    baseline of a move earlier."""
    later = _calendar(moves={"2020-11": "2020-12-03"})
    nov = build_releases(later, Policy(), D(2020, 5, 26))[0]
    assert (nov.dcc_baseline, nov.full_baseline) == (D(2019, 11, 5), D(2020, 5, 5))  # taken
    assert nov.kept_baseline
    nov = build_releases(later, Policy(), D(2020, 5, 1))[0]  # full scope still open
    assert (nov.dcc_baseline, nov.full_baseline) == (D(2019, 11, 5), D(2020, 6, 3))
    earlier = build_releases(_calendar(moves={"2020-11": "2020-10-01"}), Policy(),
                             D(2020, 5, 26))[0]
    assert (earlier.dcc_baseline, earlier.full_baseline) == (D(2019, 10, 1), D(2020, 4, 1))
    assert not earlier.kept_baseline
    # a baseline on the planning date itself has not passed (as `ScopeBaseline` judges it)
    nov = build_releases(later, Policy(), D(2020, 5, 5))[0]
    assert nov.full_baseline == D(2020, 6, 3)
    # a move the Panel made before the baseline (a review: no longer expressible): only what
    # had passed by then stays
    told = _calendar(moves={"2020-11": {"go_live": "2020-12-03", "decided": "2020-04-01"}})
    nov = build_releases(told, Policy(), D(2020, 5, 26))[0]
    assert (nov.go_live, nov.dcc_baseline, nov.full_baseline) == (
        D(2020, 12, 3), D(2019, 11, 5), D(2020, 6, 3))


def test_extra_and_cancelled_releases() -> None:
    cal = _calendar(extra=[{"id": "2021-03", "go_live": "2021-03-18"}], cancel=["2021-06"])
    assert [r.id for r in build_releases(cal, Policy(), None)] == [
        "2020-11", "2021-03", "2021-11", "2022-06"]


def test_policy_numbers_set_baselines() -> None:
    policy = Policy(dcc_baseline="9 months", full_baseline="3 months")
    r = build_releases(_calendar(), policy, None)[1]
    assert (r.dcc_baseline, r.full_baseline) == (D(2020, 9, 24), D(2021, 3, 24))


def test_a_scope_is_baselined_from_the_day_after_its_baseline() -> None:
    r = build_releases(_calendar(), Policy(dcc_baseline="9 months", full_baseline="3 months"),
                       None)[1]
    assert not r.baselined_by(True, D(2020, 9, 24))  # on the day: still open
    assert r.baselined_by(True, D(2020, 9, 25))
    assert not r.baselined_by(False, D(2020, 9, 25))  # the full scope: later
    assert r.baselined_by(False, D(2021, 3, 25))


def test_cut_off_takes_the_longer_lead_time() -> None:
    assert cut_off(D(2020, 11, 29), "0 days", "38 days") == D(2020, 10, 22)
    assert cut_off(D(2021, 11, 4), "12 months", "6 months") == D(2020, 11, 4)
    assert cut_off(D(2021, 6, 24), "2 weeks", "10 days") == D(2021, 6, 10)


def test_month_arithmetic_clamps_to_month_end() -> None:
    assert D(2021, 3, 31) - to_delta("1 month") == D(2021, 2, 28)
    assert D(2024, 3, 31) - to_delta("1 month") == D(2024, 2, 29)
    assert D(2024, 2, 29) - to_delta("1 year") == D(2023, 2, 28)


def test_a_month_end_decision_makes_a_go_live_it_reaches() -> None:
    """Decision + lead time no later than go-live (domain rule 1): 30 and 31 January + 1
    month are 29 February 2024, so a go-live on 29 February has its cut-off on the 31st,
    not on 29 January (go-live - 1 month)."""
    assert cut_off(D(2024, 2, 29), "0 days", "1 month") == D(2024, 1, 31)
    assert cut_off(D(2021, 2, 28), "1 month", "0 days") == D(2021, 1, 31)
    assert cut_off(D(2021, 4, 30), "2 months", "1 month") == D(2021, 2, 28)


UNITS = st.sampled_from(["days", "weeks", "months", "years"])


@given(go_live=st.dates(dt.date(2019, 1, 1), dt.date(2035, 12, 31)),
       decision=st.dates(dt.date(2017, 1, 1), dt.date(2035, 12, 31)),
       periods=st.lists(st.tuples(st.integers(0, 30), UNITS), min_size=1, max_size=3))
def test_a_decision_makes_a_go_live_exactly_when_it_is_by_the_cut_off(
    go_live: dt.date, decision: dt.date, periods: list[tuple[int, str]],
) -> None:
    lead = " ".join(f"{n} {unit}" for n, unit in periods)
    assert (decision <= cut_off(go_live, lead, "0 days")) == (decision + to_delta(lead) <= go_live)


def test_a_mixed_period_counts_months_first() -> None:
    """22 January + 1 month 10 days is 4 March: too late for 1 March; 19 January is not."""
    assert cut_off(D(2023, 3, 1), "0 days", "1 month 10 days") == D(2023, 1, 19)
