from solver.check import check_assignment
from solver.plan import plan_file
from tests.conftest import SEC_2020


def test_alternatives_are_distinct_valid_and_within_tolerance() -> None:
    inst, plan = plan_file(SEC_2020 / "secmp0067-send-back.yaml", alternatives=3,
                           tolerance=0.1)
    plans = [plan.assignments, *(a.assignments for a in plan.alternatives)]
    assert len(plan.alternatives) == 3
    assert len({tuple(sorted((k, v or "") for k, v in p.items())) for p in plans}) == 4
    for alt in plan.alternatives:
        assert not [v for v in check_assignment(inst, alt.assignments) if v.hard]
        best_levels = [a - g for a, g in zip(alt.levels, alt.gap_to_best, strict=True)]
        for gap, best in zip(alt.gap_to_best, best_levels, strict=True):
            assert 0 <= gap <= 0.1 * abs(best)
        assert alt.differs_from_best == sorted(
            u for u in alt.assignments if alt.assignments[u] != plan.assignments[u])


def test_zero_tolerance_on_a_unique_optimum_gives_no_alternative() -> None:
    _, plan = plan_file(SEC_2020 / "baseline.yaml", alternatives=2, tolerance=0.0)
    assert plan.alternatives == []
