"""Progress of a long solve, for the person waiting on it.

The engine and the plan phase call `report` as they go: a stage starts, finds a better plan,
ends. Nothing listens unless a command asked (`secplan solve --progress`, on by default
when standard error is a terminal), so a library caller and the tests pay nothing. Events
come one at a time: CP-SAT calls back for one solution at a time, and fall-back answers
are counted on the calling thread as their threads finish."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Event:
    stage: str
    """What is being done: "level 1 of 2 (unplaced, exceptions)", "fall-backs", ..."""
    detail: str
    """How far it got: a plan's value and CP-SAT's bound, questions answered, the result."""
    done: bool = False
    """The stage ended (`detail` is its result); else an update that the next replaces."""


Listener = Callable[[Event], None]
_listener: Listener | None = None


def listen(listener: Listener | None) -> None:
    """Send every event to `listener` from now on (None: stop)."""
    global _listener
    _listener = listener


def listening() -> bool:
    """Whether anyone listens (so work done only to report can be skipped)."""
    return _listener is not None


@contextmanager
def muted() -> Iterator[None]:
    """No events within the block: for work made of many small solves (explaining every
    item, alternatives), which reports its own count instead of every solve's stages."""
    global _listener
    kept, _listener = _listener, None
    try:
        yield
    finally:
        _listener = kept


def report(stage: str, detail: str, done: bool = False) -> None:
    if _listener is not None:
        _listener(Event(stage, detail, done))
