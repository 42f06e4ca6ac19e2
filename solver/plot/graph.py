"""Dependency graph of a plan: which items are tied to which, and why.

Rules tie items together (precedence, same release, never together, an uplift aligned
with an anchor item), and so does sharing a specification inside one release (one new
version carries them all). Seeing those ties next to the allocation tells a Panel what
else moves if one item moves. The graph is a networkx `MultiDiGraph` so the same data
can be drawn here, exported for Graphviz or yEd, and analysed (`graph_structure`).
"""

from __future__ import annotations

import io
import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

import matplotlib.pyplot as plt
import networkx as nx
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch
from matplotlib.path import Path as MplPath
from matplotlib.typing import LineStyleType

from solver.instance import Instance
from solver.model import PENDING_STATUSES, STATUS_WORDS, Plan, plan_words
from solver.paging import NOT_PLANNED
from solver.plot.gantt import chosen_releases, day_text, legend_below
from solver.rules import AlignedUplift, NeverTogether, Precedence, RuleBase, SameRelease

EDGE_KINDS = ("precedence", "same-release", "never-together", "aligned-uplift", "shared-spec")
"""Every edge's `kind`, in the order the legend lists them."""

_DIRECTED = frozenset({"precedence", "aligned-uplift"})
"""Kinds whose direction means something; the others are symmetric ties."""


class EdgeStyle(TypedDict):
    color: str
    linestyle: LineStyleType
    linewidth: float
    arrowstyle: str
    label: str
    dot_style: str


BROKEN_COLOUR = "#d62728"
"""The label of a tie whose soft rule the plan breaks."""
EDGE_STYLES: dict[str, EdgeStyle] = {
    "precedence": EdgeStyle(
        color="#000000",
        linestyle="-",
        linewidth=1.5,
        arrowstyle="-|>",
        label="precedence (before → after)",
        dot_style="solid",
    ),
    "same-release": EdgeStyle(
        color="#1f77b4",
        linestyle="--",
        linewidth=1.5,
        arrowstyle="-",
        label="same release",
        dot_style="dashed",
    ),
    "never-together": EdgeStyle(
        color="#d62728",
        linestyle=":",
        linewidth=1.8,
        arrowstyle="-",
        label="never together",
        dot_style="dotted",
    ),
    "aligned-uplift": EdgeStyle(
        color="#d95f02",
        linestyle="-.",
        linewidth=1.2,
        arrowstyle="-|>",
        label="aligned uplift (anchor → item)",
        dot_style="dashed",
    ),
    "shared-spec": EdgeStyle(
        color="#8c8c8c",
        linestyle="-",
        linewidth=0.9,
        arrowstyle="-",
        label="same spec, same release",
        dot_style="solid",
    ),
}

STATUS_COLOURS: dict[str, str] = {
    "approved": "#98df8a",
    "change-board-vote": "#aec7e8",
    "with-authority": "#c5b0d5",
    "report-due": "#ffbb78",
    "draft-proposal": "#9edae5",
    "sent-back": "#ff9896",
    "refinement": "#dbdb8d",
}
"""Light fills so black ids stay readable; approved green, each pending kind its own."""
OTHER_STATUS_COLOUR = "#d9d9d9"


class GraphStructure(TypedDict):
    """What `graph_structure` reports."""

    precedence_cycles: list[list[str]]
    linked: list[list[str]]
    edges: dict[str, int]


# --- the graph ----------------------------------------------------------------------------


def dependency_graph(inst: Instance, plan: Plan) -> nx.MultiDiGraph[str]:
    """Units as nodes (release, status, title) and one edge per tie, with its `kind`.

    Same-release rules and shared specifications are chained in order rather than
    joined pairwise: the components are the same and the picture stays sparse. A
    never-together rule forbids every pair, so every pair gets an edge.
    """
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(name=inst.scenario.name)
    for unit in inst.units:
        graph.add_node(
            unit.id,
            release=plan.assignments.get(unit.id) or NOT_PLANNED,
            status=unit.status,
            title=unit.title,
            specs=",".join(unit.specs),
        )
    judged = {u.id: plan.assignments.get(u.id) for u in inst.units}
    for rule in inst.rules:
        ties = _rule_ties(inst, plan, rule)
        # a soft rule the plan breaks (it pays the penalty): each of its ties says so
        broken = bool(ties) and not rule.hard and bool(rule.check(inst, judged))
        for a, b, kind, extra in ties:
            graph.add_edge(a, b, key=rule.name, kind=kind, rule=rule.name, hard=rule.hard,
                           **{"broken": broken, **extra})
    _add_shared_specs(inst, plan, graph)
    return graph


def _rule_ties(
    inst: Instance, plan: Plan, rule: RuleBase
) -> list[tuple[str, str, str, dict[str, str | bool]]]:
    """(from, to, kind, extra attributes) for each edge a rule makes; rules that tie no two
    items (caps, windows, fixed releases...) make none.

    An aligned-uplift edge is `binding` when the plan puts the item in the rule's year (by
    default the anchor's calendar year): only then does the rule constrain it; a soft one
    is `broken` when the item is then in another release than the anchor.
    """
    if isinstance(rule, Precedence):
        return [(rule.before, rule.after, "precedence", {})]
    if isinstance(rule, SameRelease):
        return [(a, b, "same-release", {}) for a, b in itertools.pairwise(rule.items)]
    if isinstance(rule, NeverTogether):
        return [(a, b, "never-together", {}) for a, b in itertools.combinations(rule.items, 2)]
    if isinstance(rule, AlignedUplift):
        year = rule.year if rule.year is not None else _year(inst, plan, rule.anchor)
        out: list[tuple[str, str, str, dict[str, str | bool]]] = []
        for u in inst.units:
            if rule.spec in u.specs and u.id != rule.anchor:
                binding = year is not None and _year(inst, plan, u.id) == year
                apart = plan.assignments.get(u.id) != plan.assignments.get(rule.anchor)
                out.append((rule.anchor, u.id, "aligned-uplift", {
                    "spec": rule.spec, "binding": binding,
                    "broken": binding and apart and not rule.hard}))
        return out
    return []


def _year(inst: Instance, plan: Plan, uid: str) -> int | None:
    rid = plan.assignments.get(uid)
    return None if rid is None else inst.release(rid).year


def _add_shared_specs(inst: Instance, plan: Plan, graph: nx.MultiDiGraph[str]) -> None:
    """Chain, in id order, the units of one release that change the same specification."""
    sharing: dict[tuple[str, str], list[str]] = defaultdict(list)
    for unit in inst.units:  # sorted by id
        rid = plan.assignments.get(unit.id)
        if rid is not None:
            for spec in unit.specs:
                sharing[rid, spec].append(unit.id)
    for (_, spec), ids in sorted(sharing.items()):
        for a, b in itertools.pairwise(ids):
            graph.add_edge(a, b, key=f"shared-spec({spec})", kind="shared-spec", spec=spec)


def graph_structure(graph: nx.MultiDiGraph[str]) -> GraphStructure:
    """Precedence cycles (none in a valid scenario: no plan can satisfy one), the groups of
    items linked by same-release or precedence edges (moving one may move the others: a
    precedence keeps them apart, in order, not together), and how many edges of each kind
    there are."""
    precedence: nx.DiGraph[str] = nx.DiGraph()
    together: nx.Graph[str] = nx.Graph()
    kinds = _edge_kinds(graph)
    for a, b, kind in kinds:
        if kind == "precedence":
            precedence.add_edge(a, b)
        if kind in ("precedence", "same-release"):
            together.add_edge(a, b)
    cycles = sorted(_rotated(cycle) for cycle in nx.simple_cycles(precedence))
    groups = sorted(sorted(c) for c in nx.connected_components(together) if len(c) > 1)
    counts = Counter(kind for _, _, kind in kinds)
    return GraphStructure(
        precedence_cycles=cycles,
        linked=groups,
        edges={kind: counts[kind] for kind in EDGE_KINDS},
    )


def releases_only(graph: nx.MultiDiGraph[str], plan: Plan,
                  releases: Sequence[str]) -> nx.MultiDiGraph[str]:
    """The items of `releases` ('not planned' too) and the items a binding rule ties to
    them, with the edges among them: what `graph --release` draws, and exports (an
    acceptance test: the DOT and GraphML files held the whole graph). A ValueError names a
    release the plan does not have."""
    shown = set(chosen_releases(plan, releases))
    chosen = {n for n, rid in _node_attr(graph, "release").items() if rid in shown}
    tied = {n for a, b, data in graph.edges(data=True)
            if data["kind"] != "shared-spec" and data.get("binding", True)
            for n in (a, b) if {a, b} & chosen}
    return graph.subgraph(chosen | tied).copy()


def _edge_kinds(graph: nx.MultiDiGraph[str]) -> list[tuple[str, str, str]]:
    return [(a, b, str(data["kind"])) for a, b, data in graph.edges(data=True)]


def _node_attr(graph: nx.MultiDiGraph[str], name: str) -> dict[str, str]:
    """Node -> one attribute, as text."""
    return {node: str(data[name]) for node, data in graph.nodes(data=True)}


def _rotated(cycle: list[str]) -> list[str]:
    """A cycle starting at its smallest id, so the same cycle always reads the same."""
    start = cycle.index(min(cycle))
    return cycle[start:] + cycle[:start]


# --- export -------------------------------------------------------------------------------


def export_graph(graph: nx.MultiDiGraph[str], path: str | Path) -> None:
    """Write GraphML (`.graphml`, for yEd, Gephi or networkx) or DOT (`.dot`, for Graphviz)
    by the file extension; any other extension is an error.

    DOT is written here as plain text so exporting needs neither pydot nor pygraphviz; its
    edges carry Graphviz `style` and `color` matching `draw_graph`.
    """
    from solver.files import write_atomic

    path = Path(path)
    match path.suffix.lower():
        case ".graphml":
            buffer = io.BytesIO()
            nx.write_graphml(graph, buffer)
            text = buffer.getvalue().decode("utf-8")
        case ".dot":
            text = to_dot(graph)
        case _:
            raise ValueError(f"cannot export a graph as {path.name!r}: use .graphml or .dot")
    write_atomic(path, text)  # as every other file: its folder made, never half written


_DOT_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
"""An attribute name DOT reads without quotes."""


def _dot_id(value: object) -> str:
    if isinstance(value, bool):
        value = "true" if value else "false"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'


def _dot_attrs(attrs: dict[str, object]) -> str:
    if not attrs:
        return ""
    body = ", ".join(
        f"{k if _DOT_NAME.fullmatch(k) else _dot_id(k)}={_dot_id(v)}" for k, v in attrs.items()
    )
    return f" [{body}]"


def to_dot(graph: nx.MultiDiGraph[str]) -> str:
    """The graph in the Graphviz DOT language, one node or edge a line."""
    lines = [
        f"digraph {_dot_id(graph.graph.get('name', 'dependencies'))} {{",
        "  rankdir=LR;",
        "  node [shape=box, style=rounded];",
    ]
    for node, data in graph.nodes(data=True):
        lines.append(f"  {_dot_id(node)}{_dot_attrs(dict(data))};")
    for a, b, key, data in graph.edges(keys=True, data=True):
        attrs: dict[str, object] = {"key": key, **data}
        style = EDGE_STYLES.get(str(data.get("kind")))
        if style is not None:
            attrs |= {"style": style["dot_style"], "color": style["color"]}
            if style["arrowstyle"] == "-":
                attrs["dir"] = "none"
        lines.append(f"  {_dot_id(a)} -> {_dot_id(b)}{_dot_attrs(attrs)};")
    lines.append("}")
    return "\n".join(lines) + "\n"


# --- drawing ------------------------------------------------------------------------------

_COLUMN_INCHES = 2.3
_ROW_INCHES = 0.34
_BOX_WIDTH = 0.5
"""Node box width in column units (a column is 1 wide): fits 'SECMP0062.2' at 8 pt."""
_BOX_HEIGHT = 0.62
"""Node box height in row units."""
Point = tuple[float, float]
"""(x, y) in data units: x counts columns, y counts rows downwards from 0."""
_MIN_COLUMNS = 3
"""Width kept for at least this many columns, so the legend fits below."""
_RAIL_LABEL_CHAR_INCHES = 0.055
"""About the height of one character of a rail's name, standing at 6 pt."""
_RAIL_STEP = 0.045
"""Distance between a column's spec rails, in column units: room for each rail's name."""
_SPEC_COLOURS = ("#6a3d9a", "#1b9e77", "#e7298a", "#808000", "#253494", "#666666", "#017f8c")


def _columns(inst: Instance, graph: nx.MultiDiGraph[str]) -> list[str]:
    """Releases from the first to the last one holding a unit (empty ones between are kept
    so gaps read as gaps), then 'not planned' if anything is."""
    used = set(_node_attr(graph, "release").values())
    indices = [inst.index(r) for r in used if r != NOT_PLANNED]
    columns = inst.release_ids[min(indices) : max(indices) + 1] if indices else []
    return [*columns, NOT_PLANNED] if NOT_PLANNED in used else list(columns)


_BAND_COLUMNS = 5
"""Most columns side by side; more releases wrap into bands, one below the other (a long
horizon was one row of columns, about 5:1 at eight releases: too wide for an A4 page)."""
_HEAD_ROWS = 1.4
"""Room for a band's release names and go-lives above its rails' names, in rows."""
_BAND_GAP_ROWS = 0.9
"""Room between a band's last row and the next band's headers, in rows."""


@dataclass(frozen=True)
class _Layout:
    """Where things go: `pos` of every item and `heads` of every column, the x and y of its
    first row (x counts columns within a band, y rows downwards from 0); `above` how far
    the rail names of each column's band reach above that row; `width` the widest band's
    columns."""

    pos: dict[str, Point]
    heads: dict[str, Point]
    above: dict[str, float]
    width: int
    band: dict[str, int]
    """Item -> the band of its column, counted from the top."""


def _layout(columns: list[str], graph: nx.MultiDiGraph[str]) -> _Layout:
    """Columns in bands of at most `_BAND_COLUMNS`, as even as may be (nine releases: five
    and four); in a column the items in id order. Each band below the first leaves room
    for its headers and the names of its rails."""
    releases = _node_attr(graph, "release")
    ids = {c: sorted(n for n, r in releases.items() if r == c) for c in columns}
    rails = _rails(graph)
    above = {c: max([0.6] + [_rail_label_rows(spec) for release, spec in rails
                             if release == c]) for c in columns}
    bands = max(1, -(-len(columns) // _BAND_COLUMNS))
    width = max(1, -(-len(columns) // bands))
    pos: dict[str, Point] = {}
    heads: dict[str, Point] = {}
    band_of: dict[str, int] = {}
    y = 0.0
    for start in range(0, len(columns), width):
        band = columns[start:start + width]
        reach = max(above[c] for c in band)
        above |= dict.fromkeys(band, reach)  # one line of headers a band
        if start:  # below the band above, with room for this band's headers and rail names
            y -= _BAND_GAP_ROWS + _HEAD_ROWS + reach
        for x, column in enumerate(band):
            heads[column] = (float(x), y)
            pos |= {uid: (float(x), y - k) for k, uid in enumerate(ids[column])}
            band_of |= dict.fromkeys(ids[column], start // width)
        y -= max(len(ids[c]) for c in band) - 1
    return _Layout(pos, heads, above, width, band_of)


def spec_colours(inst: Instance) -> dict[str, str]:
    """Specification -> colour, by its place in the scenario's list (then by name)."""
    specs = list(
        dict.fromkeys(
            [*inst.scenario.specifications, *sorted({s for u in inst.units for s in u.specs})]
        )
    )
    return {spec: _SPEC_COLOURS[k % len(_SPEC_COLOURS)] for k, spec in enumerate(specs)}


def draw_graph(inst: Instance, plan: Plan, ax: Axes | None = None,
               releases: Sequence[str] | None = None) -> Axes:
    """Draw the dependency graph and return its Axes.

    One column per release (release order, 'not planned' last) with the items in id
    order, each a box coloured by status. Rule edges have one style per kind; items of
    one release that change the same specification hang off one coloured rail to the
    left of their column, which says "one new version carries all of these" with far
    less ink than arcs between every pair. Aligned-uplift edges to items in another
    calendar year than the anchor are left out: the rule does not bind them in this plan,
    and on the seed round their long lines across the page were most of its clutter
    (`dependency_graph`, and so GraphML and DOT, keep them, marked `binding` false).

    With `releases`, only their items and the items a rule ties to them (an acceptance
    test: 981 items of a ten-year horizon made a page 19,969 pixels tall).
    """
    graph = dependency_graph(inst, plan)
    graph.remove_edges_from([(a, b, key) for a, b, key, binding
                             in graph.edges(keys=True, data="binding", default=True)
                             if not binding])
    if releases is not None:
        graph = releases_only(graph, plan, releases)
    layout = _layout(_columns(inst, graph), graph)
    pos = layout.pos
    curves = _curves(graph, pos, layout.band)
    bottom = max([0.0] + [-y for _, y in pos.values()]
                 + [-_on_curve(c.points, 0.5)[1] for c in curves]) + 0.6  # a curve bowing down
    heads_at = max([0.0] + [_on_curve(c.points, 0.5)[1] + 0.2 for c in curves]  # band 1's
                   + [layout.above[c] for c, (_, y) in layout.heads.items() if y == 0])
    top = heads_at + _HEAD_ROWS
    if ax is None:
        size = (
            2.0 + _COLUMN_INCHES * max(layout.width, _MIN_COLUMNS),
            1.6 + _ROW_INCHES * max(bottom + top, 2.0),
        )
        _, ax = plt.subplots(figsize=size, layout="constrained")
    colours = spec_colours(inst)
    _draw_rails(ax, graph, layout, colours)
    _draw_curves(ax, curves)
    for node, status in _node_attr(graph, "status").items():
        _draw_node(ax, node, pos[node], STATUS_COLOURS.get(status, OTHER_STATUS_COLOUR))
    _column_heads(ax, inst, layout, heads_at)
    ax.set_ylim(-bottom, top)
    part = f"; {', '.join(releases)} and the items tied to them" if releases else ""
    ax.set_title(
        f"{inst.scenario.name}: ties between items, by release "
        f"({plan_words(plan.status, plan.gap)}{part})",
        fontsize=12,
        loc="left",
    )
    if graph.number_of_nodes() == 0:
        ax.text(0.5, 0.5, "no items to show", transform=ax.transAxes, ha="center")
    handles = _legend_handles(graph, colours)
    legend_below(ax, handles, min(3, max(1, len(handles))), 0.05)
    return ax


def _rail_label_rows(spec: str) -> float:
    """How far above the first row's centre a rail's name reaches, in rows: the name
    stands up from that box's top edge (an acceptance test: "SVA Data Catalogue" ran into
    the title)."""
    return _BOX_HEIGHT / 2 + (len(spec) * _RAIL_LABEL_CHAR_INCHES + 0.05) / _ROW_INCHES


def _draw_node(ax: Axes, uid: str, xy: Point, colour: str) -> None:
    x, y = xy
    ax.add_patch(
        FancyBboxPatch(
            (x - _BOX_WIDTH / 2, y - _BOX_HEIGHT / 2),
            _BOX_WIDTH,
            _BOX_HEIGHT,
            boxstyle="round,pad=0,rounding_size=0.04",
            mutation_aspect=_COLUMN_INCHES / _ROW_INCHES,
            facecolor=colour,
            edgecolor="#404040",
            linewidth=0.8,
            zorder=3,
        )
    )
    ax.text(x, y, uid, ha="center", va="center", fontsize=8, zorder=4)


def _rails(graph: nx.MultiDiGraph[str]) -> dict[tuple[str, str], set[str]]:
    """(release, spec) -> the planned items changing the specification there: one alone
    is an uplift too."""
    out: dict[tuple[str, str], set[str]] = defaultdict(set)
    for uid, data in graph.nodes(data=True):
        if data["release"] != NOT_PLANNED:
            for spec in filter(None, str(data.get("specs", "")).split(",")):
                out[str(data["release"]), spec].add(uid)
    return out


def _draw_rails(
    ax: Axes,
    graph: nx.MultiDiGraph[str],
    layout: _Layout,
    colours: dict[str, str],
) -> None:
    """A vertical rail per (release, spec) left of the column, a dot at each member, and
    the specification's name above its top (a Panel read took a one-item rail for a loose
    end: named, it says "this release's DUIS version carries only this item")."""
    rank: Counter[str] = Counter()
    order = {spec: k for k, spec in enumerate(colours)}
    rails = _rails(graph)
    pos = layout.pos
    for release, spec in sorted(rails, key=lambda rs: (rs[0], order.get(rs[1], len(order)))):
        members = rails[release, spec]
        rank[release] += 1
        ys = sorted(pos[m][1] for m in members)
        first = layout.heads[release][1]  # the column's first row
        x_box = pos[next(iter(members))][0] - _BOX_WIDTH / 2
        x = x_box - _RAIL_STEP * rank[release]
        colour = colours.get(spec, "#666666")
        ax.plot(
            [x, x], [ys[0], ys[-1]], color=colour, linewidth=1.6, zorder=1, solid_capstyle="round"
        )
        for y in ys:
            ax.plot([x, x_box], [y, y], color=colour, linewidth=0.8, zorder=1)
            ax.plot([x], [y], marker="o", markersize=3.5, color=colour, zorder=2)
        # the name stands above the column's first box, a dotted line up to it from a rail
        # starting lower (an acceptance test: standing on its own top, a lower rail's name
        # ran over the box above it)
        if ys[-1] < first:
            ax.plot([x, x], [ys[-1], first + _BOX_HEIGHT / 2], color=colour, linewidth=0.6,
                    linestyle=":", zorder=1)
        ax.text(x, first + _BOX_HEIGHT / 2, spec, rotation=90, ha="center", va="bottom",
                fontsize=6, color=colour, zorder=5,  # over an edge crossing it (an acceptance
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85,  # test)
                      "pad": 0.3})


def _corner(centre: Point, above: bool) -> Point:
    """Where an edge meets a box with rails: on its top (or bottom) edge, a fifth of the
    way in from its left side."""
    x, y = centre
    return x - 0.3 * _BOX_WIDTH, y + (_BOX_HEIGHT / 2 if above else -_BOX_HEIGHT / 2)


def _has_rails(graph: nx.MultiDiGraph[str], uid: str) -> bool:
    """Whether the item's box has specification rails on its left (`_draw_rails`)."""
    data = graph.nodes[uid]
    return data["release"] != NOT_PLANNED and bool(str(data.get("specs", "")))


def _edge_groups(graph: nx.MultiDiGraph[str]) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
    """(kind, from, to) -> the data of its rule edges, so parallel edges of one kind, e.g.
    the GBCS and DUIS alignments of one item, draw as one labelled line."""
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for a, b, data in graph.edges(data=True):
        if data["kind"] != "shared-spec":
            groups[str(data["kind"]), a, b].append(data)
    return groups


def _edge_label(edges: list[dict[str, Any]]) -> str:
    """'GBCS, DUIS (soft)': the specifications an alignment is about, soft ones marked, and
    'broken' where the plan breaks a soft rule (paying its penalty)."""

    def soft(e: dict[str, Any]) -> str:
        return "" if e.get("hard", True) else " (soft, broken)" if e.get("broken") else " (soft)"

    specs = {str(e["spec"]) + soft(e) for e in edges if "spec" in e}
    if not specs and any(e.get("broken") for e in edges):
        return "broken (soft)"
    return ", ".join(sorted(specs))


def _on_curve(points: list[Point], t: float) -> Point:
    """The point at `t` (0 to 1) on the quadratic Bezier curve through `points`."""
    (x0, y0), (x1, y1), (x2, y2) = points
    u = 1 - t
    return u * u * x0 + 2 * t * u * x1 + t * t * x2, u * u * y0 + 2 * t * u * y1 + t * t * y2


def _boxes_crossed(points: list[Point], boxes: list[Point]) -> int:
    """How many of the boxes centred at `boxes` the curve runs through."""
    samples = [_on_curve(points, k / 48) for k in range(1, 48)]
    return sum(any(abs(x - bx) < _BOX_WIDTH / 2 + 0.02 and abs(y - by) < _BOX_HEIGHT / 2 + 0.06
                   for x, y in samples) for bx, by in boxes)


def _route(start: Point, end: Point, boxes: list[Point], parallel: int,
           sideways: tuple[float, ...] = (0.0,)) -> list[Point]:
    """A curve from `start` to `end` that bows up or down just enough to miss the boxes of
    the columns it spans, so an edge never seems to pass through an item it does not
    touch; parallel edges between one pair start further out. Where every bow meets a box,
    the one through the fewest (an acceptance test: a precedence drawn straight through an
    unrelated box read as a chain through it)."""
    mid = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
    base = 0.6 * parallel
    candidates = [base + sign * 0.7 * k for k in range(12) for sign in (1, -1)][1:]
    best: tuple[int, list[Point]] | None = None
    for side, lift in ((side, lift) for side in sideways for lift in candidates):
        points = [start, (mid[0] + side, mid[1] + lift), end]
        crossed = _boxes_crossed(points, boxes)
        if crossed == 0:
            return points
        if best is None or crossed < best[0]:
            best = (crossed, points)
    return best[1] if best is not None else [start, (mid[0], mid[1] + base), end]


@dataclass(frozen=True)
class _Curve:
    """One drawn edge: its kind, the rule edges it stands for and its curve."""

    kind: str
    edges: list[dict[str, Any]]
    points: list[Point]
    across: bool


def _curves(graph: nx.MultiDiGraph[str], pos: dict[str, Point],
            band: dict[str, int]) -> list[_Curve]:
    """Where every edge runs, worked out before anything is drawn (so the figure can be
    sized to hold curves that bow above the first row).

    Edges between columns run box side to box side, routed around other boxes; edges
    inside a column bend out to the right, the longer the further they go, so arcs from
    one anchor nest instead of overlapping. An edge to another band leaves its box on the
    right, away from the box's rails (a review: leaving on the left it ran over them and
    seemed to come from another item), and reaches a box to its left on that box's right.
    Points are in data units.
    """
    out: list[_Curve] = []
    seen: Counter[tuple[str, str, str]] = Counter()
    for (kind, a, b), edges in sorted(_edge_groups(graph).items()):
        (xa, ya), (xb, yb) = pos[a], pos[b]
        if xa == xb and band[a] == band[b]:
            pair = (min(a, b), max(a, b), "within")
            edge = xa + _BOX_WIDTH / 2
            bend = min(0.05 + 0.035 * abs(ya - yb), 0.3) + 0.05 * seen[pair]
            points = [(edge, ya), (edge + bend, (ya + yb) / 2), (edge, yb)]
        else:
            direction = 1.0 if xb > xa else -1.0
            pair = (min(a, b), max(a, b), "across")
            start = (xa + (1.0 if band[a] != band[b] else direction) * _BOX_WIDTH / 2, ya)
            end = (xb - direction * _BOX_WIDTH / 2, yb)
            between = [p for n, p in pos.items() if n not in (a, b)]
            # between bands, also bowing sideways: down the alley right of the source's
            # column, then across the gap between the bands
            sideways = (0.0,) if band[a] == band[b] else (
                0.0, *(start[0] + dx - (start[0] + end[0]) / 2 for dx in (0.3, 0.6, 1.0)))
            # a box's left side carries its specification rails, their names above: an edge
            # ending (or starting) there meets the box's top or bottom edge near that side,
            # from where it comes (an acceptance test: the arrowhead landed on the rails'
            # dots, the line through their names)
            if direction == 1.0 and _has_rails(graph, b):
                end = _corner(pos[b], above=ya >= yb)
            if start[0] < xa and _has_rails(graph, a):
                start = _corner(pos[a], above=yb >= ya)
            points = _route(start, end, between, seen[pair], sideways)
        seen[pair] += 1
        out.append(_Curve(kind, edges, points, across=pair[2] == "across"))
    return out


def _draw_curves(ax: Axes, curves: list[_Curve]) -> None:
    """Each curve in its kind's style; edges between columns carry their specifications
    near the target, away from the common end of a fan of edges. Arcs inside a column
    nest, so each fan of one kind from one item is labelled once, on its outermost arc,
    with every specification of the fan (a Panel read: the arcs within a column said
    nothing)."""
    fans: dict[tuple[str, Point], list[_Curve]] = defaultdict(list)
    for curve in curves:
        if not curve.across:
            fans[curve.kind, curve.points[0]].append(curve)
    fan_labels = {id(max(fan, key=lambda c: c.points[1][0])):
                  _edge_label([e for c in fan for e in c.edges]) for fan in fans.values()}
    for curve in curves:
        style = EDGE_STYLES[curve.kind]
        ax.add_patch(
            FancyArrowPatch(
                path=MplPath(curve.points, [MplPath.MOVETO, MplPath.CURVE3, MplPath.CURVE3]),
                arrowstyle=style["arrowstyle"],
                mutation_scale=11,
                color=style["color"],
                linestyle=style["linestyle"],
                linewidth=style["linewidth"],
                zorder=2,
            )
        )
        label = _edge_label(curve.edges) if curve.across else fan_labels.get(id(curve), "")
        if label:
            x, y = _on_curve(curve.points, 0.78 if curve.across else 0.5)
            ax.text(
                x if curve.across else x + 0.01,  # a fan's, beside its outermost arc
                y,
                label,
                fontsize=6.5,
                color=BROKEN_COLOUR if "broken" in label else style["color"],
                ha="center" if curve.across else "left",
                va="center",
                zorder=5,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 0.6},
            )


def _column_heads(ax: Axes, inst: Instance, layout: _Layout, heads_at: float) -> None:
    """Release names and go-lives above each band's columns, the first band's at
    `heads_at`, clear of every curve, the others' above their rails' names; in black: the
    boxes' fills are statuses (a Panel read took a release's Gantt colour on a header for
    the status of the same colour below it); 'not planned' in grey. No axes furniture."""
    for column, (x, y) in layout.heads.items():
        text = column if column == NOT_PLANNED else \
            f"{column}\n{day_text(inst.release(column).go_live)}"
        ax.text(x, heads_at if y == 0 else y + layout.above[column], text, ha="center",
                va="bottom", fontsize=9, fontweight="bold",
                color="#808080" if column == NOT_PLANNED else "#202020", gid=f"head-{column}")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    spare = max(0.0, _MIN_COLUMNS - layout.width) / 2  # keep boxes their size when few
    ax.set_xlim(-0.65 - spare, layout.width - 0.35 + spare)


def _legend_handles(graph: nx.MultiDiGraph[str], colours: dict[str, str]) -> list[Artist]:
    """Statuses, edge kinds and spec rails that the picture shows, nothing else."""
    statuses = set(_node_attr(graph, "status").values())
    handles: list[Artist] = [
        Patch(
            facecolor=STATUS_COLOURS[s],
            edgecolor="#404040",
            label=STATUS_WORDS.get(s, s) + (" (pending)" if s in PENDING_STATUSES else ""),
        )
        for s in STATUS_COLOURS
        if s in statuses
    ]
    others = sorted(statuses - set(STATUS_COLOURS))
    if others:
        handles.append(
            Patch(facecolor=OTHER_STATUS_COLOUR, edgecolor="#404040", label=", ".join(others))
        )
    kinds = {kind for _, _, kind in _edge_kinds(graph)}
    handles += [Line2D([], [], color=EDGE_STYLES[kind]["color"],
                       linestyle=EDGE_STYLES[kind]["linestyle"],
                       linewidth=EDGE_STYLES[kind]["linewidth"] + 0.3,
                       label=EDGE_STYLES[kind]["label"])
                for kind in EDGE_KINDS[:-1] if kind in kinds]
    order = {spec: k for k, spec in enumerate(colours)}
    rails = sorted({spec for _, spec in _rails(graph)}, key=lambda s: order.get(s, len(order)))
    handles += [
        Line2D(
            [],
            [],
            color=colours.get(spec, "#666666"),
            marker="o",
            markersize=3.5,
            linewidth=1.6,
            label=f"{spec} changed in that release",
        )
        for spec in rails
    ]
    return handles
