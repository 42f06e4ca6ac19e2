"""The HTML report: its structure on the seed round's what-ifs, escaping, no outside
references, byte-for-byte repeatability, atomic writing, and the page opened in headless
Chromium (required in CI; skipped elsewhere only when no Chromium is installed)."""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from solver.check import check_assignment
from solver.compare import compare_plans
from solver.engine import SolveOptions
from solver.explain import (
    ReleaseOption,
    explain_items,
    minimal_clash,
    other_single_relaxations,
    smallest_relaxation,
)
from solver.instance import Instance
from solver.model import Plan
from solver.plan import plan_file
from solver.report import (
    _verdict,
    build_report,
    prose,
    read_sweep,
    write_report,
)
from solver.report_text import print_options, print_rid, print_summary
from solver.scenario import check_references
from solver.sweep import whole_percents
from tests.conftest import (
    FAST,
    SEC_2020,
    alignments_by_anchor_year,
    item,
    replanned,
    scenario,
    solve_checked,
)

OPTIONS = SolveOptions(time_limit=60)
SWEEP = {
    "scenario": "secmp0067-send-back",
    "seed": 7,
    "samples": 200,
    "planned": 198,
    "base": {"SECMP0067": "2021-06", "MP084": "2020-11"},
    "probabilities": {
        "SECMP0067": {"2021-06": 0.75, "2021-11": 0.245, "none": 0.005},
        "MP084": {"2020-11": 0.3, "2021-06": 0.45, "rejected": 0.25},
    },
    "release_unchanged": {"2020-11": 0.3, "2021-06": 0.5},
    "release_holds": {"2020-11": 0.55, "2021-06": 0.6},
    "release_moves": {"2020-11": 0.0, "2021-06": 0.2},
    "release_kept": {"2021-06": 0.9},
    "deadlines_missed": {"SECMP0067": 0.25},
    "expected_uplifts": {"DUIS": {"2021": 1.4}, "GBCS": {"2021": 1.0}},
    "base_uplifts": {"DUIS": {"2021": 1}, "GBCS": {"2021": 1}},
    "mean_moves": 1.25,
    "influence": [{"uncertainty": "MP084 rejected", "samples": 50, "mean_moves_with": 2.0,
                   "mean_moves_without": 1.0, "impact": 0.25}],
    "outcomes": {"invalid": 2, "optimal": 198},
    "errors": [{"index": 4, "status": "invalid", "error": "the draws make no valid scenario: "
                "2020-11 goes live on 2021-06-24, the same day as 2021-06"},
               {"index": 9, "status": "invalid", "error": "the draws make no valid scenario: "
                "2021-11 goes live on 2021-06-24, the same day as 2021-06"}],
}


@pytest.fixture(scope="module")
def baseline() -> tuple[Instance, Plan]:
    return plan_file(SEC_2020 / "baseline.yaml", OPTIONS)


@pytest.fixture(scope="module")
def send_back(baseline: tuple[Instance, Plan]) -> tuple[Instance, Plan, str]:
    """The send-back planned against the baseline's plan, reported with the comparison,
    SECMP0067's ranked releases and a sweep: every optional section."""
    _, base_plan = baseline
    inst, plan = plan_file(SEC_2020 / "secmp0067-send-back.yaml", OPTIONS, base_plan.assignments)
    comparison = compare_plans(base_plan, inst, plan)
    explanations = explain_items(inst, plan, OPTIONS, ["SECMP0067"])
    return inst, plan, build_report(inst, plan, comparison, explanations, SWEEP)


@pytest.fixture(scope="module")
def nov_29() -> tuple[Instance, Plan, str]:
    """The 29-November what-if, as `secplan report` makes it without options."""
    inst, plan = plan_file(SEC_2020 / "nov-2020-29-november.yaml", OPTIONS)
    return inst, plan, build_report(inst, plan)


# --- reading the page back --------------------------------------------------------------


def element(page: str, element_id: str) -> str:
    """The HTML of the element with this id (articles, sections and rows do not nest in
    themselves, so the first matching close tag ends it)."""
    found = re.search(rf'<(\w+)[^>]*\bid="{re.escape(element_id)}"[^>]*>(.*?)</\1>', page, re.S)
    assert found, f"no element with id {element_id!r}"
    return found.group(2)


def html_rows(fragment: str) -> list[str]:
    """Body rows of the tables in an HTML fragment, as HTML."""
    body = "".join(re.findall(r"<tbody>(.*?)</tbody>", fragment, re.S))
    return re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)


def cells(row: str) -> list[str]:
    return [text_of(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def rows(fragment: str) -> list[list[str]]:
    """Body rows of the tables in an HTML fragment, each cell as plain text."""
    return [cells(row) for row in html_rows(fragment)]


def text_of(fragment: str) -> str:
    """What a reader sees of an HTML fragment, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def row_html(fragment: str, first_cell: str) -> str:
    """The one table row whose first cell starts with `first_cell`, as HTML."""
    found = [r for r in html_rows(fragment) if (c := cells(r)) and c[0].split()[0] == first_cell]
    assert len(found) == 1, f"{first_cell}: {len(found)} rows"
    return found[0]


def row_of(fragment: str, first_cell: str) -> list[str]:
    return cells(row_html(fragment, first_cell))


# --- structure --------------------------------------------------------------------------


def test_the_summary_opens_with_the_answer_and_the_decisions_due(
    send_back: tuple[Instance, Plan, str],
) -> None:
    """Panel review: the first screen gave counts, not which release each item goes in nor
    which decisions are due by when."""
    inst, plan, page = send_back
    tables = re.findall(r"<table[^>]*>(.*?)</table>", element(page, "summary"), re.S)
    allocation, decisions = tables[0], tables[1]
    assert "Recommended allocation" in allocation
    for release in plan.releases:
        listed = row_of(allocation, release.id)[2]
        assert [x.strip() for x in listed.split(",")] == (release.items or ["-"])
    assert "Decisions the plan counts on" in decisions
    due = [i for i in plan.items
           if i.release and i.cut_off and not inst.unit(i.id).decision_known]
    assert due and [r[0] for r in rows(decisions)] == [
        i.id for i in sorted(due, key=lambda i: (i.cut_off, i.id))]
    secmp0067 = row_of(decisions, "SECMP0067")
    assert secmp0067[1] == "2021-06" and secmp0067[2].startswith("24 Feb 2021")
    assert secmp0067[4].startswith("2022-06")  # 2021-11's DCC scope is baselined by then


def test_a_decision_due_within_a_month_of_its_cut_off_is_marked_at_risk() -> None:
    """The COVID what-if leaves SECMP0067 five days between its expected decision and its
    cut-off: marked, where 197 days are not."""
    inst, plan = plan_file(SEC_2020 / "covid-dcc-delay.yaml", OPTIONS)
    decisions = re.findall(r"<table[^>]*>(.*?)</table>", element(build_report(inst, plan),
                                                                 "summary"), re.S)[1]
    marked = {r[0] for r in rows(decisions) if "at risk" in r[2]}
    margins = {i.id: (i.cut_off - inst.unit(i.id).decision).days for i in plan.items
               if i.release and i.cut_off and not inst.unit(i.id).decision_known}
    assert marked == {uid for uid, days in margins.items() if 0 <= days < 30}
    assert "SECMP0067" in marked and any(days >= 30 for days in margins.values())
    assert 'class="note tight"' in row_html(decisions, "SECMP0067")


def test_a_what_if_s_report_names_what_it_extends(send_back: tuple[Instance, Plan, str],
                                                  nov_29: tuple[Instance, Plan, str]) -> None:
    inst, plan, _ = nov_29
    facts = element(build_report(inst, plan, lineage=["secmp0067-send-back", "baseline"]),
                    "summary")
    assert ("nov-2020-29-november (a what-if of secmp0067-send-back, itself a what-if of "
            "baseline; moves counted from the plan of secmp0067-send-back)") in text_of(facts)
    assert "how many impact DCC Systems" in text_of(facts)  # a count (a Panel read)


def test_every_release_has_its_scope_table_with_the_plan_items(
    send_back: tuple[Instance, Plan, str],
) -> None:
    inst, plan, page = send_back
    for release in plan.releases:
        block = element(page, f"release-{release.id}")
        assert [r[0] for r in rows(block)] == release.items
        r = inst.release(release.id)
        for date in (r.go_live, r.dcc_baseline, r.full_baseline):
            assert f'datetime="{date.isoformat()}"' in block
        assert "Specifications uplifted" in block
        for spec in release.uplifts:
            assert spec in text_of(block)
    november = element(page, "release-2020-11")
    assert "November 2020 SEC Release" in november
    assert row_of(november, "MP093")[2] == "✓"  # impacts DCC Systems
    assert row_of(november, "MP093")[3].startswith("Approved for inclusion")
    assert row_of(element(page, "release-2021-06"), "SECMP0067")[5].startswith("2022-06")


def test_mp084_is_included_if_approved_by_22_october_in_the_29_november_what_if(
    nov_29: tuple[Instance, Plan, str],
) -> None:
    _, _, page = nov_29
    november = element(page, "release-2020-11")
    assert "Sunday 29 November 2020" in november
    mp084 = row_of(november, "MP084")
    assert mp084[3].startswith("With the Authority for decision")
    assert mp084[4].startswith("22 Oct 2020")
    assert 'datetime="2020-10-22"' in row_html(november, "MP084")


def test_comparison_lists_secmp0067_moving_to_june_2021_with_its_reason(
    send_back: tuple[Instance, Plan, str],
) -> None:
    _, _, page = send_back
    comparison = element(page, "comparison")
    assert "What changed against baseline" in comparison
    moves, fall_backs = comparison.split("Fall-backs that changed")  # its own table too
    moved = row_of(moves, "SECMP0067")
    assert moved[2:4] == ["2020-11", "2021-06"]
    # the only DUIS change of 2021-06: its lapse moves that version, adds none (a proposer
    # read "adds a new DUIS version" where it moved)
    assert row_of(fall_backs, "SECMP0067")[1:] == ["2021-06 (moved from 2020-11)", "2021-11",
                                                    "2022-06 (moves the DUIS version from "
                                                    "2021-06)"]
    assert "decision-in-time(SECMP0067)" in moved[4]
    assert "DUIS" in text_of(comparison)  # the new DUIS version in June 2021
    objective = {r[0]: r[1:] for r in rows(comparison) if r[0] in ("delay", "moves")}
    assert objective["delay"][0] != objective["delay"][1]


def test_explanations_give_reasons_for_every_item_and_rank_secmp0067(
    send_back: tuple[Instance, Plan, str],
) -> None:
    inst, plan, page = send_back
    for planned in plan.items:
        if planned.id not in inst.closed:
            said = text_of(prose(planned.reasons[0]))  # its dates as the tables write them
            assert text_of(element(page, f"why-{planned.id}")).count(said) == 1
            assert not re.search(r"\d{4}-\d{2}-\d{2}", said), said
    ranking = {r[0]: r[1] for r in rows(element(page, "rank-SECMP0067"))}
    assert ranking["2021-06"] == "chosen"
    assert ranking["2020-11"] == "blocked"
    # no release is "left out", not "none possible" (a Panel read took it for "no option")
    assert set(ranking) == {*inst.release_ids, "left out"}


def test_a_release_barred_alone_but_open_in_the_ranking_says_so_beside_the_reason(
        send_back: tuple[Instance, Plan, str]) -> None:
    """A Panel read: "why here" said a release breaks rules when the item moves alone, the
    ranking called it possible, and nothing tied the two. SECMP0007 alone in 2022-06 would
    leave the 2021 GBCS version without it; with MP078, MP090 and MP099 along, it can go."""
    inst, plan, _ = send_back
    explanations = explain_items(inst, plan, OPTIONS, ["SECMP0007"])
    later = next(o for o in explanations["SECMP0007"] if o.release == "2022-06")
    assert not later.blocked_by and {"MP078", "MP090", "MP099"} <= set(later.other_moves)
    page = build_report(inst, plan, explanations=explanations)
    why = text_of(element(page, "why-SECMP0007"))
    assert ("not 2022-06, the next release (moving it alone): with SECMP0007 in 2022-06, "
            "aligned-uplift(GBCS, SECMP0007) breaks") in why
    assert "(2022-06 is possible with other items moving: ranked below" in why
    # a release barred by the item's own rules, or one moving alone only costs more: no note
    assert "(2021-06 is possible" not in why and "(2020-11 is possible" not in why
    assert "is possible with other items moving" not in text_of(element(page, "why-SECMP0067"))


def test_a_ranking_heading_says_which_releases_were_weighed(
        send_back: tuple[Instance, Plan, str]) -> None:
    """A review: an item of the first release was said to be weighed against "the earlier
    ones", one of the last against "the next"."""
    from solver.report import _weighed

    inst = send_back[0]
    first, second, *_, last = inst.release_ids
    assert _weighed(inst, first, {first, second}) == f"its release and the next ({second})"
    assert _weighed(inst, second, {first, second, inst.release_ids[2]}) == (
        f"its release, the earlier ones and the next ({inst.release_ids[2]})")
    assert _weighed(inst, last, {first, last}) == "its release and the earlier ones"
    assert _weighed(inst, second, {*inst.release_ids, None}) == "every release"


def test_the_ranking_below_is_announced_only_when_there_is_one(
    send_back: tuple[Instance, Plan, str], nov_29: tuple[Instance, Plan, str],
) -> None:
    assert "the ranking below lets others move too" in text_of(send_back[2])
    assert "ranking below" not in text_of(nov_29[2])


def test_a_release_with_no_room_among_the_neighbours_is_not_called_blocked() -> None:
    """With only the item's neighbours free (a plan not proven optimal), items further away
    might still make room: not the red "blocked" of a proven clash."""
    near = ReleaseOption(release="2021-11", current=False, blocked_by=["capacity(all)"],
                         summary="", neighbours=4)
    proven = ReleaseOption(release="2021-11", current=False, blocked_by=["capacity(all)"],
                           summary="")
    assert text_of(str(_verdict(near))) == "no room nearby"
    assert text_of(str(_verdict(proven))) == "blocked"
    out = Console(file=io.StringIO(), width=200)
    inst, plan = plan_file(SEC_2020 / "baseline.yaml", OPTIONS)
    print_options(inst, plan.items[0], [near], out)
    assert "no room nearby: " in out.file.getvalue()  # type: ignore[attr-defined]


def test_sweep_section_shows_the_share_of_samples_per_release(
    send_back: tuple[Instance, Plan, str],
) -> None:
    _, _, page = send_back
    sweep = element(page, "sweep")
    assert "200 samples" in sweep and "seed 7" in sweep
    shares, holding, versions, moving, failed = re.findall(r"<table[^>]*>.*?</table>", sweep,
                                                           re.S)
    # why 2 of the 200 have no plan (a review: "198 with a plan", and not a word why)
    assert ("Samples without a plan: 2 invalid (the draws make no valid scenario). None of "
            "them counts in the shares above.") in text_of(sweep)
    assert row_of(failed, "4") == ["4", "invalid", "the draws make no valid scenario: 2020-11 "
                                   "goes live on 24 Jun 2021 , the same day as 2021-06"]  # tags
    assert row_of(shares, "SECMP0067") == ["SECMP0067", "2021-06", "", "75%", "24%", "1%", ""]
    assert row_of(shares, "MP084") == ["MP084", "2020-11", "30%", "45%", "", "", "25%"]
    # the headline first: scopes holding, items likely to move (Panel review)
    assert ("Scope holding (no item moving in or out, rejections aside): 2020-11 in 55%, "
            "2021-06 in 60% of the samples with a plan.") in text_of(sweep)
    assert ("Items in their base-plan release in under half of the samples with a plan that "
            "keep them (rejections aside): MP084.") in text_of(sweep)  # 30% of 75%
    assert "On average 1.25 items move per sample with a plan." in text_of(sweep)
    assert "Deadlines missed: SECMP0067 in 25% of the samples with a plan." in text_of(sweep)
    assert row_of(holding, "2021-06")[1:] == ["20%", "90%", "50%", "60%"]  # go-live moves 20%
    assert row_of(holding, "2020-11")[2] == "-"  # no mean kept in the summary for it
    assert 'class="changed">1.40' in row_html(versions, "DUIS")  # more versions than planned
    assert rows(moving) == [["MP084 rejected", "50", "2.00", "1.00", "+0.25"]]
    assert "Correlation in the samples, not cause and effect" in moving


def test_a_sweep_with_no_plan_says_so_instead_of_figures(
    send_back: tuple[Instance, Plan, str],
) -> None:
    """Review: with no sample planned, the headline said nothing moves and the tables
    showed zeros as if measured."""
    inst, plan, _ = send_back
    failed = {**SWEEP, "planned": 0, "release_holds": {}, "mean_moves": 0.0,
              "expected_uplifts": {"DUIS": {"2021": 0.0}}}
    sweep = element(build_report(inst, plan, sweep=failed), "sweep")
    assert "No sample has a plan" in text_of(sweep)
    assert "On average" not in sweep and "Specification versions" not in sweep
    no_base = {k: v for k, v in SWEEP.items() if k not in ("base_uplifts", "release_unchanged")}
    sweep = element(build_report(inst, plan, sweep=no_base), "sweep")
    assert "Specification versions" not in sweep and "scope unchanged" not in sweep
    older = {k: v for k, v in SWEEP.items()  # before sessions 13 and 16
             if k not in ("release_moves", "release_kept")}
    holding = re.findall(r"<table[^>]*>.*?</table>", element(build_report(
        inst, plan, sweep=older), "sweep"), re.S)[1]
    assert row_of(holding, "2021-06")[1:] == ["-", "-", "50%", "60%"]


def test_a_row_of_the_sweep_table_adds_up_to_its_samples() -> None:
    """Panel review: 28% + 65% + 8% read as 101% (SECMP0015, 40 samples)."""
    for shares in ({"a": 11 / 40, "b": 26 / 40, "c": 3 / 40}, {"a": 1 / 3, "b": 1 / 3, "c": 1 / 3},
                   {"a": 0.75, "b": 0.245, "c": 0.005}, {"a": 1.0}, {"a": 0.999, "b": 0.001}):
        percents = whole_percents(shares)
        assert sum(percents.values()) == 100, shares
        assert all(abs(percents[k] - 100 * p) < 1 for k, p in shares.items()), shares
    assert whole_percents({"a": 11 / 40, "b": 26 / 40, "c": 3 / 40}) == {"a": 28, "b": 65, "c": 7}


def test_text_is_escaped_and_the_page_has_no_script() -> None:
    hostile = '<script>alert("x")</script> & "quoted"'
    inst, plan = solve_checked(
        scenario([item("A", title=hostile), item("B")], name="<b>bold</b>",
                 description="<i>shady</i> & co")
    )
    page = build_report(inst, plan)
    assert "<script" not in page.lower() and "<b>" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quoted&quot;" in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page and "&lt;i&gt;shady&lt;/i&gt; &amp; co" in page


def test_no_resource_outside_the_page(send_back: tuple[Instance, Plan, str]) -> None:
    _, _, page = send_back
    outside = r"""(?:https?:|//|file:|ftp:)"""
    assert not re.search(rf"""\b(?:src|href|action|poster|data)\s*=\s*["']?\s*{outside}""",
                         page, re.I)
    assert not re.search(rf"""url\(\s*["']?\s*{outside}""", page, re.I)
    assert not re.search(r"<(?:script|link|iframe|object|embed|img)\b|@import", page, re.I)
    assert all(href.startswith("#") for href in re.findall(r'\bhref="([^"]*)"', page))


def test_figures_are_inline_svg_with_ids_unique_on_the_page(
    send_back: tuple[Instance, Plan, str],
) -> None:
    _, _, page = send_back
    figures = element(page, "figures")
    assert figures.count("<svg ") == 3  # Gantt (one page), timetable, graph
    assert "<?xml" not in page and "<!DOCTYPE svg" not in page
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    referenced = set(re.findall(r'(?:href="#|url\(#)([^")]+)', page))
    assert referenced <= set(ids)


def test_an_infeasible_plan_reports_the_clash() -> None:
    s = scenario([item("A"), item("B")], rules=[
        {"rule": "fixed", "item": "A", "release": "2021-11"},
        {"rule": "fixed", "item": "B", "release": "2021-06"},
        {"rule": "precedence", "before": "A", "after": "B"},
    ])
    assert not list(check_references(s))  # a scenario a user could write
    inst, plan = solve_checked(s)
    assert plan.status == "infeasible"
    plan.clash = minimal_clash(inst, FAST)
    plan.relaxation = smallest_relaxation(inst, FAST)
    plan.relaxation_alternatives = other_single_relaxations(
        inst, plan.clash, plan.relaxation[0].rule, FAST)
    assert len(plan.clash) == 2  # fixed(B), precedence(A, B): dropping either gives a plan
    page = build_report(inst, plan)
    clash = element(page, "clash")
    relaxed, *instead = rows(clash)[len(plan.clash):]  # the smallest relaxation, then others
    assert [r[0] for r in rows(clash)[:len(plan.clash)]] == plan.clash
    assert relaxed[0] in plan.clash
    assert sorted([relaxed[0], *(r[0] for r in instead)]) == sorted(plan.clash)
    assert "Or relax any one of these instead:" in text_of(clash)
    # what the plan made without it (as `secplan solve` makes it) does to it
    _, made = solve_checked(s.model_copy(update={"switched_off": [relaxed[0]]}))
    said = [v.message for v in check_assignment(inst, made.assignments) if v.rule == relaxed[0]]
    assert relaxed[1] == "; ".join(said) and said
    assert 'id="releases"' not in page and 'id="figure-timetable"' in page


def test_the_rules_section_says_what_each_rule_name_means(
        send_back: tuple[Instance, Plan, str]) -> None:
    """Reasons say `decision-in-time(SECMP0067)`: the rules section has every rule the file
    writes with its note, and each built-in family once, with what it asks and how often."""
    inst, _, page = send_back
    listed = {r[0]: r for r in rows(element(page, "rules"))}
    written = [r for r in inst.rules if r.name not in inst.built_in]
    assert [name for name in listed if not name.endswith("(...)")] == [r.name for r in written]
    assert listed["aligned-uplift(DUIS, SECMP0007)"][1:] == [
        "soft (10)", "in 2021, only the release of SECMP0007 changes DUIS (none does if "
        "SECMP0007 is not in 2021; the rule lapses if SECMP0007 is rejected or withdrawn)",
        next(r.note for r in written if r.name.startswith("aligned-uplift(DUIS"))]
    assert listed["fixed(MP081)"][2] == "MP081 goes in 2020-11"  # the name does not say
    family = listed["decision-in-time(...)"]
    assert family[1] == "built in" and family[2].startswith("the decision must come by")
    assert family[3] == f"{len(inst.units)} of them"
    assert "decision-in-time(SECMP0067)" in page  # the name the reasons use


def test_a_split_item_s_built_in_order_is_a_family_of_its_own() -> None:
    from solver.report_text import rule_rows

    split = item("S", parts=[{"id": "1"}, {"id": "2"}, {"id": "3"}])
    rows_ = {r[0]: r for r in rule_rows(Instance(scenario([split])))}
    assert rows_["precedence(...)"] == ("precedence(...)", "built in",
                                        "parts of a split item go in order", "2 of them")
    assert rows_["decision-in-time(...)"][3] == "3 of them"
    # a rule the file writes is listed as written, even under a built-in one's name
    written = {"rule": "precedence", "before": "S.1", "after": "S.2", "note": "ours"}
    listed = rule_rows(Instance(scenario([split], rules=[written])))
    assert ("precedence(S.1, S.2)", "hard",
            "S.2 goes at least 1 release(s) after S.1, and not without it", "ours") in listed
    # built-in rules made soft by the policy say so
    soft = {r[0]: r for r in rule_rows(Instance(scenario([split],
                                                         policy={"exceptions": "allowed"})))}
    assert soft["scope-baseline(...)"][1] == "built in, soft (1)"


def test_scope_tables_mark_an_exception() -> None:
    """An item added after its release's scope baseline (exceptions allowed) is marked as
    such in the RID table and the report's scope table, not shown as plain "approved"."""
    s = scenario([item("A", status="approved", decided="2021-03-01"),
                  item("B", status="approved", decided="2021-03-01")],
                 rules=[{"rule": "fixed", "item": "A", "release": "2021-06"}],
                 as_of="2021-04-01", policy={"exceptions": "allowed"})
    inst, plan = solve_checked(s)
    assert plan.assignments == {"A": "2021-06", "B": "2021-11"}
    said = "Exception: added to 2021-06 after its full scope baseline 2020-12-24"
    console = Console(width=300, record=True, file=io.StringIO())
    print_rid(inst, plan, "2021-06", console)
    assert said in console.export_text()
    console = Console(width=300, record=True, file=io.StringIO())
    print_rid(inst, plan, "2021-11", console)
    assert "Exception" not in console.export_text()
    scope = text_of(element(build_report(inst, plan), "releases"))
    assert scope.count(said) == 1
    # the item's own reasons, and so plan.json and explain, say it too (an audit)
    items = {i.id: i for i in plan.items}
    assert [r for r in items["A"].reasons if r.startswith("Exception")] == [
        said + " (as of 2021-04-01)"]
    assert not [r for r in items["B"].reasons if r.startswith("Exception")]
    console = Console(width=300, record=True, file=io.StringIO())
    print_options(inst, items["A"], [], console)
    assert said in console.export_text()


def test_the_same_inputs_give_the_same_bytes(nov_29: tuple[Instance, Plan, str]) -> None:
    """Drawn again from the same instance and plan, every byte is the same: fixed SVG ids,
    no dates, no matplotlib version. (Across processes with different hash seeds too:
    checked by hand with `secplan report` under two PYTHONHASHSEED values; a subprocess
    here would cost more than the rest of this module.)"""
    inst, plan, page = nov_29
    again = build_report(inst, plan)
    assert again.encode("utf-8") == page.encode("utf-8")
    assert not re.search(r"\b(?:19|20)\d\d-\d\d-\d\dT\d\d:", page)  # no timestamps
    assert "Matplotlib v" not in page and "<metadata" not in page


# --- files ------------------------------------------------------------------------------


def test_write_report_replaces_the_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "new" / "report.html"
    write_report(path, "<p>first</p>")
    write_report(path, "<p>second</p>")
    assert path.read_text(encoding="utf-8") == "<p>second</p>"
    with pytest.raises(TypeError):
        write_report(path, 42)  # type: ignore[arg-type]
    assert path.read_text(encoding="utf-8") == "<p>second</p>"
    assert [p.name for p in path.parent.iterdir()] == ["report.html"]


def test_read_sweep_accepts_a_summary_and_names_what_is_missing(tmp_path: Path) -> None:
    good = tmp_path / "sweep.json"
    good.write_text(json.dumps(SWEEP), encoding="utf-8")
    assert read_sweep(good) == SWEEP
    for text, message in (("{", "cannot read"), ("[]", "JSON object"),
                          ('{"probabilities": {}}', "'samples'"),
                          ('{"samples": 3}', "'probabilities'"),
                          ('{"samples": 3, "probabilities": {"A": {"2021-06": "most"}}}',
                           r"probabilities.A.2021-06: a share between 0 and 1 \(got 'most'\)"),
                          ('{"samples": 3, "probabilities": {"A": [0.5]}}',
                           "probabilities.A: should map releases to shares"),
                          (json.dumps({**SWEEP, "release_holds": {"2021-06": "all"}}),
                           "release_holds: should map releases to shares"),
                          (json.dumps({**SWEEP, "influence": [{"samples": 2}]}),
                           "influence: should list"),
                          (json.dumps({**SWEEP, "influence": [
                              {**SWEEP["influence"][0], "mean_moves_without": "n/a"}]}),
                           "influence: should list"),
                          (json.dumps({**SWEEP, "influence": [
                              {**SWEEP["influence"][0], "weighted_impact": "high"}]}),
                           "influence: should list"),
                          (json.dumps({**SWEEP, "release_holds": {"2021-06": 2.0}}),
                           "release_holds: should map releases to shares between 0 and 1"),
                          (json.dumps({**SWEEP, "mean_moves": float("nan")}),
                           "mean_moves: should be a number")):
        bad = tmp_path / "bad.json"
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(ValueError, match=message):
            read_sweep(bad)


# --- in a real browser ------------------------------------------------------------------


def chromium() -> str:
    """The Chromium binary; in CI a missing browser fails the test rather than skip it."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("no chromium binary in CI: install Debian's `chromium` package")
        pytest.skip("no chromium binary (apt-get install chromium); this test runs in CI")
    return binary


def open_in_chromium(page: Path, profile: Path) -> tuple[str, str]:
    """Load a file in headless Chromium with no network use; return (DOM, log)."""
    done = subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
         "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, done.stderr


def console_messages(log: str) -> list[str]:
    """Lines of Chromium's log that report the page's console or an uncaught error
    (Chromium logs console.error as INFO:CONSOLE, so every CONSOLE line counts)."""
    return [line for line in log.splitlines() if ":CONSOLE" in line or "Uncaught" in line]


def test_the_report_opens_in_headless_chromium(send_back: tuple[Instance, Plan, str],
                                               tmp_path: Path) -> None:
    _, plan, page = send_back
    path = tmp_path / "report.html"
    write_report(path, page)
    dom, log = open_in_chromium(path, tmp_path / "profile")
    assert "<title>SEC Releases: secmp0067-send-back</title>" in dom
    assert dom.rstrip().endswith("</html>")
    for release in plan.releases:
        assert [r[0] for r in rows(element(dom, f"release-{release.id}"))] == release.items
    assert dom.count("<svg") == 3
    assert console_messages(log) == []


def test_the_browser_check_sees_a_script_error(tmp_path: Path) -> None:
    """The console check is not vacuous: a page that throws is caught."""
    path = tmp_path / "bad.html"
    path.write_text('<!DOCTYPE html><p>x</p><script>throw new Error("bad page")</script>',
                    encoding="utf-8")
    _, log = open_in_chromium(path, tmp_path / "profile")
    assert any("bad page" in line for line in console_messages(log))


def test_prose_writes_dates_as_the_tables_do_and_leaves_release_ids() -> None:
    said = prose("expected decision 2020-11-19 is after the cut-off of release 2020-11, "
                 "2020-07-05 <b>")
    assert text_of(said) == ("expected decision 19 Nov 2020 is after the cut-off of release "
                             "2020-11, 5 Jul 2020 <b>")
    assert "&lt;b&gt;" in said and '<time datetime="2020-11-19">' in said
    assert text_of(prose("not a date: 2021-02-30")) == "not a date: 2021-02-30"


def test_the_objective_says_what_a_move_costs(send_back: tuple[Instance, Plan, str]) -> None:
    """A review: "moves 3" with one item moved read as a miscount; the table says why."""
    inst, _, page = send_back
    objective = re.findall(r'<table class="objective">(.*?)</table>', element(page, "summary"),
                           re.S)[0]
    [moves] = [r for r in rows(objective) if r[1] == "moves"]
    cost = inst.scenario.policy.baselined_move_cost
    assert moves[-1].endswith(f"1 each, {cost} for one whose release's scope was already "
                              "baselined")


def test_a_fall_back_that_adds_a_version_says_so(send_back: tuple[Instance, Plan, str]) -> None:
    """A Panel read: MP078's fall-back to June 2022 makes a GBCS version of its own, one
    more for every Party to test, and nothing said so."""
    from solver.report_text import rid_data

    inst, plan, page = send_back
    items = {i.id: i for i in plan.items}
    nov = inst.release("2021-11")
    for uid in ("MP078", "SECMP0015"):
        item = items[uid]
        assert item.release == "2021-11" and item.fall_back == "2022-06"
        june = next(r for r in plan.releases if r.id == "2022-06")
        assert item.fall_back_new_versions == [
            s for s in inst.unit(uid).specs if s not in june.uplifts] != []
    rows = {r["id"]: r for r in rid_data(inst, plan, nov.id)["items"]}
    assert rows["MP078"]["fall_back_words"] == "2022-06 (adds a new GBCS version)"
    assert rows["SECMP0015"]["fall_back_words"] == (
        "2022-06 (adds new GBCS and CH firmware versions)")
    assert "a new GBCS version" in text_of(element(page, "release-2021-11"))


def test_a_fall_back_s_versions_and_a_deadline_are_said_where_they_belong(
    send_back: tuple[Instance, Plan, str],
) -> None:
    """An acceptance test: "2029-06 (or 2028-06 if CR1403, DP261, MP250 move, a new DUIS
    version)" gave the fall-back's new version to the movers; "none in the horizon" hid
    that an item's deadline, not the horizon, left it no release."""
    from solver.report_text import fall_back_words, no_fall_back_words

    inst, plan, _ = send_back
    mp078 = next(i for i in plan.items if i.id == "MP078")
    sooner = mp078.model_copy(update={"fall_back_if_others_move": "2021-11",
                                      "fall_back_moves": ["MP090", "MP099"]})
    assert fall_back_words(inst, sooner) == (
        "2022-06 (adds a new GBCS version; or 2021-11 if MP090, MP099 move)")
    assert no_fall_back_words(inst, mp078) == "none in the horizon"
    items = [i.model_copy(update={"deadline": dt.date(2021, 12, 31)}) if i.id == "MP078" else i
             for i in inst.scenario.items]
    due = Instance(inst.scenario.model_copy(update={"items": items}))
    assert no_fall_back_words(due, mp078) == "none by its deadline 2021-12-31"


def test_the_summary_opens_with_what_stands_out(send_back: tuple[Instance, Plan, str]) -> None:
    """A Panel review asked for a headline: what moves, what breaks, which decision is
    nearest its cut-off, each as the tables below have it."""
    inst, plan, page = send_back
    headline = re.search(r'<ul class="headline">(.*?)</ul>', element(page, "summary"), re.S)
    assert headline
    lines = [text_of(li) for li in re.findall(r"<li>(.*?)</li>", headline.group(1), re.S)]
    # its DCC scope was baselined in November 2019
    assert lines[0] == ("Moves from the base plan (1 item): SECMP0067 2020-11 \u2192 2021-06 "
                        "(out of a baselined scope: 3 moves each).")
    assert lines[1] == "Rules broken: " + ", ".join(
        v.rule + ("" if v.hard else " (soft)") for v in plan.violations) + "."
    due = {i.id: (i.cut_off - inst.unit(i.id).decision).days for i in plan.items
           if i.release and i.cut_off and not inst.unit(i.id).decision_known}
    tight = sorted(uid for uid, days in due.items() if 0 <= days < 30)
    from solver.report_text import fall_back_words

    falls = {i.id: fall_back_words(inst, i) for i in plan.items}
    assert falls["SECMP0024"] == "2022-06 (adds a new DUIS version)"  # one more for Parties to test
    assert lines[2] == ("Decisions expected less than 30 days before their cut-off: "
                        + ", ".join(f"{uid} ({due[uid]} days; if later: {falls[uid]})"
                                    for uid in tight) + ".")


def test_a_rule_broken_in_two_releases_is_one_rule_broken() -> None:
    """An acceptance test: a soft capacity over in two releases was listed twice in the
    headline and counted as two rules broken."""
    from solver.check import broken_rules
    from solver.report_text import headline, print_plan

    items = [item(u) for u in "ABCD"]
    cap = {"rule": "capacity", "max_count": 1, "dcc_only": False, "hard": False,
           "penalty": 1, "releases": ["2021-06", "2021-11"]}
    pins = [{"rule": "fixed", "item": u, "release": r}
            for u, r in zip("ABCD", ["2021-06", "2021-06", "2021-11", "2021-11"], strict=True)]
    inst, plan = solve_checked(scenario(items, [cap, *pins]))
    assert [v.rule for v in plan.violations] == ["capacity(2021-06, 2021-11)"] * 2
    assert broken_rules(plan.violations) == {"capacity(2021-06, 2021-11)": (False, [
        v.message for v in plan.violations])}
    assert "Rules broken: capacity(2021-06, 2021-11) (soft)" in headline(inst, plan)
    assert "1 soft rule(s) broken" in text_of(element(build_report(inst, plan), "summary"))
    console = Console(width=300, record=True, file=io.StringIO())
    print_plan(inst, plan, console)
    said = [line for line in console.export_text().splitlines()
            if "capacity(" in line and not line.startswith("│")]  # not the capacity table
    assert said == ["  capacity(2021-06, 2021-11) (soft): "
                    + "; ".join(v.message for v in plan.violations)]


def test_an_alignment_whose_anchor_leaves_its_year_is_said_to_lapse(tmp_path: Path) -> None:
    """A second Panel read: in the COVID what-if SECMP0007 goes to June 2022 while November
    2021 still changes GBCS (two versions eight months apart) and no rule is broken, when
    the alignment binds only in its anchor's year (no year of its own): the headline says
    it lapsed."""
    from solver.report_text import headline

    covid = tmp_path / "covid.yaml"  # the COVID what-if's change, on such a send-back
    covid.write_text(f"extends: {alignments_by_anchor_year(tmp_path, 'secmp0067-send-back')}\n"
                     "changes:\n  - {shift-lead-times: 3 months, dcc_only: true, "
                     "pending_only: true}\n")
    inst, plan = plan_file(covid, OPTIONS)
    assert not [v for v in plan.violations if v.rule.startswith("aligned-uplift")]
    gbcs = [r.id for r in plan.releases if r.id.startswith("2021") and "GBCS" in r.uplifts]
    assert gbcs == ["2021-11"] and plan.assignments["SECMP0007"] == "2022-06"
    [lapsed] = [line for line in headline(inst, plan) if line.startswith("Alignments lapsed")]
    assert "GBCS in 2021 (SECMP0007 2021-11 \u2192 2022-06; 2021-11 still changes GBCS)" in lapsed
    send_back = plan_file(SEC_2020 / "secmp0067-send-back.yaml", OPTIONS)
    assert not [line for line in headline(*send_back) if line.startswith("Alignments")]


def test_the_words_a_panel_meets_are_said_once(send_back: tuple[Instance, Plan, str]) -> None:
    """A Panel read: "value-months", "soft rule", "moving it alone" and "moves" were used
    with nothing to read them by."""
    from solver.report import WORDS

    inst, _, page = send_back
    words = {r[0]: r[1] for r in rows(element(page, "words"))}
    assert list(words) == list(WORDS)
    assert "or 3 once its release's scope is baselined" in words["moves"]
    # as this scenario has them: its alignments have a year of their own
    assert words["aligned uplift"].endswith(
        "(with a year of its own, none does if the anchor goes in another year)")
    assert inst.scenario.policy.baselined_move_cost == 3
    said = text_of(page[:page.index('id="words"')])
    for term in ("value-months", "fall-back", "soft", "moving it alone", "priority"):
        assert term in said  # used in the page before it is explained


def test_the_headline_says_which_placements_rest_on_an_item_s_value(
        send_back: tuple[Instance, Plan, str]) -> None:
    """A Panel read: SECMP0067 in June rather than November 2021 is the paper's question,
    and it rests on SECMP0067's value 5; only the explanations far below said so."""
    page = send_back[2]
    headline = re.search(r'<ul class="headline">(.*?)</ul>', element(page, "summary"), re.S)
    assert headline
    assert ("Placements that rest on an item's value: SECMP0067 in 2021-06 (this rests on "
            "SECMP0067's value 5: at 4 or less, 2021-11 would cost no more).") \
        in text_of(headline[1])


def test_another_code_s_releases_carry_its_name() -> None:
    """An acceptance test: a BSC planner's rid heading, charts and report all said "SEC
    Release", so none could go into a BSC Panel paper; `code: BSC` names them."""
    s = scenario([item("P450"), item("P451", expected_decision="2021-06-01")], code="BSC")
    inst, plan = solve_checked(s)
    out = Console(file=io.StringIO(), width=200)
    print_rid(inst, plan, "2021-11", out)
    text = out.file.getvalue()  # type: ignore[attr-defined]
    page = build_report(inst, plan)  # its Gantt and timetable are inline SVG, text as text
    assert text.startswith("2021-11 BSC Release: go-live")
    for said in ("<title>BSC Releases: test</title>", "November 2021 BSC Release",
                 "test: items by BSC Release", "2021-11 BSC Release: go-live",
                 "test: BSC Release timetable"):
        assert said in page, said
    assert "SEC Release" not in page + text


def test_the_summary_says_a_go_live_moved(nov_29: tuple[Instance, Plan, str]) -> None:
    """An acceptance test: the what-if's allocation table read "2 Mar 2028" for a release
    moved from 24 Feb, with nothing to say it had moved."""
    _, _, page = nov_29
    allocation = element(page, "summary")
    assert text_of(row_html(allocation, "2020-11")).startswith(
        "2020-11 29 Nov 2020 (moved from 5 Nov 2020 )")  # text_of spaces out the tags
    assert "moved from" not in text_of(row_html(allocation, "2021-06"))


def test_a_cut_off_other_than_the_published_one_is_said(
    baseline: tuple[Instance, Plan], nov_29: tuple[Instance, Plan, str],
) -> None:
    """A Panel read: the November 2020 cut-offs were 28 September here and 22 October in
    the RID, and only the assumptions said why. On the RID's own 29 November go-live
    (the what-if) they agree, and nothing is said."""
    from solver.report_text import headline, rid_data

    inst, plan = baseline
    said = ("Cut-offs other than the published allocation's: MP084, MP088 in 2020-11: "
            "2020-09-28 against the published 2020-10-22 (24 days earlier; the published date "
            "is the cut-off of a go-live on 2020-11-29, the plan's is 2020-11-05)")  # and why
    assert said in headline(inst, plan)
    rows = {r["id"]: r for r in rid_data(inst, plan, "2020-11")["items"]}
    assert (rows["MP084"]["included_if_approved_by"], rows["MP084"]["published_cut_off"]) == (
        "2020-09-28", "2020-10-22")
    assert rows["MP080"]["published_cut_off"] is None  # none published
    page = build_report(inst, plan)
    assert said + "." in text_of(element(page, "summary"))
    assert "published: 22 Oct 2020" in text_of(row_html(element(page, "release-2020-11"),
                                                        "MP084"))
    inst, plan, page = nov_29
    assert not any(line.startswith("Cut-offs other") for line in headline(inst, plan))
    assert rid_data(inst, plan, "2020-11")["items"][0]["published_cut_off"] is None
    assert "published:" not in page


def test_an_item_moved_out_of_a_baselined_scope_is_said_in_both_releases() -> None:
    """An acceptance test: an approved item left June 2027, its DCC scope baselined; that
    release's RID listed its other items and nothing of the one gone, the next release's
    listed it as plain "Approved for inclusion". A, approved in 2021-06 (its DCC scope
    baselined), gives way to B, which only 2021-06 can take, where one item fits."""
    from solver.report_text import headline, rid_data

    dcc = {"dcc_impact": True, "dcc_lead_time": "6 months"}
    s = scenario([item("A", status="approved", baseline="2021-06", **dcc),
                  item("B", latest="2021-06")],
                 [{"rule": "capacity", "releases": ["2021-06"], "max_count": 1,
                   "dcc_only": False}])
    inst, plan = solve_checked(s)
    assert plan.assignments == {"A": "2021-11", "B": "2021-06"}
    june, nov = rid_data(inst, plan, "2021-06"), rid_data(inst, plan, "2021-11")
    assert june["moved_out"] == [{"id": "A", "to": "2021-11", "baselined": True}]
    assert june["moves_from"] == "published allocation"
    assert [(r["id"], r["moved_from"]) for r in nov["items"]] == [("A", "2021-06")]
    assert headline(inst, plan)[0] == ("Moves from the published allocation (1 item): A "
                                       "2021-06 \u2192 2021-11 (out of a baselined scope: "
                                       f"{s.policy.baselined_move_cost} moves each)")
    from solver.lint import listed  # nine routes of many items are not "9 more" items

    assert listed([f"R{k}" for k in range(16)], what="routes") == (
        "R0, R1, R2, R3, R4, R5 and 10 more routes")
    out = Console(file=io.StringIO(), width=200)
    print_rid(inst, plan, "2021-06", out)
    said = out.file.getvalue()  # type: ignore[attr-defined]
    assert ("Moved out of this release (from the published allocation): A to 2021-11, out "
            "of this release's baselined scope.") in said  # (a monthly re-plan read "its scope
    # already baselined" as 2021-11's)
    page = build_report(inst, plan)
    assert "Moved out of this release (from the published allocation): A to 2021-11" in \
        text_of(element(page, "release-2021-06"))
    assert "moved here from 2021-06 (published allocation)" in text_of(
        element(page, "release-2021-11"))


def test_how_full_each_release_is_shown_against_each_capacity_rule() -> None:
    """An acceptance test: with DCC capacity capped per release, how full a release was
    showed nowhere; only adding efforts by hand found 2028-06 exactly full."""
    from solver.report_text import capacity_rows, load_words, print_plan, rid_data

    dcc = {"dcc_impact": True, "dcc_lead_time": "6 months", "expected_decision": "2020-11-15"}
    s = scenario([item("A", effort=60, value=3, **dcc), item("B", effort=50, value=2, **dcc),
                  item("C", effort=30, value=1, **dcc)],
                 [{"rule": "capacity", "max_effort": 100},
                  {"rule": "capacity", "releases": ["2021-11"], "max_count": 2}])
    inst, plan = solve_checked(s)
    for row in capacity_rows(inst, plan):  # each load as the plan has it, recounted here
        placed = [u for u in inst.units if plan.assignments[u.id] == row["release"]]
        assert (row["effort"], row["items"]) == (sum(u.effort for u in placed), len(placed))
    # 2021-06's DCC scope is baselined: A, B and C share 2021-11 (two) and 2022-06
    june = max(capacity_rows(inst, plan), key=lambda r: (r["effort"], r["release"]))
    assert june["rule"] == "capacity(all)" and june["max_effort"] == 100
    assert june["state"] == ("full" if june["effort"] == 100 else "") and june["effort"] > 0
    [nov] = [r for r in capacity_rows(inst, plan) if r["rule"] == "capacity(2021-11)"]
    assert nov["state"] == ("full" if nov["items"] == 2 else "")
    assert load_words({**june, "effort": 90, "items": 2, "state": ""}) == "effort 90/100, items 2"
    assert load_words({"effort": 0, "max_effort": None, "items": 2, "max_count": 1,
                       "state": "over"}) == "items 2/1 (over)"  # a soft rule broken
    assert rid_data(inst, plan, "2021-11")["capacity"] == capacity_rows(inst, plan, "2021-11")
    out = Console(file=io.StringIO(), width=200)
    print_plan(inst, plan, out)
    said = out.file.getvalue()  # type: ignore[attr-defined]
    assert "Capacity used" in said and f"│ {june['release']} │ {load_words(june)}" in said
    page = text_of(element(build_report(inst, plan), f"release-{june['release']}"))
    assert f"Capacity used, capacity(all) {load_words(june)}" in page


def test_a_report_of_some_releases_shows_only_their_items(
    send_back: tuple[Instance, Plan, str], tmp_path: Path,
) -> None:
    """An acceptance test: at 1,000 items the report was 5.3 MB, with no way to make a
    Panel pack of the next releases. With `releases`, the release tables, the Gantt pages,
    the graph, the explanations and the sweep shares hold those releases' items; the
    summary's facts say so, and the plan is still the whole portfolio's."""
    inst, plan, whole = send_back
    june = [uid for uid, rid in plan.assignments.items() if rid == "2021-06"]
    november = [uid for uid, rid in plan.assignments.items() if rid == "2020-11"]
    assert june and november
    page = build_report(inst, plan, sweep=SWEEP, releases=["2021-06"])
    assert 'id="release-2021-06"' in page and 'id="release-2020-11"' not in page
    assert 'id="release-2020-11"' in whole
    explained = {uid for uid in plan.assignments if f'id="why-{uid}"' in page}
    assert explained == set(june)
    overview = rows(element(page, "summary").split("</table>")[0])
    assert [r[0] for r in overview] == ["2021-06"]
    assert "only the items of 2021-06 (--release)" in text_of(element(page, "summary"))
    # the pack's title names its release (a proposer's board pack read "SEC Releases")
    assert "<title>SEC Release 2021-06: secmp0067-send-back</title>" in page
    assert "<title>SEC Releases: secmp0067-send-back</title>" in whole
    shares = [r[0] for r in rows(element(page, "sweep").split("</table>")[0])]
    assert shares == sorted(u for u, r in SWEEP["base"].items() if r == "2021-06")
    assert len(page) < len(whole)
    from tests.conftest import item, scenario

    late = Instance(scenario([item("A"), item("LATE", expected_decision="2023-06-01")]))
    from solver.engine import solve
    from solver.plan import make_plan

    late_plan = make_plan(late, solve(late, OPTIONS), OPTIONS)
    assert late_plan.assignments["LATE"] is None  # decided after the last cut-off
    left_out = build_report(late, late_plan, releases=["not planned"])
    assert 'id="why-LATE"' in left_out and 'id="why-A"' not in left_out
    assert "only the items of those outside the horizon (--release)" in text_of(left_out)
    placed = Instance(scenario([item("A")]))  # nothing outside the horizon, nothing closed
    none_out = build_report(placed, make_plan(placed, solve(placed, OPTIONS), OPTIONS),
                            releases=["not planned"])
    assert "No items in the releases asked for (--release)." in text_of(none_out)
    with pytest.raises(ValueError, match="no release '2099-06'"):
        build_report(inst, plan, releases=["2099-06"])
    bad = subprocess.run([sys.executable, "-m", "solver", "report",
                          str(SEC_2020 / "secmp0067-send-back.yaml"), "-o",
                          str(tmp_path / "r.html"), "--release", "2099-06", "--progress"],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "no release '2099-06'" in bad.stderr
    assert "level 1 of" not in bad.stderr and not (tmp_path / "r.html").exists()


def test_the_cut_off_table_marks_a_release_whose_scope_is_baselined() -> None:
    """An acceptance test read a cut-off of a release whose full scope was baselined as one
    the item could make: it is marked "b" (an exception), its own published release not."""
    s = scenario([item("A", expected_decision="2021-02-01"),
                  item("P", expected_decision="2021-02-01", baseline="2021-06")],
                 as_of="2021-01-10")  # 2021-06's full scope baselined on 2020-12-24
    console = Console(width=200, record=True, file=io.StringIO())
    print_summary(Instance(s), console)
    rows = {line.split()[1]: line for line in console.export_text().splitlines()
            if line.startswith("│ ")}
    assert "2021-05-17 b" in rows["A"] and "2021-09-27 b" not in rows["A"]
    assert " b " not in rows["P"]


def test_the_headline_names_a_release_left_with_no_items() -> None:
    """A Panel read: a what-if moving June 2021's only item later emptied it, and only the
    tables showed it. The headline says so; a release empty in the base plan too is not
    named."""
    from solver.report_text import headline

    _, base = solve_checked(scenario([item("A")]))
    assert base.assignments == {"A": "2021-06"}
    late, plan = replanned(scenario([item("A", expected_decision="2021-06-01")]), base)
    assert plan.assignments == {"A": "2021-11"}
    said = headline(late, plan)
    assert "Releases left with no items (they had some in the base plan): 2021-06" in said
    assert not [line for line in headline(*solve_checked(scenario([item("A")])))
                if line.startswith("Releases left")]


def test_a_plan_s_status_is_said_in_a_planner_s_words() -> None:
    """A DCC manager read "feasible plan" on every chart title as solver jargon."""
    from solver.model import plan_words

    assert plan_words("optimal", 0.0) == "optimal plan"
    assert plan_words("feasible", 0.0082) == "plan not proven optimal (gap 0.82%)"
    assert plan_words("feasible", 1.0) == "plan not proven optimal (no lower bound found)"
    assert plan_words("infeasible", None) == "no plan"
