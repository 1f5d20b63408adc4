"""The ``decodelab`` command line: a thin front over the project's own functions.

Every subcommand lives in :mod:`decodelab.commands` and calls the same functions as the
suites and the grader. Errors a user can fix (a bad path, an unknown backend, a model that
is not there) print one sentence and exit 2, never a traceback.

Names are checked here, once for every command, before the command runs and before anything
heavy (torch, transformers) is imported, so a typo costs a fraction of a second and comes back
with the closest valid names (:func:`check_arguments`):

- an exercise (``EXERCISE`` of ``check`` and ``hint``, ``--exercises`` of ``grade`` and
  ``gradescope build``): a key from the catalogue or its function name, see :func:`find_exercise`;
- a backend (``--backend`` of every command that has one, else ``$DECODELAB_BACKEND`` where the
  command reads it): see :func:`backend_problem`;
- a choice such as a command or a demo name: argparse's own check, with suggestions added;
- ``--out``: the place must be one this user can create, before any work is done (a capture
  runs for minutes before it writes): see :func:`check_destination`.
- ``--target``: a folder or ``.zip`` named relative to the current folder is made absolute, since
  the tests run from the project's root.

A path the system refuses later all the same (``/sys``, a disk that fills) is reported as one
sentence naming the path, not as a traceback: see :func:`path_problem`.
"""
from __future__ import annotations

import argparse
import difflib
import importlib
import os
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Iterable, Sequence

from decodelab import __version__
from decodelab.commands import COMMANDS
from decodelab.errors import UserError
from grading.harness.catalogue import EXERCISES, Exercise
from grading.harness.target import PACKAGES
from reference.backend_names import BACKEND_ENV, backend_problem


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad argument is one line: what was wrong, the closest valid names, where to look."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: {message} (see '{self.prog} --help')\n")

    def _check_value(self, action: argparse.Action, value: object) -> None:
        # argparse's own check of ``choices`` (commands, demo names, --sandbox...), plus the
        # closest names; argparse checks every value through this one method.
        if action.choices is None or value in action.choices:
            return
        names = [str(choice) for choice in action.choices]
        raise argparse.ArgumentError(
            action, f"invalid choice: '{value}'{did_you_mean(closest(str(value), names))}; choose from {', '.join(names)}"
        )


# ---------------------------------------------------------------------------------------------
# Names: exercises and backends, checked without importing anything heavy
# ---------------------------------------------------------------------------------------------

def closest(word: str, names: Iterable[str], n: int = 3) -> list[str]:
    """The valid ``names`` closest to ``word`` (a typo's likely meaning), best first, case ignored."""
    by_lower = {}
    for name in names:
        by_lower.setdefault(name.lower(), name)
    return [by_lower[match] for match in difflib.get_close_matches(word.lower(), list(by_lower), n=n, cutoff=0.6)]


def did_you_mean(matches: Sequence[str]) -> str:
    """`` (did you mean 'a' or 'b'?)`` for these closest names; '' when there are none."""
    if not matches:
        return ""
    quoted = [f"'{match}'" for match in matches]
    either = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
    return f" (did you mean {either}?)"


def find_exercise(name: str) -> Exercise:
    """The exercise with this key or function name; :class:`UserError` with the closest ones and all keys.

    The one lookup of an exercise by name: ``check``, ``hint``, ``grade --exercises`` and
    ``gradescope build --exercises`` all come through here (see :func:`check_arguments`).
    """
    for candidate in EXERCISES:
        if name in (candidate.key, candidate.function):
            return candidate
    keys = [candidate.key for candidate in EXERCISES]
    key_of = {**{candidate.function: candidate.key for candidate in EXERCISES}, **{key: key for key in keys}}
    suggested = list(dict.fromkeys(key_of[match] for match in closest(name, key_of)))
    raise UserError(f"there is no exercise '{name}'{did_you_mean(suggested)}; choose one of: {', '.join(keys)}")


def check_backend(name: str) -> str:
    """``name``, stripped, when it may load (see :func:`backend_problem`); else :class:`UserError`."""
    problem = backend_problem(name)
    if problem is not None:
        raise UserError(problem)
    return name.strip()


def backend_from_environment() -> tuple[str | None, str | None]:
    """``$DECODELAB_BACKEND`` (None when unset or blank) and why it cannot load (None when it may)."""
    value = os.environ.get(BACKEND_ENV, "").strip()
    if not value:
        return None, None
    problem = backend_problem(value)
    return value, (None if problem is None else f"${BACKEND_ENV}={value}: {problem}")


def check_arguments(arguments: argparse.Namespace) -> None:
    """Refuse unknown exercises and backends before the command runs (:class:`UserError`).

    Exercise names are replaced by their keys, so every command gets keys. A ``--backend`` left
    at None means ``$DECODELAB_BACKEND`` (else ``auto``), so then the variable is checked.
    """
    if getattr(arguments, "exercise", None):
        arguments.exercise = find_exercise(arguments.exercise).key
    if getattr(arguments, "exercises", None):
        arguments.exercises = [find_exercise(name).key for name in arguments.exercises]
    if hasattr(arguments, "backend"):
        if arguments.backend is None or not arguments.backend.strip():
            _, problem = backend_from_environment()
            if problem is not None:
                raise UserError(problem)
        else:
            arguments.backend = check_backend(arguments.backend)
    if getattr(arguments, "out", None) is not None:
        check_destination(Path(arguments.out), getattr(arguments, "out_kind", None))
    target = getattr(arguments, "target", None)
    if isinstance(target, str) and target not in PACKAGES and not Path(target).is_absolute() and Path(target).exists():
        # The tests run from the project's root: a folder named from here must mean this one.
        arguments.target = str(Path(target).resolve())


def check_destination(out: Path, kind: str | None) -> None:
    """Refuse an ``--out`` that cannot be created (:class:`UserError`) before the command works.

    ``kind`` is ``"folder"`` or ``"file"`` where the command writes only that (``None``: either).
    An existing ``out`` must be of that kind; otherwise the nearest folder above it that exists
    must be a folder this user can create files in, since everything below it will be created.
    """
    if out.exists():
        if kind == "folder" and not out.is_dir():
            raise UserError(f"--out {out} exists and is not a folder; name a new folder, or an empty one")
        if kind == "file" and out.is_dir():
            raise UserError(f"--out {out} is a folder; name a file to write (one inside that folder, say)")
        return
    above = out.parent
    while not above.exists():
        above = above.parent
    if not above.is_dir():
        raise UserError(f"--out {out}: {above} is a file, so nothing can be created under it; choose another --out")
    try:  # a file made and removed at once: the one test that no permission or mount can fool
        with tempfile.TemporaryFile(dir=above):
            pass
    except OSError as error:
        raise UserError(f"--out {out}: nothing can be created in {above} ({error.strerror}); choose another --out") from None


def _about(path: Path, out: Path) -> bool:
    """Whether ``path`` is ``out``, lies under it, or is a file written beside it on its way
    there (``.autograder.zip.tmp``, ``.x.abc123.tmp``)."""
    return path == out or path.is_relative_to(out) or (path.parent == out.parent and path.name.startswith(f".{out.name}"))


def path_problem(error: OSError, out: object = None) -> str | None:
    """One sentence for an ``OSError`` about a path (the path, the system's reason, what to do);
    None for one about no path, which is not the user's to fix and keeps its traceback.

    A ``FileNotFoundError`` raised with a message of its own (no path attached) keeps it."""
    if error.filename is None:
        return str(error) if isinstance(error, FileNotFoundError) else None
    reason = error.strerror or type(error).__name__
    text = f"{reason}: {error.filename}" + (f" -> {error.filename2}" if error.filename2 else "")
    if out is not None and _about(Path(str(error.filename)).resolve(), Path(out).resolve()):
        return f"{text}; choose another --out"
    return f"{text}; check that path and its permissions"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="decodelab",
        description="Learn how a language model picks its next token by writing the pieces yourself.",
    )
    parser.add_argument("--version", action="version", version=f"decodelab {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"decodelab.commands.{name}")
        except ModuleNotFoundError as error:
            if error.name == f"decodelab.commands.{name}":
                continue  # a command not built yet
            raise
        module.register(subparsers)
    for command in _command_parsers(parser):
        command.add_argument("--verbose", action="store_true",
                             help="also show the libraries' own warnings and log lines (hidden by default)")
    return parser


def _command_parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """Every parser under ``parser`` that a command line can end in (``demo tokens``, ``room serve``...)."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                found += [child, *_command_parsers(child)]
    return found


LIBRARIES = r"(transformers|torch|bitsandbytes|accelerate|huggingface_hub|tokenizers|safetensors|sklearn|matplotlib)"


def quiet_libraries(verbose: bool) -> None:
    """Keep the libraries' warnings and log lines (deprecations, advice) off a learner's screen,
    unless ``--verbose``: they are about the libraries' futures, not about the learner's work.
    Child processes (the test runs) inherit the same through the environment."""
    if verbose:
        os.environ["TRANSFORMERS_VERBOSITY"] = "info"
        return
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
    warnings.filterwarnings("ignore", module=LIBRARIES + r"(\.|$)")
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)


def _user_errors() -> tuple[type[BaseException], ...]:
    from grading.harness.target import TargetError

    errors: tuple[type[BaseException], ...] = (UserError, TargetError)
    # A BackendError can only have been raised once reference.backends is loaded; importing it
    # just to name the class would load torch (seconds) to print a one-line error.
    backends = sys.modules.get("reference.backends")
    return errors + ((backends.BackendError,) if backends is not None else ())


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    if not getattr(arguments, "func", None):
        parser.print_help()
        return 2
    quiet_libraries(getattr(arguments, "verbose", False))
    try:
        check_arguments(arguments)
        return int(arguments.func(arguments) or 0)
    except _user_errors() as error:
        print(f"decodelab {arguments.command}: {error}", file=sys.stderr)
        return getattr(error, "exit_status", 2)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `decodelab list | head`: the reader left, nothing to say
        sys.stderr.close()
        return 0
    except OSError as error:
        problem = path_problem(error, getattr(arguments, "out", None))
        if problem is None:
            raise
        print(f"decodelab {arguments.command}: {problem}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
