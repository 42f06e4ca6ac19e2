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


def test_post_and_check_agree() -> None:
    s = scenario([item("A", earliest="2021-11", latest="2022-06"), item("B", status="approved")],
                 [{"rule": "fixed", "item": "B", "release": "2022-11"}])
    assert 0 < assert_post_and_check_agree(s) < 25


def test_placement_rules_say_what_they_ask() -> None:
    assert Fixed(rule="fixed", item="A", release="2021-06").asks == "A goes in 2021-06"
    assert Window(item="A", earliest="2021-06", latest="2022-06").asks == (
        "A goes no earlier than 2021-06 and no later than 2022-06")
