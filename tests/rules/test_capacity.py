from solver.rules.capacity import Capacity
from tests.conftest import item, scenario, solve_checked
from tests.rules.agreement import assert_post_and_check_agree, broken_rules


def _items() -> list[dict[str, object]]:
    return [item(u, dcc_impact=True, effort=e, value=v)
            for u, e, v in (("A", 3, 1), ("B", 2, 5), ("C", 2, 1))]


def test_effort_cap_sends_the_least_valuable_later() -> None:
    s = scenario(_items(), [{"rule": "capacity", "max_effort": 4}])
    _, plan = solve_checked(s)
    assert plan.assignments["B"] == "2021-11"
    assert sorted(plan.assignments.values()) == ["2021-11", "2021-11", "2022-06"]


def test_count_cap_per_named_release() -> None:
    s = scenario(_items(), [{"rule": "capacity", "releases": ["2021-11"], "max_count": 1}])
    _, plan = solve_checked(s)
    assert list(plan.assignments.values()).count("2021-11") == 1
    assert broken_rules(s, {"A": "2021-11", "B": "2021-11", "C": "2022-06"}) == {
        "capacity(2021-11)"}


def test_post_and_check_agree() -> None:
    s = scenario(_items(), [{"rule": "capacity", "max_effort": 4, "max_count": 1,
                             "releases": ["2021-11", "2022-06"]}])
    assert 0 < assert_post_and_check_agree(s) < 125


def test_capacity_says_what_it_asks() -> None:
    assert Capacity(rule="capacity", releases=["2021-06"], max_effort=10, max_count=3).asks == (
        "in 2021-06: at most 10 effort and 3 items (counting the items impacting DCC Systems)")
    assert Capacity(rule="capacity", max_count=3, dcc_only=False).asks == (
        "in each release: at most 3 items")
