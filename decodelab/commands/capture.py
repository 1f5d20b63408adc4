"""``decodelab capture``: record a model's reference numbers to one file, or show one.

``decodelab capture --backend mistral-7b-4bit --out mistral.safetensors`` on a GPU machine
records the numbers the hidden suites check against on a grading machine without a GPU
(give the file to ``decodelab grade --mistral-capture`` / ``pytest --mistral-capture``).
``decodelab capture --show FILE`` prints what a capture holds and where it came from.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "capture",
        help="record a model's logits, embeddings and greedy text to a file (or --show one)",
        description=(
            "Record, for the seed notebook's prompts and words, the token ids, the next-token logits "
            "over the whole vocabulary, the words' embedding rows and 20 greedy tokens, with metadata. "
            "Hidden suites use such a file from Mistral-7B to check learner code on a machine without a GPU."
        ),
    )
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--out", type=Path, metavar="FILE", help="where to write the capture (safetensors)")
    action.add_argument("--show", type=Path, metavar="FILE", help="print what an existing capture file holds")
    parser.add_argument(
        "--backend",
        default=None,
        help="tiny, mistral-7b-4bit, auto, a Hugging Face id or a model folder (default: $DECODELAB_BACKEND or auto)",
    )
    parser.set_defaults(func=run, out_kind="file")


def run(arguments: argparse.Namespace) -> int:
    if arguments.show is not None:
        return _show(arguments.show)
    return _record(arguments.backend, arguments.out)


def _record(backend_name: str | None, out: Path) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from reference.backends import load_backend
    from reference.capture import PROMPTS, WORDS, save_capture
    from reference.recording import record_capture

    console = Console(stderr=True)
    started = time.perf_counter()
    with console.status("loading the model…"):
        backend = load_backend(backend_name)
    console.print(f"backend {backend.name} ({backend.reason}) on {backend.device}")
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("capturing", total=len(PROMPTS) + len(WORDS))

        def step(label: str) -> None:
            progress.update(task, description=label[:48])
            progress.advance(task)

        capture = record_capture(backend, on_step=step)
    path = save_capture(capture, out)
    size_mb = path.stat().st_size / 1e6
    print(
        f"wrote {path} ({len(capture.prompts)} prompts, {len(capture.words)} words, {size_mb:.1f} MB) "
        f"from {capture.metadata['model_id']} revision {capture.metadata['revision']} "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return 0


def _show(path: Path) -> int:
    from reference.capture import load_capture

    capture = load_capture(path)
    meta = capture.metadata
    print(f"{path}: capture of {meta['model_id']} (backend {meta['backend']}, revision {meta['revision']})")
    print(
        f"  {meta['dtype']}{', 4-bit' if meta['quantized'] else ''} on {meta['device_name']}, "
        f"vocabulary {meta['vocab_size']}, hidden size {meta['hidden_size']}, recorded {meta['created']}"
    )
    versions = ", ".join(f"{name} {version}" for name, version in meta["versions"].items() if version)
    print(f"  {versions}")
    for record in capture.prompts:
        bos = "" if record["add_bos"] else " (no BOS)"
        top = int(record["last_logits"].argmax())
        print(f"  prompt {record['text']!r}{bos}: {len(record['input_ids'])} ids, top next id {top}, "
              f"greedy {record['greedy_text']!r}")
    words = ", ".join(f"{r['word']}({len(r['token_ids'])})" for r in capture.words)
    print(f"  words (tokens each): {words}")
    sys.stdout.flush()
    return 0
