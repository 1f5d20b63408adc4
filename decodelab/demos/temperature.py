"""``decodelab demo temperature [PROMPT]``: the same top-10 at temperatures 0.4, 1.0 and 1.6.

One forward pass, three softmaxes (``softmax_with_temperature``): a low temperature piles the
probability onto the favourite, a high one spreads it over the rest. Side by side, as in the
seed notebook.
"""
from __future__ import annotations

import argparse

from decodelab.demos.next_token import FUNCTIONS  # noqa: F401  (the same functions as next-token)

HELP = "the top-10 next tokens at temperatures 0.4, 1.0 and 1.6, side by side"
DEFAULT_TEMPERATURES = (0.4, 1.0, 1.6)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from decodelab.demos.common import add_common_arguments
    from decodelab.demos.next_token import DEFAULT_PROMPT

    parser.add_argument("prompt", nargs="?", default=DEFAULT_PROMPT, help=f"the prompt (default: {DEFAULT_PROMPT!r})")
    parser.add_argument("--temperatures", type=float, nargs="+", default=list(DEFAULT_TEMPERATURES),
                        help="temperatures to compare (default 0.4 1.0 1.6)")
    parser.add_argument("-k", type=int, default=10, help="how many candidates (default 10)")
    add_common_arguments(parser, "temperature.png")


def run(arguments: argparse.Namespace) -> int:
    from decodelab.demos.common import choose_functions, figure_text, finish, open_backend, output_file, pyplot
    from decodelab.demos.next_token import draw_bars, print_table, top_tokens
    from decodelab.errors import UserError

    if arguments.k < 1:
        raise UserError(f"-k must be at least 1, got {arguments.k}")
    chosen = choose_functions(arguments, *FUNCTIONS)
    backend = open_backend(arguments)
    tables = []
    for temperature in arguments.temperatures:
        try:
            rows = top_tokens(backend, chosen, arguments.prompt, temperature, arguments.k)
        except ValueError as error:
            raise UserError(f"temperature {temperature}: {error}") from error
        print()
        print_table(rows, f"temperature {temperature:g}:")
        tables.append((temperature, rows))
    plt = pyplot()
    figure, axes = plt.subplots(1, len(tables), figsize=(5.2 * len(tables), 0.45 * arguments.k + 2), squeeze=False)
    largest = max(probability for _, rows in tables for _, _, probability in rows)
    for axis, (temperature, rows) in zip(axes[0], tables):
        draw_bars(axis, rows, f"temperature = {temperature:g}", largest=largest)
    figure.suptitle(f"Next token after {figure_text(repr(arguments.prompt))} ({backend.name})")
    figure.tight_layout()
    path = output_file(arguments)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    print()
    return finish(path, arguments)
