"""``decodelab release --out DIR``: the student bundle for a workshop.

The bundle is a project of its own: the exercise stubs, the public tests with the grading
modules they need (catalogue, compare, plugin, results, runner, target), the reference backends
with the bundled tiny model, the command line a learner uses (check, hint, list, doctor, demo),
the learner's guide, and a README, pyproject and Makefile written for it.

What it never holds: anything of ``solutions/``, the reference answers (``reference/<topic>.py``
computes each exercise with transformers' own machinery), the hidden suites, the grader and
exporters, the project's tests. The files are copied from an explicit list (:data:`MANIFEST`),
never by excluding; then every file is checked again before the command reports success
(:func:`leaks`): no path under ``solutions``/``hidden``, no reference answer module, no Python
file importing ``solutions``, no function body of ``solutions/`` or of the reference answers, no
call of a transformers warper or of ``generate``, and every exercise function still an
untouched stub.
"""
from __future__ import annotations

import argparse
import ast
import re
import shutil
from pathlib import Path

from decodelab import __version__
from decodelab.commands.check import ROOT, is_untouched_stub
from decodelab.commands.gradescope import torch_pin
from decodelab.errors import UserError
from grading.harness.catalogue import EXERCISES, modules

MANIFEST: tuple[str, ...] = (
    "exercises/*.py",
    "grading/__init__.py",
    "grading/harness/catalogue.py",
    "grading/harness/compare.py",
    "grading/harness/plugin.py",
    "grading/harness/results.py",
    "grading/harness/runner.py",
    "grading/harness/stack.py",
    "grading/harness/target.py",
    "grading/public/*.py",
    "reference/__init__.py",
    "reference/backend_names.py",
    "reference/backends.py",
    "reference/bigram.py",
    "reference/cache.py",
    "reference/capture.py",
    "reference/corpus.py",
    "reference/settings.py",
    "reference/tokenizer.py",
    "reference/tiny_model/*",
    "decodelab/__init__.py",
    "decodelab/cli.py",
    "decodelab/errors.py",
    "decodelab/watch.py",
    "decodelab/commands/__init__.py",
    "decodelab/commands/check.py",
    "decodelab/commands/hint.py",
    "decodelab/commands/demo.py",
    "decodelab/commands/doctor.py",
    "decodelab/commands/list_exercises.py",
    "decodelab/commands/notebooks.py",
    "decodelab/notebook.py",
    "decodelab/room/__init__.py",
    "decodelab/room/report.py",  # `check --room`: the learner's side of a workshop room, not its server
    "decodelab/demos/*.py",
    "docs/learner-guide.md",
    "requirements.lock",
)
"""Glob patterns, relative to the project root, of everything copied into a bundle.

Of ``reference/`` only what is not an exercise's answer: backends, tokenizer, the toy bigram
model, the corpus, the capture format and the tiny model's files (never its training script,
which the bundle does not need).
"""

FORBIDDEN_PARTS = ("solutions", "hidden", "wrong_implementations", "tests")

STAND_INS = ("TemperatureLogitsWarper", "TopKLogitsWarper", "TopPLogitsWarper", "MinPLogitsWarper",
             "TypicalLogitsWarper", "EpsilonLogitsWarper", "LogitsProcessorList", "generate")
"""transformers' machinery that computes what an exercise asks for (a warper is a top-k, top-p or
temperature exercise done; ``generate`` is a decoding loop done): no bundled file may call it."""

SHORTEST_ANSWER = 40
"""A function body (docstring left out, whitespace squeezed) this long or longer that is also in
``solutions/`` or the reference answers is an answer, not a coincidence."""


BUNDLED_PACKAGES = ("decodelab", "grading", "reference", "exercises")


def bundle_files(root: Path = ROOT) -> list[Path]:
    """The project files a bundle copies, relative to ``root``, sorted.

    :data:`MANIFEST`, plus every project module those files import (at any depth, also inside
    functions), plus the files the grader's sandbox copies for itself when a learner checks a
    folder (``grading.sandbox.grader_side.SANDBOX_FILES``) — so the bundle runs without the project.
    """
    files = set()
    for pattern in MANIFEST:
        for path in root.glob(pattern):
            if path.is_file() and "__pycache__" not in path.parts:
                files.add(path.relative_to(root))
    pending = [path for path in files if path.suffix == ".py"]
    while pending:
        for module in _project_imports(root / pending.pop()):
            for candidate in _module_files(root, module):
                if candidate not in files:
                    files.add(candidate)
                    pending.append(candidate)
                    if candidate == Path("grading/sandbox/grader_side.py"):
                        from grading.sandbox.grader_side import SANDBOX_FILES

                        extra = [Path(name) for name in SANDBOX_FILES if (root / name).is_file()]
                        pending += [path for path in extra if path not in files]
                        files.update(extra)
    return sorted(files)


def _project_imports(path: Path) -> set[str]:
    """Dotted names of project modules ``path`` imports (``from grading import wire`` -> ``grading.sandbox.wire``)."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (SyntaxError, UnicodeDecodeError):
        return set()  # leaks() reports a file that does not parse
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in names if name.split(".")[0] in BUNDLED_PACKAGES}


def _module_files(root: Path, module: str) -> list[Path]:
    """The files that make up ``module``: its own file and every package ``__init__`` above it."""
    parts = module.split(".")
    found = []
    for depth in range(1, len(parts) + 1):
        package = Path(*parts[:depth]) / "__init__.py"
        if (root / package).is_file():
            found.append(package)
    own = Path(*parts).with_suffix(".py")
    if (root / own).is_file():
        found.append(own)
    return found


def _dependencies(root: Path) -> list[str]:
    """The main project's runtime dependencies (the bundle needs the same libraries)."""
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    try:
        import tomllib

        return list(tomllib.loads(text)["project"]["dependencies"])
    except ImportError:  # Python 3.10: read the list by hand
        block = re.search(r"^dependencies\s*=\s*\[(.*?)\]", text, re.S | re.M)
        return re.findall(r'"([^"]+)"', block.group(1)) if block else []


def _notebook_extra(root: Path) -> list[str]:
    """The main project's ``notebook`` extra: what ``decodelab notebooks`` and ``decodelab.notebook`` need."""
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    block = re.search(r"^notebook\s*=\s*\[(.*?)\]", text, re.S | re.M)
    return re.findall(r'"([^"]+)"', block.group(1)) if block else []


def _pyproject(root: Path) -> str:
    dependencies = "".join(f'    "{dependency}",\n' for dependency in _dependencies(root))
    notebook = ", ".join(f'"{requirement}"' for requirement in _notebook_extra(root))
    return f'''[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "decodelab-student"
version = "{__version__}"
description = "decodelab for learners: write the pieces of a language model's decoding yourself and check them."
readme = "README.md"
requires-python = ">=3.10"
license = {{ text = "Apache-2.0" }}
dependencies = [
{dependencies}]

[project.optional-dependencies]
notebook = [{notebook}]

[project.scripts]
decodelab = "decodelab.cli:main"

[tool.setuptools.packages.find]
include = ["decodelab*", "reference*", "exercises*", "grading*"]

[tool.setuptools.package-data]
reference = ["tiny_model/*"]

[tool.pytest.ini_options]
testpaths = ["grading/public"]
addopts = "-p grading.harness.plugin"
'''


_MAKEFILE = """# `make setup` builds .venv (CPU torch, so pip never pulls CUDA wheels, then the exact
# versions of requirements.lock: the stack your instructor's grader uses); see README.md.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
TORCH_CPU ?= __TORCH__
PIP := python -m pip install --quiet --disable-pip-version-check

.PHONY: setup check
$(BIN)/decodelab: pyproject.toml requirements.lock
\t$(PYTHON) -m venv --clear $(VENV)
\t$(BIN)/$(PIP) "$(TORCH_CPU)"
\t$(BIN)/$(PIP) --require-hashes --no-deps -r requirements.lock
\t$(BIN)/$(PIP) --no-deps --no-build-isolation -e .
\ttouch $(BIN)/decodelab

setup: $(BIN)/decodelab

# decodelab check exits 1 while some exercise does not pass yet: that is progress, not a failure of
# make. Anything above 1 (a bad argument, a crash) still fails the target.
check: setup
\t@$(BIN)/decodelab check; status=$$?; [ $$status -le 1 ] || exit $$status
"""

_README = """# decodelab — the learner's bundle

Write, one function at a time, how a language model turns text into tokens, tokens into
vectors, and a probability distribution into the next token — and check each piece against a
real model (a small one bundled here, or Mistral-7B on a GPU).

## Set up (once)

You need Python 3.10 or newer. On Linux or macOS:

```sh
make setup                # creates .venv and installs everything (CPU build of torch)
source .venv/bin/activate
```

Without `make`: `python3 -m venv .venv`, activate it, then run what `make setup` runs:
`pip install "__TORCH__" --index-url https://download.pytorch.org/whl/cpu` (the CPU build; on Linux
a plain `pip install torch` pulls a CUDA build of several GB),
`pip install --require-hashes --no-deps -r requirements.lock`
and `pip install --no-deps --no-build-isolation -e .`.
On a GPU machine keep the CUDA torch you have and run only the last two.

## Work through the exercises

```sh
decodelab list            # the exercises in course order, with their points
decodelab check           # which exercises pass, the next one to do, and why a test fails
decodelab hint pieces     # hints for one exercise, from gentle to specific
decodelab demo            # the demos, each with the exercises that unlock it
decodelab demo tokens     # your tokenizer functions on English and Japanese text, once exercises 1-2 pass
decodelab notebooks --out notebooks   # the same course as notebooks, one per topic (Jupyter, Colab, Kaggle)
```

In a workshop, your instructor may give you a room link: `decodelab check --room LINK` (or
`export DECODELAB_ROOM=LINK` once) also tells the room which exercises pass and which tests
fail — their names only, never your code — so the instructor sees where the room is stuck.

Open `exercises/tokens.py`, read the docstring of the first function, write it, save, and run
`decodelab check` again (or leave `decodelab check --watch` running: it checks again every time
you save). Every demo runs on your own functions: finish the exercises it names and it
unlocks (`decodelab demo complete` after `greedy`, for example). `docs/learner-guide.md`
explains the order, how to read a failure, and every demo.
"""

_GITIGNORE = ".venv/\n__pycache__/\n*.egg-info/\n.pytest_cache/\n.hypothesis/\n/out/\n"


def leaks(bundle: Path) -> list[str]:
    """Everything in ``bundle`` that must not be handed to learners (empty when it is clean)."""
    problems = []
    for path in sorted(bundle.rglob("*")):
        relative = path.relative_to(bundle)
        if any(part in FORBIDDEN_PARTS for part in relative.parts):
            problems.append(f"{relative}: a path of the answers or the hidden tests")
        if path.suffix == ".py" and path.is_file():
            try:
                tree = ast.parse(path.read_text(encoding="utf-8"))
            except SyntaxError as error:
                problems.append(f"{relative}: does not parse ({error})")
                continue
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                if any(name == "solutions" or name.startswith(("solutions.", "grading.hidden")) for name in names):
                    problems.append(f"{relative}: imports {names[0]}")
    for relative in sorted(answer_files(ROOT)):
        if (bundle / relative).exists():
            problems.append(f"{relative}: the reference answers of an exercise")
    answers = answer_bodies(ROOT)
    for path in sorted(bundle.rglob("*.py")):
        relative = path.relative_to(bundle)
        try:
            source = path.read_text(encoding="utf-8")
            tree = ast.parse(source)
        except (SyntaxError, UnicodeDecodeError):
            continue  # reported above
        for name, body in function_bodies(source, tree):
            if body in answers:
                problems.append(f"{relative}: {name}() has the body of {answers[body]}")
        for called in stand_in_calls(tree):
            problems.append(f"{relative}: calls transformers' {called}, which computes an exercise's answer")
    for exercise in EXERCISES:
        path = bundle / exercise.path
        if path.is_file() and not is_untouched_stub(path.read_text(encoding="utf-8"), exercise.function):
            problems.append(f"{exercise.path}: {exercise.function}() is not an untouched stub")
    return problems


def answer_files(root: Path = ROOT) -> set[Path]:
    """The files that compute what the exercises ask for, relative to ``root``.

    ``solutions/*.py``, and the reference answers: ``reference/<topic>.py`` for every exercise
    module, and ``reference/recording.py``, which runs them to record a capture.
    """
    files = {path.relative_to(root) for path in (root / "solutions").glob("*.py")}
    files |= {Path("reference", f"{module}.py") for module in modules()}
    files.add(Path("reference/recording.py"))
    return {path for path in files if (root / path).is_file()}


def function_bodies(source: str, tree: ast.AST) -> list[tuple[str, str]]:
    """``(name, body)`` for every function in ``tree`` whose body is at least :data:`SHORTEST_ANSWER`
    characters: the statements' source without the docstring, whitespace squeezed to single spaces."""
    bodies = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            statements = node.body[1:] if ast.get_docstring(node) is not None else node.body
            text = " ".join("\n".join(ast.get_source_segment(source, statement) or "" for statement in statements).split())
            if len(text) >= SHORTEST_ANSWER:
                bodies.append((node.name, text))
    return bodies


def answer_bodies(root: Path = ROOT) -> dict[str, str]:
    """Body -> ``"file:function"`` for every function of :func:`answer_files` (see :func:`function_bodies`).

    Not ``reference/recording.py``'s: it only calls the answers (its helpers read versions and
    hashes), so its presence is what :func:`leaks` reports."""
    bodies = {}
    for relative in sorted(answer_files(root) - {Path("reference/recording.py")}):
        source = (root / relative).read_text(encoding="utf-8")
        for name, body in function_bodies(source, ast.parse(source)):
            bodies.setdefault(body, f"{relative}:{name}")
    return bodies


def stand_in_calls(tree: ast.AST) -> list[str]:
    """The names of :data:`STAND_INS` that ``tree`` calls (``x.generate(...)``, ``TopPLogitsWarper(...)``)."""
    called = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            function = node.func
            name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", None)
            if name in STAND_INS:
                called.append(name)
    return called


def build_bundle(out: Path, force: bool = False, root: Path = ROOT) -> list[Path]:
    """Write the bundle into ``out``; returns the files written (relative). Raises UserError."""
    if out.exists() and any(out.iterdir()):
        if not force:
            raise UserError(f"{out} is not empty; choose a new folder or pass --force to replace it")
        shutil.rmtree(out)
    missing_model = not (root / "reference" / "tiny_model" / "model.safetensors").is_file()
    if missing_model:
        raise UserError("the tiny model is missing from reference/tiny_model; build it first "
                        "(python -m reference.train_tiny) so the bundle works offline")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for relative in bundle_files(root):
        destination = out / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / relative, destination)
        written.append(relative)
    generated = {
        Path("pyproject.toml"): _pyproject(root),
        Path("README.md"): _README.replace("__TORCH__", torch_pin()),
        Path("Makefile"): _MAKEFILE.replace("__TORCH__", torch_pin()),
        Path(".gitignore"): _GITIGNORE,
    }
    for relative, text in generated.items():
        (out / relative).write_text(text, encoding="utf-8")
        written.append(relative)
    problems = leaks(out)
    if problems:
        shutil.rmtree(out)
        raise UserError(refusal(problems))
    return sorted(written)


def refusal(problems: list[str], shown: int = 5) -> str:
    """Why a bundle is refused: the first ``shown`` problems, and how many more there are."""
    text = f"refusing to release, the bundle would leak ({len(problems)} problem{'s' * (len(problems) != 1)}): "
    text += "; ".join(problems[:shown])
    if len(problems) > shown:
        text += f"; and {len(problems) - shown} more"
    if any("untouched stub" in problem for problem in problems):
        text += " — release from a checkout whose exercises/ holds the stubs (git stash, or git checkout exercises/)"
    return text


def run(arguments: argparse.Namespace) -> int:
    written = build_bundle(arguments.out, force=arguments.force)
    size = sum((arguments.out / path).stat().st_size for path in written)
    print(f"wrote the student bundle to {arguments.out}: {len(written)} files, {size / 1e6:.1f} MB")
    print("  no solutions, no reference answers, no hidden tests; every exercise is an untouched stub")
    print(f"  try it: cd {arguments.out} && make setup && .venv/bin/decodelab check")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "release",
        help="write the student bundle: stubs, public tests, tiny model, CLI — no solutions",
        description="Write the learners' bundle for a workshop: exercise stubs, public tests, the reference "
        "backends and tiny model, the learner's guide and the CLI; nothing of solutions/, of the reference "
        "answers or of the hidden suites.",
    )
    parser.add_argument("--out", type=Path, required=True, help="folder to write the bundle into (new or empty)")
    parser.add_argument("--force", action="store_true", help="replace the folder if it is not empty")
    parser.set_defaults(func=run, out_kind="folder")
