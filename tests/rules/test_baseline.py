from tests.conftest import item, scenario, solve_checked
from tests.rules.agreement import assert_post_and_check_agree, broken_rules

# as_of 2021-01-01: 2021-06's full-scope baseline (2020-12-24) has passed, its DCC-scope one
# too (2020-06-24); 2021-11's DCC baseline (2020-11-04) has passed, its full one has not.


def test_no_additions_after_the_baseline() -> None:
    s = scenario([item("DOC", expected_decision="2020-12-01"),
                  item("DCC", expected_decision="2020-10-01", dcc_impact=True,
                       dcc_lead_time="6 months")], as_of="2021-01-01")
    _, plan = solve_checked(s)
    assert plan.assignments == {"DOC": "2021-11", "DCC": "2022-06"}


def test_an_item_in_the_published_scope_stays_allowed() -> None:
    s = scenario([item("DOC", expected_decision="2020-12-01", baseline="2021-06")],
                 as_of="2021-01-01")
    _, plan = solve_checked(s)
    assert plan.assignments == {"DOC": "2021-06"}


def test_allowed_exceptions_are_soft_and_reported() -> None:
    s = scenario([item("DOC", expected_decision="2020-12-01")],
                 policy={"exceptions": "allowed"}, as_of="2021-01-01",
                 objective=[{"term": "delay", "priority": 1},
                            {"term": "exceptions", "priority": 1, "weight": 4}])
    _, plan = solve_checked(s)
    assert plan.assignments == {"DOC": "2021-06"}
    assert plan.objective["exceptions"] == 1
    assert [(v.rule, v.hard) for v in plan.violations] == [("scope-baseline(DOC)", False)]


def test_checker_names_the_rule() -> None:
    s = scenario([item("DOC", expected_decision="2020-12-01")], as_of="2021-01-01")
    assert broken_rules(s, {"DOC": "2021-06"}) == {"scope-baseline(DOC)"}


def test_frozen_release_cannot_change() -> None:
    s = scenario([item("OLD", status="approved", decided="2020-01-01", baseline="2021-06"),
                  item("NEW", expected_decision="2020-12-01")], as_of="2021-07-01")
    _, plan = solve_checked(s)
    assert plan.assignments == {"OLD": "2021-06", "NEW": "2022-06"}
    assert broken_rules(s, {"OLD": "2021-11", "NEW": "2021-06"}) == {
        "frozen(2021-06)", "scope-baseline(OLD)",
        "decision-in-time(NEW)"}  # still pending on 1 July: overdue, too late for June
    from solver.check import check_assignment
    from solver.instance import Instance

    said = [v.message for v in check_assignment(Instance(s), {"OLD": "2021-11", "NEW": "2022-06"})
            if v.rule == "frozen(2021-06)"]  # which release it left (an acceptance test: a
    assert said == ["OLD: moved out of 2021-06 (its published release), which went live "
                    "before 2021-07-01"]  # sent-back item's base plan had it elsewhere)


def test_a_gone_live_release_holds_what_the_base_plan_had_in_it() -> None:
    """A monthly re-plan: SLIP, published in June 2021, was planned into November months
    before June went live, its decision still pending; the what-if moving `as_of` past
    June's go-live forced it back into June (no plan: frozen(2021-06) against its decision
    in time). A gone-live release holds what the base plan had in it."""
    from solver.check import check_assignment
    from solver.engine import solve
    from solver.instance import Instance
    from solver.plan import make_plan
    from tests.conftest import FAST, assert_valid

    s = scenario([item("OLD", status="approved", decided="2020-01-01", baseline="2021-06"),
                  item("SLIP", expected_decision="2021-08-01", baseline="2021-06")],
                 as_of="2021-07-01")
    base_plan = {"OLD": "2021-06", "SLIP": "2021-11"}
    inst = Instance(s, base_plan)
    plan = make_plan(inst, solve(inst, FAST), FAST)
    assert plan.status == "optimal"
    assert_valid(inst, plan)
    assert plan.assignments == {"OLD": "2021-06", "SLIP": "2022-06"}  # November's
    # scope, baselined in May without it, bars it there too
    said = [v.message for v in check_assignment(inst, {"OLD": "2021-11", "SLIP": "2021-06"})
            if v.rule == "frozen(2021-06)"]
    assert said == ["OLD: moved out of 2021-06 (its release in the base plan), which went "
                    "live before 2021-07-01",
                    "SLIP: added to 2021-06, which went live before 2021-07-01"]
    # without a base plan, the published allocation: SLIP was published in June, but its
    # decision is still to come, so it did not go live there and moves out (session 20:
    # it was held there, its decision too late for it, and there was no plan)
    published, planned = solve_checked(s)
    assert planned.status == "optimal"
    assert_valid(published, planned)
    assert planned.assignments["SLIP"] not in ("2021-06", None)


def test_post_and_check_agree() -> None:
    s = scenario([item("DOC", expected_decision="2020-12-01"),
                  item("DCC", expected_decision="2020-10-01", dcc_impact=True,
                       dcc_lead_time="6 months", baseline="2021-11")], as_of="2021-07-01")
    assert 0 < assert_post_and_check_agree(s) < 25
