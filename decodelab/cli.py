"""The ``decodelab`` command line: a thin front over the project's own functions.

Every subcommand lives in :mod:`decodelab.commands` and calls the same functions as the
suites and the grader. Errors a user can fix (a bad path, an unknown backend, a model that
is not there) print one sentence and exit 2, never a traceback.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

from decodelab import __version__
from decodelab.commands import COMMANDS
from decodelab.errors import UserError


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad argument is one line: what was wrong and where to look."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: {message} (see '{self.prog} --help')\n")


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
    return parser


def _user_errors() -> tuple[type[BaseException], ...]:
    from grading.target import TargetError
    from reference.backends import BackendError

    return (UserError, BackendError, TargetError, FileNotFoundError)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    if not getattr(arguments, "func", None):
        parser.print_help()
        return 2
    try:
        return int(arguments.func(arguments) or 0)
    except _user_errors() as error:
        print(f"decodelab {arguments.command}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
