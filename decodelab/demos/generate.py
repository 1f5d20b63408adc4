"""``decodelab demo generate [PROMPT]``: greedy decoding against sampling, several runs each.

Greedy decoding (``greedy_generate``) with and without the BOS token, then sampling
(``sample_generate``) at several top-p x temperature settings — the seed notebook's (0.2, 0.2),
(0.2, 1.4) and (0.9, 1.4) by default — each run several times with its own seeded generator.
Greedy gives the same text every run; sampling at a low top-p and temperature is nearly greedy;
a high temperature with a wide nucleus wanders. Printed, and written as one HTML table.
"""
from __future__ import annotations

import argparse

HELP = "greedy (with and without BOS) against top-p x temperature sampling, several runs each"
FUNCTIONS = ("greedy_generate", "sample_generate")
"""The exercise functions this demo runs (its public tests must pass: they unlock it)."""
DEFAULT_PROMPT = "The capital of Japan is"
DEFAULT_SETTINGS = ((0.2, 0.2), (0.2, 1.4), (0.9, 1.4), (1.0, 1.6))  # the seed's, plus no nucleus at all


def _setting(text: str) -> tuple[float, float]:
    try:
        top_p, temperature = (float(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected TOP_P,TEMPERATURE such as 0.9,1.4, got {text!r}") from None
    return top_p, temperature


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from decodelab.demos.common import add_common_arguments

    parser.add_argument("prompt", nargs="?", default=DEFAULT_PROMPT, help=f"the prompt (default: {DEFAULT_PROMPT!r})")
    parser.add_argument("--setting", dest="settings", type=_setting, action="append", metavar="TOP_P,TEMPERATURE",
                        help="a sampling setting; repeat for several (default: "
                             + " ".join(f"{top_p:g},{temperature:g}" for top_p, temperature in DEFAULT_SETTINGS) + ")")
    parser.add_argument("--runs", type=int, default=3, help="runs per setting, each with its own seed (default 3)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the first run (default 0)")
    parser.add_argument("--max-new-tokens", type=int, default=20, help="tokens per run (default 20)")
    add_common_arguments(parser, "generate.html")


def generations(backend, chosen, prompt: str, settings, runs: int, seed: int, max_new_tokens: int) -> list[dict]:
    """One dict per row: ``label``, ``kind`` (greedy / sampled), ``texts`` (one per run)."""
    from decodelab.demos.common import continuation_text, seed_generator

    tokenizer = backend.tokenizer
    eos = tokenizer.eos_token_id

    def new_text(ids, output) -> str:
        return continuation_text(tokenizer, ids, output)

    rows = []
    for add_bos in (True, False):
        ids = backend.encode(prompt, add_bos=add_bos)
        texts = [new_text(ids, chosen.greedy_generate(backend.model, ids, max_new_tokens, eos_token_id=eos))
                 for _ in range(runs)]
        rows.append({"label": f"greedy, {'with' if add_bos else 'without'} BOS", "kind": "greedy", "texts": texts})
    ids = backend.encode(prompt)
    for top_p, temperature in settings:
        texts = []
        for run in range(runs):
            output = chosen.sample_generate(
                backend.model, ids, max_new_tokens, temperature=temperature, top_k=None, top_p=top_p,
                generator=seed_generator(seed + run, backend.device), eos_token_id=eos,
            )
            texts.append(new_text(ids, output))
        rows.append({"label": f"top_p={top_p:g}, temperature={temperature:g}", "kind": "sampled", "texts": texts})
    return rows


_CSS = """
td.text { white-space: pre-wrap; max-width: 28rem; }
tr.greedy td { background: #f3f7ee; }
.prompt { color: #8a93a6; }
"""


def run(arguments: argparse.Namespace) -> int:
    from decodelab.demos.common import choose_functions, escape, finish, open_backend, output_file, write_html
    from decodelab.errors import UserError

    if arguments.runs < 1 or arguments.max_new_tokens < 1:
        raise UserError("--runs and --max-new-tokens must be at least 1")
    settings = arguments.settings or list(DEFAULT_SETTINGS)
    chosen = choose_functions(arguments, *FUNCTIONS)
    backend = open_backend(arguments)
    try:
        rows = generations(backend, chosen, arguments.prompt, settings, arguments.runs, arguments.seed,
                           arguments.max_new_tokens)
    except ValueError as error:
        raise UserError(str(error)) from error
    html_rows = []
    for row in rows:
        distinct = len(set(row["texts"]))
        print(f"\n{row['label']}  ({distinct} different in {len(row['texts'])} runs)")
        for index, text in enumerate(row["texts"], start=1):
            print(f"  run {index} (seed {arguments.seed + index - 1}): {arguments.prompt}{text}")
        cells = "".join(
            f"<td class=\"text\"><span class=\"prompt\">{escape(arguments.prompt)}</span>{escape(text)}</td>"
            for text in row["texts"]
        )
        html_rows.append(f"<tr class=\"{row['kind']}\"><th>{escape(row['label'])}</th><td>{distinct}</td>{cells}</tr>")
    header = "".join(f"<th>run {i} (seed {arguments.seed + i - 1})</th>" for i in range(1, arguments.runs + 1))
    whose = ", ".join(f"{name}: {source}" for name, source in chosen.sources.items())
    body = (
        "<h1>Greedy decoding against sampling</h1>"
        f"<p class=\"note\">Prompt <code>{escape(repr(arguments.prompt))}</code>, {arguments.max_new_tokens} new tokens, "
        f"backend <code>{escape(backend.name)}</code>; functions used: {escape(whose)}. "
        "Greedy rows (green) are the same every run; each sampled run draws with its own seeded generator.</p>"
        f"<table><tr><th>decoding</th><th>different texts</th>{header}</tr>{''.join(html_rows)}</table>"
    )
    path = write_html(output_file(arguments), "decodelab: greedy against sampling", body, _CSS)
    print()
    return finish(path, arguments)
