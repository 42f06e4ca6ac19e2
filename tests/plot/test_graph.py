"""The dependency graph: its edges for each kind of tie, its structure report, its
export files and its picture."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib.pyplot as plt
import networkx as nx
import pytest

from solver.check import check_assignment
from solver.instance import Instance
from solver.plot import NOT_PLANNED, dependency_graph, draw_graph, export_graph, graph_structure
from tests.conftest import item, scenario
from tests.plot import assert_matches_baseline, baseline_style, plan_of, seed, send_back_plan

TIES = [
    {"rule": "precedence", "before": "A", "after": "B"},
    {"rule": "same-release", "items": ["C", "D"]},
    {"rule": "never-together", "items": ["A", "C", "G"]},
    {"rule": "aligned-uplift", "spec": "GBCS", "anchor": "C"},
]
SPECS = {
    "A": ["DUIS"],
    "B": ["DUIS"],
    "C": ["GBCS"],
    "D": ["GBCS"],
    "E": ["GBCS", "DUIS"],
    "F": ["GBCS"],
    "G": [],
}
PLAN = {
    "A": "2021-06",
    "B": "2021-11",
    "C": "2021-11",
    "D": "2021-11",
    "E": "2021-11",
    "F": "2022-06",
    "G": None,
}


@pytest.fixture(scope="module")
def ties() -> Instance:
    """Every kind of tie once, with titles that need quoting in DOT."""
    items = [item(uid, specs=specs, title=f'Item "{uid}" \\ test') for uid, specs in SPECS.items()]
    inst = Instance(scenario(items, TIES))
    assert not [v for v in check_assignment(inst, PLAN) if v.hard], "the test plan is valid"
    return inst


def edges(graph: nx.MultiDiGraph[str], kind: str) -> set[tuple[str, str]]:
    return {(a, b) for a, b, k in graph.edges(data="kind") if k == kind}


def test_each_rule_gives_edges_of_its_kind(ties: Instance) -> None:
    graph = dependency_graph(ties, plan_of(ties, PLAN))
    assert edges(graph, "precedence") == {("A", "B")}
    assert edges(graph, "same-release") == {("C", "D")}
    assert edges(graph, "never-together") == {("A", "C"), ("A", "G"), ("C", "G")}
    assert edges(graph, "aligned-uplift") == {("C", "D"), ("C", "E"), ("C", "F")}
    binding = {
        (a, b): d["binding"] for a, b, d in graph.edges(data=True) if d["kind"] == "aligned-uplift"
    }
    assert binding == {("C", "D"): True, ("C", "E"): True, ("C", "F"): False}


def test_shared_specs_chain_items_of_one_release_in_id_order(ties: Instance) -> None:
    graph = dependency_graph(ties, plan_of(ties, PLAN))
    shared = {(a, b, d["spec"]) for a, b, d in graph.edges(data=True) if d["kind"] == "shared-spec"}
    # 2021-11 changes GBCS in C, D, E (a chain, not all three pairs) and DUIS in B, E;
    # A (2021-06) and F (2022-06) share a spec with nobody in their release.
    assert shared == {("C", "D", "GBCS"), ("D", "E", "GBCS"), ("B", "E", "DUIS")}


def test_nodes_carry_release_status_title_and_specifications(ties: Instance) -> None:
    graph = dependency_graph(ties, plan_of(ties, PLAN))
    assert set(graph) == set(SPECS)
    assert graph.nodes["A"] == {
        "release": "2021-06",
        "status": "change-board-vote",
        "title": 'Item "A" \\ test',
        "specs": "DUIS",
    }
    assert graph.nodes["G"]["release"] == NOT_PLANNED


def test_structure_reports_no_cycles_and_who_moves_together(ties: Instance) -> None:
    report = graph_structure(dependency_graph(ties, plan_of(ties, PLAN)))
    assert report["precedence_cycles"] == []
    assert report["linked"] == [["A", "B"], ["C", "D"]]
    assert report["edges"] == {
        "precedence": 1,
        "same-release": 1,
        "never-together": 3,
        "aligned-uplift": 3,
        "shared-spec": 3,
    }


def test_structure_finds_a_precedence_cycle() -> None:
    """Scenario validation refuses such cycles; the report must still name one it is given."""
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for a, b in [("Z", "X"), ("X", "Y"), ("Y", "Z"), ("Y", "W")]:
        graph.add_edge(a, b, kind="precedence")
    graph.add_edge("W", "V", kind="same-release")
    report = graph_structure(graph)
    assert report["precedence_cycles"] == [["X", "Y", "Z"]]
    assert report["linked"] == [["V", "W", "X", "Y", "Z"]]


def test_seed_graph_ties_the_2021_uplifts_to_secmp0007() -> None:
    inst = seed("secmp0067-send-back")
    graph = dependency_graph(inst, plan_of(inst, send_back_plan(inst)))
    aligned = {(a, b): d for a, b, d in graph.edges(data=True) if d["kind"] == "aligned-uplift"}
    # SECMP0067 changes DUIS in June 2021, the anchor's year: the soft DUIS alignment binds.
    link = aligned["SECMP0007", "SECMP0067"]
    assert link["binding"] and not link["hard"] and link["spec"] == "DUIS"
    assert graph_structure(graph)["precedence_cycles"] == []
    # ... and the plan breaks it (a second DUIS version in 2021), which the picture says
    assert link["broken"] and not aligned["SECMP0007", "MP078"]["broken"]
    ax = draw_graph(inst, plan_of(inst, send_back_plan(inst)))
    labels = [t for t in ax.texts if t.get_text() == "DUIS (soft, broken)"]
    assert len(labels) == 1 and labels[0].get_color() == "#d62728"
    plt.close(ax.figure)


def test_a_release_s_graph_holds_its_items_and_those_tied_to_them() -> None:
    """An acceptance test: a ten-year horizon of 981 items drew one page 19,969 pixels tall.
    `releases` draws those releases' items and the items a rule ties to them: June 2021's
    SECMP0067 with SECMP0007, the anchor of its DUIS alignment, and no other item."""
    inst = seed("secmp0067-send-back")
    plan = plan_of(inst, send_back_plan(inst))
    ax = draw_graph(inst, plan, releases=["2021-06"])
    boxes = {t.get_text() for t in ax.texts} & {u.id for u in inst.units}
    assert boxes == {"SECMP0067", "SECMP0007"}
    assert "2021-06 and the items tied to them" in ax.get_title(loc="left")
    plt.close(ax.figure)
    with pytest.raises(ValueError, match=r"no release '2099-06' in the plan; choose from 2020-11"):
        draw_graph(inst, plan, releases=["2099-06"])


def test_graphml_export_reads_back(ties: Instance, tmp_path: Path) -> None:
    graph = dependency_graph(ties, plan_of(ties, PLAN))
    export_graph(graph, tmp_path / "g.graphml")
    back = nx.read_graphml(tmp_path / "g.graphml", force_multigraph=True)
    assert isinstance(back, nx.MultiDiGraph)
    assert dict(back.nodes(data=True)) == dict(graph.nodes(data=True))
    assert sorted(back.edges(data="kind")) == sorted(graph.edges(data="kind"))
    assert back.graph["name"] == "test"


def test_dot_export_lists_every_node_and_edge_quoted(ties: Instance, tmp_path: Path) -> None:
    graph = dependency_graph(ties, plan_of(ties, PLAN))
    export_graph(graph, tmp_path / "g.dot")
    text = (tmp_path / "g.dot").read_text(encoding="utf-8")
    assert text.startswith('digraph "test" {') and text.rstrip().endswith("}")
    assert 'title="Item \\"A\\" \\\\ test"' in text
    found = re.findall(r'^  "(\w+)" -> "(\w+)" \[.*kind="([\w-]+)"', text, re.MULTILINE)
    assert sorted(found) == sorted(graph.edges(data="kind"))
    assert len(re.findall(r'^  "\w+" \[', text, re.MULTILINE)) == graph.number_of_nodes()


def test_export_refuses_other_extensions(ties: Instance, tmp_path: Path) -> None:
    graph = dependency_graph(ties, plan_of(ties, PLAN))
    with pytest.raises(ValueError, match=r"use \.graphml or \.dot"):
        export_graph(graph, tmp_path / "g.gexf")


def test_columns_follow_release_order_with_not_planned_last(ties: Instance) -> None:
    ax = draw_graph(ties, plan_of(ties, PLAN))
    heads = [t for t in ax.texts if (t.get_gid() or "").startswith("head-")]
    columns = [t.get_text().split("\n")[0] for t in heads]
    assert columns == ["2021-06", "2021-11", "2022-06", NOT_PLANNED]
    assert [t.get_position()[0] for t in heads] == [0, 1, 2, 3]  # four: one band
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    for kind in ("precedence", "same release", "never together", "aligned uplift"):
        assert any(label.startswith(kind) for label in legend), kind
    assert "GBCS changed in that release" in legend
    plt.close(ax.figure)


def test_the_picture_leaves_out_alignments_the_plan_does_not_bind(ties: Instance) -> None:
    """F changes GBCS in 2022, C (the anchor) is in 2021: the graph keeps the edge, marked
    not binding, and the picture draws every other tie but that one."""
    from matplotlib.patches import FancyArrowPatch

    graph = dependency_graph(ties, plan_of(ties, PLAN))
    ties_ = {(d["kind"], a, b) for a, b, d in graph.edges(data=True) if d["kind"] != "shared-spec"}
    not_binding = {(d["kind"], a, b) for a, b, d in graph.edges(data=True)
                   if not d.get("binding", True)}
    assert not_binding == {("aligned-uplift", "C", "F")}  # kept in the graph, marked
    ax = draw_graph(ties, plan_of(ties, PLAN))
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    assert len(arrows) == len(ties_) - 1  # one arrow per tie but that one
    assert not any("not binding" in t.get_text() for t in ax.get_legend().get_texts())
    plt.close(ax.figure)


def test_graph_of_every_tie_matches_baseline(ties: Instance, tmp_path: Path) -> None:
    with baseline_style():
        ax = draw_graph(ties, plan_of(ties, PLAN))
        assert_matches_baseline(ax.figure, "graph-ties", tmp_path)


def test_send_back_graph_matches_baseline(tmp_path: Path) -> None:
    inst = seed("secmp0067-send-back")
    with baseline_style():
        ax = draw_graph(inst, plan_of(inst, send_back_plan(inst)))
        assert_matches_baseline(ax.figure, "graph-secmp0067-send-back", tmp_path)


def test_a_long_horizon_wraps_into_bands_of_at_most_five_releases() -> None:
    """A BSC round's review: eight releases made one row of columns, about 5:1, too wide
    for an A4 page. Nine columns (eight releases and 'not planned') are two bands, five and
    four, each with its headers above its own columns."""
    from benchmarks.generate import generate
    from solver.model import Scenario

    generated = generate(40, 4, 3)
    inst = Instance(Scenario.model_validate(generated.scenario))
    ax = draw_graph(inst, plan_of(inst, generated.witness))
    heads = {t.get_text().split("\n")[0]: t.get_position()
             for t in ax.texts if (t.get_gid() or "").startswith("head-")}
    assert list(heads) == [*inst.release_ids, NOT_PLANNED]
    rows = sorted({y for _, y in heads.values()}, reverse=True)
    assert len(rows) == 2
    assert [x for x, y in heads.values() if y == rows[0]] == [0, 1, 2, 3, 4]
    assert [x for x, y in heads.values() if y == rows[1]] == [0, 1, 2, 3]
    width, height = ax.figure.get_size_inches()
    assert width / height < 2.5
    plt.close(ax.figure)


def test_an_edge_bows_around_boxes_in_its_way_or_crosses_the_fewest() -> None:
    """An acceptance test: MP250 -> MP256 ran straight through MP253's box two columns on
    and read as a chain through it, as no bow of up to five rows missed every box."""
    from solver.plot.graph import _boxes_crossed, _route

    boxes = [(1.0, 0.0), (1.0, -1.0), (2.0, 0.0), (2.0, -1.0), (2.0, -2.0), (2.0, -3.0),
             (3.0, 0.0)]
    start, end = (0.25, -2.0), (3.75, 0.0)
    straight = [start, (2.0, -1.0), end]
    assert _boxes_crossed(straight, boxes) == 2
    assert _boxes_crossed(_route(start, end, boxes, 0), boxes) == 0
    wall = [(2.0, -float(k)) for k in range(-30, 31)]  # no way round: the fewest crossed
    assert _boxes_crossed(_route(start, end, wall, 0), wall) == 1


def test_an_edge_to_another_band_leaves_its_box_on_the_right() -> None:
    """A review: leaving on the left, MP250 -> MP256 ran over MP250's own rails and seemed
    to come from another item. Every edge between bands starts on its box's right side,
    and misses the boxes in its way."""
    from benchmarks.generate import generate
    from solver.model import Scenario
    from solver.plot.graph import (
        _BOX_HEIGHT,
        _BOX_WIDTH,
        _boxes_crossed,
        _columns,
        _curves,
        _layout,
        dependency_graph,
    )

    generated = generate(40, 4, 3)
    inst = Instance(Scenario.model_validate(generated.scenario))
    graph = dependency_graph(inst, plan_of(inst, generated.witness))
    layout = _layout(_columns(inst, graph), graph)
    at = {xy: node for node, xy in layout.pos.items()}

    def box_at(x: float, y: float) -> str | None:  # an end on a box's edge (a side, or the
        return next((node for node, (bx, by) in layout.pos.items()  # top or bottom by its
                     if abs(x - bx) <= _BOX_WIDTH / 2 + 1e-9  # rails)
                     and abs(y - by) <= _BOX_HEIGHT / 2 + 1e-9), None)

    crossing = 0
    for curve in _curves(graph, layout.pos, layout.band):
        (x0, y0), (x1, y1) = curve.points[0], curve.points[-1]
        source, target = box_at(x0, y0), box_at(x1, y1)
        assert source and target
        if layout.band[source] != layout.band[target]:
            crossing += 1
            assert at.get((x0 - _BOX_WIDTH / 2, y0)) == source  # its right side
            others = [p for n, p in layout.pos.items() if n not in (source, target)]
            assert _boxes_crossed(curve.points, others) == 0
    assert crossing >= 2
