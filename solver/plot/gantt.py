"""Gantt chart of a plan: when each item's decision lands, its cut-off and its go-live.

This is the picture a Panel paper needs to answer "is there time?": for every item, the
gap between its (expected) decision and its release's go-live is the lead-time window,
and the tick inside it is the last day the decision can arrive and still make it. The
releases' scope-baseline dates and the plan's as-of date are drawn across all rows, so a
reader sees at once which baselines have passed.

Rows come from the plan's assignments alone (not from the scenario), so `gantt_pages`
can count pages without the scenario, and a CLI can page a plan before drawing it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure, SubFigure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import ScaledTranslation, blended_transform_factory
from matplotlib.typing import LineStyleType

from solver.calendar import Release
from solver.files import figure_format
from solver.instance import Instance, Unit
from solver.model import TIGHT_MARGIN_DAYS, Plan, plan_words
from solver.paging import NOT_PLANNED, chosen_groups, page_count, page_of
from solver.rules.baseline import exception_note

NOT_PLANNED_COLOUR = "#8c8c8c"
AS_OF_COLOUR = "#d62728"
_PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
)
"""tab10 without its grey (kept for "not planned") and its red (kept for "as of")."""

_ROW_INCHES = 0.25
_OVERHEAD_INCHES = 1.5
"""Title, release names, date ticks and a two-line legend: what a page needs besides rows."""
_NOTE_INCHES = 0.15
_WIDTH_INCHES = 12.0
_LABEL_CHARS = 58
_AXES_WIDTH_INCHES = 8.0
"""About the plot area's width on a page (the figure less the item labels and margins)."""
_GO_LIVE_LABEL_INCHES = 0.85
"""Room a go-live label ("24 Jun 2021" at 8 pt, bold: 0.76 in) needs, with a margin."""
_ID_LABEL_INCHES = 0.6
"""Room a release id alone ("2021-06") needs."""
_GO_LIVE_ROW_POINTS = 22.0
"""How much higher a second row of go-live labels sits (two lines of 8 pt text)."""


def release_colours(inst: Instance) -> dict[str, str]:
    """Release id -> colour, fixed by the release's place among the calendar's standard
    releases (ad hoc ones after them), so a release keeps its colour on every page and in
    every picture of the same scenario, and of its what-ifs that add or cancel a release
    (an acceptance test: with a February release added, 2021-06 went from orange to
    green)."""
    from solver.calendar import window_ids

    calendar = inst.scenario.calendar
    slots = [*sorted(window_ids(calendar)), *(e.id for e in calendar.extra)]
    colours = horizon_colours(list(dict.fromkeys([*slots, *inst.release_ids])))
    return {**{rid: colours[rid] for rid in inst.release_ids}, NOT_PLANNED: NOT_PLANNED_COLOUR}


def horizon_colours(release_ids: Sequence[str]) -> dict[str, str]:
    """The horizon's release ids, in order -> their colours in every chart: tab10's eight,
    or for a longer horizon 47 colours, so that no two releases of 23 years share one."""
    palette = _PALETTE if len(release_ids) <= len(_PALETTE) else _long_palette()
    return {rid: palette[k % len(palette)] for k, rid in enumerate(release_ids)}


def _long_palette() -> tuple[str, ...]:
    """tab20 without its red and grey pairs (kept for "as of" and "not planned"), tab20b
    without its reds, tab20c without its greys and its palest purple (near the sweep's
    light grey); the darkest shade of every hue first, the palest last, so that neighbouring
    releases differ in hue, not in shade (an acceptance test: a BSC horizon of nine
    releases had 2027-02 blue and 2027-06 pale blue, in tab20's pairs)."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    def colours(name: str, shades: int, skip: set[int]) -> list[tuple[int, str]]:
        listed = colormaps[name].colors  # type: ignore[attr-defined]
        # tab20's pale shade is as pale as tab20b's and tab20c's third
        return [((k % shades) * (2 if shades == 2 else 1), to_hex(c))
                for k, c in enumerate(listed) if k not in skip]

    shaded = [*colours("tab20", 2, {6, 7, 14, 15}), *colours("tab20b", 4, {12, 13, 14, 15}),
              *colours("tab20c", 4, {15, 16, 17, 18, 19})]
    return tuple(c for _, c in sorted(shaded, key=lambda sc: sc[0]))  # stable: hue order kept


def ink(colour: str) -> str:
    """`colour` darkened, its hue kept, until text in it reads on white: a contrast of at
    least 3:1 (WCAG's for large and bold text). Release names and headers are drawn in it;
    the pale palette colours (and tab10's orange, olive and cyan) were hard to read, worse
    in print."""
    from matplotlib.colors import to_hex, to_rgb

    rgb = to_rgb(colour)
    while 1.05 / (_luminance(rgb) + 0.05) < 3.0:
        rgb = (rgb[0] * 0.9, rgb[1] * 0.9, rgb[2] * 0.9)
    return to_hex(rgb)


def _luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG relative luminance of an sRGB colour."""
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def save_figure(fig: Figure | SubFigure, path: str | Path, dpi: float = 150) -> None:
    """Write `fig` (for a subfigure: the whole figure it is part of, so `ax.figure` will
    do) as PNG, SVG or PDF, chosen by the file extension.

    Any other extension is refused rather than guessed, so a typo such as `.pgn` fails
    loudly instead of writing a file nobody can open. Vector files carry no creation
    date, so drawing and saving the same plan twice gives the same bytes.
    """
    fmt = figure_format(path)
    import matplotlib as mpl

    metadata: dict[str, str | None] = {}
    if fmt == "svg":
        metadata = {"Date": None}
    elif fmt == "pdf":
        metadata = {"CreationDate": None, "ModDate": None}
    with mpl.rc_context({"svg.hashsalt": "secplan"}):  # else its ids differ process to process
        fig.get_figure(root=True).savefig(path, format=fmt, dpi=dpi, metadata=metadata)


def save_pdf_pages(draws: Iterable[Callable[[], Axes]], path: str | Path,
                   dpi: float = 150) -> None:
    """Draw each page in turn into one PDF file, a page each, closing each figure once
    written (a DCC manager needed ten runs for a Panel pack of a ten-page chart); no
    creation date, so the same pages give the same bytes (as `save_figure`)."""
    from matplotlib.backends.backend_pdf import PdfPages

    with PdfPages(path, metadata={"CreationDate": None, "ModDate": None}) as pdf:
        for draw in draws:
            fig = draw().figure.get_figure(root=True)
            pdf.savefig(fig, dpi=dpi)
            plt.close(fig)


# --- rows and pages -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    group: str
    item: str


def _group_order(plan: Plan) -> list[str]:
    """Release ids in the plan's order, any others it assigns after them, then 'not planned'."""
    order = [r.id for r in plan.releases]
    extra = {rid for rid in plan.assignments.values() if rid is not None} - set(order)
    return [*order, *sorted(extra), NOT_PLANNED]


def chosen_releases(plan: Plan, releases: Sequence[str] | None) -> list[str]:
    """The plan's groups in order (its releases, then 'not planned'), only `releases` when
    given (a chart's --release); ValueError naming one the plan does not have."""
    return chosen_groups(_group_order(plan), releases)


def _rows(plan: Plan, releases: Sequence[str] | None) -> list[_Row]:
    """One row per assigned item: release order, then item id; `releases` filters groups."""
    order = chosen_releases(plan, releases)
    rank = {rid: k for k, rid in enumerate(order)}
    rows = [
        _Row(rid or NOT_PLANNED, uid)
        for uid, rid in plan.assignments.items()
        if (rid or NOT_PLANNED) in rank
    ]
    return sorted(rows, key=lambda r: (rank[r.group], r.item))


def gantt_pages(plan: Plan, releases: Sequence[str] | None = None, max_rows: int = 60) -> int:
    """How many pages `draw_gantt` needs for the plan at `max_rows` items a page (at least 1)."""
    return page_count(len(_rows(plan, releases)), max_rows)


# --- drawing ------------------------------------------------------------------------------


def row_label(uid: str, title: str, width: int = _LABEL_CHARS) -> str:
    """'ID  title', the title cut in the middle with an ellipsis so every label fits the same
    margin: titles of one family differ at their ends ("Incorporation of multiple Issue
    Resolution Proposals into the SEC - Part 2" and "- Batch 4": a Panel read found two
    rows cut to the same words)."""
    text = f"{uid}  {title}"
    if len(text) <= width:
        return text
    tail = (width - 2) * 2 // 5
    head, end = text[: width - 2 - tail], text[-tail:]
    # whole words either side (an acceptance test: "load…roller" and "post-…ntum" said
    # nothing), unless a word is longer than the room left
    cut_head = head[: head.rfind(" ")].rstrip() if head.rfind(" ") > len(uid) + 1 else head
    cut_end = end[end.find(" ") + 1:] if 0 <= end.find(" ") < len(end) - 1 else end
    return f"{cut_head} … {cut_end}" if cut_head != head or cut_end != end else \
        f"{head}…{end}"


def day_text(day: dt.date, weekday: bool = False) -> str:
    """'5 Nov 2020' (or 'Thu 5 Nov 2020'): the way a Panel paper writes a date."""
    return f"{day:%a} " * weekday + f"{day.day} {day:%b %Y}"


def date_number(day: dt.date) -> float:
    """matplotlib's number for a date; bars and lines are placed in these units."""
    return float(mdates.date2num(day))  # type: ignore[no-untyped-call]


def _decision(unit: Unit) -> dt.date | None:
    """The unit's decision date, or None when the scenario gives none."""
    return None if unit.decision == dt.date.max else unit.decision


def _unit(inst: Instance, uid: str) -> Unit:
    try:
        return inst.unit(uid)
    except KeyError:
        raise ValueError(f"the plan assigns {uid}, which the scenario does not plan") from None


def _release(inst: Instance, rid: str) -> Release:
    try:
        return inst.release(rid)
    except KeyError:
        raise ValueError(f"the plan uses release {rid}, which the scenario does not have") from None


def _x_range(inst: Instance, rows: Iterable[_Row]) -> tuple[float, float]:
    """The dates a page's rows need: each page of a long plan gets its own time axis, so a
    ten-year horizon does not squeeze one release's items into a sliver."""
    days = [inst.as_of]
    for row in rows:
        unit = _unit(inst, row.item)
        if (decision := _decision(unit)) is not None:
            days.append(decision)
        if unit.item.deadline is not None:
            days.append(unit.item.deadline)
        if row.group != NOT_PLANNED:
            release = _release(inst, row.group)
            days += [release.go_live, release.dcc_baseline, release.full_baseline]
        if (was := _moved_from(inst, row)) is not None:  # its "moved from" diamond
            days.append(_release(inst, was).go_live)
    pad = max(45.0, (date_number(max(days)) - date_number(min(days))) * 0.05)
    return date_number(min(days)) - pad, date_number(max(days)) + pad


@dataclass(frozen=True)
class _Header:
    """The line that opens a group on a page: `size` items in the whole group, `continued`
    when the group began on an earlier page."""

    group: str
    size: int
    continued: bool
    from_: int
    """Where the page's part of the group starts in it (from 1) and how many it shows: a
    group split over pages says which of its items a page holds (an acceptance test read
    "207 items" over the 60 of a page with no word of the rest)."""
    shown: int


def _layout(rows: list[_Row], page_rows: list[_Row], first: int) -> list[_Row | _Header]:
    """The page's rows with a header before each group; `first` is the page's first index
    in `rows`."""
    sizes = Counter(r.group for r in rows)
    here = Counter(r.group for r in page_rows)
    starts: dict[str, int] = {}
    for k, r in enumerate(rows):
        starts.setdefault(r.group, k)
    out: list[_Row | _Header] = []
    for k, row in enumerate(page_rows, start=first):
        if k == first or rows[k - 1].group != row.group:
            continued = k > 0 and rows[k - 1].group == row.group
            out.append(_Header(row.group, sizes[row.group], continued,
                               k - starts[row.group] + 1, here[row.group]))
        out.append(row)
    return out


def _header_text(inst: Instance, header: _Header) -> str:
    items = f"{header.size} item{'s' if header.size != 1 else ''}"
    if header.group == NOT_PLANNED:
        text = f"not planned (outside the horizon): {items}"
    else:
        release = _release(inst, header.group)
        moved = f", moved from {day_text(release.moved_from)}" if release.moved_from else ""
        text = (f"{header.group} {inst.scenario.code} Release: go-live "
                f"{day_text(release.go_live, True)}{moved}; {items}")
    if header.shown < header.size:  # split over pages
        last = header.from_ + header.shown - 1
        which = f"items {header.from_}-{last}" if last > header.from_ else f"item {last}"
        return text + f" ({which} here{', continued' * header.continued}" + \
            (", more on the next page)" if last < header.size else ")")
    return text + (" (continued)" if header.continued else "")


def _draw_items(
    ax: Axes,
    inst: Instance,
    placed: list[tuple[int, _Row]],
    colours: dict[str, str],
    x_max: float,
) -> None:
    """Bars, cut-off ticks, go-lives and decisions of all rows, one artist per kind of mark
    (a long page draws as fast as a short one).

    A planned row's bar runs from decision to go-live in its release's colour; a row
    outside the horizon runs from its decision to the chart's right edge, in grey.
    """
    bars: list[tuple[int, float, float, tuple[float, float, float, float]]] = []
    cut_offs: list[tuple[float, int, bool]] = []  # at risk: the decision is due close to it
    go_lives: list[tuple[float, int, str]] = []
    decisions: list[tuple[float, int, str, bool]] = []
    hatched: list[tuple[int, float, float]] = []  # bars of exceptions
    for y, row in placed:
        unit = _unit(inst, row.item)
        decision = _decision(unit)
        colour = colours[row.group]
        if row.group == NOT_PLANNED:
            end, alpha = x_max, 0.25
        else:
            release = _release(inst, row.group)
            end, alpha = date_number(release.go_live), 0.35
            if not unit.decision_known:  # a decision taken has no cut-off left to meet
                cut_offs.append((date_number(inst.cut_off(unit, release)), y,
                                 _at_risk(inst, unit, release)))
            go_lives.append((end, y, colour))
        if decision is not None:
            start = date_number(decision)
            bars.append((y, start, end - start, to_rgba(colour, alpha)))
            if _exception(inst, row):
                hatched.append((y, start, end - start))
            ink = colour if row.group == NOT_PLANNED else "black"
            decisions.append((start, y, ink, unit.decision_known))
    if bars:
        ys, lefts, widths, fills = zip(*bars, strict=True)
        ax.barh(ys, widths, left=lefts, height=0.5, color=fills, zorder=2)
        if hatched:  # an acceptance test: solve and rid said "Exception", the chart nothing
            ys, lefts, widths = zip(*hatched, strict=True)
            ax.barh(ys, widths, left=lefts, height=0.5, fill=False, hatch=_EXCEPTION_HATCH,
                    edgecolor=AT_RISK_COLOUR, linewidth=0.8, zorder=2.5)
    for risky in (False, True):  # one artist each; at risk in red, above the decision
        ticks = [(x, y) for x, y, r in cut_offs if r == risky]
        if ticks:
            xs, ys = zip(*ticks, strict=True)
            ax.plot(xs, ys, linestyle="", marker="|", markersize=11, markeredgewidth=2,
                    color=AT_RISK_COLOUR if risky else "black", zorder=6 if risky else 4)
    if go_lives:
        xs, ys, inks = zip(*go_lives, strict=True)
        ax.scatter(xs, ys, marker="D", s=25, c=inks, edgecolors="black", linewidths=0.5, zorder=4)
    deadlines = [(date_number(d), y) for y, row in placed
                 if (d := _unit(inst, row.item).item.deadline) is not None]
    if deadlines:  # an acceptance test: a regulatory deadline was nowhere on the chart
        xs, ys = zip(*deadlines, strict=True)
        tops = [y - _DEADLINE_RISE for y in ys]
        ax.plot(xs, tops, **_DEADLINE_GLYPH, zorder=6)
        # down through its own row (another: past the go-live it floated between two rows)
        ax.vlines(xs, tops, [y + 0.25 for y in ys], colors=_DEADLINE_GLYPH["color"],
                  linewidth=1.2, zorder=5)
    ghosts = [(date_number(_release(inst, was).go_live), y, colours.get(was, "#808080"))
              for y, row in placed if (was := _moved_from(inst, row)) is not None]
    if ghosts:  # where the row's item was (an acceptance test: nothing marked a move)
        xs, ys, inks = zip(*ghosts, strict=True)
        ax.scatter(xs, ys, marker="D", s=25, facecolors="white", edgecolors=inks,
                   linewidths=1.2, zorder=4)
    if decisions:
        xs, ys, inks, known = zip(*decisions, strict=True)
        ax.scatter(
            xs,
            ys,
            marker="o",
            s=36,
            linewidths=1.2,
            edgecolors=inks,
            zorder=5,
            facecolors=[i if k else "white" for i, k in zip(inks, known, strict=True)],
        )


_LINE_STYLES: dict[str, LineStyleType] = {
    "go-live": "-",
    "DCC scope baseline": "--",
    "full scope baseline": ":",
}


def _release_lines(ax: Axes, releases: list[Release], colours: dict[str, str],
                   go_live_only: set[str]) -> None:
    """Go-live and baseline lines, with the go-lives named along the top edge. Every go-live
    lies over every baseline: a later release's DCC baseline can fall within days of an
    earlier go-live (June 2022's, 30 June 2021, against June 2021's go-live on the 24th),
    and its dashes drew over that go-live's line (seen in session 15). Of the releases in
    `go_live_only` (only items moved from them on the page), the go-live alone."""
    for release in releases:
        colour = colours[release.id]
        for day, style, zorder in (
            (release.go_live, _LINE_STYLES["go-live"], 1.5),
            *([] if release.id in go_live_only else [
                (release.dcc_baseline, _LINE_STYLES["DCC scope baseline"], 1.0),
                (release.full_baseline, _LINE_STYLES["full scope baseline"], 1.0)]),
        ):
            ax.axvline(date_number(day), color=colour, linestyle=style, linewidth=1.1,
                       alpha=0.8, zorder=zorder)
    _go_live_labels(ax, releases, colours)


def _go_live_labels(ax: Axes, releases: list[Release], colours: dict[str, str]) -> None:
    """Each go-live named along the top edge. When neighbours are too close for their
    labels (a long horizon on one page), the labels take turns over two or three rows, each
    row higher on a longer tick; past that, only the release ids (their go-live dates are in
    the group headers)."""
    ordered = sorted(releases, key=lambda r: r.go_live)
    lo, hi = ax.get_xlim()
    # the plot area before layout, at most what the default page leaves it
    width = min(_AXES_WIDTH_INCHES, ax.get_window_extent().width / ax.figure.dpi)
    inches_per_day = width / max(hi - lo, 1.0)

    def fits(rows: int, inches: float) -> bool:
        return all(
            (b.go_live - a.go_live).days * inches_per_day >= inches
            for a, b in zip(ordered, ordered[rows:], strict=False)
        )

    choices = [(rows, True) for rows in (1, 2, 3)] + [(2, False), (3, False)]
    rows, dated = next(
        ((n, d) for n, d in choices if fits(n, _GO_LIVE_LABEL_INCHES if d else _ID_LABEL_INCHES)),
        choices[-1],
    )
    for level in range(rows):
        row = ordered[level::rows]
        top = ax.secondary_xaxis("top")
        top.set_xticks(
            [date_number(r.go_live) for r in row],
            labels=[f"{r.id}\n{day_text(r.go_live)}" if dated else r.id for r in row],
            fontsize=8,
        )
        step = _GO_LIVE_ROW_POINTS if dated else _GO_LIVE_ROW_POINTS / 2
        top.tick_params(length=3.5 + level * step, width=0.6, color="#909090")
        if rows > 1:  # lower rows over the higher rows' long ticks (an acceptance test: the
            top.set_zorder(ax.get_zorder() + rows - level)  # 2030-06 tick ran through the
        for label, release in zip(top.get_xticklabels(), row, strict=True):  # 2030-11 label)
            label.set_color(ink(colours[release.id]))
            label.set_fontweight("bold")
            if rows > 1:
                label.set_bbox({"facecolor": "white", "edgecolor": "none", "pad": 0.4})


AT_RISK_COLOUR = "#d62728"
_EXCEPTION_HATCH = "////"
_DEADLINE_GLYPH: dict[str, Any] = {"linestyle": "", "marker": "v", "markersize": 7,
                                   "color": "#8b0000", "markeredgecolor": "white",
                                   "markeredgewidth": 0.6}
"""An item's deadline: it goes live by the date the triangle points down at."""
_DEADLINE_RISE = 0.3
"""Rows the deadline stands above its row's bar, clear of a go-live diamond on the same
day (an acceptance test: at the go-live it hid half under the diamond)."""


def _moved_from(inst: Instance, row: _Row) -> str | None:
    """The release of the horizon the row's item left (the published allocation's, or the
    base plan's for a what-if), or None when it stays or came from outside."""
    was = inst.reference(_unit(inst, row.item))
    return was if was is not None and was != row.group and was in inst.release_ids else None


def _exception(inst: Instance, row: _Row) -> bool:
    """The row's item joins its release after that release's scope baseline: a Panel
    exception, as the scope tables say."""
    return row.group != NOT_PLANNED and exception_note(
        inst, _unit(inst, row.item), _release(inst, row.group)) is not None


def _at_risk(inst: Instance, unit: Unit, release: Release) -> bool:
    """The item's expected decision falls less than TIGHT_MARGIN_DAYS before its cut-off
    (a Panel read: SECMP0067's 5 days' margin hid its cut-off tick under the decision)."""
    margin = inst.decision_margin(unit, release)
    return margin is not None and 0 <= margin < TIGHT_MARGIN_DAYS


def _legend_handles(inst: Instance, page_rows: list[_Row]) -> tuple[list[Artist], int]:
    """What this page shows, nothing more: row glyphs on the legend's first line, lines
    across the chart on its second."""
    units = [_unit(inst, r.item) for r in page_rows]
    planned = any(r.group != NOT_PLANNED for r in page_rows)
    ticked = any(r.group != NOT_PLANNED and not u.decision_known
                 for r, u in zip(page_rows, units, strict=True))
    risky = any(r.group != NOT_PLANNED and not u.decision_known
                and _at_risk(inst, u, _release(inst, r.group))
                for r, u in zip(page_rows, units, strict=True))
    glyphs: list[Artist] = []
    if any(u.decision_known for u in units):
        glyphs.append(
            Line2D([], [], marker="o", color="black", linestyle="", label="decision (known)")
        )
    if any(not u.decision_known for u in units):
        glyphs.append(
            Line2D(
                [],
                [],
                marker="o",
                color="black",
                markerfacecolor="white",
                linestyle="",
                label="decision (expected)",
            )
        )
    if planned:
        glyphs.append(Patch(facecolor="#b0b0b0", label="decision to go-live (colour = release)"))
    if ticked:
        glyphs.append(
            Line2D(
                [],
                [],
                marker="|",
                markersize=11,
                markeredgewidth=2,
                color="black",
                linestyle="",
                label="cut-off for its release (decision pending)",
            ))
    if planned:
        glyphs += [
            Line2D(
                [],
                [],
                marker="D",
                markersize=5,
                color="#b0b0b0",
                markeredgecolor="black",
                markeredgewidth=0.5,
                linestyle="",
                label="go-live",
            ),
        ]
    if any(_exception(inst, r) for r in page_rows):
        glyphs.append(Patch(facecolor="white", edgecolor=AT_RISK_COLOUR, hatch=_EXCEPTION_HATCH,
                            label="exception: added after its scope baseline"))
    if not planned or any(r.group == NOT_PLANNED for r in page_rows):
        glyphs.append(
            Patch(facecolor=NOT_PLANNED_COLOUR, alpha=0.4, label="not planned: from decision on")
        )
    lines: list[Artist] = []
    if planned:
        lines += [
            Line2D([], [], color="#505050", linestyle=style, label=f"release {name}")
            for name, style in _LINE_STYLES.items()
        ]
    lines.append(
        Line2D(
            [],
            [],
            color=AS_OF_COLOUR,
            linestyle="-.",
            linewidth=1.5,
            label=f"as of {day_text(inst.as_of)}",
        )
    )
    if any(u.item.deadline is not None for u in units):
        lines.append(Line2D([], [], **_DEADLINE_GLYPH, label="deadline (go live by)"))
    if any(_moved_from(inst, r) is not None for r in page_rows):
        glyphs.append(Line2D([], [], marker="D", markersize=5, color="#808080",
                             markerfacecolor="white", markeredgewidth=1.2, linestyle="",
                             label="moved from"))
    if risky:  # on the second line, which has room
        lines.append(Line2D([], [], marker="|", markersize=11, markeredgewidth=2,
                            color=AT_RISK_COLOUR, linestyle="",
                            label=f"cut-off at risk (<{TIGHT_MARGIN_DAYS} days)"))
    return legend_lines(glyphs, lines)


def legend_below(
    ax: Axes,
    handles: list[Artist],
    columns: int,
    inches: float,
    align: Literal["center", "right"] = "center",
) -> None:
    """A frameless legend `inches` below the plot area, whatever the figure's height:
    an offset in axes fractions would drift away on tall charts and touch the ticks on
    short ones. `align="right"` lets a legend wider than the plot reach left under the
    y labels instead of off the page."""
    fig = ax.get_figure(root=True)
    assert fig is not None, "an Axes being drawn on belongs to a figure"
    shift = ScaledTranslation(0, -inches, fig.dpi_scale_trans)
    ax.legend(
        handles=handles,
        loc="upper right" if align == "right" else "upper center",
        bbox_to_anchor=(1.0 if align == "right" else 0.5, 0.0),
        bbox_transform=ax.transAxes + shift,
        ncol=columns,
        fontsize=8,
        frameon=False,
    )


LEGEND_COLUMNS = 5
"""Most entries on one legend line: six of the Gantt's ran off a 12-inch page (an
acceptance test's chart with a deadline and an item not planned)."""


def legend_lines(*lines: list[Artist]) -> tuple[list[Artist], int]:
    """Handles and a column count for a legend that shows each of `lines` on lines of its
    own, in order, each wrapped after `LEGEND_COLUMNS` entries (matplotlib fills a
    legend column by column)."""
    rows = [line[k:k + LEGEND_COLUMNS] for line in lines if line
            for k in range(0, len(line), LEGEND_COLUMNS)]
    width = max(map(len, rows), default=0)
    blank = Patch(visible=False, label=" ")
    padded = [row + [blank] * (width - len(row)) for row in rows]
    return [row[k] for k in range(width) for row in padded], width


def _closed_note(inst: Instance) -> str:
    """Closed items have no dates to draw; say so, so nobody hunts for them."""
    closed = sorted(inst.closed.items())
    if not closed:
        return ""
    if len(closed) > 4:
        return f"Not shown: {len(closed)} closed items (rejected, withdrawn or implemented)"
    return "Not shown (closed): " + ", ".join(f"{uid} ({u.status})" for uid, u in closed)


def draw_gantt(
    inst: Instance,
    plan: Plan,
    ax: Axes | None = None,
    releases: list[str] | None = None,
    max_rows: int = 60,
    page: int = 0,
) -> Axes:
    """Draw one page of the plan's Gantt chart and return its Axes.

    Rows are grouped by release (release order, then item id), with "not planned" last;
    `releases` keeps only the named groups (use "not planned" for that group) and
    `max_rows` items make a page. Without `ax` a figure is made whose height follows the
    number of rows, so a 10-row page and a 60-row page both read at the same type size.
    """
    rows = _rows(plan, releases)
    pages = page_count(len(rows), max_rows)
    page_rows = list(page_of(rows, max_rows, page, "Gantt chart"))
    slots = _layout(rows, page_rows, page * max_rows)
    note = _closed_note(inst)
    if ax is None:
        extra = _NOTE_INCHES if note else 0.0
        height = _OVERHEAD_INCHES + extra + _ROW_INCHES * max(len(slots), 4)
        _, ax = plt.subplots(figsize=(_WIDTH_INCHES, height), layout="constrained")
    title = (f"{inst.scenario.name}: items by {inst.scenario.code} Release "
             f"({plan_words(plan.status, plan.gap)})")
    if pages > 1:
        title += f", page {page + 1} of {pages}"
    ax.set_title(title, fontsize=12, loc="left", pad=12)
    if not rows:
        ax.text(
            0.5,
            0.5,
            "no items to show: the plan places nothing here",
            transform=ax.transAxes,
            ha="center",
            va="center",
        )
        ax.set_xticks([])  # no dates to draw: not a 0-1 scale either
        ax.set_yticks([])
        return ax
    colours = release_colours(inst)
    x_min, x_max = _x_range(inst, page_rows)
    _draw_slots(ax, inst, slots, colours, x_max)
    ax.set_xlim(x_min, x_max)
    ax.set_ylim(len(slots) - 0.5, -0.5)
    # the page's releases, and those its items were moved from (an acceptance test: a
    # "moved from" diamond pointed at a release with no line or name on the page)
    groups = {r.group for r in page_rows}
    moved_from = [_moved_from(inst, r) for r in page_rows]
    shown = [_release(inst, g) for g in dict.fromkeys(
        [*(r.group for r in page_rows), *(w for w in moved_from if w is not None)])
        if g != NOT_PLANNED]
    _release_lines(ax, shown, colours, {r.id for r in shown} - groups)
    ax.axvline(date_number(inst.as_of), color=AS_OF_COLOUR, linestyle="-.", linewidth=1.5, zorder=3)
    date_axis(ax)
    handles, columns = _legend_handles(inst, page_rows)
    ax.set_xlabel(note, fontsize=8, color="#505050", labelpad=4)
    legend_below(ax, handles, columns, 0.45 if note else 0.3, align="right")
    return ax


def _draw_slots(
    ax: Axes, inst: Instance, slots: list[_Row | _Header], colours: dict[str, str], x_max: float
) -> None:
    """Group bands and headers, then each item row; y tick labels name the items."""
    labels: list[str] = []
    placed: list[tuple[int, _Row]] = []
    for y, slot in enumerate(slots):
        if isinstance(slot, _Header):
            end = next(
                (k for k in range(y + 1, len(slots)) if isinstance(slots[k], _Header)), len(slots)
            )
            ax.axhspan(
                y - 0.5, end - 0.5, color=colours[slot.group], alpha=0.07, zorder=0, linewidth=0
            )
            ax.text(
                0.004,
                y,
                _header_text(inst, slot),
                fontsize=9,
                fontweight="bold",
                color=ink(colours[slot.group]),
                va="center",
                ha="left",
                transform=blended_transform_factory(ax.transAxes, ax.transData),
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1.5},
                zorder=6,
            )
            if y > 0:
                ax.axhline(y - 0.5, color="#a0a0a0", linewidth=0.8, zorder=1)
            labels.append("")
        else:
            placed.append((y, slot))
            labels.append(row_label(slot.item, _unit(inst, slot.item).title))
    _draw_items(ax, inst, placed, colours, x_max)
    ax.set_yticks(range(len(slots)), labels=labels, fontsize=8)
    ax.tick_params(axis="y", length=0)


class _DatedFormatter(mdates.ConciseDateFormatter):
    """Concise tick names whose first one carries its year ("Sep 2019", "Nov", "2020"): with
    no offset shown, an axis starting in September would not say which year's."""

    def format_ticks(self, values: Sequence[float]) -> list[str]:
        labels: list[str] = super().format_ticks(values)  # type: ignore[no-untyped-call]
        if labels and not (labels[0].isdigit() and len(labels[0]) == 4):
            first = mdates.num2date(values[0])  # type: ignore[no-untyped-call]
            labels[0] = (f"{labels[0]} {first:%Y}" if labels[0].isalpha()
                         else f"{first.day} {first:%b %Y}")
        return labels


def date_axis(ax: Axes) -> None:
    """Month ticks named concisely ("Sep 2019", "Nov", "2020") with a light grid, for every
    time axis."""
    locator = mdates.AutoDateLocator(minticks=6, maxticks=14)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    formatter = _DatedFormatter(locator, show_offset=False)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_formatter(formatter)
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(axis="x", color="#e0e0e0", linewidth=0.6, zorder=0)
    ax.set_axisbelow(True)
