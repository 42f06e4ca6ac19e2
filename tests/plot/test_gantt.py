"""The Gantt chart and the release timetable: pictures against baselines, then structure
(groups, paging, filters, sizes, legend placement) and file formats."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
from matplotlib.axes import Axes

from solver.instance import Instance
from solver.plot import NOT_PLANNED, draw_gantt, draw_timetable, gantt_pages, save_figure
from solver.plot.gantt import date_number, day_text, row_label
from tests.conftest import item, scenario
from tests.plot import assert_matches_baseline, baseline_style, plan_of, seed, send_back_plan


@pytest.fixture(scope="module")
def small() -> Instance:
    """Six items over the conftest's four releases."""
    return Instance(scenario([item(uid) for uid in ("A", "B", "C", "D", "E", "F")]))


SMALL_PLAN = {
    "A": "2021-06",
    "B": "2021-11",
    "C": "2021-06",
    "D": None,
    "E": "2022-11",
    "F": "2021-06",
}


def item_labels(ax: Axes) -> list[str]:
    """Item ids of the rows, top to bottom (header rows have no tick label)."""
    return [t.get_text().split()[0] for t in ax.get_yticklabels() if t.get_text()]


def headers(ax: Axes) -> list[str]:
    return [t.get_text() for t in ax.texts]


# --- pictures -----------------------------------------------------------------------------


def test_send_back_gantt_matches_baseline(tmp_path: Path) -> None:
    inst = seed("secmp0067-send-back")
    with baseline_style():
        ax = draw_gantt(inst, plan_of(inst, send_back_plan(inst)))
        assert_matches_baseline(ax.figure, "gantt-secmp0067-send-back", tmp_path)


def test_small_gantt_with_unplanned_group_matches_baseline(small: Instance, tmp_path: Path) -> None:
    with baseline_style():
        ax = draw_gantt(small, plan_of(small, SMALL_PLAN, status="feasible"))
        assert_matches_baseline(ax.figure, "gantt-small", tmp_path)


def test_moved_release_timetable_matches_baseline(tmp_path: Path) -> None:
    with baseline_style():
        ax = draw_timetable(seed("nov-2020-29-november"))
        assert_matches_baseline(ax.figure, "timetable-nov-2020-29-november", tmp_path)


# --- structure ----------------------------------------------------------------------------


def test_rows_are_grouped_by_release_then_id_with_not_planned_last(small: Instance) -> None:
    ax = draw_gantt(small, plan_of(small, SMALL_PLAN))
    assert item_labels(ax) == ["A", "C", "F", "B", "E", "D"]
    groups = headers(ax)
    assert groups[0].startswith("2021-06 SEC Release: go-live Thu 24 Jun 2021; 3 items")
    assert groups[1].endswith("; 1 item")
    assert groups[-1] == "not planned (outside the horizon): 1 item"
    plt.close(ax.figure)


def test_seed_rows_per_release() -> None:
    inst = seed("secmp0067-send-back")
    ax = draw_gantt(inst, plan_of(inst, send_back_plan(inst)))
    counts = [h.split("; ")[-1] for h in headers(ax)]
    assert counts == ["23 items", "1 item", "8 items"]
    assert len(item_labels(ax)) == len(inst.units) == 32
    assert "SECMP0062.1 (implemented)" in ax.get_xlabel()
    plt.close(ax.figure)


def test_pages_split_long_plans_and_mark_continued_groups(small: Instance) -> None:
    plan = plan_of(small, SMALL_PLAN)
    assert gantt_pages(plan) == 1
    assert gantt_pages(plan, max_rows=4) == 2
    assert gantt_pages(plan, max_rows=2) == 3
    pages = [draw_gantt(small, plan, max_rows=2, page=p) for p in range(3)]
    assert [item_labels(ax) for ax in pages] == [["A", "C"], ["F", "B"], ["E", "D"]]
    assert headers(pages[0])[0].endswith("3 items (items 1-2 here, more on the next page)")
    assert headers(pages[1])[0].endswith("3 items (item 3 here, continued)")
    assert not any("here" in h for h in headers(draw_gantt(small, plan)))  # one page: whole
    assert pages[2].get_title(loc="left").endswith("page 3 of 3")
    with pytest.raises(ValueError, match="page 3 does not exist"):
        draw_gantt(small, plan, max_rows=2, page=3)
    with pytest.raises(ValueError, match="max_rows"):
        gantt_pages(plan, max_rows=0)
    plt.close("all")


def test_releases_filter_keeps_only_the_named_groups(small: Instance) -> None:
    plan = plan_of(small, SMALL_PLAN)
    ax = draw_gantt(small, plan, releases=["2022-11", NOT_PLANNED])
    assert item_labels(ax) == ["E", "D"]
    assert gantt_pages(plan, releases=["2021-06"], max_rows=2) == 2
    with pytest.raises(ValueError, match="no release '2030-06'"):
        draw_gantt(small, plan, releases=["2030-06"])
    plt.close("all")


def test_the_first_date_tick_names_its_year() -> None:
    """A chart of one release starts months before its year's first January: its first
    tick says the year ("Sep 2019"), which concise month names alone would not."""
    inst = seed("secmp0067-send-back")
    ax = draw_gantt(inst, plan_of(inst, send_back_plan(inst)), releases=["2020-11"])
    ax.figure.canvas.draw()
    ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert ticks[0] == "Sep 2019", ticks
    assert ticks[1] == "Nov" and "2020" in ticks
    plt.close(ax.figure)


def test_an_infeasible_plan_draws_an_empty_chart(small: Instance) -> None:
    plan = plan_of(small, {}, status="infeasible").model_copy(
        update={"assignments": {}, "releases": []}
    )
    assert gantt_pages(plan) == 1
    ax = draw_gantt(small, plan)
    assert item_labels(ax) == []
    assert list(ax.get_xticks()) == []  # not a bare 0-1 scale
    plt.close(ax.figure)


def test_long_titles_are_cut_in_the_middle() -> None:
    label = row_label(
        "SECMP0046",
        "Allow DNOs to control Electric Vehicle chargers connected to Smart Meter infrastructure",
    )
    assert label.startswith("SECMP0046  Allow DNOs") and label.endswith("Meter infrastructure")
    assert "…" in label and len(label) <= 58
    family = "Incorporation of multiple Issue Resolution Proposals into the SEC - "
    assert row_label("MP078", family + "Part 2").endswith("- Part 2")
    assert row_label("MP099", family + "Batch 4").endswith("- Batch 4")
    assert row_label("MP103", "DCC SOC2 Assessments") == "MP103  DCC SOC2 Assessments"
    # at word ends (an acceptance test: "load…roller" and "post-…ntum" said nothing)
    for title in ("DUIS schema change for load-controller alert framework",
                  "Smart meter security - post-quantum readiness of SMKI"):
        head, _, tail = row_label("CR1403", title).partition(" … ")
        words = f"CR1403  {title}".split()
        assert tail and head.split() == words[:len(head.split())]
        assert tail.split() == words[-len(tail.split()):]


def test_height_grows_with_rows_at_the_same_row_pitch() -> None:
    """10 and 60 rows get the same inches per row, so both read at the same size."""
    big = Instance(scenario([item(f"X{k:02d}") for k in range(60)]))
    plan = plan_of(big, {u.id: "2021-06" for u in big.units})
    pitch = {}
    for rows in (10, 60):
        ax = draw_gantt(big, plan, max_rows=rows)
        ax.figure.canvas.draw()
        height = ax.get_window_extent().height / ax.figure.dpi
        pitch[rows] = height / (rows + 1)  # one header row
        plt.close(ax.figure)
    assert pitch[10] == pytest.approx(pitch[60], rel=0.05)
    assert pitch[60] == pytest.approx(0.25, rel=0.05)


@pytest.mark.parametrize("draw", ["gantt", "timetable"])
def test_legend_sits_below_the_plot_area(draw: str) -> None:
    inst = seed("secmp0067-send-back")
    ax = (
        draw_gantt(inst, plan_of(inst, send_back_plan(inst)))
        if draw == "gantt"
        else draw_timetable(inst)
    )
    fig = ax.figure
    fig.canvas.draw()
    legend = ax.get_legend()
    assert legend is not None
    box, plot = legend.get_window_extent(), ax.get_window_extent()
    assert box.y1 < plot.y0, "the legend overlaps the plot area"
    assert box.x0 >= 0 and box.x1 <= fig.bbox.width + 1, "the legend runs off the figure"
    plt.close(fig)


def test_timetable_has_a_row_per_release_with_moved_go_live() -> None:
    inst = seed("nov-2020-29-november")
    ax = draw_timetable(inst)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [f"{rid} SEC Release" for rid in inst.release_ids]
    dates = {t.get_text() for t in ax.texts}
    # the baselines the Panel took before the move stay (5 November 2019, 5 May 2020)
    assert {"29 Nov 2020", "moved from 5 Nov 2020", "5 Nov 2019", "5 May 2020"} <= dates
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "go-live moved from" in legend
    assert "full scope baseline (6 months before go-live; a move later keeps one taken)" in legend
    plt.close(ax.figure)


def test_a_crowded_timetable_keeps_a_moved_release_s_baseline_date_in_sight() -> None:
    """An acceptance test: on a ten-year timetable, where the full baseline's date sits
    below the line, a moved go-live's "moved from" note covered it."""
    from benchmarks.generate import generate_scenario
    from solver.model import Scenario

    data = generate_scenario(40, 10, 1)
    data["calendar"]["moves"] = {"2022-11": "2022-12-01"}
    inst = Instance(Scenario.model_validate(data))
    ax = draw_timetable(inst)
    fig = ax.figure
    fig.canvas.draw()  # type: ignore[attr-defined]
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    release = inst.release("2022-11")
    texts = {t.get_text(): t.get_window_extent(renderer) for t in ax.texts}
    moved = texts[f"moved from {day_text(release.moved_from)}"]  # type: ignore[arg-type]
    baseline = texts[day_text(release.full_baseline)]
    assert not moved.overlaps(baseline) and moved.y1 <= baseline.y0
    plt.close(fig)


# --- files --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "magic"),
    [("g.png", b"\x89PNG"), ("g.svg", b"<?xml"), ("g.pdf", b"%PDF"), ("G.PNG", b"\x89PNG")],
)
def test_save_figure_writes_the_format_of_the_extension(
    small: Instance, tmp_path: Path, name: str, magic: bytes
) -> None:
    ax = draw_gantt(small, plan_of(small, SMALL_PLAN))
    save_figure(ax.figure, tmp_path / name)
    assert (tmp_path / name).read_bytes().startswith(magic)
    plt.close(ax.figure)


@pytest.mark.parametrize("name", ["g.jpg", "g.pgn", "g"])
def test_save_figure_refuses_other_extensions(tmp_path: Path, name: str) -> None:
    fig = plt.figure()
    with pytest.raises(ValueError, match=r"use one of \.pdf, \.png, \.svg"):
        save_figure(fig, tmp_path / name)
    assert not (tmp_path / name).exists()
    plt.close(fig)


@pytest.mark.parametrize("suffix", [".svg", ".pdf"])
def test_drawing_twice_gives_the_same_bytes(small: Instance, tmp_path: Path, suffix: str) -> None:
    """Pictures kept under version control must not change when nothing changed."""
    for name in ("1", "2"):
        with baseline_style():
            ax = draw_gantt(small, plan_of(small, SMALL_PLAN))
            save_figure(ax.figure, tmp_path / f"{name}{suffix}")
            plt.close(ax.figure)
    assert (tmp_path / f"1{suffix}").read_bytes() == (tmp_path / f"2{suffix}").read_bytes()


def test_the_cli_starts_without_matplotlib() -> None:
    """`secplan --help` stays fast: only solver.plot imports matplotlib."""
    code = (
        "import sys, solver.cli, solver.plan, solver.check, solver.explain; "
        "sys.exit('matplotlib' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_go_live_labels_of_a_long_horizon_do_not_overlap() -> None:
    """Ten years of June and November releases on one page: every go-live keeps its label
    (release and day), and no two labels along the top edge overlap."""
    from benchmarks.generate import generate, generate_scenario
    from solver.model import Scenario

    inst = Instance(Scenario.model_validate(generate_scenario(120, 10, 2)))
    plan = plan_of(inst, generate(120, 10, 2).witness)
    ax = draw_gantt(inst, plan, max_rows=200)
    fig = ax.figure
    fig.canvas.draw()  # type: ignore[attr-defined]
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    labels = [
        label
        for child in ax.child_axes
        for label in child.get_xticklabels()
        if label.get_text()
    ]
    shown = {rid for rid in plan.assignments.values() if rid is not None}
    assert len(shown) >= 18
    assert sorted(label.get_text().split("\n")[0] for label in labels) == sorted(shown)
    boxes = [label.get_window_extent(renderer) for label in labels]
    overlapping = [
        (a.get_text(), b.get_text())
        for i, (a, box_a) in enumerate(zip(labels, boxes, strict=True))
        for b, box_b in list(zip(labels, boxes, strict=True))[i + 1 :]
        if box_a.overlaps(box_b)
    ]
    assert overlapping == []
    # a label row lies over the longer ticks of the rows above it, behind a white box (an
    # acceptance test: the 2030-06 tick ran through the 2030-11 label)
    def tick_length(child: Axes) -> float:
        ticks = child.xaxis.get_major_ticks()
        return max(t.tick1line.get_markersize() + t.tick2line.get_markersize() for t in ticks)

    rows = sorted(ax.child_axes, key=tick_length)
    assert len(rows) > 1
    assert [c.get_zorder() for c in rows] == sorted((c.get_zorder() for c in rows), reverse=True)
    assert len({c.get_zorder() for c in rows}) == len(rows)
    assert all(label.get_bbox_patch() is not None for label in labels)
    plt.close(fig)


def test_two_processes_draw_the_same_svg(tmp_path: Path) -> None:
    """An SVG's clip-path ids are random per process unless salted."""
    import subprocess
    import sys

    from tests.conftest import ROOT, SEC_2020

    for name in ("1", "2"):
        subprocess.run([sys.executable, "-m", "solver", "gantt",
                        str(SEC_2020 / "secmp0067-send-back.yaml"), "-o",
                        str(tmp_path / f"{name}.svg")], cwd=ROOT, check=True,
                       capture_output=True)
    assert (tmp_path / "1.svg").read_bytes() == (tmp_path / "2.svg").read_bytes()


def test_the_cut_off_mark_is_in_the_legend_only_where_a_cut_off_is_drawn() -> None:
    """A decision taken has no cut-off left to meet: no tick, and a page of such items has
    no legend entry for one (review)."""
    decided = Instance(scenario([item(u, status="approved") for u in ("A", "B")]))
    pending = Instance(scenario([item("A", status="approved"), item("B")]))
    for inst, ticked in ((decided, False), (pending, True)):
        ax = draw_gantt(inst, plan_of(inst, {"A": "2021-06", "B": "2021-11"}))
        labels = [t.get_text() for t in ax.get_legend().get_texts()]
        assert ("cut-off for its release (decision pending)" in labels) == ticked
        ticks = [line for line in ax.get_lines() if line.get_marker() == "|"]
        assert [len(line.get_xdata()) for line in ticks] == ([1] if ticked else [])
        plt.close(ax.figure)


def test_an_item_moved_shows_where_it_was_and_a_deadline_reaches_into_its_row() -> None:
    """An acceptance test: nothing on the chart marked an item moved from the published
    allocation, and a deadline past the go-live floated between two rows. A, published in
    2021-06 and planned in 2021-11, gets a hollow diamond at 2021-06's go-live; C's
    deadline runs down into its own row."""
    from matplotlib.collections import LineCollection, PathCollection

    inst = Instance(scenario([item("A", baseline="2021-06"), item("C", deadline="2022-01-31")]))
    ax = draw_gantt(inst, plan_of(inst, {"A": "2021-11", "C": "2021-11"}))
    rows = {t.get_text().split()[0]: y for t, y in zip(ax.get_yticklabels(), ax.get_yticks(),
                                                       strict=True) if t.get_text()}
    hollow = [c for c in ax.collections if isinstance(c, PathCollection)
              and len(c.get_facecolors()) and tuple(c.get_facecolors()[0]) == (1, 1, 1, 1)
              and c.get_offsets().shape == (1, 2)]
    [(_, y)] = [tuple(c.get_offsets()[0]) for c in hollow
                if round(c.get_offsets()[0][0]) == round(date_number(dt.date(2021, 6, 24)))]
    assert y == rows["A"]
    assert "moved from" in [t.get_text() for t in ax.get_legend().get_texts()]
    [tick] = [c for c in ax.collections if isinstance(c, LineCollection)]
    [[(x0, top), (_, bottom)]] = [seg.tolist() for seg in tick.get_segments()]
    assert round(x0) == round(date_number(dt.date(2022, 1, 31))) and top < rows["C"] < bottom
    plt.close(ax.figure)


def test_the_page_reaches_the_release_an_item_was_moved_from() -> None:
    """An acceptance test saw a mark cut at the chart's edge: a page's dates came from its
    own releases and decisions only, so A, published in 2022-11 and planned in 2021-06,
    had its "moved from" diamond (2022-11's go-live, 3 Nov 2022) past the right edge, and
    2022-11, with no item on the page, had no go-live line to point at."""
    inst = Instance(scenario([item("A", baseline="2022-11")]))
    ax = draw_gantt(inst, plan_of(inst, {"A": "2021-06"}))
    lo, hi = ax.get_xlim()
    assert lo < date_number(dt.date(2022, 11, 3)) < hi
    named = [label.get_text().split("\n")[0] for child in ax.child_axes
             for label in child.get_xticklabels() if label.get_text()]
    assert sorted(named) == ["2021-06", "2022-11"]  # its go-live line, named
    xs = {round(x) for line in ax.lines for x in line.get_xdata()}  # type: ignore[union-attr]
    assert round(date_number(dt.date(2022, 5, 3))) not in xs  # not its baselines: no item
    assert round(date_number(dt.date(2020, 12, 24))) in xs  # 2021-06's full baseline
    plt.close(ax.figure)

def test_a_deadline_is_marked_on_its_row_and_the_legend_fits_the_page() -> None:
    """An acceptance test: a regulatory deadline was nowhere on the chart; with it, a
    not-planned row and every glyph, six legend entries a line ran off the page."""
    inst = Instance(scenario([item("A", deadline="2021-10-01"), item("B"),
                              item("C", deadline="2022-01-31"), item("K", status="approved")]))
    ax = draw_gantt(inst, plan_of(inst, {"A": "2021-06", "B": "2021-11", "K": "2021-06"}))
    marks = [line for line in ax.lines if line.get_marker() == "v"]
    assert len(marks) == 1
    rows = {uid: k for k, uid in enumerate(item_labels(ax))}
    xs, ys = marks[0].get_data()
    days = sorted(zip(list(ys), list(xs), strict=True))  # row position -> x
    assert len(days) == 2 and [round(x) for _, x in days] == [
        round(d) for d in (date_number(dt.date(2021, 10, 1)), date_number(dt.date(2022, 1, 31)))]
    assert rows["A"] < rows["C"]
    legend = ax.get_legend()
    assert "deadline (go live by)" in [t.get_text() for t in legend.get_texts()]
    fig = ax.figure
    fig.canvas.draw()
    box = legend.get_window_extent()
    assert box.x0 >= 0 and box.x1 <= fig.bbox.width + 1, "the legend runs off the page"
    plt.close(fig)


def test_a_long_timetable_s_date_labels_do_not_overprint() -> None:
    """An acceptance test: over seven years a row's three dates were closer than their
    labels were wide, and overprinted; the full scope baseline's label goes below then."""
    windows = [{"month": m, "week": "last"} for m in (2, 6)] + [{"month": 11, "week": "first"}]
    inst = Instance(scenario([item("A")], calendar={"windows": windows, "first": "2021-02",
                                                    "last": "2027-11"},
                             policy={"dcc_baseline": "9 months", "full_baseline": "3 months"}))
    ax = draw_timetable(inst)
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    boxes = [t.get_window_extent(renderer) for t in ax.texts]
    assert len(boxes) == 3 * len(inst.releases)
    overlapping = [(a, b) for k, a in enumerate(boxes) for b in boxes[k + 1:] if a.overlaps(b)]
    assert not overlapping
    plt.close(fig)


def test_every_go_live_lies_over_every_baseline_line() -> None:
    """June 2022's DCC baseline (30 June 2021) falls six days after June 2021's go-live;
    its dashes drew over that go-live line (seen in session 15)."""
    inst = seed("secmp0067-send-back")
    ax = draw_gantt(inst, plan_of(inst, send_back_plan(inst)))
    vertical = [line for line in ax.get_lines()
                if len(set(line.get_xdata())) == 1 and line.get_linestyle() in ("-", "--", ":")]
    go_lives = [line.get_zorder() for line in vertical if line.get_linestyle() == "-"
                and line.get_linewidth() == 1.1]
    baselines = [line.get_zorder() for line in vertical if line.get_linestyle() in ("--", ":")]
    assert go_lives and baselines and min(go_lives) > max(baselines)
    plt.close(ax.figure)


def test_an_exception_is_hatched_and_in_the_legend_only_where_one_is_drawn() -> None:
    """An acceptance test: solve, rid and the report said "Exception: added to 2020-11 after
    its full scope baseline" of MP130, and its bar looked like any other. As of 15 January
    2021, 2021-06's full scope (24 December 2020) is baselined: A joins it as an exception,
    B joins 2021-11, whose scope is still open."""
    inst = Instance(scenario([item("A", expected_decision="2021-02-01"),
                              item("B", expected_decision="2021-02-01")],
                             as_of="2021-01-15", policy={"exceptions": "allowed"}))
    plan = plan_of(inst, {"A": "2021-06", "B": "2021-11"})
    words = "exception: added after its scope baseline"
    ax = draw_gantt(inst, plan)
    rows = {t.get_text().split()[0]: y for t, y in zip(ax.get_yticklabels(), ax.get_yticks(),
                                                       strict=True) if t.get_text()}
    hatched = [p for p in ax.patches if p.get_hatch()]
    assert [round(p.get_y() + p.get_height() / 2) for p in hatched] == [rows["A"]]
    assert words in [t.get_text() for t in ax.get_legend().get_texts()]
    plt.close(ax.figure)
    ax = draw_gantt(inst, plan, releases=["2021-11"])
    assert not [p for p in ax.patches if p.get_hatch()]
    assert words not in [t.get_text() for t in ax.get_legend().get_texts()]
    plt.close(ax.figure)


def test_the_timetable_marks_an_ad_hoc_release_and_names_a_cancelled_one() -> None:
    """An acceptance test: an added February release looked like any other, and a
    cancelled June 2022 was simply not there."""
    from solver.changes import AddRelease, CancelRelease
    from solver.whatif import apply_changes

    changed = apply_changes(seed("secmp0067-send-back").scenario, [
        AddRelease.model_validate({"add-release": "2021-02", "go_live": "2021-02-25"}),
        CancelRelease.model_validate({"cancel-release": "2022-06"})])
    ax = draw_timetable(Instance(changed))
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "2021-02 SEC Release (ad hoc)" in labels and "2021-06 SEC Release" in labels
    assert not [label for label in labels if "2022-06" in label]
    assert ax.get_xlabel() == "Cancelled: 2022-06"
    plt.close(ax.figure)
    plain = draw_timetable(seed("secmp0067-send-back"))
    assert plain.get_xlabel() == "" and not [
        t for t in plain.get_yticklabels() if "ad hoc" in t.get_text()]
    plt.close(plain.figure)


def test_a_release_keeps_its_colour_in_a_what_if_that_adds_or_cancels_one() -> None:
    """An acceptance test: with a February 2021 release added, 2021-06 went from orange to
    green, and the base's and the what-if's charts no longer matched."""
    from solver.changes import AddRelease, CancelRelease
    from solver.plot import release_colours
    from solver.whatif import apply_changes

    base = seed("secmp0067-send-back")
    changed = Instance(apply_changes(base.scenario, [
        AddRelease.model_validate({"add-release": "2021-02", "go_live": "2021-02-25"}),
        CancelRelease.model_validate({"cancel-release": "2022-06"})]))
    before, after = release_colours(base), release_colours(changed)
    assert {r: after[r] for r in before if r in after} == {
        r: c for r, c in before.items() if r in after}
    assert after["2021-02"] not in {c for r, c in before.items() if r in after}
