"""Writing the files a command makes."""

from __future__ import annotations

import errno
import json
import os
import tempfile
from pathlib import Path
from typing import Any


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


UMASK = _umask()
"""Read once, at import (setting it to read it is not safe while other threads make files)."""


def write_atomic(path: str | Path, text: str) -> None:
    """Write `text` via a temporary file in the same folder and a rename, so that a reader
    never sees half a file and a failure leaves any earlier one in place. The folder is made
    when missing; the file keeps the permissions of the one it replaces, or gets those any
    new file of the user's gets (the umask), not the temporary file's owner-only ones."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir():  # else named by the temporary file the rename fails on
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:  # named by the file asked for, not the temporary one
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~UMASK
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def parse_json(text: str, **options: Any) -> Any:
    """`json.loads`, raising `ValueError` for all a file can hold that it does not read: a
    syntax error (`json.JSONDecodeError`, with its place), and also a number past Python's
    4,300 digits or nesting past the recursion limit, which a fuzz test found ending in
    tracebacks."""
    try:
        return json.loads(text, **options)
    except RecursionError:
        raise ValueError("nested too deeply to read") from None
    except ValueError as exc:
        if type(exc) is not ValueError:  # a syntax error, or a hook's own error: as raised
            raise
        raise ValueError("a number with too many digits" if "digits" in str(exc)
                         else f"a value that cannot be read: {exc}") from None


FIGURE_FORMATS = {".pdf": "pdf", ".png": "png", ".svg": "svg"}
"""File extension -> the format a chart is saved in (no other is guessed)."""


def figure_format(path: str | Path) -> str:
    """The format a chart saved as `path` gets; ValueError for any other extension, so a
    typo such as `.pgn` fails before anything is drawn, not as a file nobody can open."""
    fmt = FIGURE_FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        allowed = ", ".join(FIGURE_FORMATS)
        raise ValueError(f"cannot save a figure as {Path(path).name!r}: use one of {allowed}")
    return fmt
