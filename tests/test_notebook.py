"""The walkthrough notebook: stored without outputs, and it runs from top to bottom.

It is executed with nbclient from a temporary copy (the tracked file is never written),
in the notebook's own folder as Jupyter runs it, so it finds the scenarios the way a
reader's copy does."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

try:
    import nbclient
    import nbformat
except ImportError:  # pragma: no cover - the dev extra installs them
    if os.environ.get("CI") == "true":
        raise
    pytest.skip("needs nbformat, nbclient and ipykernel (pip install -e '.[dev]')",
                allow_module_level=True)

NOTEBOOK = ROOT / "notebooks" / "walkthrough.ipynb"


def test_the_notebook_is_stored_without_outputs() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code
    assert all(c.outputs == [] and c.execution_count is None for c in code)


def outputs_text(nb: Any) -> str:
    """Everything the cells printed or displayed as text."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", ""))
            for kind in ("text/plain", "text/markdown"):
                parts.append(out.get("data", {}).get(kind, ""))
    return "\n".join(parts)


def test_the_walkthrough_runs_and_shows_the_send_back(tmp_path: Path) -> None:
    copy = tmp_path / NOTEBOOK.name
    shutil.copyfile(NOTEBOOK, copy)
    nb = nbformat.read(copy, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=120, kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()  # raises CellExecutionError, with the cell and traceback, on an error
    nbformat.write(nb, copy)  # kept for a look when the assertions below fail
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    text = outputs_text(nb)
    assert "status: optimal" in text
    assert "| MP084 | Other User Panel Seating Amendment |" in text
    assert "SECMP0067: 2020-11 -> 2021-06" in text
    assert "decision-in-time(SECMP0067)" in text
    assert "2021-06  chosen" in text and "2020-11  blocked" in text
    assert ("SECMP0067 DCC lead time: 7 months (as written, in baseline.yaml: SECMP0067 DCC "
            "lead time: 4 months)") in text  # the assumptions, with the value in force
    images = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(images) == 2  # the Gantt chart and the dependency graph
