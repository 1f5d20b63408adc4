"""``decodelab demo NAME ...``: the seeds' experiments, run on a real model with your functions.

Every demo runs on any backend (``--backend``, default ``auto``) with your own functions, once
their public tests pass (until then it names the exercises that unlock it), and writes its
figure to a file that it names (``--out``; ``--show`` opens it). ``decodelab demo`` alone lists
them, each with the exercises that unlock it.
"""
from __future__ import annotations

import argparse
import importlib

from decodelab.demos import DEMOS


def _module(name: str):
    """The demo's module, or None while it is not written yet."""
    path = f"decodelab.demos.{DEMOS[name]}"
    try:
        return importlib.import_module(path)
    except ModuleNotFoundError as error:
        if error.name == path:
            return None
        raise


def list_demos(arguments: argparse.Namespace) -> int:
    from decodelab.demos.functions import exercise_number, unlocked_by

    print("demos (decodelab demo NAME --help for the options of one); each runs on your own functions,")
    print("and unlocks when the exercises in brackets pass `decodelab check`:")
    for name in DEMOS:
        module = _module(name)
        if module is not None:
            needed = ", ".join(f"{exercise_number(e)} {e.key}" for e in unlocked_by(module.FUNCTIONS))
            print(f"  {name:12} {module.HELP} [{needed}]")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="the seeds' experiments on a real model: tokens, next token, temperature, sampling, embeddings...",
        description="Every demo runs on any backend (--backend, default auto) with your own functions, once "
        "their public tests pass (until then it names the exercises that unlock it), and writes its figure to a "
        "file that it names (--out; --show opens it). `decodelab demo` alone lists them.",
    )
    parser.set_defaults(func=list_demos)
    demos = parser.add_subparsers(dest="demo", metavar="NAME")
    for name in DEMOS:
        module = _module(name)
        if module is None:
            continue
        sub = demos.add_parser(name, help=module.HELP, description=getattr(module, "DESCRIPTION", module.HELP))
        module.add_arguments(sub)
        sub.set_defaults(func=module.run)
