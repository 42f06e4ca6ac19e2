from solver.check import check_assignment
from solver.instance import Instance
from solver.rules.uplift import AlignedUplift, UpliftCap
from tests.conftest import item, scenario, solve_checked
from tests.rules.agreement import assert_post_and_check_agree, broken_rules

CAP = {"rule": "uplift-cap", "spec": "GBCS", "year": 2021, "max": 1}
ALIGN = {"rule": "aligned-uplift", "spec": "GBCS", "anchor": "ANCHOR"}


def _items() -> list[dict[str, object]]:
    return [
        item("ANCHOR", expected_decision="2021-05-20", specs=["GBCS"]),   # can't make 2021-06
        item("EARLY", expected_decision="2021-01-10", specs=["GBCS"]),    # could make 2021-06
    ]


def test_without_rules_the_early_item_goes_first() -> None:
    _, plan = solve_checked(scenario(_items(), objective=[{"term": "delay", "priority": 1}]))
    assert plan.assignments == {"ANCHOR": "2021-11", "EARLY": "2021-06"}


def test_cap_keeps_one_gbcs_version_a_year() -> None:
    _, plan = solve_checked(scenario(_items(), [CAP]))
    assert plan.assignments == {"ANCHOR": "2021-11", "EARLY": "2021-11"}


def test_alignment_moves_the_uplift_to_the_anchor() -> None:
    _, plan = solve_checked(scenario(_items(), [ALIGN]))
    assert plan.assignments == {"ANCHOR": "2021-11", "EARLY": "2021-11"}


def test_checker_names_the_rules() -> None:
    s = scenario(_items(), [CAP, ALIGN])
    assert broken_rules(s, {"ANCHOR": "2021-11", "EARLY": "2021-06"}) == {
        "uplift-cap(GBCS, 2021)", "aligned-uplift(GBCS, ANCHOR)"}
    assert broken_rules(s, {"ANCHOR": "2021-11", "EARLY": "2022-06"}) == set()


def test_soft_alignment_is_traded_against_value() -> None:
    soft = {**ALIGN, "hard": False, "penalty": 3}
    objective = [{"term": "delay", "priority": 1}, {"term": "soft-rules", "priority": 1}]
    cheap = scenario(_items(), [soft], objective=objective)
    _, plan = solve_checked(cheap)
    assert plan.assignments["EARLY"] == "2021-06"  # 5 months of value 1 > penalty 3
    dear = scenario(_items(), [{**soft, "penalty": 9}], objective=objective)
    _, plan = solve_checked(dear)
    assert plan.assignments["EARLY"] == "2021-11"


def test_post_and_check_agree() -> None:
    assert 0 < assert_post_and_check_agree(scenario(_items(), [CAP])) < 25
    assert 0 < assert_post_and_check_agree(scenario(_items(), [ALIGN])) < 25
    assert 0 < assert_post_and_check_agree(scenario(_items(), [{**ALIGN, "year": 2021}])) < 25


def test_an_alignment_with_a_year_keeps_that_year_s_version_for_the_anchor() -> None:
    """The 2021 uplift on the anchor's date (a Panel read of the COVID what-if): with the
    anchor out of 2021, no 2021 release changes the specification, where an alignment
    without a year binds only in 2022, the anchor's year, and lets 2021 have its own."""
    late = [item("ANCHOR", expected_decision="2021-12-01", specs=["GBCS"]),  # 2022-06 at best
            item("EARLY", expected_decision="2021-01-10", specs=["GBCS"])]
    _, by_anchor = solve_checked(scenario(late, [ALIGN]))
    assert by_anchor.assignments == {"ANCHOR": "2022-06", "EARLY": "2021-06"}
    year = scenario(late, [{**ALIGN, "year": 2021}])
    _, plan = solve_checked(year)
    assert plan.assignments == {"ANCHOR": "2022-06", "EARLY": "2022-06"}
    assert broken_rules(year, by_anchor.assignments) == {"aligned-uplift(GBCS, ANCHOR)"}
    assert broken_rules(year, {"ANCHOR": "2022-06", "EARLY": "2022-11"}) == set()
    [message] = [v.message for v in check_assignment(Instance(year), by_anchor.assignments)]
    assert message == "GBCS is uplifted in 2021-06 but ANCHOR (the anchor) goes in 2022-06"


def test_an_implemented_uplift_counts_towards_its_years_cap() -> None:
    """June 2021 went live with a GBCS change: November 2021 cannot be a second."""
    done = item("DONE", status="implemented", specs=["GBCS"], baseline="2021-06")
    nxt = item("NEXT", status="approved", decided="2021-06-01", specs=["GBCS"],
               baseline="2021-11")
    s = scenario([done, nxt], [CAP], as_of="2021-07-01")
    _, plan = solve_checked(s)
    assert plan.assignments == {"NEXT": "2022-06"}
    assert broken_rules(s, {"NEXT": "2021-11"}) == {"uplift-cap(GBCS, 2021)"}
    free = scenario([done, nxt], [{**CAP, "max": 2}], as_of="2021-07-01")
    assert solve_checked(free)[1].assignments == {"NEXT": "2021-11"}


def test_a_cap_the_past_already_broke_bars_only_new_uplifts() -> None:
    """Two GBCS releases went live in 2021 (a material change needed the second): the
    year's plan is not infeasible, it just adds no third."""
    done = [item(f"DONE{k}", status="implemented", specs=["GBCS"], baseline=rid)
            for k, rid in enumerate(["2021-06", "2021-11"])]
    other = item("OTHER", status="approved", decided="2021-06-01", baseline="2022-06")
    s = scenario([*done, other], [CAP], as_of="2021-12-01")
    _, plan = solve_checked(s)
    assert plan.status == "optimal" and plan.assignments == {"OTHER": "2022-06"}
    assert broken_rules(s, {"OTHER": "2022-06"}) == set()


def test_uplift_rules_say_what_they_ask() -> None:
    assert UpliftCap(rule="uplift-cap", spec="GBCS", year=2021, max=1).asks == (
        "at most 1 release(s) in 2021 change GBCS (each a new version)")
    assert AlignedUplift(rule="aligned-uplift", spec="DUIS", anchor="S7").asks == (
        "in the calendar year of S7's release, only that release changes DUIS (the rule lapses "
        "if S7 is rejected or withdrawn)")
    assert AlignedUplift(rule="aligned-uplift", spec="DUIS", anchor="S7", year=2021).asks == (
        "in 2021, only the release of S7 changes DUIS (none does if S7 is not in 2021; the rule "
        "lapses if S7 is rejected or withdrawn)")
