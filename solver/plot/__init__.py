"""Pictures of a plan for Panel papers: Gantt chart, release timetable, dependency graph.

matplotlib is imported here and nowhere else in `solver`, so commands that draw nothing
start without it.
"""

from solver.paging import NOT_PLANNED
from solver.plot.gantt import (
    draw_gantt,
    gantt_pages,
    release_colours,
    save_figure,
    save_pdf_pages,
)
from solver.plot.graph import dependency_graph, draw_graph, export_graph, graph_structure
from solver.plot.timetable import draw_timetable

__all__ = [
    "NOT_PLANNED",
    "dependency_graph",
    "draw_gantt",
    "draw_graph",
    "draw_timetable",
    "export_graph",
    "gantt_pages",
    "graph_structure",
    "release_colours",
    "save_figure",
    "save_pdf_pages",
]
