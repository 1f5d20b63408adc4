"""What every demo shares: its options, the backend, where its figure goes, and how text is drawn.

Each demo writes one file and names it: a PNG (matplotlib, Agg) for plots, one self-contained
HTML file (inline CSS, no script or font from elsewhere) for the interactive views. The default
place is ``out/<demo>.<ext>`` under the current folder; ``--out`` changes it and ``--show``
opens it in the browser.
"""
from __future__ import annotations

import argparse
import contextlib
import functools
import html
import webbrowser
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

if TYPE_CHECKING:  # heavy imports stay out of ``decodelab --help``
    from reference.backends import Backend

DEFAULT_OUT_FOLDER = Path("out")


def add_common_arguments(parser: argparse.ArgumentParser, default_file: str) -> None:
    """The options every demo takes: backend, where to write, whose functions to use."""
    parser.add_argument("--backend", default=None,
                        help="tiny, mistral-7b-4bit, auto (default: $DECODELAB_BACKEND or auto), a model id or folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT_FOLDER / default_file,
                        help=f"file to write (default: {DEFAULT_OUT_FOLDER / default_file})")
    parser.set_defaults(out_kind="file")
    parser.add_argument("--show", action="store_true", help="open the file in the browser when written")
    parser.add_argument("--target", default="exercises",
                        help="whose functions to run; they must pass their public tests (default: exercises)")
    parser.add_argument("--reference", action="store_true",
                        help="run the reference functions instead of yours (the full project only, not the learners' bundle)")


def open_backend(arguments: argparse.Namespace) -> "Backend":
    """Load the backend the arguments ask for, and say which one and why (a spinner while it loads)."""
    from rich.console import Console

    with Console(stderr=True).status("loading the model (transformers and the weights)…"):
        from transformers.utils import logging as transformers_logging

        from reference.backends import load_backend

        transformers_logging.disable_progress_bar()  # the demo prints its own lines
        backend = load_backend(arguments.backend)
    print(f"backend: {backend.name} ({backend.model_id} on {backend.device})")
    print(f"  why: {backend.reason}")
    return backend


def choose_functions(arguments: argparse.Namespace, *names: str):
    """The learner's functions ``names`` (or with ``--reference`` the reference ones); prints whose.

    Raises :class:`decodelab.demos.functions.DemoLocked`, naming the exercises still to finish,
    when some of them do not pass their public tests yet. Call it before loading the backend:
    a locked demo should say so at once.
    """
    from decodelab.demos.functions import choose

    chosen = choose(names, target=arguments.target, reference_only=arguments.reference,
                    demo=getattr(arguments, "demo", None) or "this demo")
    for line in chosen.report():
        print(line)
    return chosen


def output_file(arguments: argparse.Namespace) -> Path:
    """``--out``, with its folder created."""
    path = Path(arguments.out)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def finish(path: Path, arguments: argparse.Namespace) -> int:
    """Name the file just written and open it when ``--show`` asks; the demo's exit code."""
    print(f"wrote {path}")
    if getattr(arguments, "show", False):
        webbrowser.open(path.resolve().as_uri())
    return 0


@contextlib.contextmanager
def steps(what: str, total: int) -> Iterator[Callable[[str], None]]:
    """A progress bar on stderr for ``total`` steps of ``what``; yields ``step(label)``, called after each.

    Gone when done (the demo's own lines stay); nothing is drawn where stderr is not a terminal.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn(f"{what}: {{task.description}}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("", total=total)

        def step(label: str) -> None:
            progress.update(task, description=label[:40])
            progress.advance(task)

        yield step


def seed_generator(seed: int, device: Any = "cpu"):
    """A ``torch.Generator`` on ``device`` (the model's: samplers draw there) seeded with ``seed``."""
    import torch

    generator = torch.Generator(device=device)
    generator.manual_seed(seed)
    return generator


def continuation_text(tokenizer, prompt_ids, output_ids) -> str:
    """What generation added after the prompt, with its leading space kept.

    Decoding the new ids alone would drop the space of a first ``▁`` piece, so the whole
    sequence is decoded and the decoded prompt taken off the front. Both ``(1, T)``.
    """
    whole = tokenizer.decode(output_ids[0].tolist(), skip_special_tokens=True)
    prompt = tokenizer.decode(prompt_ids[0].tolist(), skip_special_tokens=True)
    if whole.startswith(prompt):
        return whole[len(prompt):]
    return tokenizer.decode(output_ids[0, prompt_ids.shape[1]:].tolist(), skip_special_tokens=True)


# ---------------------------------------------------------------------------------------------
# Text in figures
# ---------------------------------------------------------------------------------------------

_CJK_FONTS = (
    "Noto Sans CJK JP", "Noto Sans JP", "IPAexGothic", "IPAGothic", "TakaoGothic", "VL Gothic",
    "Source Han Sans JP", "Droid Sans Fallback", "WenQuanYi Zen Hei", "Hiragino Sans", "Yu Gothic",
    "MS Gothic",
)


@functools.lru_cache(maxsize=1)
def pyplot() -> Any:
    """matplotlib's pyplot on the Agg backend, with a Japanese-capable fallback font when one is installed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    fallback = [name for name in _CJK_FONTS if name in installed][:1]
    if not fallback:  # matplotlib's font list is cached: a font installed since is not in it yet
        for path in _fontconfig_japanese_fonts():
            try:
                font_manager.fontManager.addfont(path)
                fallback = [font_manager.FontProperties(fname=path).get_name()]
                break
            except Exception:
                continue
    plt.rcParams["font.family"] = ["DejaVu Sans", *fallback]
    return plt


def _fontconfig_japanese_fonts() -> list[str]:
    """Font files fontconfig says can draw Japanese (none where there is no fontconfig)."""
    import shutil
    import subprocess

    if shutil.which("fc-list") is None:
        return []
    try:
        listed = subprocess.run(["fc-list", ":lang=ja", "file"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted(line.strip().rstrip(":") for line in listed.splitlines() if line.strip().endswith((".ttf:", ".otf:")))


@functools.lru_cache(maxsize=1)
def _drawable_characters() -> frozenset[int]:
    """Code points the figure fonts can draw (so others are written as escapes, not as boxes)."""
    plt = pyplot()
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    covered: set[int] = set()
    for family in plt.rcParams["font.family"]:
        try:
            path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
            covered.update(FT2Font(path).get_charmap())
        except Exception:  # a font that cannot be read just draws nothing
            continue
    return frozenset(covered)


def figure_text(text: str) -> str:
    """``text`` as a figure can show it: control characters and undrawable ones as escapes."""
    drawable = _drawable_characters()
    shown = []
    for character in text:
        code = ord(character)
        if character == "\n":
            shown.append("\\n")
        elif code < 32 or code == 127:
            shown.append(f"\\x{code:02x}")
        elif code in drawable or character == " ":
            shown.append(character)
        else:
            shown.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
    return "".join(shown)


def token_label(text: str) -> str:
    """A token's text quoted, with its spaces visible: ``' Tokyo'`` -> ``'␣Tokyo'``."""
    return "'" + figure_text(text).replace(" ", "␣") + "'"


# ---------------------------------------------------------------------------------------------
# Self-contained HTML
# ---------------------------------------------------------------------------------------------

BASE_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK JP", sans-serif;
       margin: 1.5rem; color: #1d2330; background: #fff; }
h1 { font-size: 1.35rem; } h2 { font-size: 1.1rem; margin-top: 1.6rem; }
code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
table { border-collapse: collapse; margin: 0.5rem 0; }
th, td { border: 1px solid #ccd3e0; padding: 0.2rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #eef2f8; }
.note { color: #555e70; font-size: 0.9rem; }
"""


def escape(text: object) -> str:
    """HTML-escaped text."""
    return html.escape(str(text), quote=True)


def write_html(path: Path, title: str, body: str, css: str = "") -> Path:
    """One self-contained HTML page (UTF-8, inline CSS)."""
    page = (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{escape(title)}</title>\n"
        f"<style>{BASE_CSS}{css}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
    path.write_text(page, encoding="utf-8")
    return path
