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
import warnings
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
NANO = 10**9
"""Work is counted in whole billionths of a unit, so that a sum of it does not depend on the
order of its terms (fall-back answers arrive in the threads' order, and are accepted in
unit order)."""
CLOCK_STOPPED = (
    "the clock stopped a search before its budget of work was spent (this machine did less "
    "work per second than --time-limit counts on), so the result may differ from run to run"
)


class Budget:
    """What is left of one budget: work (`total` and `used`, in billionths of a unit;
    `total` None when counted by the clock alone) and a clock deadline
    (`time.monotonic()`). Each solve is limited to what is left (`limit`) and then charged
    what it used (`charge`), in the order the caller runs them."""

    def __init__(self, seconds: float, wall_clock: bool = False):
        self.seconds, self.wall_clock = seconds, wall_clock
        self.total = None if wall_clock else round(seconds * WORK_PER_SECOND * NANO)
        self.used = 0
        self.deadline = time.monotonic() + seconds * (1.0 if wall_clock else CLOCK_FACTOR)
        self.clock_stopped = False

    @classmethod
    def of(cls, options: SolveOptions) -> Budget:
        """The budget `options` give: `time_limit`, counted as `wall_clock` says."""
        return cls(options.time_limit, options.wall_clock)

    def part(self, seconds: float) -> Budget:
        """A budget of its own, of `seconds` (counted the same way) for one of the many
        questions this budget pays for. Counted by work it does not depend on what is left
        here, which would depend on the order the questions end in. It ends by this one's
        clock deadline at the latest: the safety stop of a budget of work, the end of one
        counted by the clock."""
        seconds = min(seconds, self.seconds)
        if self.wall_clock:
            seconds = min(seconds, max(self.deadline - time.monotonic(), 0.0))
        part = Budget(seconds, self.wall_clock)
        part.deadline = min(part.deadline, self.deadline)  # this one's safety stop holds
        return part

    def seconds_left(self) -> float:
        """What is left, in seconds of `--time-limit` (by work, or by the clock)."""
        if self.total is None:
            return max(self.deadline - time.monotonic(), 0.0)
        return max(self.total - self.used, 0) / NANO / WORK_PER_SECOND

    @property
    def work(self) -> float | None:
        """Units of work left (None: counted by the clock)."""
        return None if self.total is None else (self.total - self.used) / NANO

    def left(self) -> bool:
        """Whether a solve could still run. A budget of work whose clock has run out first
        is `clock_stopped`."""
        if self.total is not None and self.used >= self.total:
            return False
        if time.monotonic() < self.deadline:
            return True
        self.clock_stopped |= not self.wall_clock
        return False

    def limit(self, solver: Any, most: float | None = None) -> None:
        """Stop `solver` when the budget is spent, or after `most` units of work."""
        solver.parameters.max_time_in_seconds = max(self.deadline - time.monotonic(), 0.01)
        caps = [w for w in (self.work, most) if w is not None]
        if caps:
            solver.parameters.max_deterministic_time = max(min(caps), MIN_WORK)

    def take(self, used: int, clock_stopped: bool = False) -> None:
        """Count `used` billionths of a unit done elsewhere (by a `part` of this budget, or
        a solve), and whether the clock stopped it."""
        self.used += used
        self.clock_stopped |= clock_stopped

    def charge(self, solver: Any, model: Any, proven: bool) -> None:
        """Count the work `solver` did on `model`. A solve that ended unproven (`proven`
        False) when the clock ran out was stopped by it: `clock_stopped` then says the
        result may differ between runs."""
        work = solver.response_proto.deterministic_time
        read = len(model.proto.variables) * READ_WORK_PER_VARIABLE
        stopped = not proven and not self.wall_clock and time.monotonic() >= self.deadline - 0.05
        self.take(round((work + read) * NANO), stopped)

    def warn(self) -> None:
        """Warn (`CLOCK_STOPPED`) when the clock stopped any of this budget's solves."""
        if self.clock_stopped:
            warnings.warn(CLOCK_STOPPED, stacklevel=3)
