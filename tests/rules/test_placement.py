from solver.rules.placement import Fixed, Window
from tests.conftest import item, scenario, solve_checked
from tests.rules.agreement import assert_post_and_check_agree, broken_rules


def test_fixed_item_stays() -> None:
    s = scenario([item("A", status="approved")],
                 [{"rule": "fixed", "item": "A", "release": "2022-06"}])
    _, plan = solve_checked(s)
    assert plan.assignments == {"A": "2022-06"}
    assert broken_rules(s, {"A": "2021-11"}) == {"fixed(A)"}


def test_window_bounds_the_release() -> None:
    s = scenario([item("A", earliest="2022-06"), item("B", latest="2021-11",
                                                       expected_decision="2021-10-01")])
    _, plan = solve_checked(s)
    assert plan.assignments == {"A": "2022-06", "B": None}
    assert broken_rules(s, {"A": "2021-11", "B": "2022-06"}) == {"window(A)", "window(B)"}


def test_a_deadline_date_follows_a_release_that_moves() -> None:
    """An acceptance test: a BSC modification due by February 2028 was given `latest:
    2028-02`, and stayed there when that release moved into March; a `deadline` date bars
    every release going live after it, where the release then goes."""
    due = item("A", deadline="2021-11-10", expected_decision="2021-06-01")
    _, plan = solve_checked(scenario([due]))
    assert plan.assignments["A"] == "2021-11"
    moved = scenario([due], calendar={
        "windows": [{"month": 6, "week": "last"}, {"month": 11, "week": "first"}],
        "first": "2021-06", "last": "2022-11", "moves": {"2021-11": "2021-11-25"}})
    inst, plan = solve_checked(moved)
    assert plan.status == "infeasible"  # 2022-06 is too late and leaving A out misses it too
    assert broken_rules(moved, {"A": "2021-11"}) == {"window(A)"}
    [window] = [r for r in inst.rules if isinstance(r, Window)]
    assert window.bars(inst, inst.unit("A"), inst.release("2021-11")) == (
        "A goes in 2021-11 (live 2021-11-25); it must go live by 2021-11-10")


def test_a_deadline_within_the_horizon_bars_leaving_the_item_out() -> None:
    """An acceptance test: a regulatory deadline the lead times made impossible gave an
    "optimal" plan with the item left out, and `check` called a plan leaving it out valid.
    Left out, an item misses a deadline on or before the horizon's last go-live; a later
    deadline a release past the horizon may meet."""
    late = item("A", deadline="2021-12-01", expected_decision="2021-10-15")  # too late for 2021-11
    inst, plan = solve_checked(scenario([late]))
    assert plan.status == "infeasible"
    assert broken_rules(scenario([late]), {"A": None}) == {"window(A)"}
    [window] = [r for r in inst.rules if isinstance(r, Window)]
    assert window.check(inst, {"A": None}) == [
        "A is left out of the horizon; it must go live by 2021-12-01"]
    after = item("A", deadline="2023-12-01", expected_decision="2022-12-01")
    _, plan = solve_checked(scenario([after]))  # the horizon ends with 2022-11
    assert plan.status == "optimal" and plan.assignments["A"] is None


def test_post_and_check_agree() -> None:
    s = scenario([item("A", earliest="2021-11", latest="2022-06"), item("B", status="approved"),
                  item("C", deadline="2022-07-01")],
                 [{"rule": "fixed", "item": "B", "release": "2022-11"}])
    assert 0 < assert_post_and_check_agree(s) < 25


def test_placement_rules_say_what_they_ask() -> None:
    assert Fixed(rule="fixed", item="A", release="2021-06").asks == "A goes in 2021-06"
    assert Window(item="A", earliest="2021-06", latest="2022-06").asks == (
        "A goes no earlier than 2021-06 and no later than 2022-06")
    assert Window(item="A", latest="2022-06", deadline="2022-06-01").asks == (
        "A goes no later than 2022-06 and live by 2022-06-01")
