"""``decodelab demo NAME ...``: the seeds' experiments, run on a real model with your functions.

Every demo runs on any backend (``--backend``, default ``auto``), uses your functions where
their public tests pass and the reference ones otherwise (and says which), and writes its figure
to a file that it names (``--out``; ``--show`` opens it). ``decodelab demo`` alone lists them.
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
    print("demos (decodelab demo NAME --help for the options of one):")
    for name in DEMOS:
        module = _module(name)
        if module is not None:
            print(f"  {name:12} {module.HELP}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="the seeds' experiments on a real model: tokens, next token, temperature, sampling, embeddings...",
        description="Every demo runs on any backend (--backend, default auto), uses your functions where their "
        "public tests pass and the reference ones otherwise (and says which), and writes its figure to a file "
        "that it names (--out; --show opens it). `decodelab demo` alone lists them.",
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
