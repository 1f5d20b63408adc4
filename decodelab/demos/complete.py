"""``decodelab demo complete [PROMPT ...]``: the model completes prompts greedily.

The first thing to see of a model: give it a prompt, append the most probable next token again
and again (``greedy_generate``), print what it wrote. With no prompt, the seeds' own: a fact
in English, the same fact in Japanese, and a story opener.
"""
from __future__ import annotations

import argparse

HELP = "greedy completions of a few prompts (the seeds' by default)"
FUNCTIONS = ("greedy_generate",)
"""The exercise functions this demo runs (its public tests must pass: they unlock it)."""
DEFAULT_PROMPTS = ("The capital of Japan is", "日本の首都は", "Once upon a time,")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("prompts", nargs="*", metavar="PROMPT", help=f"prompts (default: {', '.join(DEFAULT_PROMPTS)})")
    parser.add_argument("--max-new-tokens", type=int, default=12, help="tokens to add to each prompt (default 12)")
    parser.add_argument("--backend", default=None,
                        help="tiny, mistral-7b-4bit, auto (default: $DECODELAB_BACKEND or auto), a model id or folder")
    parser.add_argument("--target", default="exercises", help="whose greedy_generate to run; it must pass its public tests")
    parser.add_argument("--reference", action="store_true",
                        help="run the reference greedy_generate instead of yours (the full project only)")


def complete(backend, greedy_generate, prompt: str, max_new_tokens: int) -> str:
    """The text ``greedy_generate`` adds after ``prompt`` (special tokens left out)."""
    from decodelab.demos.common import continuation_text

    ids = backend.encode(prompt)
    output = greedy_generate(backend.model, ids, max_new_tokens, eos_token_id=backend.tokenizer.eos_token_id)
    return continuation_text(backend.tokenizer, ids, output)


def run(arguments: argparse.Namespace) -> int:
    from decodelab.demos.common import choose_functions, open_backend
    from decodelab.errors import UserError

    if arguments.max_new_tokens < 1:
        raise UserError(f"--max-new-tokens must be at least 1, got {arguments.max_new_tokens}")
    chosen = choose_functions(arguments, *FUNCTIONS)
    backend = open_backend(arguments)
    print()
    for prompt in arguments.prompts or DEFAULT_PROMPTS:
        continuation = complete(backend, chosen.greedy_generate, prompt, arguments.max_new_tokens)
        print(f"{prompt!r} -> {continuation!r}")
    return 0
