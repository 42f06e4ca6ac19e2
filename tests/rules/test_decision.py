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
