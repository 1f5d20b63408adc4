"""``decodelab demo next-token [PROMPT]``: the model's top-10 candidates for the next token.

The logits at the last position (``next_token_logits``), turned into probabilities
(``softmax_with_temperature`` at 1.0), listed highest first (``top_k_table``), drawn as a bar
chart like the seed notebook's.
"""
from __future__ import annotations

import argparse

HELP = "bar chart of the top-10 next tokens after a prompt"
DEFAULT_PROMPT = "The capital of Japan is"
FUNCTIONS = ("next_token_logits", "softmax_with_temperature", "top_k_table")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from decodelab.demos.common import add_common_arguments

    parser.add_argument("prompt", nargs="?", default=DEFAULT_PROMPT, help=f"the prompt (default: {DEFAULT_PROMPT!r})")
    parser.add_argument("-k", type=int, default=10, help="how many candidates (default 10)")
    add_common_arguments(parser, "next-token.png")


def top_tokens(backend, chosen, prompt: str, temperature: float, k: int) -> list[tuple[int, str, float]]:
    """The ``k`` most probable next tokens after ``prompt`` at ``temperature``: ``(id, text, probability)``."""
    ids = backend.encode(prompt)
    logits = chosen.next_token_logits(backend.model, ids)[0].float().cpu()
    probs = chosen.softmax_with_temperature(logits, temperature)
    return chosen.top_k_table(probs, backend.tokenizer, k)


def print_table(rows: list[tuple[int, str, float]], title: str) -> None:
    print(title)
    for rank, (token_id, text, probability) in enumerate(rows, start=1):
        print(f"  {rank:2}. {token_id:>6}  {text!r:16} {_probability_text(probability):>8}  {'#' * round(probability * 40)}")


def _probability_text(value: float) -> str:
    return f"{value:.3f}" if value >= 0.001 else f"{value:.1e}"


def draw_bars(axis, rows: list[tuple[int, str, float]], title: str, largest: float | None = None) -> None:
    """Horizontal bars, most probable on top, labelled ``id: 'text'`` with the probability at the end.

    ``largest`` fixes the probability axis, so that several panels share one scale.
    """
    from matplotlib.ticker import MaxNLocator

    from decodelab.demos.common import token_label

    labels = [f"{token_id}: {token_label(text)}" for token_id, text, _ in rows][::-1]
    values = [probability for _, _, probability in rows][::-1]
    bars = axis.barh(range(len(rows)), values, color="#3b6fb6")
    axis.set_yticks(range(len(rows)), labels)
    axis.set_xlabel("probability")
    axis.set_xlim(0, min(1.15, max(1e-9, largest if largest is not None else max(values)) * 1.3))
    axis.xaxis.set_major_locator(MaxNLocator(4))
    axis.set_title(title)
    for bar, value in zip(bars, values):
        axis.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {_probability_text(value)}",
                  va="center", fontsize=8)


def run(arguments: argparse.Namespace) -> int:
    from decodelab.demos.common import choose_functions, figure_text, finish, open_backend, output_file, pyplot
    from decodelab.errors import UserError

    if arguments.k < 1:
        raise UserError(f"-k must be at least 1, got {arguments.k}")
    chosen = choose_functions(arguments, *FUNCTIONS)
    backend = open_backend(arguments)
    rows = top_tokens(backend, chosen, arguments.prompt, 1.0, arguments.k)
    print()
    print_table(rows, f"top-{arguments.k} next tokens after {arguments.prompt!r}:")
    plt = pyplot()
    figure, axis = plt.subplots(figsize=(7, 0.45 * len(rows) + 1.5))
    draw_bars(axis, rows, f"Next token after {figure_text(repr(arguments.prompt))}\n({backend.name})")
    figure.tight_layout()
    path = output_file(arguments)
    figure.savefig(path, dpi=120)
    plt.close(figure)
    print()
    return finish(path, arguments)
