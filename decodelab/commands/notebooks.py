"""``decodelab notebooks --out DIR``: one learner notebook per topic, written from ``exercises/``.

Every notebook is generated from the exercise module each time (never kept as notebook JSON):
the module docstring as its introduction, a set-up cell (``%load_ext decodelab.notebook``), the
module's imports, then for each exercise its docstring (the lesson) as markdown, its function as
an editable ``%%exercise KEY`` cell and a ``dl.check("KEY")`` cell, and at the end the demos that
finishing the topic unlocks. The functions come from the learner's current files, so a notebook
written again starts from the learner's code, not from the stub.
"""
from __future__ import annotations

import argparse
import ast
import importlib
import re
from pathlib import Path

from decodelab.commands.check import module_file, target_folder
from decodelab.errors import UserError
from grading.harness.catalogue import EXERCISES, Exercise, modules

SET_UP = "%load_ext decodelab.notebook\nfrom decodelab import notebook as dl"


_ITEM = re.compile(r"- |[A-Za-z_][\w.]*( \w+)?: ")
"""A line that starts an item of a section: a bullet, or ``name: ...`` (``input_ids: (batch, T)...``)."""


def _depth(line: str) -> int:
    return len(line) - len(line.lstrip())


def _literal(lines: list[str], index: int, above: int) -> tuple[str, int]:
    """The reST literal block (after a ``::`` line indented ``above``) from ``lines[index]`` on, as a
    fenced code block, and the index after it."""
    block = []
    while index < len(lines) and (not lines[index].strip() or _depth(lines[index]) > above):
        block.append(lines[index])
        index += 1
    while block and not block[-1].strip():
        block.pop()
    cut = min(_depth(line) for line in block if line.strip()) if any(line.strip() for line in block) else 0
    return "```\n" + "\n".join(line[cut:] for line in block).strip("\n") + "\n```", index


def docstring_markdown(doc: str) -> str:
    """A docstring as markdown: paragraphs stay; a ``Section:`` line turns bold, and its indented block
    becomes a list where its lines are items (``- ...`` or ``name: ...``), else paragraphs.

    A line that does not start an item continues the one above, up to a blank line; a ``::`` block is
    code. reST's double backticks stay: markdown reads them as code too.
    """
    out: list[str] = []
    lines = doc.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        base = _depth(line)
        if line.strip() and base > 0 and out and out[-1].startswith("- "):  # a list item of the text goes on
            out[-1] += " " + line.strip()
            index += 1
            continue
        if line.strip() and base > 0:  # an indented block: the body of the section above
            entries: list[list] = []  # [kind ("item", "text", "code"), text]
            fresh = True
            while index < len(lines) and (not lines[index].strip() or _depth(lines[index]) >= base):
                text, depth = lines[index].strip(), _depth(lines[index])
                index += 1
                if not text:
                    fresh = True
                    continue
                if depth == base and _ITEM.match(text):
                    entries.append(["item", text.removeprefix("- ")])
                elif entries and not fresh and entries[-1][0] != "code":
                    entries[-1][1] += " " + text
                else:
                    entries.append(["text", text])
                fresh = False
                if text.endswith("::"):
                    entries[-1][1] = entries[-1][1][:-1]
                    code, index = _literal(lines, index, depth)
                    entries.append(["code", code])
                    fresh = True
            for position, (kind, text) in enumerate(entries):
                if kind != "item" or position == 0 or entries[position - 1][0] != "item":
                    out.append("")
                out.append(f"- {text}" if kind == "item" else text)
            out.append("")
            continue
        section = re.fullmatch(r"([A-Z][\w ]*):", line.strip())
        out.append(f"**{section.group(1)}:**" if section else line)
        index += 1
        if line.strip().endswith("::"):
            out[-1] = out[-1][:-1]
            code, index = _literal(lines, index, base)
            out += ["", code, ""]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip() + "\n"


def function_cell(source: str, function: str) -> str:
    """``def function`` of ``source`` as it is there, without its docstring (the markdown above shows it)."""
    tree = ast.parse(source)
    node = next(node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == function)
    lines = source.splitlines()
    start = min([node.lineno] + [decorator.lineno for decorator in node.decorator_list])
    keep = list(range(start, node.end_lineno + 1))
    if ast.get_docstring(node) is not None and node.body[0].lineno > node.lineno:
        docstring = node.body[0]
        keep = [number for number in keep if not docstring.lineno <= number <= docstring.end_lineno]
    return "\n".join(lines[number - 1] for number in keep)


def module_imports(source: str) -> str:
    """The module's imports (``__future__`` left out): the names its functions' signatures use.

    Imports the module makes for its type hints only (under ``if TYPE_CHECKING:``) are made
    plainly: a notebook cell has no ``from __future__ import annotations``, so its signatures
    need the names when the cell runs.
    """
    nodes = [node for node in top_level_imports(ast.parse(source)) if getattr(node, "module", "") != "__future__"]
    return "\n".join(ast.get_source_segment(source, node) or "" for node in nodes)


def top_level_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """A module's top-level imports, in order, with those it makes under ``if TYPE_CHECKING:``."""
    found = []
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            found += [inner for inner in node.body if isinstance(inner, (ast.Import, ast.ImportFrom))]
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
    return found


def demos_unlocked_by(module: str) -> list[tuple[str, str]]:
    """``(name, help)`` of every demo whose last exercise, in course order, is in ``module``: finishing
    this topic is what unlocks it."""
    from decodelab.demos import DEMOS
    from decodelab.demos.functions import unlocked_by

    found = []
    for name, module_name in DEMOS.items():
        try:
            demo = importlib.import_module(f"decodelab.demos.{module_name}")
        except ModuleNotFoundError:
            continue
        needed = unlocked_by(demo.FUNCTIONS)
        if needed and needed[-1].module == module:
            found.append((name, demo.HELP))
    return found


def topic_notebook(module: str, number: int, target: str = "exercises"):
    """The notebook of one exercise module (an ``nbformat`` v4 node)."""
    import nbformat
    from nbformat import v4

    path = module_file(target_folder(target), module)
    if path is None:
        raise UserError(f"there is no exercises/{module}.py to make a notebook of")
    source = path.read_text(encoding="utf-8")
    cells = []

    def add(kind: str, text: str) -> None:
        cell = v4.new_markdown_cell(text) if kind == "markdown" else v4.new_code_cell(text)
        cell.id = f"{module}-{len(cells) + 1}"  # the same ids every time: a new notebook diffs cleanly
        cells.append(cell)

    exercises: list[Exercise] = [exercise for exercise in EXERCISES if exercise.module == module]
    add("markdown", f"# {number}. {module}: exercises/{module}.py\n\n" + docstring_markdown(ast.get_docstring(ast.parse(source)) or ""))
    add("markdown", "Run the set-up cell first. Each `%%exercise` cell runs your function here and writes it "
                    f"into `exercises/{module}.py`, in place of the stub; the cell after it checks it with the "
                    "public tests (`decodelab check`). Stuck? `dl.hint(\"KEY\")`. In a fresh hosted runtime "
                    "(Colab, Kaggle), run the install cells of the learner's guide first (section 6).")
    add("code", SET_UP)
    imports = module_imports(source)
    if imports:
        add("code", imports)
    for exercise in exercises:
        node = next(node for node in ast.parse(source).body if getattr(node, "name", None) == exercise.function)
        heading = f"## {EXERCISES.index(exercise) + 1}. `{exercise.key}`: `{exercise.function}()` ({exercise.points} points)"
        add("markdown", heading + "\n\n" + docstring_markdown(ast.get_docstring(node) or ""))
        add("code", f"%%exercise {exercise.key}\n" + function_cell(source, exercise.function))
        add("code", f"dl.check({exercise.key!r})")
    for name, help_text in demos_unlocked_by(module):
        add("markdown", f"## Demo: {name}\n\n{help_text}. It runs on your functions once their checks pass.")
        add("code", f"dl.demo({name!r})")
    notebook = v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    })
    nbformat.validate(notebook)
    return notebook


def write_notebooks(out: Path, force: bool = False, target: str = "exercises") -> list[Path]:
    """One notebook per exercise module into ``out`` (``01-tokens.ipynb``...); the files written."""
    import nbformat

    names = [(number, module, out / f"{number:02d}-{module}.ipynb") for number, module in enumerate(modules(), start=1)]
    existing = [path.name for _, _, path in names if path.exists()]
    if existing and not force:
        raise UserError(f"{out} already holds {', '.join(existing)}; pass --force to write them again (your "
                        "functions are safe in exercises/: new notebooks start from them)")
    out.mkdir(parents=True, exist_ok=True)
    for number, module, path in names:
        nbformat.write(topic_notebook(module, number, target), str(path))
    return [path for _, _, path in names]


def run(arguments: argparse.Namespace) -> int:
    written = write_notebooks(arguments.out, force=arguments.force, target=arguments.target)
    print(f"wrote {len(written)} notebooks to {arguments.out}, one per topic:")
    for path in written:
        print(f"  {path}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "notebooks",
        help="write one notebook per topic: lessons, your functions as cells, checks and demos",
        description="Write one Jupyter notebook per exercise module (Colab, Kaggle, Jupyter): each exercise's "
        "docstring, its function as a %%exercise cell that writes into exercises/, a check cell, and the demos.",
    )
    parser.add_argument("--out", type=Path, required=True, help="folder to write the notebooks into")
    parser.add_argument("--force", action="store_true", help="write over notebooks already there")
    parser.add_argument("--target", default="exercises",
                        help="whose functions fill the exercise cells (default: exercises, your own files)")
    parser.set_defaults(func=run, out_kind="folder")
