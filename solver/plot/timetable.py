"""Release timetable: each release's scope baselines and go-live on one time line.

It answers the question a Panel asks before any allocation: which baselines have already
passed on the as-of date (so adding scope there is an exception), and which go-lives
were moved, and from when.
"""

from __future__ import annotations

import datetime as dt

import matplotlib.pyplot as plt
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from solver.calendar import Release
from solver.instance import Instance
from solver.plot.gantt import (
    AS_OF_COLOUR,
    date_axis,
    date_number,
    day_text,
    ink,
    legend_below,
    legend_lines,
    release_colours,
)

_ROW_INCHES = 0.6
_OVERHEAD_INCHES = 2.0
_PAST_COLOUR = "#f0f0f0"
_PLOT_WIDTH_INCHES = 10.0
"""About the plot area's width: the 12-inch figure less the release names."""
_DATE_LABEL_INCHES = 0.8
"""Room a date label ("25 May 2026" at 7.5 pt) needs beside the next."""


def draw_timetable(inst: Instance, ax: Axes | None = None) -> Axes:
    """Draw one row per release (first go-live at the top) with its DCC scope baseline,
    full scope baseline, go-live and, when the Panel moved it, the original date; shade
    the time before the as-of date, whose baselines have passed; return the Axes."""
    releases = inst.releases
    if ax is None:
        height = _OVERHEAD_INCHES + _ROW_INCHES * max(len(releases), 3)
        _, ax = plt.subplots(figsize=(12.0, height), layout="constrained")
    colours = release_colours(inst)
    left = min((r.dcc_baseline for r in releases), default=inst.as_of)
    right = max((r.go_live for r in releases), default=inst.as_of)
    pad = dt.timedelta(days=45)
    start, end = min(left, inst.as_of) - pad, max(right, inst.as_of) + pad
    # a long horizon puts a row's three dates closer than their labels are wide: the full
    # scope baseline's label then goes below (an acceptance test: seven years overprinted)
    inches_per_day = _PLOT_WIDTH_INCHES / max((end - start).days, 1)
    crowded = any(min((r.full_baseline - r.dcc_baseline).days, (r.go_live - r.full_baseline).days)
                  * inches_per_day < _DATE_LABEL_INCHES for r in releases)
    for y, release in enumerate(releases):
        _draw_release(ax, release, y, colours[release.id], crowded)
    calendar = inst.scenario.calendar
    ad_hoc = {extra.id for extra in calendar.extra}  # an acceptance test: an added release
    ax.set_yticks(  # looked like any other, and a cancelled one was simply not there
        range(len(releases)),
        labels=[f"{r.id} {inst.scenario.code} Release" + (" (ad hoc)" if r.id in ad_hoc else "")
                for r in releases], fontsize=9,
    )
    if calendar.cancel:
        ax.set_xlabel(f"Cancelled: {', '.join(calendar.cancel)}", fontsize=8, color="#505050",
                      labelpad=4)
    for label, release in zip(ax.get_yticklabels(), releases, strict=True):
        label.set_color(ink(colours[release.id]))
        label.set_fontweight("bold")
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(len(releases) - 0.4, -0.8)
    date_axis(ax)
    ax.set_xlim(date_number(start), date_number(end))
    ax.axvspan(ax.get_xlim()[0], date_number(inst.as_of), color=_PAST_COLOUR, zorder=0)
    ax.axvline(date_number(inst.as_of), color=AS_OF_COLOUR, linestyle="-.", linewidth=1.5, zorder=1)
    ax.set_title(f"{inst.scenario.name}: {inst.scenario.code} Release timetable", fontsize=12,
                 loc="left")
    handles, columns = _legend_handles(inst, any(r.moved_from for r in releases),
                                       any(r.kept_baseline for r in releases))
    legend_below(ax, handles, columns, 0.45 if calendar.cancel else 0.3)  # below the note
    return ax


def _draw_release(ax: Axes, release: Release, y: int, colour: str, crowded: bool) -> None:
    ax.plot(
        [date_number(release.dcc_baseline), date_number(release.go_live)],
        [y, y],
        color=colour,
        linewidth=2,
        alpha=0.5,
        zorder=2,
    )
    for day, marker in ((release.dcc_baseline, "s"), (release.full_baseline, "^")):
        ax.plot(
            [date_number(day)],
            [y],
            marker=marker,
            markersize=8,
            color=colour,
            markerfacecolor="white",
            markeredgewidth=1.5,
            linestyle="",
            zorder=4,
        )
    ax.plot(
        [date_number(release.go_live)],
        [y],
        marker="D",
        markersize=8,
        color=colour,
        markeredgecolor="black",
        markeredgewidth=0.6,
        linestyle="",
        zorder=5,
    )
    for day in (release.dcc_baseline, release.full_baseline, release.go_live):
        _date_label(ax, day, y, below=crowded and day == release.full_baseline)
    if release.moved_from is not None:
        ax.annotate(
            "",
            (date_number(release.go_live), y),
            xytext=(date_number(release.moved_from), y),
            arrowprops={"arrowstyle": "->", "color": "#404040", "lw": 1},
            zorder=3,
        )
        ax.plot(
            [date_number(release.moved_from)],
            [y],
            marker="D",
            markersize=7,
            color="#808080",
            markerfacecolor="white",
            linestyle="",
            zorder=4,
        )
        # under the full baseline's date when that is below too (an acceptance test: it
        _date_label(ax, release.moved_from, y, below=True, words="moved from ",  # hid it)
                    down=2 if crowded else 1)


def _date_label(ax: Axes, day: dt.date, y: float, below: bool = False, words: str = "",
                down: int = 1) -> None:
    ax.annotate(
        words + day_text(day),
        (date_number(day), y),
        xytext=(0, -9 - 10 * (down - 1) if below else 9),
        textcoords="offset points",
        ha="center",
        va="top" if below else "bottom",
        fontsize=7.5,
        color="#303030",
        zorder=6,
        bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5},  # over the as-of line
    )


def _legend_handles(inst: Instance, moved: bool, kept_any: bool) -> tuple[list[Artist], int]:
    policy = inst.scenario.policy
    kept = "; a move later keeps one taken" if kept_any else ""  # `build_releases`
    milestones: list[Artist] = [
        Line2D(
            [],
            [],
            marker="s",
            color="#505050",
            markerfacecolor="white",
            linestyle="",
            label=f"DCC scope baseline ({policy.dcc_baseline} before go-live{kept})",
        ),
        Line2D(
            [],
            [],
            marker="^",
            color="#505050",
            markerfacecolor="white",
            linestyle="",
            label=f"full scope baseline ({policy.full_baseline} before go-live{kept})",
        ),
        Line2D(
            [],
            [],
            marker="D",
            color="#505050",
            markeredgecolor="black",
            linestyle="",
            label="go-live",
        ),
    ]
    context: list[Artist] = [
        Line2D(
            [],
            [],
            color=AS_OF_COLOUR,
            linestyle="-.",
            linewidth=1.5,
            label=f"as of {day_text(inst.as_of)}",
        ),
        Patch(facecolor=_PAST_COLOUR, edgecolor="#c0c0c0", label="before as of: passed"),
    ]
    if moved:
        context.append(
            Line2D(
                [],
                [],
                marker="D",
                color="#808080",
                markerfacecolor="white",
                linestyle="",
                label="go-live moved from",
            )
        )
    return legend_lines(milestones, context)
