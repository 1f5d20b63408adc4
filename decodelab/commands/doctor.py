"""``decodelab doctor``: what this machine has, which backends load here and which ``auto`` picks.

It reports and does not fail on what a machine lacks: a machine without a GPU is a normal place
to run decodelab. Every fact comes from the same functions the loaders use
(:mod:`reference.backends`), and the backend name is checked as the command line checks it
(:func:`decodelab.cli.backend_from_environment`), so what doctor says is what ``--backend`` will do.

Exit status: 0 when the set-up is usable (whatever backends are missing); 1 when it is
misconfigured in a way every command would trip on, which the report lists under "problems"
(today: a ``$DECODELAB_BACKEND`` that names no backend, e.g. a typo); 2 for bad arguments.
"""
from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import sys
from typing import Any

from decodelab.cli import backend_from_environment

PACKAGES = ("torch", "transformers", "bitsandbytes", "accelerate", "mistral-common", "huggingface-hub", "safetensors")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "doctor",
        help="show versions, the GPU, which backends can load here and which one 'auto' picks",
        description="Report the Python set-up, the CUDA device, each backend's availability and the tokenizer cache. "
        "Exit status: 0 when the set-up is usable, even without a GPU or with some backends missing; 1 when "
        "it is misconfigured (the report's problems, such as a $DECODELAB_BACKEND that names no backend); "
        "2 for bad arguments.",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(func=run)


def run(arguments: argparse.Namespace) -> int:
    report = collect()
    if arguments.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    elif sys.stdout.isatty():
        from rich.console import Console

        render_rich(report, Console())
    else:
        print(render_text(report))
    return 1 if report.get("problems") else 0


def _version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def _status(check) -> tuple[bool, str]:
    try:
        return check()
    except Exception as error:  # doctor must report a broken check, not die of it
        return False, f"the check itself failed: {type(error).__name__}: {error}"


def collect() -> dict[str, Any]:
    """The report as plain data (the ``--json`` output)."""
    import huggingface_hub.constants
    import torch

    from decodelab import __version__
    from grading.harness.stack import stack_report
    from reference import backends, tokenizer

    cuda_ok, cuda_why = _status(backends.cuda_status)
    devices = []
    if cuda_ok:
        for index in range(torch.cuda.device_count()):
            properties = torch.cuda.get_device_properties(index)
            devices.append({
                "index": index,
                "name": properties.name,
                "memory_gib": round(properties.total_memory / 2**30, 1),
                "capability": f"{properties.major}.{properties.minor}",
            })

    tiny_ok, tiny_why = _status(backends.tiny_status)
    bnb_ok, bnb_why = _status(backends.bitsandbytes_status)
    if not tiny_ok:
        tiny4_ok, tiny4_why = False, tiny_why
    elif not bnb_ok:
        tiny4_ok, tiny4_why = False, bnb_why
    else:
        where = "on the GPU" if cuda_ok else "on the CPU"
        tiny4_ok, tiny4_why = True, f"the bundled model quantized to NF4 {where} by {bnb_why}"
    mistral_ok, mistral_why = _status(backends.mistral_status)
    auto_name, auto_why = backends.resolve_backend(backends.AUTO)

    requested = backends.requested_backend(None)
    from_env = bool(os.environ.get(backends.BACKEND_ENV, "").strip())
    default_name, default_why = backends.resolve_backend(requested)
    problems = []
    _, backend_problem = backend_from_environment()  # the command line's own check of the name
    if backend_problem is not None:
        problems.append(backend_problem)

    cache_folder = tokenizer.cache_root() / "tokenizers" / tokenizer.TOKENIZER_NAME
    try:
        source, source_problem = str(tokenizer.sentencepiece_file()), None
    except RuntimeError as error:
        source, source_problem = None, str(error)

    capture = os.environ.get("DECODELAB_CAPTURE")
    return {
        "decodelab": __version__,
        "python": {"version": platform.python_version(), "executable": sys.executable},
        "platform": platform.platform(),
        "packages": {name: _version(name) for name in PACKAGES},
        "torch_build": {
            "kind": "cpu" if torch.version.cuda is None else "cuda",
            "cuda_version": torch.version.cuda,
        },
        "cuda": {"available": cuda_ok, "reason": cuda_why, "devices": devices},
        "backends": [
            {"name": backends.TINY, "available": tiny_ok, "reason": tiny_why},
            {"name": backends.TINY + backends.FOUR_BIT_SUFFIX, "available": tiny4_ok, "reason": tiny4_why},
            {"name": backends.MISTRAL_4BIT, "available": mistral_ok, "reason": mistral_why},
        ],
        "auto": {"backend": auto_name, "reason": auto_why},
        "default_backend": {
            "requested": requested,
            "source": backends.BACKEND_ENV if from_env else "built-in default",
            "resolves_to": default_name,
            "reason": default_why,
        },
        "tokenizer": {
            "cache_folder": str(cache_folder),
            "built": (cache_folder / "tokenizer.json").is_file(),
            "source_file": source,
            "problem": source_problem,
        },
        "huggingface": {
            "cache": str(huggingface_hub.constants.HF_HUB_CACHE),
            "offline": bool(huggingface_hub.constants.HF_HUB_OFFLINE),
        },
        "capture": {"path": capture, "exists": bool(capture) and os.path.isfile(capture)},
        "stack": stack_report().as_dict(),
        "problems": problems,
    }


def _package_line(report: dict[str, Any], name: str) -> str:
    version = report["packages"].get(name)
    if version is None:
        return "not installed"
    if name == "torch":
        build = report["torch_build"]
        return f"{version} ({'CPU build' if build['kind'] == 'cpu' else 'CUDA ' + build['cuda_version'] + ' build'})"
    return version


def _cuda_line(report: dict[str, Any]) -> str:
    cuda = report["cuda"]
    if not cuda["available"]:
        return f"none: {cuda['reason']}"
    return "; ".join(f"{d['index']}: {d['name']}, {d['memory_gib']} GiB" for d in cuda["devices"])


def _rows(report: dict[str, Any]) -> list[tuple[str, str]]:
    rows = [("decodelab", report["decodelab"]), ("Python", f"{report['python']['version']} ({report['python']['executable']})")]
    rows += [(name, _package_line(report, name)) for name in PACKAGES]
    rows.append(("CUDA device", _cuda_line(report)))
    return rows


def _footer(report: dict[str, Any]) -> list[str]:
    default = report["default_backend"]
    tokenizer = report["tokenizer"]
    hub = report["huggingface"]
    auto = report["auto"]
    picked = next((b for b in report["backends"] if b["name"] == auto["backend"]), None)
    warning = ""
    if picked is not None and not picked["available"]:
        warning = f"; but {picked['name']} is not available here: {picked['reason']}"
    lines = [
        f"auto picks: {auto['backend']} ({auto['reason'].removeprefix('auto: ')}){warning}",
        f"default backend: {default['requested']} from {default['source']}"
        + ("" if default["requested"] == "auto" else f" -> {default['resolves_to']}")
        + " (change it with --backend or $DECODELAB_BACKEND)",
        f"tokenizer cache: {tokenizer['cache_folder']} ("
        + ("built" if tokenizer["built"] else "built on first use")
        + (f"; problem: {tokenizer['problem']}" if tokenizer["problem"] else f" from {tokenizer['source_file']}")
        + ")",
        f"Hugging Face cache: {hub['cache']} (offline mode {'on' if hub['offline'] else 'off'})",
    ]
    if report["capture"]["path"]:
        state = "found" if report["capture"]["exists"] else "MISSING"
        lines.append(f"capture file ($DECODELAB_CAPTURE): {report['capture']['path']} ({state})")
    stack = report["stack"]
    lines.append(f"versions: {stack['summary']}"
                 + ("" if stack["matches_lock"] else " (make setup installs the locked ones; grades may differ until then)"))
    lines += [f"PROBLEM: {problem}" for problem in report.get("problems", ())]
    return lines


def render_text(report: dict[str, Any]) -> str:
    """The report as plain text (when stdout is not a terminal)."""
    rows = _rows(report)
    width = max(len(name) for name, _ in rows)
    lines = ["decodelab doctor", ""]
    lines += [f"  {name:<{width}}  {value}" for name, value in rows]
    lines += ["", "backends:"]
    name_width = max(len(b["name"]) for b in report["backends"])
    for backend in report["backends"]:
        state = "available" if backend["available"] else "not available"
        lines.append(f"  {backend['name']:<{name_width}}  {state:<13}  {backend['reason']}")
    lines.append("")
    lines += _footer(report)
    return "\n".join(lines)


def render_rich(report: dict[str, Any], console) -> None:
    """The report as rich tables (when stdout is a terminal)."""
    from rich.markup import escape
    from rich.table import Table

    setup = Table(title="decodelab doctor", show_header=False, title_justify="left")
    setup.add_column(style="bold")
    setup.add_column()
    for name, value in _rows(report):
        setup.add_row(name, escape(value))
    console.print(setup)
    table = Table(title="backends", title_justify="left")
    table.add_column("backend", style="bold")
    table.add_column("status")
    table.add_column("why")
    for backend in report["backends"]:
        state = "[green]available[/]" if backend["available"] else "[red]not available[/]"
        table.add_row(backend["name"], state, escape(backend["reason"]))
    console.print(table)
    for line in _footer(report):
        console.print(escape(line), highlight=False)
