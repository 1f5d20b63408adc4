"""``decodelab grade SUBMISSION... --out DIR``: grade a class against the hidden suites.

Each submission (a folder or ``.zip``; a class folder stands for all of its entries) gets
``DIR/<name>/results.json`` (Gradescope's format, recording the backend) and
``DIR/<name>/feedback.html``; ``DIR/grades.csv`` has a row per submission graded into DIR.
The learner's code runs sandboxed (see :mod:`grading.sandbox.grader_side`), on ``--workers`` pre-loaded
workers at once. Exit 0 when every submission was graded, whatever the scores; 1 when the
grader itself broke on some (their results.json says so; ``--resume`` grades them again);
2 with one sentence for bad arguments.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from decodelab.errors import UserError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "grade",
        help="grade submissions (folders or .zip files) against the hidden tests",
        description="Grade submissions against the hidden suites, each in a sandbox, and write per "
        "submission DIR/<name>/results.json (Gradescope format) and feedback.html, and DIR/grades.csv.",
    )
    parser.add_argument("submissions", nargs="+", metavar="SUBMISSION",
                        help="a submission folder or .zip, or a class folder holding them")
    parser.add_argument("--out", required=True, metavar="DIR", help="where results, feedback and grades.csv go")
    parser.add_argument("--workers", type=int, default=None,
                        help=f"submissions graded at once (default: the number of cores, {os.cpu_count()}; "
                        "one where a submission could signal a classmate's processes: docs/grading.md)")
    parser.add_argument("--resume", action="store_true",
                        help="skip submissions DIR already holds results for, graded on the same backend "
                        "and exercises")
    parser.add_argument("--backend", default=None,
                        help="model for the tests that need one (default: $DECODELAB_BACKEND, else auto)")
    parser.add_argument("--mistral-capture", default=None, metavar="FILE",
                        help="a capture file of real Mistral-7B numbers for the tests that use one")
    parser.add_argument("--exercises", nargs="+", default=(), metavar="KEY",
                        help="grade only these exercises (keys from `decodelab list`), e.g. one week's assignment")
    parser.add_argument("--summary", action="store_true",
                        help="print, per exercise, how many finished it and the test most submissions fail, "
                        "and name who has not started an exercise or hands in a file that does not import")
    limits = parser.add_argument_group("limits per submission (defaults in docs/grading.md)")
    limits.add_argument("--call-time-limit", type=float, default=None, metavar="S", help="seconds per call")
    limits.add_argument("--time-limit", type=float, default=None, metavar="S", help="seconds for all its calls")
    limits.add_argument("--memory-limit", type=int, default=None, metavar="MB",
                        help="MiB of memory above the pre-loaded model's")
    parser.add_argument("--sandbox", choices=("auto", "bwrap", "none"), default=None,
                        help="auto (default): bubblewrap where it works; bwrap: require it; none: processes only")
    parser.set_defaults(func=run, out_kind="folder")


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def stop_on_sigterm() -> None:
    """From now on SIGTERM (`kill`, a scheduler's or Gradescope's time-out) stops grading as
    Ctrl-C does, tidily: the judges and the learners' workers with it, none left running."""
    signal.signal(signal.SIGTERM, _stop)


def run(arguments: argparse.Namespace) -> int:
    from grading.grader.driver import GradeOptions, GraderError, grade_class
    from grading.sandbox.limits import Limits

    if arguments.workers is not None and arguments.workers < 1:
        raise UserError("--workers must be at least 1")
    if arguments.mistral_capture and not Path(arguments.mistral_capture).is_file():
        raise UserError(f"no such capture file: {arguments.mistral_capture}")
    limits = Limits.from_env(call_seconds=arguments.call_time_limit, submission_seconds=arguments.time_limit,
                             memory_mb=arguments.memory_limit)
    from grading.harness.catalogue import by_key

    for key in arguments.exercises:
        try:
            by_key(key)
        except KeyError as error:
            raise UserError(str(error).strip("'\"")) from None
    options = GradeOptions(backend=arguments.backend, capture=arguments.mistral_capture,
                           sandbox=arguments.sandbox, limits=limits, exercises=tuple(arguments.exercises))
    from grading.harness.submission import expand, printable, submission_name

    strays: list[Path] = []
    expand(arguments.submissions, strays)  # bad paths: one sentence before anything starts
    for stray in strays:
        print(f"Skipped {printable(str(stray))}: neither a folder nor a .zip file, so not a submission.",
              file=sys.stderr)
    from grading.harness.processes import undumpable

    # A submission may run as this user (a grader that is not root, without bubblewrap): it must
    # not read this process's environment (a token, an agent's socket) from /proc.
    undumpable()
    stop_on_sigterm()
    with _Progress() as progress:
        try:
            outcome = grade_class(arguments.submissions, Path(arguments.out), options, workers=arguments.workers,
                                  resume=arguments.resume, progress=progress.update)
        except GraderError as error:
            raise UserError(str(error)) from None
        except KeyboardInterrupt:
            if progress.graded:
                print(f"Stopped. What was graded is in {arguments.out} (grades.csv lists it); "
                      "run the same command with --resume to grade the rest.", file=sys.stderr)
            else:
                print(f"Stopped before any submission was graded: {arguments.out} is as it was. "
                      "Run the same command again to grade the class.", file=sys.stderr)
            raise
    out = Path(arguments.out)
    graded = len(outcome.graded) + len(outcome.failed)
    print(f"Graded {graded} submission(s) into {out} in {outcome.seconds:.1f} s on backend {outcome.backend}"
          + (f"; skipped {len(outcome.skipped)} already graded" if outcome.skipped else "") + ".")
    by_reason: dict[str, list[str]] = {}
    for name, why in outcome.changed.items():
        by_reason.setdefault(why, []).append(name)
    for why, names in by_reason.items():  # after an upgrade, a whole class for one reason: one line
        shown = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
        print(f"Graded again: {shown} ({why}).")
    print(f"Gradebook: {out / 'grades.csv'}")
    for name, path in outcome.renamed.items():
        if name not in outcome.skipped:
            print(f"Renamed: {name} is {printable(path)} (another submission, or one graded earlier into "
                  f"{out}, has the name {_row_named(submission_name(Path(path)), name, out)}).")
    priming = outcome.priming
    if priming.get("from_disk"):
        print(f"Priming: {priming['expected_values']} expected values read from an earlier run's file "
              "(same suites, reference, solutions, model and versions) and reused.")
    elif priming.get("from_peer") and not priming.get("expected_values"):
        print("Priming: not used (fewer submissions were left to grade than workers).")
    elif priming.get("requested"):
        if priming.get("error") or not priming.get("expected_values"):
            print(f"Warning: priming did not take effect ({priming.get('error') or 'no expected value remembered'}): "
                  "each submission computed its expected values itself, which is slower.", file=sys.stderr)
        else:
            print(f"Priming: {priming['expected_values']} expected values computed once on solutions/ and reused "
                  "(by every worker, once the one that primes had written them).")
    if outcome.sandbox and not outcome.sandbox.startswith("bubblewrap"):  # '': kept results that do not say
        print(f"Warning: {outcome.sandbox}.", file=sys.stderr)
    if outcome.one_at_a_time:
        print("Graded one submission at a time: a submission's code could have stopped the processes of a "
              "classmate graded beside it (docs/grading.md, \"A grader that is not root\"). Where bubblewrap "
              "works (the warning above says why it did not) or on Linux 6.12 or later, several are graded at "
              "once; --workers N grades N at once all the same.", file=sys.stderr)
    elif outcome.classmates_exposed:
        print(f"Warning: {outcome.workers} submissions were graded at once, and a submission's code could have "
              "stopped the processes of a classmate graded beside it (most likely reported as running out of "
              "memory). Check low scores, or grade with --workers 1 or with bubblewrap "
              "(docs/grading.md, \"A grader that is not root\").", file=sys.stderr)
    if arguments.summary:
        _print_summary(outcome)
    if outcome.failed:
        print(f"The grader itself failed on {len(outcome.failed)} submission(s): {', '.join(outcome.failed)}; "
              "their results.json say why. Run again with --resume to grade them again.", file=sys.stderr)
        return 1
    return 0


class _Progress:
    """A rich progress bar on stderr (plain lines when stderr is not a terminal)."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.console = Console(stderr=True)
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), TextColumn("{task.fields[current]}"),
                                 console=self.console, transient=False)
        self.task = self.progress.add_task("starting the graders", total=None, current="")
        self.running: list[str] = []
        self.graded = 0  # submissions this run finished
        self.shown = False  # from the first event: a run refused before it starts shows no bar

    def __enter__(self) -> "_Progress":
        return self

    def __exit__(self, *exc: object) -> None:
        if self.shown:
            self.progress.stop()

    def update(self, event: str, detail: str) -> None:
        if not self.shown:
            self.progress.start()
            self.shown = True
        if event == "total":
            self.progress.update(self.task, total=int(detail), description="loading the model and the suites")
        elif event == "ready":
            self.progress.update(self.task, description=f"grading on {detail}")
        elif event == "start":
            self.running.append(detail)
        elif event in ("done", "skip"):
            self.graded += event == "done"
            if detail in self.running:
                self.running.remove(detail)
            self.progress.advance(self.task)
        self.progress.update(self.task, current=", ".join(self.running[-3:]))


def _row_named(taken: str, renamed: str, out: Path) -> str:
    """The gradebook row that holds the name ``taken`` (names are compared without case, so
    ``Alice_Chen`` is taken by ``alice_chen``), as the row spells it."""
    rows = sorted(path.name for path in out.iterdir() if path.is_dir()) if out.is_dir() else []
    return next((row for row in rows if row != renamed and row.lower() == taken.lower()), taken)


def _print_summary(outcome) -> None:
    from rich.console import Console
    from rich.table import Table

    from grading.grader.reports import class_summary, learners_to_chase

    rows = class_summary(outcome.results.values())
    table = Table(title=f"{len(outcome.results)} submission(s)")
    table.add_column("exercise")
    table.add_column("finished", justify="right")
    table.add_column("not started", justify="right")
    table.add_column("does not import", justify="right")
    table.add_column("test failed by most submissions (how many)", overflow="fold")
    for row in rows:
        table.add_row(f"{row['exercise']} ({row['function']})", f"{row['finished']}/{row['submissions']}",
                      str(row["not_started"]), str(row["not_importing"]), row["most_failed"] or "—")
    console = Console()
    if not console.is_terminal:  # a file or a pipe: no width to fit, so cut nothing at rich's default 80
        console = Console(width=160)
    console.print(table)
    for state, learners in learners_to_chase(outcome.results).items():
        print(f"{state.capitalize()}: " + _names_and_exercises(learners, outcome.results))


def _names_and_exercises(learners: dict[str, list[str]], results: dict[str, dict], shown: int = 20) -> str:
    """``dave (every exercise), bob (logprobs, exact_match)``: the first ``shown`` learners."""
    parts = []
    for name, keys in list(learners.items())[:shown]:
        every = len(keys) == len(results[name]["extra_data"].get("exercises", {})) and len(keys) > 1
        parts.append(f"{name} ({'every exercise' if every else ', '.join(keys)})")
    more = len(learners) - shown
    return ", ".join(parts) + (f" and {more} more (grades.csv has their rows)" if more > 0 else "") + "."
