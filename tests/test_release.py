"""``decodelab release``: the student bundle leaks no answer and no hidden test, and its own README
commands work from a fresh copy."""
from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from decodelab.cli import main
from decodelab.commands.release import build_bundle, bundle_files, leaks
from grading.harness.catalogue import EXERCISES
from reference.backends import tiny_status
from tests.stubs import stubs_folder

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(not tiny_status()[0], reason="the bundled tiny model is not built yet")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("release") / "decodelab-student"
    root = ROOT
    if stubs_folder() != ROOT / "exercises":  # a maintainer's own finished exercises/ must not block the test
        root = tmp_path_factory.mktemp("project")
        for entry in ROOT.iterdir():
            if entry.name != "exercises":
                (root / entry.name).symlink_to(entry)
        (root / "exercises").symlink_to(stubs_folder())
    build_bundle(out, root=root)  # what `decodelab release --out DIR` runs; a refusal raises with its reason
    assert (out / "README.md").is_file(), "decodelab release did not write a bundle"
    return out


def answer_sources() -> list[Path]:
    """The files that hold answers: solutions/, and the reference module of every exercise topic."""
    topics = {exercise.module for exercise in EXERCISES}
    return sorted(ROOT.glob("solutions/*.py")) + sorted(ROOT / "reference" / f"{topic}.py" for topic in topics)


def answer_bodies() -> list[tuple[str, str]]:
    """(function, its body without the docstring, whitespace-normalised) for every function of the answers."""
    bodies = []
    for path in answer_sources():
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                statements = node.body[1:] if ast.get_docstring(node) is not None else node.body
                text = "\n".join(ast.get_source_segment(source, statement) or "" for statement in statements)
                normalised = " ".join(text.split())
                if len(normalised) >= 40:  # a body this long is the answer, not a coincidence
                    bodies.append((f"{path.parent.name}/{path.name}:{node.name}", normalised))
    return bodies


def learner_env(fresh: Path, tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a learner's copy of the bundle at ``fresh``, for every process it starts.

    This project's editable install adds an import finder that hands out any project module a
    bundle lacks (the reference answers, say) and would hide that the bundle does not hold it;
    a ``sitecustomize`` on ``PYTHONPATH`` takes that finder out again, in every child process too.
    """
    shim = tmp_path / "no-editable-install"
    shim.mkdir(exist_ok=True)
    (shim / "sitecustomize.py").write_text(
        "import sys\nsys.meta_path[:] = [f for f in sys.meta_path if 'editable' not in repr(f).lower()]\n",
        encoding="utf-8")
    env = dict(os.environ, DECODELAB_CACHE=str(tmp_path / "cache"), PYTHONPATH=f"{fresh}{os.pathsep}{shim}", **extra)
    env.pop("DECODELAB_TARGET", None)
    return env


def bundle_text(bundle: Path) -> dict[str, str]:
    texts = {}
    for path in bundle.rglob("*"):
        if path.is_file() and path.suffix in (".py", ".md", ".toml", ".txt", ".cfg", ""):
            texts[str(path.relative_to(bundle))] = " ".join(path.read_text(encoding="utf-8", errors="replace").split())
    return texts


def test_no_answer_body_appears_in_the_bundle(bundle):
    texts = bundle_text(bundle)
    bodies = answer_bodies()
    from_reference = [name for name, _ in bodies if name.startswith("reference/")]
    assert len(bodies) >= 2 * len(EXERCISES) and len(from_reference) >= len(EXERCISES), (
        f"found only {len(bodies)} answer bodies to look for ({len(from_reference)} of reference/)")
    found = [(name, where) for name, body in bodies for where, text in texts.items() if body in text]
    assert not found, f"answer bodies found in the bundle: {found[:5]}"


def test_no_reference_answer_module_is_in_the_bundle(bundle):
    shipped = {path.relative_to(bundle) for path in bundle.rglob("*.py")}
    answers = {path.relative_to(ROOT) for path in answer_sources()} | {Path("reference/recording.py")}
    assert not shipped & answers, f"answer modules in the bundle: {sorted(map(str, shipped & answers))}"
    assert (bundle / "reference" / "backends.py").is_file() and (bundle / "reference" / "bigram.py").is_file()


STAND_IN = re.compile(r"\w*LogitsWarper|LogitsProcessorList|generate")


def test_no_bundled_code_calls_a_warper_or_generate(bundle):
    """transformers' warpers are the top-k/top-p/temperature exercises done, ``generate`` the loops."""
    calls = []
    for path in bundle.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if STAND_IN.fullmatch(name):
                    calls.append(f"{path.relative_to(bundle)}:{node.lineno}: {name}(...)")
    assert not calls, "bundled code calls transformers' machinery that computes an exercise:\n" + "\n".join(calls)


@pytest.mark.parametrize("plant,expected", [
    ("reference/nucleus.py", "reference answers of an exercise"),
    ("exercises/helpers.py", "has the body of reference/nucleus.py:top_p_mask"),
    ("decodelab/demos/shortcut.py", "calls transformers' TopPLogitsWarper"),
    ("decodelab/demos/loop.py", "calls transformers' generate"),
])
def test_leaks_finds_an_answer_planted_in_the_bundle(bundle, tmp_path, plant, expected):
    copy = tmp_path / "bundle"
    shutil.copytree(bundle, copy)
    reference_nucleus = (ROOT / "reference" / "nucleus.py").read_text(encoding="utf-8")
    top_p = next(node for node in ast.parse(reference_nucleus).body
                 if isinstance(node, ast.FunctionDef) and node.name == "top_p_mask")
    planted = {
        "reference/nucleus.py": reference_nucleus,
        "exercises/helpers.py": ast.get_source_segment(reference_nucleus, top_p).replace("def top_p_mask", "def my_mask"),
        "decodelab/demos/shortcut.py": "from transformers import TopPLogitsWarper\n\n"
                                       "def mask(scores, p):\n    return TopPLogitsWarper(p)(None, scores)\n",
        "decodelab/demos/loop.py": "def loop(model, ids, n):\n    return model.generate(ids, max_new_tokens=n)\n",
    }[plant]
    (copy / plant).write_text(planted, encoding="utf-8")
    found = leaks(copy)
    assert any(plant in problem and expected in problem for problem in found), (
        f"leaks(<bundle with {plant}>) should report {expected!r}, reported: {found}")


def test_no_hidden_test_and_no_solutions_import(bundle):
    names = {path.name for path in bundle.rglob("*") if path.is_file()}
    hidden = {path.name for path in (ROOT / "grading" / "hidden").glob("test_*.py")}
    public = {path.name for path in (ROOT / "grading" / "public").glob("test_*.py")}
    assert not (names & (hidden - public)), f"hidden test files in the bundle: {sorted(names & hidden)}"
    for path in (ROOT / "grading" / "hidden").glob("test_*.py"):
        signature = " ".join(path.read_text(encoding="utf-8").split())[-400:]
        assert all(signature not in text for text in bundle_text(bundle).values()), f"{path.name} content leaked"
    assert not leaks(bundle), leaks(bundle)
    for path in bundle.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import)\s+solutions\b", source, re.M), f"{path} imports solutions"
    assert not any("solutions" in part or part == "hidden" for p in bundle.rglob("*") for part in p.relative_to(bundle).parts)


def test_the_bundle_holds_what_a_learner_needs(bundle):
    for relative in ("exercises/tokens.py", "grading/public/test_03_distributions.py", "grading/harness/plugin.py",
                     "reference/backends.py", "reference/tiny_model/model.safetensors", "docs/learner-guide.md",
                     "decodelab/cli.py", "pyproject.toml", "README.md", "Makefile"):
        assert (bundle / relative).is_file(), f"the bundle lacks {relative}"
    assert {p for p in bundle_files()} >= {Path(e.path) for e in EXERCISES}, "every exercise module is copied"


def test_the_learner_guide_names_every_exercise():
    guide = (ROOT / "docs" / "learner-guide.md").read_text(encoding="utf-8")
    missing = [e.key for e in EXERCISES if f"`{e.key}`" not in guide or e.function not in guide]
    assert not missing, f"docs/learner-guide.md does not name these exercises: {missing}"


def readme_commands(bundle: Path) -> list[str]:
    """The ``decodelab ...`` lines of the bundle README's code blocks (--watch never ends: left out)."""
    readme = (bundle / "README.md").read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```(?:sh|console)?\n(.*?)```", readme, re.S):
        for line in block.splitlines():
            command = line.split("#", 1)[0].strip()
            if command.startswith("decodelab ") and "--watch" not in command:
                commands.append(command)
    return commands


def test_readme_commands_work_from_a_fresh_copy(bundle, tmp_path):
    fresh = tmp_path / "fresh"
    shutil.copytree(bundle, fresh)
    commands = readme_commands(fresh)
    assert any(c.startswith("decodelab check") for c in commands) and "decodelab list" in commands, commands
    env = learner_env(fresh, tmp_path, DECODELAB_BACKEND="tiny")
    where = subprocess.run([sys.executable, "-c", "import importlib.util, decodelab, grading, reference; "
                            "print(decodelab.__file__, grading.__file__, reference.__file__); "
                            "print(importlib.util.find_spec('reference.decoding'))"],
                           cwd=fresh, env=env, capture_output=True, text=True)
    paths, answers = where.stdout.splitlines()
    assert all(str(fresh) in path for path in paths.split()), f"the copy did not import itself: {where.stdout}"
    assert answers == "None", f"the copy can import the reference answers from elsewhere: {answers}"
    outputs = {}
    for command in commands:
        done = subprocess.run([sys.executable, "-m", "decodelab.cli", *command.split()[1:]], cwd=fresh, env=env,
                              capture_output=True, text=True, timeout=600)
        outputs[command] = done.stdout + done.stderr
        # check exits 1 until everything passes; a demo is locked (1) until its exercises pass
        locked_demo = command.startswith("decodelab demo ") and len(command.split()) > 2
        expected = 1 if command.startswith("decodelab check") or locked_demo else 0
        assert done.returncode == expected, f"`{command}` exited {done.returncode} in the bundle:\n{outputs[command][-3000:]}"
        assert "Traceback" not in outputs[command], outputs[command][-3000:]
        if locked_demo:
            assert "unlock" in outputs[command] and "decodelab check" in outputs[command], outputs[command][-3000:]
    check = next(out for command, out in outputs.items() if command == "decodelab check")
    assert f"0/{len(EXERCISES)} done" in check and check.count("not started") >= len(EXERCISES), check
    reference = subprocess.run([sys.executable, "-m", "decodelab.cli", "demo", "complete", "--reference"],
                               cwd=fresh, env=env, capture_output=True, text=True, timeout=600)
    assert reference.returncode == 2 and "no reference answers" in reference.stderr, (
        f"`decodelab demo complete --reference` in the bundle exited {reference.returncode}, expected 2 with "
        f"'no reference answers':\n{reference.stdout[-2000:]}{reference.stderr[-2000:]}")
    assert "Traceback" not in reference.stderr, reference.stderr[-3000:]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_check_in_the_bundle_reports_progress_without_a_make_error(bundle, tmp_path):
    # `make setup` (a virtualenv from the lock) is replaced by a `decodelab` in BIN that runs this
    # copy's command line, newer than the files it depends on, so make goes straight to the check.
    fresh = tmp_path / "fresh"
    shutil.copytree(bundle, fresh)
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    command = bin_folder / "decodelab"
    command.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m decodelab.cli "$@"\n', encoding="utf-8")
    command.chmod(0o755)
    done = subprocess.run(["make", "check", f"BIN={bin_folder}"], cwd=fresh, env=learner_env(fresh, tmp_path),
                          capture_output=True, text=True, timeout=600)
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"`make check` on the untouched stubs exited {done.returncode}, expected 0:\n{output[-3000:]}"
    assert "Error" not in output and f"0/{len(EXERCISES)} done" in output, (
        f"`make check` should show the check's progress and no make error, got:\n{output[-3000:]}")
    command.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m decodelab.cli check --backend nope\n', encoding="utf-8")
    refused = subprocess.run(["make", "check", f"BIN={bin_folder}"], cwd=fresh, env=learner_env(fresh, tmp_path),
                             capture_output=True, text=True, timeout=600)
    assert refused.returncode != 0, (
        f"`make check` whose check is refused (exit 2, an unknown backend) exited 0, expected a failure:\n"
        f"{refused.stdout[-2000:]}{refused.stderr[-2000:]}")


def test_public_tests_collect_and_pass_in_the_bundle(bundle, tmp_path):
    """The public suites import only what the bundle holds: they collect, and pass on finished work."""
    fresh = tmp_path / "fresh"
    shutil.copytree(bundle, fresh)
    # A learner who finished distributions.py (this scratch copy only; the bundle itself is untouched).
    shutil.copy(ROOT / "solutions" / "distributions.py", fresh / "exercises" / "distributions.py")
    env = learner_env(fresh, tmp_path)
    collected = subprocess.run([sys.executable, "-m", "pytest", "grading/public", "--collect-only", "-q",
                                "-p", "no:cacheprovider"], cwd=fresh, env=env, capture_output=True, text=True, timeout=600)
    assert collected.returncode == 0, f"the bundle's public tests do not collect:\n{collected.stdout[-3000:]}{collected.stderr[-2000:]}"
    done = subprocess.run([sys.executable, "-m", "decodelab.cli", "check", "next_token", "temperature"],
                          cwd=fresh, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0 and "2/2 done" in done.stdout, f"{done.stdout[-3000:]}{done.stderr[-2000:]}"


def test_release_refuses_a_folder_in_use(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("mine")
    code = main(["release", "--out", str(tmp_path)])
    assert code == 2 and (tmp_path / "keep.txt").is_file()
    assert "not empty" in capsys.readouterr().err


def test_a_refusal_says_how_many_problems_there_are():
    from decodelab.commands.release import refusal

    problems = [f"exercises/m{i}.py: f{i}() is not an untouched stub" for i in range(16)]
    text = refusal(problems)
    assert "16 problems" in text and "and 11 more" in text, f"refusal(<16 problems>) gave {text!r}, expected '16 problems' and 'and 11 more'"
    assert "f4()" in text and "f5()" not in text, f"refusal() should list the first five problems only: {text!r}"
    assert "git checkout exercises/" in text, f"refusal() of touched stubs should say how to restore them: {text!r}"
    assert "more" not in refusal(problems[:2]), f"refusal(<2 problems>) should not say 'more': {refusal(problems[:2])!r}"


def test_the_bundles_set_up_pins_the_cpu_torch_the_project_pins(bundle):
    # An unpinned `pip install torch` pulls a CUDA build of several GB (a usability walk-through,
    # session 41, found the bundle's README saying just that): its manual steps pin what make does.
    pin = re.search(r"^TORCH_CPU \?= (\S+)$", (ROOT / "Makefile").read_text(), re.M).group(1)
    for name in ("Makefile", "README.md"):
        text = (bundle / name).read_text(encoding="utf-8")
        assert pin in text, f"the bundle's {name} does not pin {pin} (the project's Makefile TORCH_CPU)"
    readme = (bundle / "README.md").read_text(encoding="utf-8")
    assert f'pip install "{pin}" --index-url https://download.pytorch.org/whl/cpu' in readme, (
        f"the bundle's README.md has no manual step installing {pin} from PyTorch's CPU index")
