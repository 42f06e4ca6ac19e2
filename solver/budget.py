"""The solving budget a command shares between its CP-SAT solves.

By default it is counted in CP-SAT's deterministic time ("work"), not by the clock: a solve
the budget stops has then done the same search on any machine and under any load, so the
same input gives the same plan, fall-backs and explanations even when a limit cuts them
short (with the same OR-Tools). `--time-limit S` buys S x WORK_PER_SECOND units of work;
the clock stops it only at CLOCK_FACTOR x S seconds, a safety stop for a machine much
slower than this one, and a solve the clock stops is reported as such
(`Budget.clock_stopped`). With `wall_clock` the limit is S seconds by the clock, as
CP-SAT's own time limit: all the time is used, but a solve cut short may end differently
from run to run.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from solver.engine import SolveOptions

WORK_PER_SECOND = 0.3
"""Units of CP-SAT deterministic time one second of `--time-limit` buys. Measured on this
2-core machine: 0.19-0.41 units per second of wall time over the levels of 100 to 5,000
generated items (the first level of 5,000 items: 0.3, proven within 18 units, not within
12), and 0.2 when explaining every item of 100 (many small solves), so a default solve
takes about its limit in seconds here, explaining about 1.5 times it
(benchmarks/README.md, "Deterministic budgets")."""
READ_WORK_PER_VARIABLE = 2.3e-6
"""Work charged per variable of a model for each CP-SAT call, on top of CP-SAT's own
deterministic time, which leaves out reading and copying the model: most of a quick
question's time (a fall-back, an explanation's clash). Measured here: a fall-back question
took 0.047 s at 250 generated items (4,225 variables), 0.20 s at 1,000 (16,488) and 0.9 s
at 5,000 (81,459), about 11.5 microseconds per variable, while CP-SAT counted 0.0007-0.003
units for each."""
CLOCK_FACTOR = 3.0
"""The clock stops a budget of work at this many times its `--time-limit`."""
MIN_WORK = 1e-3
"""CP-SAT needs a positive limit: what a solve gets when the budget is spent."""


class Budget:
    """What is left of one budget: work (None when counted by the clock alone) and a clock
    deadline (`time.monotonic()`). Each solve is limited to what is left (`limit`) and then
    charged what it used (`charge`), in the order the caller runs them."""

    def __init__(self, seconds: float, wall_clock: bool = False):
        self.seconds = seconds
        self.work: float | None = None if wall_clock else seconds * WORK_PER_SECOND
        self.deadline = time.monotonic() + seconds * (1.0 if wall_clock else CLOCK_FACTOR)
        self.total = self.work
        self.spent = 0.0
        self.clock_stopped = False

    @classmethod
    def of(cls, options: SolveOptions, seconds: float | None = None) -> Budget:
        """The budget of `options` (or of `seconds` of it, counted the same way)."""
        return cls(options.time_limit if seconds is None else seconds, options.wall_clock)

    def left(self) -> bool:
        """Whether a solve could still run."""
        return (self.work is None or self.work > 0) and time.monotonic() < self.deadline

    def limit(self, solver: Any, most: float | None = None) -> None:
        """Stop `solver` when the budget is spent, or after `most` units of work."""
        solver.parameters.max_time_in_seconds = max(self.deadline - time.monotonic(), 0.01)
        caps = [w for w in (self.work, most) if w is not None]
        if caps:
            work = min(caps)
            solver.parameters.max_deterministic_time = max(work, MIN_WORK)

    def take(self, work: float) -> None:
        """Count `work` done elsewhere (by solves with budgets of their own)."""
        self.spent += work
        if self.work is not None:
            self.work -= work

    def charge(self, solver: Any, model: Any, proven: bool) -> None:
        """Count the work `solver` did on `model`. A solve that ended unproven (`proven`
        False) before its work limit was stopped by the clock: `clock_stopped` then says
        the result may differ between runs."""
        work = solver.response_proto.deterministic_time
        if self.work is not None and not proven:
            self.clock_stopped |= work < solver.parameters.max_deterministic_time
        self.take(work + len(model.proto.variables) * READ_WORK_PER_VARIABLE)
