"""The `secplan` command line.

Heavy modules (OR-Tools, matplotlib) are imported inside the commands so that
`secplan --help` starts fast. Bad input exits 2 with one message naming file, place and
problem; nothing is written before the input is known to be good.
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import gc
import json
import math
import os
import sys
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperCommand, TyperGroup

if TYPE_CHECKING:
    from solver.engine import SolveOptions
    from solver.instance import Instance
    from solver.model import Plan, Scenario


class _FlagsTakeNoValue:
    """Typer 0.29 prints `<bool>` after every on/off option in `--help` (its own `--help`
    too), as if `--json` took a value; an empty metavar leaves it out."""

    def get_params(self, ctx: Any) -> list[Any]:
        params: list[Any] = super().get_params(ctx)  # type: ignore[misc]
        for param in params:
            if getattr(param, "is_flag", False):
                param.metavar = ""
        return params


class Command(_FlagsTakeNoValue, TyperCommand):
    def invoke(self, ctx: Any) -> Any:
        _WARNED.clear()  # what a command has warned about is its own (a review: a second
        return super().invoke(ctx)  # command in one process, such as a test's, said nothing)


class Group(_FlagsTakeNoValue, TyperGroup):
    pass


app = typer.Typer(
    cls=Group,
    help="secplan: plan Smart Energy Code releases with CP-SAT.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",  # a docstring's paragraphs reflowed, not broken mid-sentence
)

ScenarioArg = Annotated[Path, typer.Argument(help="Scenario file (YAML or JSON).")]
TimeLimit = Annotated[
    float,
    typer.Option(
        "--time-limit",
        help="The solve's budget, in seconds of this 2-core machine's work: counted as CP-SAT's "
        "deterministic time, so a solve it cuts short gives the same plan on every run (the "
        "clock stops it only at three times this). The plan's fall-backs, and explanations "
        "where a command gives them, get as much again each.",
    ),
]
WallClock = Annotated[
    bool,
    typer.Option(
        "--wall-clock",
        help="Count --time-limit by the clock instead: all of it is used, but a solve it cuts "
        "short may give a different plan from run to run.",
    ),
]
Workers = Annotated[
    int | None,
    typer.Option(
        "--workers",
        help="CP-SAT's parallel portfolio with N workers: sometimes sooner to a good plan on "
        "large models, but equally good plans may differ run to run. Default: one worker, "
        "deterministic.",
    ),
]
Seed = Annotated[int, typer.Option("--seed", help="CP-SAT random seed.", min=-2**31,
                                   max=2**31 - 1)]
ShowProgress = Annotated[
    bool | None,
    typer.Option(
        "--progress/--no-progress",
        help="Show each solver stage as it ends on standard error, and on a terminal the "
        "best plan so far as it is found. Default: when standard error is a terminal.",
        show_default=False,
    ),
]


def fail(message: str, code: int = 2) -> NoReturn:
    stop_progress()
    typer.echo(f"secplan: {message}", err=True)
    raise typer.Exit(code)


@contextmanager
def bad_input_exits() -> Iterator[None]:
    from solver.scenario import ScenarioError

    try:
        yield
    except ScenarioError as exc:
        fail(str(exc))


def load(path: Path, lint: bool = True) -> Scenario:
    """Load a scenario file (bad input: exit 2); with `lint`, warn of its doubtful entries
    (not for a base read only for its saved plan: a monthly re-plan was warned of last
    month's entries that this month's file had put right)."""
    from solver.scenario import load_scenario

    with bad_input_exits():
        scenario = load_scenario(path)
    if lint:
        warn(path, scenario)
    return scenario


def check_outputs(inputs: list[Path | None], *outputs: Path | None) -> None:
    """Before any work, so that nothing is written: an output that is one of the command's
    input files (a scenario, a base it extends, a plan or sweep it reads), a directory, or
    under a file is bad input (a fuzz test: `solve sc/plan.json --out sc` overwrote the
    scenario with its plan; a `plan.csv` directory failed after `plan.json` was written)."""
    from solver.scenario import ScenarioError, base_of

    sources: dict[Path, tuple[int, int]] = {}  # a file, and its device and inode
    for path in inputs:
        try:
            while path is not None and path.is_file() and path.resolve() not in sources:
                stat = path.stat()
                sources[path.resolve()] = (stat.st_dev, stat.st_ino)
                path = base_of(path) if path.suffix.lower() in (".yaml", ".yml", ".json") \
                    else None
        except ScenarioError:  # said when the file is loaded
            pass
    written: set[Path] = set()
    for out in outputs:
        if out is None:
            continue
        target = out.resolve()
        its = target.stat() if target.is_file() else None
        if target in sources or (its and (its.st_dev, its.st_ino) in sources.values()):
            # a hard link to an input is the input too
            fail(f"{out}: the command reads this file; write to another one")
        if target in written:  # an acceptance test: --chart over the samples of --out
            fail(f"{out}: given for two outputs; name each its own file")
        written.add(target)
        if target.is_dir():
            fail(f"{out}: Is a directory")  # as the system says it
        above = next((p for p in target.parents if p.exists()), None)
        if above is not None and not above.is_dir():
            fail(f"{out}: {above} is a file, not a directory")


class DoubtfulEntry(UserWarning):
    """Something a valid scenario says that is probably not meant (`solver.lint`)."""


_WARNED: set[str] = set()
"""What `warn` has said in this command, whichever file it named."""


def warn(path: Path, scenario: Scenario) -> None:
    """Warn, on standard error, about what the scenario says that is probably not meant:
    once per command, however often the command reads the file, and once for a base and
    the what-ifs that inherit what it says (an acceptance test: `report WHATIF --compare
    BASE` gave the same long warning twice, once per file)."""
    from solver.lint import scenario_warnings

    for message in scenario_warnings(scenario):
        if message not in _WARNED:
            _WARNED.add(message)
            warnings.warn(DoubtfulEntry(f"{path}: {message}"), stacklevel=1)


def shows_stages(show: bool | None) -> bool:
    """Whether `--progress/--no-progress` (None: not given) shows the solver's stages: by
    default when standard error is a terminal."""
    return bool(show) or (show is None and sys.stderr.isatty())


def options(
    time_limit: float, workers: int | None, seed: int, show: bool | None = None,
    wall_clock: bool = False,
) -> SolveOptions:
    """The solve options of a command's flags; with `show` (None: when standard error is a
    terminal), its progress is shown from now on."""
    from solver.engine import MAX_WORKERS, SolveOptions

    if workers is not None and not 1 <= workers <= MAX_WORKERS:
        fail(f"--workers must be from 1 to {MAX_WORKERS} (got {workers})")
    check_time_limit(time_limit)
    if shows_stages(show):
        show_progress()
    return SolveOptions(time_limit=time_limit, wall_clock=wall_clock, workers=workers, seed=seed)


SavedPlan = Annotated[
    Path | None,
    typer.Option("--plan", help="The plan.json `solve --out` wrote for SCENARIO: use it "
                 "instead of planning again (checked against the scenario as it stands).",
                 show_default=False),
]

GRAPH_ITEMS = 150
"""Past this many items, `graph` without --release notes that --release draws less (an
acceptance test: 976 items made a picture 18,031 pixels tall)."""

BaseSavedPlan = Annotated[
    Path | None,
    typer.Option("--base-plan", help="The plan.json `solve --out` wrote for the base "
                 "scenario: use it instead of planning the base again.", show_default=False),
]

INTERRUPTED = 130
"""The exit code of a command stopped by Ctrl-C, as a shell gives one (128 + SIGINT)."""

_interrupted = "secplan: interrupted"
"""What a Ctrl-C's exit says; a sweep adds the samples its `--out` keeps."""

MAX_TIME_LIMIT = 1e6
"""Seconds: about eleven days, far past any useful solve, well inside CP-SAT's numbers."""


def check_time_limit(seconds: float) -> None:
    if not (math.isfinite(seconds) and 0 < seconds <= MAX_TIME_LIMIT):
        fail(f"--time-limit must be a positive number of seconds, at most {MAX_TIME_LIMIT:,.0f} "
             f"(got {seconds})")


def show_progress() -> None:
    """Show the solve's progress on standard error: each stage's result as a line; on a
    terminal also a spinner with the best plan so far, stopped whenever a stage ends so
    that it never mixes with the command's own output."""
    from rich.console import Console

    from solver import progress

    global _spinner
    stop_progress()
    err = Console(stderr=True, highlight=False)
    _spinner = spinner = err.status("") if err.is_terminal else None
    started = time.monotonic()

    def show(event: progress.Event) -> None:
        if event.done:
            if spinner is not None:
                spinner.stop()
            err.print(f"{event.stage}: {event.detail}", markup=False, soft_wrap=True)
        elif spinner is not None:
            spinner.update(spinner_text(event, time.monotonic() - started))
            spinner.start()

    progress.listen(show)


_spinner: Any = None


def spinner_text(event: Any, seconds: float) -> str:
    """The spinner's line: the stage, how long the command has run, how far the stage got
    (a DCC manager could not tell a run ending at 60 s from one going on to three times
    that, the clock's stop)."""
    from rich.markup import escape

    return escape(f"{event.stage} ({seconds:.0f} s): {event.detail}")


def stop_progress() -> None:
    """Stop showing progress (the spinner first, so that what follows is not drawn over)."""
    global _spinner
    if _spinner is not None:
        _spinner.stop()
        _spinner = None
    from solver import progress

    progress.listen(None)


def console() -> object:
    from rich.console import Console

    return Console(width=max(100, int(os.environ.get("COLUMNS", "120"))))


# --- validate / schema --------------------------------------------------------------------


@app.command(cls=Command)
def validate(
    scenario: ScenarioArg,
    resolved: Annotated[
        bool,
        typer.Option("--resolved", help="Print the resolved scenario (extends applied) as YAML."),
    ] = False,
    every: Annotated[
        bool,
        typer.Option("--all", help="Every pending item, rule and item id, not only the "
                     "first of each long list."),
    ] = False,
) -> None:
    """Load and validate a scenario; summarise releases, items and rules."""
    data = load(scenario)
    if resolved:
        import yaml

        typer.echo(
            yaml.safe_dump(
                data.model_dump(mode="json", exclude_defaults=True),
                sort_keys=False,
                allow_unicode=True,
            ),
            nl=False,
        )
        return
    from solver.instance import Instance
    from solver.report_text import print_summary
    from solver.scenario import what_if_changes

    out: Any = console()
    print_summary(Instance(data), out, every)
    for name, lines in what_if_changes(scenario):  # what the what-if assumes (a review)
        out.print(f"[bold]What {name} changes:[/bold]")
        for line in lines:
            out.print(f"  {line}", soft_wrap=True, markup=False, highlight=False)


@app.command(cls=Command)
def schema() -> None:
    """Print the JSON Schema of scenario files (a full scenario, or a what-if)."""
    from solver.model import Scenario, WhatIf

    defs: dict[str, object] = {}
    for model in (Scenario, WhatIf):
        sub = model.model_json_schema(ref_template="#/$defs/{model}")
        defs.update(sub.pop("$defs", {}))
        defs[model.__name__] = sub
    doc = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "secplan scenario",
        "oneOf": [{"$ref": "#/$defs/Scenario"}, {"$ref": "#/$defs/WhatIf"}],
        "$defs": defs,
    }
    typer.echo(json.dumps(doc, indent=2, sort_keys=True))


# --- solve / check / rid --------------------------------------------------------------------


def plan_of(
    path: Path,
    opts: SolveOptions,
    reference: dict[str, str | None] | None = None,
    alternatives: int = 0,
    tolerance: float = 0.1,
    clash: bool = True,
    saved: Path | None = None,
    plan_base: bool = True,
    lint: bool = True,
) -> tuple[Instance, Plan]:
    """Load and plan a scenario file (a what-if against its base plan); find the minimal
    clash when no plan satisfies the rules (unless `clash` is False). With `saved`, the
    plan.json `solve --out` wrote for it instead (`--plan`), checked against the scenario.
    Without `plan_base`, a what-if with no `reference` is not planned against its base's
    plan (`--base-plan` read that its base has none). `lint`: as `load`'s."""
    from solver.engine import NoPlanInTime
    from solver.plan import plan_file

    if saved is not None:
        from solver.instance import Instance
        from solver.plan_io import read_plan

        scenario = load(path, lint)
        with bad_input_exits():
            inst, plan = read_plan(saved, lambda reference: Instance(scenario, reference))
        warn_if_changed(saved, path, scenario, plan.fingerprint)
        return inst, plan
    with bad_input_exits():
        try:
            inst, plan = plan_file(path, opts, reference, alternatives, tolerance, plan_base)
        except NoPlanInTime as exc:
            fail(f"{path}: {exc}", 1)
    if lint:
        warn(path, inst.scenario)
    if plan.status == "infeasible" and clash:
        from solver.explain import minimal_clash, other_single_relaxations, smallest_relaxation

        plan.clash = minimal_clash(inst, opts) or []  # None only with a shared budget
        plan.relaxation = smallest_relaxation(inst, opts)
        if len(plan.relaxation) == 1:
            plan.relaxation_alternatives = other_single_relaxations(
                inst, plan.clash, plan.relaxation[0].rule, opts)
    return inst, plan


def planned(
    path: Path, opts: SolveOptions, reference: dict[str, str | None] | None = None,
    saved: Path | None = None,
) -> tuple[Instance, Plan]:
    """`plan_of` for a command that needs a plan: none satisfying the rules is exit 2."""
    inst, plan = plan_of(path, opts, reference, clash=False, saved=saved)
    if plan.status == "infeasible":
        fail(f"{path}: no plan satisfies the rules; run `secplan solve` for the clash")
    return inst, plan


def beside(other: Path, base: Path, base_plan: Plan) -> dict[str, str | None] | None:
    """The reference to plan `other` against when it is compared with `base`: `base`'s
    plan where `base` is the file `other` extends, as `solve` plans it, so the base is not
    solved twice; else None, `other` planned as `solve` plans it (an acceptance test:
    planned against BASE's plan, a scenario `base` extends, or a sibling what-if, showed
    a plan and moves `solve` never gives)."""
    from solver.scenario import base_of

    with bad_input_exits():
        extended = base_of(other)
    return base_plan.assignments if extended == base.resolve() else None


def warn_if_changed(saved: Path, path: Path, scenario: Scenario,
                    fingerprint: str | None) -> None:
    """A warning when the scenario `path` has changed since `saved`, a plan file of it, was
    written (its `fingerprint`)."""
    if fingerprint not in (None, scenario.planning_fingerprint()):
        warnings.warn(DoubtfulEntry(
            f"{saved}: {path} has changed since this plan was made (the plan still keeps "
            "every hard rule and cut-off, but a weight, a value, a soft rule or secplan "
            "itself may have changed): it may no longer be the plan `secplan solve` "
            "recommends; plan again with `secplan solve --out`"), stacklevel=1)


def base_plan_of(scenario: Path, saved: Path | None) -> Plan | None:
    """The plan of the file the what-if `scenario` extends, read from `saved` (`solve
    --base-plan`, an acceptance test: a what-if of 1,000 items took 78 s, 40 of them
    planning its base again); None without `saved`."""
    if saved is None:
        return None
    from solver.engine import DEFAULT_OPTIONS
    from solver.plan import no_base_plan
    from solver.plan_io import check_scenario_name, no_plan_in
    from solver.scenario import base_of

    with bad_input_exits():
        base = base_of(scenario)
    if base is None:
        fail(f"--base-plan: {scenario} extends no base scenario; plan it without --base-plan")
    if (none := no_plan_in(saved)) is not None:  # as planning the base again would find,
        loaded = load(base, lint=False)  # when it is the base's (a review: any such file
        # was taken)
        with bad_input_exits():
            check_scenario_name(saved, none.get("scenario"), loaded.name)
        warn_if_changed(saved, base, loaded, none.get("fingerprint"))
        warnings.warn(f"{saved}: {no_base_plan(base)}", stacklevel=1)
        return None
    return plan_of(base, DEFAULT_OPTIONS, saved=saved, lint=False)[1]  # read and checked as
    # --plan is; the base's doubtful entries were said when it was planned


def check_releases(scenario: Path, loaded: Scenario, releases: list[str] | None) -> None:
    """A command's --release, before the work it filters: releases of the scenario's
    horizon, or 'not planned'."""
    if releases:
        from solver.calendar import build_releases
        from solver.paging import NOT_PLANNED, chosen_groups

        # the horizon alone: an Instance would build every unit and rule for nothing
        horizon = build_releases(loaded.calendar, loaded.policy, loaded.as_of)
        try:
            chosen_groups([*(r.id for r in horizon), NOT_PLANNED], releases)
        except ValueError as exc:
            fail(f"{scenario}: {exc}")


def check_paging(rows: int, page: int) -> None:
    """A chart's --rows and --page, before any work (a page past the end is known only
    once the plan is: `past_the_end`)."""
    if rows < 1:
        fail(f"--rows {rows}: a page needs at least one row")
    if page < 1:
        fail(f"--page {page}: pages count from 1")


def past_the_end(page: int, pages: int, rows: int) -> str | None:
    """Why `page` cannot be drawn, when the chart has only `pages` pages of `rows` rows."""
    return f"--page {page}: the chart has {pages} page(s) of {rows} rows" \
        if page > pages else None


def check_reference(saved: Path | None, plan: Plan, reference: dict[str, str | None] | None,
                    base: Path) -> None:
    """A saved what-if plan (`--plan`) compared with its base must have been planned
    against the base plan it is compared with (the one planned now, or `--base-plan`):
    else its moves are counted from another plan, and bad input."""
    if saved is None or reference is None:
        return
    remedy = ("give --base-plan the plan.json `solve --out` wrote for the base, or compare "
              "without --plan")
    if plan.reference is None:
        fail(f"{saved}: reference: none, so not planned against a plan of {base} (a what-if "
             f"of it is): {remedy}")
    mine = plan.reference
    differ = sorted(u for u in {*reference, *mine} if reference.get(u) != mine.get(u))
    if differ:
        fail(f"{saved}: reference: planned against another plan of {base} ({len(differ)} "
             f"item(s) placed otherwise, first {differ[0]}): {remedy}")


@app.command(cls=Command)
def solve(
    scenario: ScenarioArg,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write plan.json and plan.csv here.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan as JSON.")] = False,
    alternatives: Annotated[
        int,
        typer.Option(
            "--alternatives",
            help="Also find up to K near-optimal plans, each moving as many items as it "
                 "can from the best plan and the others (a different shape of plan, not the "
                 "next best: for one item's next-best place and its cost, see explain ITEM).",
        ),
    ] = 0,
    tolerance: Annotated[
        float,
        typer.Option(
            "--tolerance",
            help="How much worse an alternative may be, per objective level (0.1 = 10%).",
        ),
    ] = 0.1,
    time_limit: TimeLimit = 60.0,
    workers: Workers = None,
    seed: Seed = 0,
    show: ShowProgress = None,
    wall_clock: WallClock = False,
    base_saved: Annotated[
        Path | None,
        typer.Option("--base-plan", help="For a what-if: the plan.json `solve --out` wrote for "
                     "the file it extends, planned against instead of planning it again.",
                     show_default=False),
    ] = None,
) -> None:
    """Recommend an allocation of every item to a release.

    Exit 0: plan found; 1: no plan satisfies the rules (the clashing rules are printed);
    2: bad input."""
    from solver.files import write_atomic
    from solver.plan_io import plan_csv, plan_json
    from solver.report_text import print_clash, print_plan

    if alternatives < 0 or not (math.isfinite(tolerance) and tolerance >= 0):
        fail("--alternatives and --tolerance must be non-negative numbers")
    if out is not None:
        check_outputs([scenario, base_saved], out / "plan.json", out / "plan.csv")
    base = base_plan_of(scenario, base_saved)
    inst, plan = plan_of(
        scenario, options(time_limit, workers, seed, show, wall_clock),
        None if base is None else dict(base.assignments), alternatives, tolerance,
        plan_base=base_saved is None,
    )
    plan.clock_stopped |= base is not None and base.clock_stopped  # as planning it again
    if out is not None:
        write_atomic(out / "plan.json", plan_json(plan))
        if plan.status != "infeasible":
            write_atomic(out / "plan.csv", plan_csv(inst, plan))
        else:  # an earlier run's table would contradict plan.json's "no plan": said
            removed = (out / "plan.csv").exists()
            (out / "plan.csv").unlink(missing_ok=True)
            typer.echo(f"secplan: no plan: {out / 'plan.json'} now says so (status "
                       f"infeasible, with the clash)"
                       + (f"; removed {out / 'plan.csv'}, an earlier plan's" if removed else ""),
                       err=True)
    if as_json:
        typer.echo(plan_json(plan), nl=False)
    elif plan.status == "infeasible":
        print_clash(inst, plan, console())
    else:
        print_plan(inst, plan, console())
    if plan.status == "infeasible":
        raise typer.Exit(1)


@app.command(cls=Command)
def check(
    scenario: ScenarioArg,
    plan: Annotated[Path, typer.Argument(
        help="plan.json, or a .csv with item and release columns (plan.csv), to judge; also "
             "a hand-written one.")],
) -> None:
    """Judge a plan against the scenario's rules, without a solver. Exit 0 valid, 1 not."""
    from solver.check import broken_rules, check_assignment
    from solver.instance import Instance, assignment_of
    from solver.lint import listed
    from solver.objective import term_values
    from solver.plan_io import check_plan_names, read_assignments
    from solver.report_text import objective_words
    from solver.rules.capacity import Capacity
    from solver.scenario import base_of, removed_units

    loaded = load(scenario)
    with bad_input_exits():
        assignments, reference, written = read_assignments(plan)
    other = written is not None and written != loaded.name
    if other:  # a base plan judged in a what-if is a question worth asking; not knowing it
        # was asked is not (an acceptance test)
        warnings.warn(f"{plan}: the plan of {written!r}, judged against {loaded.name!r}",
                      stacklevel=1)
    base = base_of(scenario)
    # moves count from the base plan: the one the plan file was planned against, or the
    # file itself when it is the base's plan (a monthly re-plan judged last month's plan
    # in this month's what-if, and its moves were counted from the month before)
    own_base = other and base is not None and written == load(base).name
    reference = None if base is None or (other and not own_base) \
        else dict(assignments) if own_base else reference
    inst = Instance(loaded, reference)
    with bad_input_exits():
        dropped = check_plan_names(plan, inst, assignments,
                                   functools.cache(lambda: removed_units(scenario)))
    for uid, gone in dropped.items():
        warnings.warn(f"{plan}: {uid} is not judged: {gone}", stacklevel=1)
    if other:  # items decided or raised since the plan was made are news, not faults
        closed = [uid for uid, rid in assignments.items() if uid in inst.closed and rid]
        for uid in closed:
            del assignments[uid]
        new = [u.id for u in inst.units if u.id not in assignments]
        assignments.update(dict.fromkeys(new))
        for ids, what in ((closed, "closed since (not judged)"),
                          (new, "not in it (judged outside the horizon)")):
            if ids:
                warnings.warn(f"{plan}: {what}: {listed(ids, 20)}", stacklevel=1)
    broken = broken_rules(check_assignment(inst, assignments))
    for rule, (is_hard, messages) in broken.items():  # each rule once, as `solve` says it
        typer.echo(f"{rule} [{'violated' if is_hard else 'soft, broken'}]: {'; '.join(messages)}")
        if isinstance(capacity := inst.rule_named.get(rule), Capacity):
            efforts = capacity.max_effort is not None
            for rid, units in capacity.crowding(inst, assignments).items():
                typer.echo(f"  {rid} holds{', largest effort first' * efforts}: " + listed(
                    [f"{u.id} ({u.effort})" if efforts else u.id for u in units], 20))
    hard = sum(is_hard for is_hard, _ in broken.values())
    if hard:
        typer.echo(f"{plan}: INVALID - {hard} hard rule(s) violated")
        raise typer.Exit(1)
    typer.echo(f"{plan}: valid ({len(broken)} soft rule(s) broken)" if broken else f"{plan}: valid")
    outside = [u.id for u in inst.units if assignments.get(u.id) is None]
    if outside:  # an acceptance test: a plan dropping an item read "valid", the item unnamed
        typer.echo(f"left outside the horizon ({len(outside)}): {listed(outside, 20)}")
    # what the plan costs, as solve counts it (an acceptance test: a hand-written plan could
    # not be set against the recommended one)
    source = "" if base is None else f" (moves counted from {plan}, the base's plan)" \
        if own_base else f" (moves counted from the base plan {plan} keeps)" \
        if reference is not None else \
        " (moves counted from the published allocation, not the base plan)"
    typer.echo(objective_words(inst, term_values(inst, assignment_of(assignments, inst)))
               + source)


@app.command(cls=Command)
def rid(
    scenario: ScenarioArg,
    release: Annotated[str, typer.Argument(help="Release id, e.g. 2020-11.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the scope table as JSON.")]
    = False,
    time_limit: TimeLimit = 60.0,
    workers: Workers = None,
    seed: Seed = 0,
    show: ShowProgress = None,
    wall_clock: WallClock = False,
    saved: SavedPlan = None,
) -> None:
    """A release's scope table in the style of the RID: status, cut-off, fall-back."""
    from solver.instance import Instance
    from solver.report_text import print_rid, rid_data

    horizon = Instance(load(scenario)).release_ids
    if release not in horizon:
        fail(f"{scenario}: release {release!r} is not in the horizon ({', '.join(horizon)})")
    inst, plan = planned(scenario, options(time_limit, workers, seed, show, wall_clock),
                         saved=saved)
    if as_json:
        typer.echo(json.dumps(rid_data(inst, plan, release), indent=2))
    else:
        print_rid(inst, plan, release, console())


@app.command(cls=Command)
def roll(
    scenario: ScenarioArg,
    to: Annotated[str, typer.Option(
        "--to", help="The next re-plan's date (its as_of), e.g. 2020-06-26.",
        show_default=False)],
    out: Annotated[Path, typer.Option("-o", "--out", help="The what-if file to write (YAML).",
                                      show_default=False)],
    time_limit: TimeLimit = 60.0,
    workers: Workers = None,
    seed: Seed = 0,
    show: ShowProgress = None,
    wall_clock: WallClock = False,
    saved: SavedPlan = None,
    force: Annotated[bool, typer.Option("--force", help="Replace --out if it exists.")]
    = False,
) -> None:
    """Draft next month's what-if from this month's plan.

    A what-if extending SCENARIO as of --to, with the releases gone live by then (their
    approved items implemented), the scopes baselined by then (the items planned there
    published in them), and the decisions due, listed for you to record. An existing
    --out is not replaced unless --force says so: it may hold decisions recorded by
    hand."""
    from solver.files import write_atomic
    from solver.roll import draft

    try:
        day = dt.date.fromisoformat(to)
    except ValueError:  # an acceptance test: "does not match the format" for 2020-13-01
        fail(f"--to: {to!r} is not a date (YYYY-MM-DD, e.g. 2020-06-26)")
    check_outputs([scenario, saved], out)
    if out.exists() and not force:  # an acceptance test: last month's command run again
        # replaced a month whose decisions were recorded, and the months extending it
        fail(f"{out}: exists, and may hold decisions recorded by hand: write to another "
             "file, or give --force to replace it")
    loaded = load(scenario)
    if day <= loaded.as_of:
        fail(f"--to: {day} is not after {scenario}'s as_of ({loaded.as_of})")
    inst, plan = planned(scenario, options(time_limit, workers, seed, show, wall_clock),
                         saved=saved)
    source = str(saved) if saved else f"the plan of {scenario.name}"
    extends = os.path.relpath(scenario.resolve(), out.resolve().parent)
    with bad_input_exits():
        write_atomic(out, draft(inst, plan.assignments, day, extends, source))
    typer.echo(f"{out}: drafted as of {day}; record the decisions listed at its end, then "
               f"`secplan solve {out}`")


@app.command(cls=Command)
def explain(
    scenario: ScenarioArg,
    item: Annotated[str | None, typer.Argument(help="One item (default: all).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the explanations as JSON.")]
    = False,
    time_limit: TimeLimit = 60.0,
    workers: Workers = None,
    seed: Seed = 0,
    show: ShowProgress = None,
    wall_clock: WallClock = False,
    saved: SavedPlan = None,
) -> None:
    """Why each item sits where it does, computed from the model.

    For one item every release ranked (the rules that block it, or what it would cost);
    for all items, why not earlier and why not a release later. For an infeasible
    scenario: the minimal set of clashing rules."""
    from solver.explain import explain_items
    from solver.report_text import print_clash, print_closed, print_option_notes, print_options

    opts = options(time_limit, workers, seed, show, wall_clock)
    inst, plan = plan_of(scenario, opts, saved=saved)  # --plan: only the questions are solved
    if plan.status == "infeasible":
        if as_json:
            typer.echo(json.dumps({"status": "infeasible", "clash": plan.clash,
                                   "relaxation": [v.model_dump() for v in plan.relaxation],
                                   "relaxation_alternatives": [
                                       v.model_dump() for v in plan.relaxation_alternatives]},
                                  indent=2))
        else:
            print_clash(inst, plan, console())
        return
    if item is not None and item not in plan.assignments:
        from solver.scenario import unknown_name

        closed = inst.closed.get(item)
        fail(f"{scenario}: " + (f"{item} is {closed.status}: not planned" if closed
                                else unknown_name(item, plan.assignments, "planned item")))
    explained = explain_items(inst, plan, opts, [item] if item else None)
    items = {i.id: i for i in plan.items}
    if as_json:  # each item as plan.json has it (cut-off, fall-back, reasons), ranked
        typer.echo(json.dumps({
            "status": plan.status,
            "items": [{**items[uid].model_dump(mode="json"),  # a list, as plan.json's
                       "options": [o.model_dump(mode="json") for o in opts_]}
                      for uid, opts_ in explained.items()],
            **({} if item else {"closed": {uid: c.status for uid, c in inst.closed.items()}}),
        }, indent=2))
        return
    for uid, choices in explained.items():
        print_options(inst, items[uid], choices, console(), notes=False)
    print_option_notes([o for choices in explained.values() for o in choices], console(),
                       time_limit)  # once, not under each of a thousand items
    if item is None:
        print_closed(inst, console())


@app.command(cls=Command)
def compare(
    base: Annotated[Path, typer.Argument(help="The base scenario file.")],
    other: Annotated[Path, typer.Argument(help="The scenario to compare with it.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON.")] = False,
    time_limit: TimeLimit = 60.0,
    workers: Workers = None,
    seed: Seed = 0,
    show: ShowProgress = None,
    wall_clock: WallClock = False,
    base_saved: BaseSavedPlan = None,
    saved: Annotated[
        Path | None,
        typer.Option("--plan", help="The plan.json `solve --out` wrote for OTHER: use it "
                     "instead of planning OTHER again.", show_default=False),
    ] = None,
) -> None:
    """What moved between two scenarios' plans, and why.

    Each is planned as `solve` plans it: a what-if of BASE against BASE's plan, so only
    what must or should move does. --base-plan and --plan read the plans `solve --out`
    wrote instead of planning again."""
    from solver.compare import compare_plans
    from solver.report_text import print_comparison

    opts = options(time_limit, workers, seed, show, wall_clock)
    if saved is not None:  # read before the base is planned: a bad file costs nothing
        other_inst, other_plan = planned(other, opts, saved=saved)
    base_inst, base_plan = planned(base, opts, saved=base_saved)
    reference = beside(other, base, base_plan)
    if saved is None:
        other_inst, other_plan = planned(other, opts, reference)
    check_reference(saved, other_plan, reference, base)
    comparison = compare_plans(base_plan, other_inst, other_plan, base_inst)
    if as_json:
        typer.echo(comparison.model_dump_json(indent=2))
    else:
        print_comparison(comparison, console())


OutFile = Annotated[Path, typer.Option("-o", "--out", help="Output file (.png, .svg or .pdf).")]


def check_figure(out: Path, option: str = "") -> str:
    """A chart's file name with an extension it can be saved as, checked before the solve
    (a fuzz test: gantt and timetable said so only after solving); its format."""
    from solver.files import figure_format

    try:
        return figure_format(out)
    except ValueError as exc:
        fail(f"{option or out}: {exc}")


def _draw(out: Path, draw: Any, size: tuple[float, float] | None = None,
          err: bool = False, pages: list[Any] | None = None) -> None:
    """Run a plot function and save its figure, or with `pages`, each page's function into
    one PDF; a bad request is bad input (exit 2). Say so on standard output, or on
    standard error (`err`) when that carries JSON."""
    import matplotlib

    matplotlib.use("Agg")
    from solver.plot import save_figure, save_pdf_pages

    try:
        out.parent.mkdir(parents=True, exist_ok=True)  # as for every other file written
        if pages is not None:
            save_pdf_pages(pages, out)
        else:
            ax = draw()
            if size is not None:
                ax.figure.set_size_inches(*size)
            save_figure(ax.figure, out)
    except ValueError as exc:
        fail(f"{out}: {exc}")
    typer.echo(f"wrote {out}" + (f": all {len(pages)} pages" if pages else ""), err=err)


def _draw_paged(out: Path, fmt: str, page: int | None, pages: int, draw_page: Any,
                err: bool = False, again: str = "") -> None:
    """A paged chart: `draw_page(page=k)` draws page k (from 0). Page `page` (from 1; the
    first by default), or every page into one PDF when `out` is one and no page is asked
    for (a Panel pack in one file; a DCC manager needed ten runs); `again` says how another
    page is drawn more cheaply."""
    if page is None and fmt == "pdf" and pages > 1:
        _draw(out, None, err=err,
              pages=[functools.partial(draw_page, page=k) for k in range(pages)])
        return
    shown = 1 if page is None else page
    _draw(out, lambda: draw_page(page=shown - 1), err=err)
    if pages > 1:
        typer.echo(f"page {shown} of {pages}; draw the others with --page, or all of them "
                   f"into one .pdf{again}", err=err)


@app.command(cls=Command)
def gantt(
    scenario: ScenarioArg,
    out: OutFile,
    release: Annotated[
        list[str] | None,
        typer.Option("--release", help="Only these releases (repeat); 'not planned' too."),
    ] = None,
    rows: Annotated[int, typer.Option("--rows", help="Rows per page.")] = 60,
    page: Annotated[int | None, typer.Option(
        "--page", help="Page to draw (from 1; default the first, or every page into a .pdf).",
    )] = None,
    time_limit: TimeLimit = 60.0,
    workers: Workers = None,
    seed: Seed = 0,
    show: ShowProgress = None,
    wall_clock: WallClock = False,
    saved: SavedPlan = None,
) -> None:
    """Gantt chart of the plan: decisions, cut-offs, lead times, go-lives and baselines."""
    shown = 1 if page is None else page
    check_paging(rows, shown)
    fmt = check_figure(out)
    check_outputs([scenario, saved], out)
    inst, plan = planned(scenario, options(time_limit, workers, seed, show, wall_clock),
                         saved=saved)
    from solver.plot import draw_gantt, gantt_pages

    try:
        pages = gantt_pages(plan, release, rows)
    except ValueError as exc:
        fail(f"{scenario}: {exc}")
    if (beyond := past_the_end(shown, pages, rows)) is not None:
        fail(beyond)
    _draw_paged(out, fmt, page, pages, functools.partial(draw_gantt, inst, plan,
                                                         releases=release, max_rows=rows))


@app.command(cls=Command)
def timetable(scenario: ScenarioArg, out: OutFile) -> None:
    """Release timetable: scope baselines and go-live of each release."""
    from solver.instance import Instance
    from solver.plot import draw_timetable

    check_figure(out)
    check_outputs([scenario], out)
    inst = Instance(load(scenario))
    _draw(out, lambda: draw_timetable(inst))


@app.command(cls=Command)
def graph(
    scenario: ScenarioArg,
    out: Annotated[Path, typer.Option(
        "-o", "--out", help="Output file: .png, .svg or .pdf, or .graphml or .dot for the graph.",
    )],
    time_limit: TimeLimit = 60.0,
    workers: Workers = None,
    seed: Seed = 0,
    show: ShowProgress = None,
    wall_clock: WallClock = False,
    saved: SavedPlan = None,
    release: Annotated[
        list[str] | None,
        typer.Option("--release", help="Draw or export only these releases (repeat), with "
                     "the items tied to them; 'not planned' too."),
    ] = None,
) -> None:
    """Dependency graph: items in columns by release, edges for every dependency rule.

    The file's extension picks the format: .png, .svg, .pdf, or .graphml / .dot to export
    the graph itself. The picture leaves out aligned uplifts to items outside the year the
    rule binds (they are not tied); the exports keep them, marked binding false."""
    from solver.files import FIGURE_FORMATS

    allowed = [*FIGURE_FORMATS, ".graphml", ".dot"]
    if out.suffix.lower() not in allowed:  # before the solve, naming every format
        fail(f"{out}: cannot write a graph as {out.name!r}: use one of {', '.join(allowed)}")
    check_outputs([scenario, saved], out)
    inst, plan = planned(scenario, options(time_limit, workers, seed, show, wall_clock),
                         saved=saved)
    from solver.paging import NOT_PLANNED
    from solver.plot import dependency_graph, draw_graph, export_graph, graph_structure
    from solver.plot.gantt import chosen_releases
    from solver.plot.graph import releases_only

    try:
        shown = set(chosen_releases(plan, release))
    except ValueError as exc:
        fail(f"{scenario}: {exc}")
    g = dependency_graph(inst, plan)
    structure = graph_structure(g)
    if out.suffix.lower() in (".graphml", ".dot"):
        export_graph(g if release is None else releases_only(g, plan, release), out)
        typer.echo(f"wrote {out}")
    else:
        _draw(out, lambda: draw_graph(inst, plan, releases=release))
        if release is None and len(plan.assignments) > GRAPH_ITEMS:
            typer.echo(f"secplan: note: the graph draws {len(plan.assignments)} items on one "
                       "page; --release R draws a release and the items tied to it",
                       err=True)
    for cycle in structure["precedence_cycles"]:
        typer.echo("precedence cycle: " + " -> ".join(cycle), err=True)
    groups = [group for group in structure["linked"]  # those touching the releases drawn (an
              if any((plan.assignments.get(u) or NOT_PLANNED) in shown  # acceptance test:
                     for u in group)]  # --release printed every group of the plan)
    for group in groups:
        typer.echo("linked by precedence or same-release (moving one may move the others): "
                   + ", ".join(group))
    if len(groups) < len(structure["linked"]):
        typer.echo(f"({len(structure['linked']) - len(groups)} more such groups in other "
                   "releases; without --release they are listed too)")
    if structure["precedence_cycles"]:
        raise typer.Exit(2)


@app.command(cls=Command)
def report(
    scenario: ScenarioArg,
    out: Annotated[Path, typer.Option("-o", "--out", help="The HTML file to write.")],
    compare_with: Annotated[
        Path | None,
        typer.Option("--compare", help="Base scenario: plan against its plan, show what moved."),
    ] = None,
    explain_all: Annotated[
        bool,
        typer.Option("--explain",
                     help="Rank each item's release, the earlier ones and the next (slower)."),
    ] = False,
    sweep_file: Annotated[
        Path | None,
        typer.Option("--sweep", help="A `secplan sweep --json` summary to include."),
    ] = None,
    time_limit: TimeLimit = 60.0,
    workers: Workers = None,
    seed: Seed = 0,
    show: ShowProgress = None,
    wall_clock: WallClock = False,
    saved: SavedPlan = None,
    base_saved: BaseSavedPlan = None,
    release: Annotated[
        list[str] | None,
        typer.Option("--release", help="Only these releases' items (repeat; 'not planned' "
                     "too) in the release tables, charts, explanations and sweep shares."),
    ] = None,
) -> None:
    """One self-contained HTML page: the plan, its charts and its reasons.

    Summary, each release's scope table, Gantt chart, timetable and dependency graph, the
    reasons for every placement; with --compare what moved against BASE, with --explain
    releases ranked per item, with --sweep the shares.

    Exit 0: written (also when no plan satisfies the rules: the report shows the clash);
    2: bad input."""
    import matplotlib

    from solver.compare import compare_plans
    from solver.explain import explain_items
    from solver.report import build_report, read_sweep, write_report

    if out.suffix.lower() not in (".html", ".htm"):  # not the scenario, say, by a slip
        fail(f"-o: the report is one HTML page: name it .html (got {out.name!r})")
    check_outputs([scenario, compare_with, sweep_file, saved, base_saved], out)
    matplotlib.use("Agg")
    opts = options(time_limit, workers, seed, show, wall_clock)
    sweep = None
    if sweep_file is not None:
        try:
            sweep = read_sweep(sweep_file)
        except ValueError as exc:
            fail(f"{sweep_file}: {exc}")
    if base_saved is not None and compare_with is None:
        fail("--base-plan is the plan of the --compare scenario: give --compare too")
    if release:
        check_releases(scenario, load(scenario), release)
    if saved is not None:  # read before the base is planned: a bad file costs nothing
        inst, plan = plan_of(scenario, opts, saved=saved)
    base_inst, base_plan = None, None
    if compare_with is not None:
        base_inst, base_plan = planned(compare_with, opts, saved=base_saved)
    reference = beside(scenario, compare_with, base_plan) \
        if compare_with is not None and base_plan is not None else None
    if saved is None:
        inst, plan = plan_of(scenario, opts, reference)
    if compare_with is not None:
        check_reference(saved, plan, reference, compare_with)
    has_plan = plan.status != "infeasible"
    if sweep is not None:
        base, mine = sweep["base"], plan.assignments
        other = sorted(u for u in {*base, *mine} if u not in base or u not in mine
                       or base[u] != mine[u])
        if not has_plan:
            fail(f"{sweep_file}: a sweep needs a plan to show against, and {scenario} has none")
        swept = sweep.get("scenario")
        if isinstance(swept, str) and swept != inst.scenario.name:  # its samples are drawn
            # from another scenario's uncertainty, even where the base plans agree
            fail(f"{sweep_file}: the sweep of {swept!r}, not of {inst.scenario.name!r}; "
                 "sweep this scenario")
        strangers = sorted(u for u in sweep["probabilities"]
                           if u not in mine and u not in inst.closed)
        if strangers:  # a fuzz test: shown without a word
            fail(f"{sweep_file}: probabilities.{strangers[0]}: no such item in {scenario}; "
                 "sweep this scenario")
        if other:  # --compare does not change the plan (`beside`): the sweep's is another
            fail(f"{sweep_file}: swept against another plan than {scenario}'s "
                 f"({', '.join(other[:3])}{' ...' if len(other) > 3 else ''} "
                 f"placed otherwise); sweep this scenario")
    comparison = compare_plans(base_plan, inst, plan, base_inst) if base_plan and has_plan \
        else None
    from solver.paging import NOT_PLANNED

    among = None if not release else \
        {u for u, r in plan.assignments.items() if (r or NOT_PLANNED) in release}
    explanations = explain_items(inst, plan, opts, among=among) \
        if explain_all and has_plan else None
    from solver.scenario import lineage, what_if_changes

    write_report(out, build_report(inst, plan, comparison, explanations, sweep,
                                   lineage(scenario), what_if_changes(scenario), release))
    typer.echo(f"wrote {out}")
    if not has_plan:
        typer.echo(f"secplan: {scenario}: no plan satisfies the rules; the report shows the "
                   "clash", err=True)


@app.command(cls=Command)
def sweep(
    scenario: ScenarioArg,
    samples: Annotated[int, typer.Option("--samples", help="How many what-ifs to draw.")]
    = 200,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Dask worker processes (local cluster).")
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="An existing Dask scheduler, e.g. tcp://host:8786."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the draws.")] = 0,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Stream samples here (JSON lines); a re-run resumes."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")]
    = False,
    chart: Annotated[
        Path | None, typer.Option("--chart", help="Also draw the shares per item (PNG/SVG/PDF).")
    ] = None,
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Each sample's budget, counted as for `solve`.")
    ] = 20.0,
    show: Annotated[
        bool | None,
        typer.Option("--progress/--no-progress",
                     help="Show the samples' progress bar on standard error. Default: on, "
                     "but for --json when standard error is not a terminal.",
                     show_default=False),
    ] = None,
    release: Annotated[
        list[str] | None,
        typer.Option("--release", help="Only the items these releases hold in the base plan "
                     "(repeat; 'not planned' too), in the item table and the chart."),
    ] = None,
    rows: Annotated[int, typer.Option("--rows", help="Items per page of the chart.")] = 60,
    page: Annotated[int | None, typer.Option(
        "--page", help="Page of the chart to draw (from 1; default the first, or every page "
                       "into a .pdf).")] = None,
    saved: SavedPlan = None,
) -> None:
    """Monte Carlo what-ifs: how likely each item is to land in each release.

    From the scenario's `uncertainty:` section: how likely each item is to land in each
    release, and each release's scope to hold. Runs on a local Dask cluster, or on an
    existing one with --scheduler; the same seed and sample count give the same result
    whatever the number of workers or machines."""
    from solver.engine import SolveOptions
    from solver.scenario import ScenarioError
    from solver.sweep import SweepError, SweepResult, plot_sweep, print_sweep, run_sweep
    from solver.uncertainty import Uncertainty

    check_time_limit(time_limit)
    chart_format = None if chart is None else check_figure(chart, "--chart")  # before the
    # sweep, not after it
    shown_page = 1 if page is None else page
    check_paging(rows, shown_page)
    if chart is None and (rows != 60 or page is not None):  # a review: silently ignored
        fail("--rows and --page choose the page of --chart to draw: give --chart too")
    check_outputs([scenario, saved], out, chart)
    loaded = load(scenario)  # its warnings before the sweep (bad input stops it there too)
    check_releases(scenario, loaded, release)
    if loaded.uncertainty == Uncertainty():  # a review: 200 identical samples, no word why
        typer.echo(f"secplan: {scenario}: no uncertainty section, so every sample is the "
                   "scenario as written; see docs/sweep.md", err=True)
    shown = show if show is not None else not as_json or sys.stderr.isatty()
    if shows_stages(show):  # the base plan's stages, as `solve` shows them (an acceptance
        show_progress()  # test: 110 s without a word at 1,000 items before the samples' bar)
    from solver.paging import page_count

    base = None if saved is None else plan_of(scenario, SolveOptions(), saved=saved)

    def pages_of(result: SweepResult) -> int:
        return page_count(len(result.items(release)), rows)

    def on_base(result: SweepResult) -> None:  # a page past the end, before any sample
        beyond = past_the_end(shown_page, pages_of(result), rows)
        if chart is not None and beyond is not None:
            raise ValueError(beyond)

    try:
        result = run_sweep(scenario, samples, seed=seed, workers=workers, scheduler=scheduler,
                           out=out, progress=shown,
                           solve_options=SolveOptions(time_limit=time_limit, workers=1,
                                                      seed=0), on_base=on_base,
                           base=base)
    except (ScenarioError, SweepError, ValueError) as exc:
        fail(str(exc))
    except KeyboardInterrupt:  # a review: Ctrl-C said nothing of the samples kept
        if out is not None and out.exists():
            kept = max(0, len(out.read_text(encoding="utf-8").splitlines()) - 1)
            global _interrupted
            _interrupted = (f"secplan: interrupted; {kept} sample line(s) kept in {out}: the "
                            "same command resumes from them")
        raise
    pages = pages_of(result)
    if as_json:
        typer.echo(result.summary_json())
    else:
        print_sweep(result, console(), release)
    if chart is not None and chart_format is not None:
        _draw_paged(chart, chart_format, page, pages,
                    lambda page: plot_sweep(result, release, rows, page), err=as_json,
                    again=" (with --out, a re-run reads its samples back)")


def main() -> NoReturn:
    """Entry point of the `secplan` command.

    A command is one short-lived process, so the cyclic garbage collector stays off (it
    would otherwise walk the objects of every import again and again) and the process ends
    with `os._exit` once the output is flushed and the exit handlers have run: tearing the
    interpreter down object by object would add 0.1-0.2 s to every command (measured in
    benchmarks/README.md)."""
    gc.disable()
    warnings.showwarning = show_warning
    problem = None
    try:
        app()
        code: int = 0
    except KeyboardInterrupt:  # outside a command (typer makes it exit 130 inside one)
        code = INTERRUPTED
    except SystemExit as exc:
        code = exit_code(exc.code)
    except OSError as exc:  # a file the system will not let a command write (or read)
        if not exc.filename:
            raise  # not a file's problem: a bug to show in full
        problem, code = f"secplan: {exc.filename}: {exc.strerror or exc}", 2
    if code == INTERRUPTED:  # outputs are written at the end, so none is half written
        problem = _interrupted
    stop_progress()
    if problem:
        print(problem, file=sys.stderr)
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def show_warning(message: Warning | str, *_: Any, **__: Any) -> None:
    """A warning as a line on standard error, in the planners' words (no source line)."""
    if _spinner is not None:
        _spinner.stop()  # started again by the next progress event
    kind = "warning" if isinstance(message, DoubtfulEntry) else "note"
    typer.echo(f"secplan: {kind}: {message}", err=True)


def exit_code(value: object) -> int:
    """The process exit code `sys.exit(value)` would give."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    print(value, file=sys.stderr)
    return 1
