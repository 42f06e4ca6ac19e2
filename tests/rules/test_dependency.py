from solver.instance import Instance
from solver.rules.dependency import NeverTogether, Precedence, SameRelease
from tests.conftest import item, scenario, solve_checked
from tests.rules.agreement import assert_post_and_check_agree, broken_rules


def test_precedence_puts_after_in_a_later_release() -> None:
    s = scenario([item("A"), item("B")],
                 [{"rule": "precedence", "before": "A", "after": "B"}])
    _, plan = solve_checked(s)
    assert plan.assignments == {"A": "2021-06", "B": "2021-11"}
    assert broken_rules(s, {"A": "2021-11", "B": "2021-11"}) == {"precedence(A, B)"}
    assert broken_rules(s, {"A": None, "B": "2022-06"}) == {"precedence(A, B)"}


def test_precedence_with_zero_gap_allows_the_same_release() -> None:
    s = scenario([item("A"), item("B")],
                 [{"rule": "precedence", "before": "A", "after": "B", "min_gap": 0}])
    _, plan = solve_checked(s)
    assert plan.assignments == {"A": "2021-06", "B": "2021-06"}


def test_split_item_parts_go_in_order() -> None:
    s = scenario([item("S", parts=[{"id": "1"}, {"id": "2"}, {"id": "3"}])])
    _, plan = solve_checked(s)
    assert plan.assignments == {"S.1": "2021-06", "S.2": "2021-11", "S.3": "2022-06"}


def test_parts_keep_their_order_across_a_withdrawn_part() -> None:
    """Part 1's lead time would put it after part 3; part 2, between them, is withdrawn."""
    s = scenario([item("S", parts=[{"id": "1", "dcc_lead_time": "18 months"},
                                   {"id": "2", "status": "withdrawn"}, {"id": "3"}])])
    _, plan = solve_checked(s)
    first, third = plan.assignments["S.1"], plan.assignments["S.3"]
    assert first is not None and (third is None or third > first)  # ids sort as dates
    assert first > "2021-06"
    assert broken_rules(s, {"S.1": first, "S.3": "2021-06"}) == {"precedence(S.1, S.3)"}


def test_same_release_and_never_together() -> None:
    s = scenario([item("A"), item("B", expected_decision="2021-06-01"), item("C")],
                 [{"rule": "same-release", "items": ["A", "B"]},
                  {"rule": "never-together", "items": ["A", "C"]}])
    _, plan = solve_checked(s)
    assert plan.assignments["A"] == plan.assignments["B"] == "2021-11"
    assert plan.assignments["C"] == "2021-06"
    assert broken_rules(s, {"A": "2021-11", "B": "2022-06", "C": "2021-11"}) == {
        "same-release(A, B)", "never-together(A, C)"}


def test_post_and_check_agree() -> None:
    s = scenario([item("A"), item("B"), item("C")],
                 [{"rule": "precedence", "before": "A", "after": "B"},
                  {"rule": "same-release", "items": ["B", "C"]}])
    assert 0 < assert_post_and_check_agree(s) < 125
    s = scenario([item("A"), item("B")],  # a gap no release pair has: B outside is fine
                 [{"rule": "precedence", "before": "A", "after": "B", "min_gap": 3}])
    assert 0 < assert_post_and_check_agree(s) < 25
    s = scenario([item("A"), item("B")], [{"rule": "never-together", "items": ["A", "B"]}])
    assert 0 < assert_post_and_check_agree(s) < 25


def test_dependency_rules_say_what_they_ask() -> None:
    assert Precedence(rule="precedence", before="A", after="B", min_gap=2).asks == (
        "B goes at least 2 release(s) after A, and not without it")
    assert Precedence(rule="precedence", before="A", after="B", min_gap=0).asks == (
        "B goes in the same release as or after A, and not without it")
    assert SameRelease(rule="same-release", items=["A", "B"]).asks == (
        "A, B go in one release (or all stay out)")
    assert NeverTogether(rule="never-together", items=["A", "B", "C"]).asks == (
        "no two of A, B, C go in the same release")


def test_a_broken_precedence_reads_as_where_each_item_is() -> None:
    """An acceptance test read "P455 goes in 2028-02, not in a later release than P452
    (2028-02)" as garbled."""
    s = scenario([item("A"), item("B")], [])
    inst = Instance(s)
    for gap, words in ((1, "B in 2021-11 is not after A, in 2021-11"),
                       (2, "B in 2021-11 is not 2 releases after A, in 2021-11"),
                       (0, "B in 2021-06 is before A, in 2021-11")):
        rule = Precedence(rule="precedence", before="A", after="B", min_gap=gap)
        b = "2021-06" if gap == 0 else "2021-11"
        assert rule.check(inst, {"A": "2021-11", "B": b}) == [words]
