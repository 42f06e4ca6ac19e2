from tests.conftest import item, scenario, solve_checked
from tests.rules.agreement import assert_post_and_check_agree, broken_rules


def test_item_waits_for_the_first_release_its_decision_meets() -> None:
    s = scenario([item("A", expected_decision="2021-06-01", dcc_lead_time="3 months",
                       dcc_impact=True)])
    _, plan = solve_checked(s)
    assert plan.assignments["A"] == "2021-11"  # 2021-06 cut-off is 2021-03-24
    assert plan.items[0].cut_off.isoformat() == "2021-08-04"  # type: ignore[union-attr]


def test_checker_names_the_rule() -> None:
    s = scenario([item("A", expected_decision="2021-06-01", dcc_lead_time="3 months")])
    assert broken_rules(s, {"A": "2021-06"}) == {"decision-in-time(A)"}
    assert broken_rules(s, {"A": "2021-11"}) == set()


def test_post_and_check_agree() -> None:
    s = scenario([item("A", expected_decision="2021-06-01", dcc_lead_time="3 months"),
                  item("B", expected_decision="2021-10-15")])
    assert 0 < assert_post_and_check_agree(s) < 25


def test_releases_the_decision_misses_get_no_variable() -> None:
    """The solve model leaves out the slots a hard unary rule bars; explaining keeps them."""
    from solver.engine import ModelBuilder
    from solver.instance import Instance

    s = scenario([item("A", expected_decision="2021-06-01", dcc_lead_time="3 months"),
                  item("B")])
    inst = Instance(s)
    slots = len(inst.releases) + 1
    missed = sum(inst.cut_off(inst.unit("A"), r) < inst.unit("A").decision for r in inst.releases)
    assert missed > 0
    assert ModelBuilder(inst).size == 2 * slots - missed
    assert ModelBuilder(inst, hard_as_assumptions=True).size == 2 * slots


def test_an_overdue_decision_can_arrive_no_earlier_than_as_of() -> None:
    """Expected on 1 April, still pending on 20 May: 2021-06's cut-off (17 May, 38 days
    before 24 June) has passed though 1 April was before it."""
    from solver.check import check_assignment

    s = scenario([item("LATE", expected_decision="2021-04-01")], as_of="2021-05-20")
    inst, plan = solve_checked(s)
    assert plan.assignments["LATE"] == "2022-06"  # 2021-11's scope was baselined on 4 May
    assert inst.unit("LATE").decision.isoformat() == "2021-05-20"
    assert "decision-in-time(LATE)" in broken_rules(s, {"LATE": "2021-06"})
    assert "decision-in-time(LATE)" not in broken_rules(s, {"LATE": "2021-11"})
    said = {v.rule: v.message for v in check_assignment(inst, {"LATE": "2021-06"})}
    assert "expected decision 2021-05-20 (overdue since 2021-04-01)" in said[
        "decision-in-time(LATE)"]
