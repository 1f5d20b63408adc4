"""The notebook path: ``decodelab notebooks`` writes one notebook per topic, and a notebook does
what the terminal does (``%%exercise`` writes into exercises/, ``dl.check`` and ``dl.demo`` are
``decodelab check`` and ``decodelab demo``)."""
from __future__ import annotations

import ast
import os
import shutil
from pathlib import Path

import nbformat
import pytest

from decodelab.cli import main
from decodelab.commands.check import is_untouched_stub
from decodelab.commands.notebooks import demos_unlocked_by
from decodelab.demos import DEMOS
from decodelab.errors import UserError
from grading.harness.catalogue import EXERCISES, modules
from reference.backends import tiny_status
from tests.stubs import stubs_folder, stubs_target

ROOT = Path(__file__).resolve().parents[1]
# Every topic's notebook is executed twice, with the stubs and with the solutions: each has
# signatures of its own to evaluate in a cell (the names of its type hints must be imported
# there), public tests of its own, and its own demos.
TOPICS = modules()


def notebook_name(topic: str) -> str:
    return f"{modules().index(topic) + 1:02d}-{topic}.ipynb"
needs_tiny = pytest.mark.skipif(not tiny_status()[0], reason="the bundled tiny model is not built yet")


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("notebooks")
    code = main(["notebooks", "--out", str(out), "--target", stubs_target()])
    assert code == 0, f"decodelab notebooks --out {out} exited {code}, expected 0"
    return out


def code_cells(notebook) -> list:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def exercise_cells(notebook) -> list:
    return [cell for cell in code_cells(notebook) if cell.source.startswith("%%exercise ")]


def test_every_exercise_has_its_lesson_its_function_cell_and_its_check(notebooks):
    written = sorted(path.name for path in notebooks.glob("*.ipynb"))
    expected = [f"{number:02d}-{module}.ipynb" for number, module in enumerate(modules(), start=1)]
    assert written == expected, f"decodelab notebooks wrote {written}, expected {expected}"
    demos = []
    for module in modules():
        path = notebooks / f"{modules().index(module) + 1:02d}-{module}.ipynb"
        notebook = nbformat.read(str(path), as_version=4)
        nbformat.validate(notebook)  # raises when the file is not valid nbformat v4
        assert notebook.nbformat == 4, f"nbformat.read({path.name}).nbformat was {notebook.nbformat}, expected 4"
        sources = [cell.source for cell in code_cells(notebook)]
        assert "%load_ext decodelab.notebook" in sources[0], (
            f"the first code cell of {path.name} is {sources[0]!r}, expected the set-up cell with %load_ext decodelab.notebook")
        markdown = " ".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
        stubs = (stubs_folder() / f"{module}.py").read_text(encoding="utf-8")
        for exercise in (e for e in EXERCISES if e.module == module):
            node = next(n for n in ast.parse(stubs).body if getattr(n, "name", None) == exercise.function)
            missing = [word for word in ast.get_docstring(node).split() if word.rstrip(":") not in markdown]
            assert not missing, (f"the markdown of {path.name} lacks these words of {exercise.function}()'s docstring: "
                                 f"{missing[:10]}, expected all of them")
            cells = [cell.source for cell in exercise_cells(notebook) if cell.source.split("\n", 1)[0] == f"%%exercise {exercise.key}"]
            assert len(cells) == 1, f"{path.name} has {len(cells)} cells starting '%%exercise {exercise.key}', expected 1"
            body = cells[0].split("\n", 1)[1]
            defined = [n.name for n in ast.parse(body).body if isinstance(n, ast.FunctionDef)]
            assert defined == [exercise.function], (
                f"the %%exercise {exercise.key} cell of {path.name} defines {defined}, expected [{exercise.function!r}]")
            assert is_untouched_stub(body, exercise.function), (
                f"is_untouched_stub(<the %%exercise {exercise.key} cell>) is False, expected the stub of exercises/{module}.py")
            check = f"dl.check({exercise.key!r})"
            assert check in sources, f"{path.name} has no cell {check!r}; its code cells: {sources}"
            assert sources.index(check) == sources.index(cells[0]) + 1, (
                f"in {path.name} the cell {check!r} is at {sources.index(check)}, expected right after the %%exercise cell")
        demos += [source for source in sources if source.startswith("dl.demo(")]
    expected_demos = sorted(f"dl.demo({name!r})" for name in DEMOS)
    assert sorted(demos) == expected_demos, f"the notebooks' demo cells are {sorted(demos)}, expected each demo once: {expected_demos}"


def test_notebooks_refuses_to_write_over_notebooks(notebooks, capsys):
    code = main(["notebooks", "--out", str(notebooks)])
    err = capsys.readouterr().err
    assert code == 2 and "--force" in err, f"decodelab notebooks --out <folder with notebooks> gave {code}, {err!r}; expected 2 and '--force'"


# ---------------------------------------------------------------------------------------------
# Executing one topic's notebook in a real kernel, in a scratch copy of the project
# ---------------------------------------------------------------------------------------------

@pytest.fixture
def project(tmp_path) -> Path:
    """A scratch copy of the project: the kernel imports it, so %%exercise writes there, never here."""
    copy = tmp_path / "project"
    for name in ("decodelab", "grading", "reference"):
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(stubs_folder(), copy / "exercises", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    return copy


def execute(path: Path, project: Path, cache: Path):
    """Run every cell of the notebook at ``path`` in a python3 kernel on ``project``; the notebook with outputs."""
    from nbclient import NotebookClient

    notebook = nbformat.read(str(path), as_version=4)
    # DECODELAB_CHECK_SECONDS: a check in a notebook runs while CI's other workers grade whole
    # classes on the same two cores, and a public test's own code once took over the default 20 s
    # there (the check then says "a busy machine?", as it should). The budget's own behaviour is
    # tests/test_check_budget.py's; here it must only not mistake a busy machine for a loop.
    env = dict(os.environ, PYTHONPATH=str(project), DECODELAB_BACKEND="tiny", DECODELAB_CACHE=str(cache),
               IPYTHONDIR=str(cache.parent / "ipython"),  # the kernel's profile stays out of the home folder
               DECODELAB_CHECK_SECONDS="120")
    env.pop("DECODELAB_TARGET", None)
    client = NotebookClient(notebook, kernel_name="python3", timeout=300)
    client.execute(env=env, cwd=str(project))  # a cell that raises raises CellExecutionError here
    return notebook


def outputs(cell, mime: str = "text/plain") -> str:
    return "\n".join(output.get("text", "") if output.output_type == "stream" else output.get("data", {}).get(mime, "")
                     for output in cell.get("outputs", []))


def errors(notebook) -> list[str]:
    return [f"{cell.source[:40]!r}: {output.get('ename')}: {output.get('evalue')}" for cell in code_cells(notebook)
            for output in cell.outputs if output.output_type == "error"]


def check_cells(notebook) -> list:
    return [cell for cell in code_cells(notebook) if cell.source.startswith("dl.check(")]


@needs_tiny
@pytest.mark.parametrize("topic", TOPICS)
def test_a_topic_notebook_runs_with_the_stubs(notebooks, project, tmp_path, topic):
    name = notebook_name(topic)
    before = (ROOT / "exercises" / f"{topic}.py").read_bytes()
    notebook = execute(notebooks / name, project, tmp_path / "cache")
    assert not errors(notebook), f"executing {name} with the stubs gave errors {errors(notebook)}, expected none"
    checks = check_cells(notebook)
    assert len(checks) == sum(e.module == topic for e in EXERCISES), f"{name} has {len(checks)} check cells"
    for cell in checks:
        text = outputs(cell)
        assert "not started" in text and "0/1 done" in text, (
            f"{cell.source} with the stub showed {text!r}, expected 'not started' and '0/1 done'")
        assert "not started" in outputs(cell, "text/html"), f"{cell.source} showed no 'not started' in its HTML"
    assert (ROOT / "exercises" / f"{topic}.py").read_bytes() == before, "executing the notebook changed the real exercises/"


@needs_tiny
@pytest.mark.parametrize("topic", TOPICS)
def test_a_topic_notebook_runs_with_the_solutions(notebooks, project, tmp_path, topic):
    name = notebook_name(topic)
    before = (ROOT / "exercises" / f"{topic}.py").read_bytes()
    for other in TOPICS:  # the other topics done, as their demos (which may use them) need
        if other != topic:
            shutil.copy(ROOT / "solutions" / f"{other}.py", project / "exercises" / f"{other}.py")
    solution = (ROOT / "solutions" / f"{topic}.py").read_text(encoding="utf-8")
    tree = ast.parse(solution)
    notebook = nbformat.read(str(notebooks / name), as_version=4)
    for cell in exercise_cells(notebook):
        key = cell.source.split("\n", 1)[0].split()[1]
        function = next(e.function for e in EXERCISES if e.key == key)
        # The solution's function with what it uses from its module: its imports, constants and helpers.
        needed = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom, ast.Assign))
                  and getattr(node, "module", "") != "__future__"]
        needed += [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name.startswith("_")]
        node = next(n for n in tree.body if getattr(n, "name", None) == function)
        parts = [ast.get_source_segment(solution, n) for n in needed] + [ast.get_source_segment(solution, node)]
        cell.source = f"%%exercise {key}\n" + "\n\n".join(parts)
    solved = notebooks.parent / f"solved-{name}"
    nbformat.write(notebook, str(solved))
    notebook = execute(solved, project, tmp_path / "cache")
    assert not errors(notebook), f"executing {name} with the solutions gave errors {errors(notebook)}, expected none"
    for cell in check_cells(notebook):
        text = outputs(cell)
        assert "1/1 done" in text, f"{cell.source} with the solution showed {text!r}, expected '1/1 done'"
    demo_cells = [cell for cell in code_cells(notebook) if cell.source.startswith("dl.demo(")]
    demos = [demo for demo, _ in demos_unlocked_by(topic)]
    assert len(demo_cells) == len(demos), f"{name} has {len(demo_cells)} demo cells, expected one for each of {demos}"
    for cell in demo_cells:
        kinds = {mime for output in cell.outputs for mime in output.get("data", {})}
        assert kinds & {"image/png", "text/html"}, f"{cell.source} displayed {sorted(kinds)}, expected image/png or text/html"
        assert "did not run" not in outputs(cell), f"{cell.source} displayed {outputs(cell)!r}, expected the demo"
        assert "locked" not in outputs(cell), f"{cell.source} displayed {outputs(cell)!r}, expected the demo, not locked"
    written = (project / "exercises" / f"{topic}.py").read_text(encoding="utf-8")
    for exercise in (e for e in EXERCISES if e.module == topic):
        mine, theirs = (ast.dump(next(n for n in ast.parse(text).body if getattr(n, "name", None) == exercise.function))
                        for text in (written, solution))
        assert mine == theirs, (f"the scratch copy's exercises/{topic}.py after the notebook has another "
                                f"{exercise.function}() than solutions/{topic}.py; the file is:\n{written}")
    assert (ROOT / "exercises" / f"{topic}.py").read_bytes() == before, "executing the notebook changed the real exercises/"


# ---------------------------------------------------------------------------------------------
# Refusals and bad input, in this process
# ---------------------------------------------------------------------------------------------

@pytest.fixture
def shell(tmp_path, monkeypatch):
    """An IPython shell in this process, its profile and history kept out of the home folder."""
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    ipython = InteractiveShell.instance(config=config)
    ipython.run_line_magic("load_ext", "decodelab.notebook")
    yield ipython
    InteractiveShell.clear_instance()


def test_exercise_magic_refuses_a_cell_without_the_function(shell, capsys):
    before = (ROOT / "exercises" / "tokens.py").read_bytes()
    result = shell.run_cell("%%exercise pieces\ndef my_pieces(text, tokenizer, add_bos=True):\n    return []\n")
    err = capsys.readouterr().err
    assert isinstance(result.error_in_exec, Exception) and "does not define tokenize_with_pieces()" in err, (
        f"%%exercise pieces with a cell defining my_pieces() gave {result.error_in_exec!r} and {err!r}; "
        "expected a refusal saying it does not define tokenize_with_pieces()")
    assert "Traceback" not in err, f"the refusal showed a traceback: {err!r}, expected one message"
    assert "my_pieces" not in shell.user_ns, "the refused cell ran, expected nothing run"
    assert (ROOT / "exercises" / "tokens.py").read_bytes() == before, "a refused cell changed exercises/tokens.py"


def test_unknown_exercise_gives_the_did_you_mean_of_the_command_line(capsys):
    from decodelab import notebook as dl

    code = main(["check", "piecs"])
    cli = capsys.readouterr().err.strip().removeprefix("decodelab check: ")
    assert code == 2 and "did you mean 'pieces'" in cli, f"decodelab check piecs gave {code}, {cli!r}"
    for call in (lambda: dl.check("piecs"), lambda: dl.hint("piecs")):
        with pytest.raises(UserError) as raised:
            call()
        assert str(raised.value) == cli, f"dl.check/hint('piecs') raised {str(raised.value)!r}, expected the CLI's {cli!r}"
        assert raised.value._render_traceback_() == [f"NotebookError: {cli}"], (
            f"the notebook shows {raised.value._render_traceback_()}, expected the message alone")
    with pytest.raises(UserError) as raised:
        dl.demo("tokns")
    assert "did you mean 'tokens'" in str(raised.value), f"dl.demo('tokns') raised {str(raised.value)!r}, expected did you mean 'tokens'"


def test_replace_function_keeps_the_rest_of_the_module(tmp_path):
    from decodelab.notebook import replace_function

    module = tmp_path / "tokens.py"
    original = (stubs_folder() / "tokens.py").read_text(encoding="utf-8")
    module.write_text(original, encoding="utf-8")
    cell = "import re\nSPACE = '▁'\n\ndef piece_bytes(piece: str) -> bytes:\n    return piece.replace(SPACE, ' ').encode()\n"
    written = replace_function(module, "piece_bytes", cell, protected={"tokenize_with_pieces"})
    result = module.read_text(encoding="utf-8")
    tree, stub_tree = ast.parse(result), ast.parse(original)
    new = next(n for n in tree.body if getattr(n, "name", None) == "piece_bytes")
    stub = next(n for n in stub_tree.body if getattr(n, "name", None) == "piece_bytes")
    assert ast.get_docstring(new) == ast.get_docstring(stub), "replace_function() lost the docstring of piece_bytes()"
    before_stub = "".join(original.splitlines(keepends=True)[: stub.lineno - 1])
    last_import = max(node.end_lineno for node in stub_tree.body if isinstance(node, (ast.Import, ast.ImportFrom)))
    assert result.startswith("".join(original.splitlines(keepends=True)[:last_import]) + "import re\n"), (
        f"replace_function() did not add `import re` right after the module's imports:\n{result}")
    assert result.replace("import re\n", "", 1).startswith(before_stub + "SPACE = '▁'\n\n\ndef piece_bytes"), (
        f"replace_function() changed the module above piece_bytes() other than by `import re` and SPACE:\n{result}")
    assert written == ["piece_bytes()", "SPACE", "import re"], f"replace_function() returned {written}"
    again = replace_function(module, "piece_bytes", cell)
    assert module.read_text(encoding="utf-8") == result, f"writing the same cell again changed the module ({again})"


def test_replace_function_brings_what_the_helpers_use_too(tmp_path):
    from decodelab.notebook import replace_function

    module = tmp_path / "tokens.py"
    module.write_text((stubs_folder() / "tokens.py").read_text(encoding="utf-8"), encoding="utf-8")
    cell = ("import re\nBYTE = re.compile(r'<0x([0-9A-F]{2})>')\nUNUSED = 1\n\n"
            "def _as_byte(piece):\n    found = BYTE.fullmatch(piece)\n    return bytes([int(found.group(1), 16)]) if found else None\n\n"
            "def piece_bytes(piece: str) -> bytes:\n    return _as_byte(piece) or piece.replace('▁', ' ').encode()\n")
    replace_function(module, "piece_bytes", cell, protected={"tokenize_with_pieces"})
    space: dict = {}
    exec(compile(module.read_text(encoding="utf-8"), str(module), "exec"), space)
    assert space["piece_bytes"]("<0xE6>") == b"\xe6", (
        "piece_bytes('<0xE6>') from the written module failed: the constant BYTE, used only by the helper, "
        f"was not written:\n{module.read_text(encoding='utf-8')}")
    assert "UNUSED" not in space, "a constant nothing uses was written into the module"
