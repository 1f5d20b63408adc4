"""The nbgrader exporter and bridge, and a real nbgrader round trip.

Fast tests check the exported course (cells, metadata, points, the solutions in it), how a
notebook's cells become the graded module, and the partial-credit contract against nbgrader's
own ``determine_grade``. The round trip drives real nbgrader on the evaluation notebook:
export -> ``nbgrader generate_assignment`` -> three submitted notebooks (the solutions, the
untouched release, one wrong function) -> ``nbgrader autograde`` -> scores through the
gradebook API, compared with ``decodelab grade`` on the same code -> ``generate_feedback``
and ``export``.
"""
from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import torch

from benchmarks.grade_class import notebook_with_functions
from tests.catalogue import with_wrong, wrong_function_source
from decodelab.cli import main as decodelab
from grading.harness.catalogue import EXERCISES, by_key, modules
from grading.grader.nbgrader.bridge import Check, ModuleGrade, exercise_score, feedback, module_from_cells
from grading.grader.nbgrader.export import BEGIN, END, export_course, notebook_name

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = "ps1"


def _meta(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _exported(tmp_path: Path) -> dict[str, dict]:
    course = export_course(tmp_path / "course", ASSIGNMENT)
    return {path.name: json.loads(path.read_text()) for path in course.notebooks}


# ---------------------------------------------------------------------------------------------
# The exported course


def test_export_writes_one_notebook_per_module_in_course_order(tmp_path):
    code = decodelab(["nbgrader", "export", str(tmp_path / "course"), "--assignment", ASSIGNMENT])
    assert code == 0, f"decodelab nbgrader export returned {code}, expected 0"
    source = tmp_path / "course" / "source" / ASSIGNMENT
    names = sorted(p.name for p in source.glob("*.ipynb"))
    expected = [f"{i:02d}_{m}.ipynb" for i, m in enumerate(modules(), start=1)]
    assert names == expected, f"exported notebooks {names}, expected {expected}"
    config = (tmp_path / "course" / "nbgrader_config.py").read_text()
    assert "c.Execute.timeout" in config, "nbgrader_config.py does not raise nbgrader's 30 s cell time-out"


def test_export_rejects_unknown_modules_with_one_line(tmp_path, capsys):
    code = decodelab(["nbgrader", "export", str(tmp_path / "course"), "--only", "nope"])
    err = capsys.readouterr().err
    assert code == 2 and "no exercise module nope" in err and "Traceback" not in err, (
        f"decodelab nbgrader export --only nope returned {code} with {err!r}; expected exit 2 naming the modules"
    )


def test_every_exercise_has_a_solution_cell_and_a_test_cell_worth_its_points(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    notebooks = _exported(tmp_path)
    for module in modules():
        notebook = notebooks[notebook_name(module)]
        nbformat.validate(nbformat.from_dict(notebook))
        solution_ids = [_meta(c)["grade_id"] for c in notebook["cells"] if _meta(c).get("solution")]
        tests = {_meta(c)["grade_id"]: c for c in notebook["cells"] if _meta(c).get("grade")}
        for exercise in (e for e in EXERCISES if e.module == module):
            assert exercise.function in solution_ids, f"{module}: no solution cell for {exercise.function}()"
            cell = tests.get(f"test_{exercise.key}")
            assert cell is not None, f"{module}: no test cell for exercise {exercise.key}"
            meta = _meta(cell)
            assert (meta["points"], meta["solution"], meta["locked"]) == (exercise.points, False, True), (
                f"test cell of {exercise.key}: points/solution/locked = {meta['points']}/{meta['solution']}/"
                f"{meta['locked']}, expected {exercise.points}/False/True"
            )


def test_test_cells_are_one_line_calling_grading_and_hold_no_test_code(tmp_path):
    for name, notebook in _exported(tmp_path).items():
        for cell in notebook["cells"]:
            if not _meta(cell).get("grade"):
                continue
            source = cell["source"]
            assert "\n" not in source and "grading.grader.nbgrader" in source, f"{name}: test cell {source!r}"
            assert "assert" not in source and "def " not in source, f"{name}: test cell holds test code: {source!r}"


def test_solution_cells_wrap_the_solution_in_a_region_after_the_teaching_docstring(tmp_path):
    notebooks = _exported(tmp_path)
    for exercise in EXERCISES:
        cell = next(c for c in notebooks[notebook_name(exercise.module)]["cells"]
                    if _meta(c).get("grade_id") == exercise.function)
        source = cell["source"]
        assert source.count(BEGIN) == 1 and source.count(END) == 1, f"{exercise.function}: one region expected"
        head = source.split(BEGIN)[0]
        assert head.lstrip().startswith("def ") and '"""' in head, (
            f"{exercise.function}: the signature and docstring must come before the region, got {head[:120]!r}"
        )


def _run_cells(notebook: dict) -> dict:
    namespace: dict = {}
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code" and not _meta(cell).get("grade"):
            exec(compile(cell["source"], "<cell>", "exec"), namespace)
    return namespace


def test_solution_cells_compute_what_solutions_compute(tmp_path):
    import solutions.distributions
    import solutions.embeddings
    import solutions.evaluation
    import solutions.nucleus
    import solutions.tokens
    import solutions.topk

    notebooks = _exported(tmp_path)
    spaces = {module: _run_cells(notebooks[notebook_name(module)]) for module in modules()}
    for exercise in EXERCISES:
        assert callable(spaces[exercise.module].get(exercise.function)), f"{exercise.function} not defined by its cells"
    generator = torch.Generator().manual_seed(0)
    probs = torch.softmax(torch.randn(3, 50, generator=generator), dim=-1)
    vectors = torch.randn(6, 8, generator=generator, dtype=torch.float64)
    cases = [
        ("distributions", "softmax_with_temperature", solutions.distributions, (probs.log(), 0.7)),
        ("nucleus", "top_p_mask", solutions.nucleus, (probs, 0.6)),
        ("topk", "top_k_mask", solutions.topk, (probs, 4)),
        ("embeddings", "cosine_similarity_matrix", solutions.embeddings, (vectors,)),
        ("tokens", "piece_bytes", solutions.tokens, ("<0xE6>",)),
        ("tokens", "piece_bytes", solutions.tokens, ("<s>",)),
        ("evaluation", "exact_match", solutions.evaluation, ("It is Paris, France.", "paris")),
        ("evaluation", "distinct_n", solutions.evaluation, (["a b a b", "c a b"], 2)),
    ]
    for module, function, reference, args in cases:
        got = spaces[module][function](*args)
        expected = getattr(reference, function)(*args)
        same = torch.equal(got, expected) if isinstance(got, torch.Tensor) else got == expected
        assert same, f"the notebook's {function}{args!r:.60} gave {got!r:.80}, solutions/ gives {expected!r:.80}"


# ---------------------------------------------------------------------------------------------
# From cells to the graded module


def _load(rebuilt) -> dict:
    namespace: dict = {"__name__": "rebuilt"}
    exec(compile(rebuilt.source, "<rebuilt>", "exec"), namespace)
    return namespace


def test_the_module_runs_the_cells_as_the_kernel_did_without_trials_and_magics():
    cells = [
        "",
        "from __future__ import annotations\nimport torch",
        "get_ipython().run_line_magic('matplotlib', 'inline')",
        "EPS = 1e-9\ntrials = []\ntrials.append('ran')\nprint('shown, not graded')",
        "def top_p_mask(probs: NotAType, p):\n    return probs > EPS\n",
        "unfinished = top_p_mask.missing_attribute\nAFTER_ERROR = 'never set'",
        "def later():\n    return 2\nlater()",
        "def broken(:\n    pass",
        'from grading.grader.nbgrader import grade_exercise; grade_exercise("top_p", globals())',
        "raise SystemExit(3)",
    ]
    rebuilt = module_from_cells(cells)
    space = _load(rebuilt)
    assert space["top_p_mask"](torch.tensor([0.0, 1.0]), 0.5).tolist() == [False, True], "top_p_mask not defined"
    assert space["top_p_mask"].__annotations__["probs"] == "NotAType", "from __future__ did not carry to later cells"
    assert space["trials"] == [], f"a bare expression was run again: trials = {space['trials']}"
    assert "AFTER_ERROR" not in space and space["later"]() == 2, "an error must stop only the rest of its own cell"
    assert "grade_exercise" not in space and "broken" not in space, "test cells and broken cells must be left out"
    assert any("does not parse" in note for note in rebuilt.notes), f"no note about the broken cell: {rebuilt.notes}"


def test_the_released_stubs_raise_reads_as_not_started_as_in_decodelab_grade():
    # An instructor's walk-through (session 41): nbgrader's released cell, "# YOUR CODE HERE" and
    # "raise NotImplementedError()", read "your code raised NotImplementedError" there and "not
    # started" through decodelab grade: the cells' lines were not where the rule looks them up.
    from grading.harness.not_started import raised_by_its_own_raise

    # A form feed and a line separator in the docstring split no line for Python: nor may they here.
    cell = 'def top_p_mask(probs, p):\n    """Top-p.\x0c More\u2028text."""\n    # YOUR CODE HERE\n    raise NotImplementedError()'
    space = _load(module_from_cells([cell]))
    with pytest.raises(NotImplementedError) as raised:
        space["top_p_mask"](torch.tensor([0.5, 0.5]), 0.5)
    assert raised_by_its_own_raise(raised.value, space["top_p_mask"]), (
        "raised_by_its_own_raise(<the released stub's NotImplementedError>, top_p_mask) was False for a notebook "
        "cell, expected True (not started)")


def test_a_later_definition_replaces_an_earlier_one_as_in_the_kernel():
    space = _load(module_from_cells(["def f():\n    return 1", "def f():\n    return 2"]))
    assert space["f"]() == 2, "the rebuilt module must end with the last definition the kernel ran"


# ---------------------------------------------------------------------------------------------
# Partial credit, stderr, feedback


def _graded(scores: list[tuple[float, float, str, str]], key: str = "top_p") -> ModuleGrade:
    tests = [Check(f"top_p_mask: test_{i}", key, s, m, outcome, message) for i, (s, m, outcome, message) in enumerate(scores)]
    return ModuleGrade("nucleus", "tiny", ["hidden"], tests, 1.0)


def test_the_exercise_score_is_the_graders_total_not_a_sum_of_rounded_test_scores():
    graded = _graded([(0.8333, 0.8333, "passed", "")] * 12)  # results.json rounds each test's share
    assert exercise_score(by_key("top_p"), graded) == pytest.approx(9.9996)
    graded.scores = {"top_p": 10.0}
    assert exercise_score(by_key("top_p"), graded) == 10.0, "the score must be the grader's exercise total"


def test_the_score_is_the_partial_credit_nbgrader_reads_from_the_cell():
    utils = pytest.importorskip("nbgrader.utils")
    from nbformat import from_dict

    graded = _graded([(10 / 3, 10 / 3, "passed", ""), (0.0, 10 / 3, "wrong", "x"), (10 / 3, 10 / 3, "passed", "")])
    score = exercise_score(by_key("top_p"), graded)

    def cell(outputs: list[dict]):
        return from_dict({"cell_type": "code", "source": "", "outputs": outputs, "metadata": {
            "nbgrader": {"grade": True, "solution": False, "points": 10, "grade_id": "t"}}})

    value = {"output_type": "execute_result", "data": {"text/plain": repr(score)}, "metadata": {}, "execution_count": 1}
    printed = {"output_type": "stream", "name": "stdout", "text": "feedback\n"}
    assert utils.determine_grade(cell([printed, value])) == (pytest.approx(20 / 3, abs=1e-4), 10.0)
    stderr = {"output_type": "stream", "name": "stderr", "text": "a warning\n"}
    assert utils.determine_grade(cell([stderr, value]))[0] == 0, "nbgrader gives 0 when a test cell writes to stderr"
    full = exercise_score(by_key("top_p"), _graded([(10 / 3, 10 / 3, "passed", "")] * 3))
    assert full <= 10 and utils.determine_grade(cell([dict(value, data={"text/plain": repr(full)})]))[0] == full


def test_grading_writes_nothing_to_stderr_even_from_c_level_writes():
    script = textwrap.dedent("""
        import os, sys, warnings
        from grading.grader.nbgrader.bridge import quiet
        with quiet():
            warnings.warn("library warning")
            print("python stderr", file=sys.stderr)
            os.write(2, b"fd 2 stderr\\n")
        print("stdout still works")
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)
    assert done.stderr == "" and "stdout still works" in done.stdout, (
        f"quiet() let through stderr {done.stderr!r} (stdout {done.stdout!r}); expected none"
    )


def test_feedback_names_failures_with_their_messages_and_says_not_started():
    exercise = by_key("top_p")
    message = "top_p_mask(probs=<float32 tensor (4,)>, p=0.7)\n  got [F, T, F, F], expected [F, T, F, T]\n  hint: keep it"
    text = feedback(exercise, _graded([(5.0, 5.0, "passed", ""), (0.0, 5.0, "wrong", message)]))
    assert "5 of 10 points" in text and "expected [F, T, F, T]" in text and "hint: keep it" in text, text
    stub = feedback(exercise, _graded([(0.0, 10.0, "not_started", "not started: ...")]))
    assert "not started" in stub and "0 of 10 points" in stub, stub
    why = ("not started: top_p_mask() not found — exercises/nucleus.py fails to import: SyntaxError: invalid syntax "
           "(line 4)\n  exercises/nucleus.py:4 in <module>")
    broken = feedback(exercise, _graded([(0.0, 10.0, "not_started", why)]))
    assert "does not import: exercises/nucleus.py fails to import: SyntaxError" in broken and "not started" not in broken, (
        f"a cell whose module fails to import read:\n{broken}")


# ---------------------------------------------------------------------------------------------
# The round trip through real nbgrader


def _environment(tmp_path: Path) -> dict[str, str]:
    """nbgrader with this Python: its scripts (alembic) on PATH, a kernel spec for this interpreter."""
    kernels = tmp_path / "jupyter" / "kernels" / "python3"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (decodelab tests)", "language": "python",
    }))
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["JUPYTER_PATH"] = str(tmp_path / "jupyter")
    env["DECODELAB_BACKEND"] = "tiny"
    for key in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        env[key] = "1"
    return env


def _nbgrader(course: Path, env: dict[str, str], *arguments: str) -> str:
    done = subprocess.run([sys.executable, "-m", "nbgrader", *arguments], cwd=course, env=env,
                          capture_output=True, text=True, timeout=1200)
    # nbgrader's exit code is 0 even when grading fails; the scores are checked separately
    assert done.returncode == 0, f"nbgrader {' '.join(arguments)} exited {done.returncode}:\n{done.stderr[-3000:]}"
    return done.stdout + done.stderr


@pytest.mark.slow
def test_nbgrader_round_trip_scores_like_decodelab_grade(tmp_path):
    pytest.importorskip("nbgrader")
    pytest.importorskip("ipykernel")
    from nbgrader.api import Gradebook

    from grading.grader.driver import GradeOptions, grade_submission
    from reference.backends import tiny_status

    if not tiny_status()[0]:
        pytest.skip("the tiny model is not there")
    module, mistake = "evaluation", "exact_match__substring"
    name = notebook_name(module)
    course = tmp_path / "course"
    env = _environment(tmp_path)
    assert decodelab(["nbgrader", "export", str(course), "--assignment", ASSIGNMENT, "--only", module]) == 0
    _nbgrader(course, env, "generate_assignment", ASSIGNMENT)

    source = json.loads((course / "source" / ASSIGNMENT / name).read_text())
    release = json.loads((course / "release" / ASSIGNMENT / name).read_text())
    released = json.dumps(release)
    assert BEGIN not in released and "_normalise" not in released, "the release still holds solution code"
    for cell in release["cells"]:
        if _meta(cell).get("solution"):
            text = "".join(cell["source"])
            assert text.rstrip().endswith("raise NotImplementedError()"), f"a released solution cell ends {text[-200:]!r}"

    wrong = wrong_function_source(module, mistake)
    submitted = {
        "alice": source,                                                         # the solutions
        "bob": release,                                                          # untouched
        "carol": notebook_with_functions(source, {mistake.split("__")[0]: wrong}),  # one wrong function
    }
    for student, notebook in submitted.items():
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        (folder / name).write_text(json.dumps(notebook))
    _nbgrader(course, env, "autograde", ASSIGNMENT)

    # decodelab grade on carol's code, as a learner would hand in the module
    carol = tmp_path / "carol"
    carol.mkdir()
    (carol / f"{module}.py").write_text(with_wrong(module, [mistake]))
    keys = tuple(e.key for e in EXERCISES if e.module == module)
    results = grade_submission(carol, tmp_path / "grades", GradeOptions(backend="tiny", exercises=keys))
    ours = results["extra_data"]["exercises"]

    maximum = sum(e.points for e in EXERCISES if e.module == module)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        scores = {s: gradebook.find_submission(ASSIGNMENT, s).score for s in submitted}
        cells = {e.key: gradebook.find_grade(f"test_{e.key}", name[:-6], ASSIGNMENT, "carol").score
                 for e in EXERCISES if e.module == module}
    assert scores["alice"] == pytest.approx(maximum), f"the solutions notebook scored {scores['alice']}/{maximum}"
    assert scores["bob"] == 0, f"the untouched release scored {scores['bob']}, expected 0"
    assert 0 < scores["carol"] < maximum, f"one wrong function scored {scores['carol']}/{maximum}: not partial"
    assert scores["carol"] == pytest.approx(results["score"], abs=1e-4), (
        f"nbgrader gave carol {scores['carol']}, decodelab grade gives the same code {results['score']}"
    )
    for key, score in cells.items():
        assert score == pytest.approx(ours[key]["score"], abs=1e-4), (
            f"test cell of {key}: nbgrader {score}, decodelab grade {ours[key]['score']}"
        )

    _nbgrader(course, env, "generate_feedback", ASSIGNMENT)
    raw = (course / "feedback" / "carol" / ASSIGNMENT / name.replace(".ipynb", ".html")).read_text()
    page = html.unescape(re.sub(r"<[^>]+>", "", raw))
    assert 'grade_exercise("exact_match", globals())' in page, "the feedback page does not show the one-line test cell"
    assert "expected False" in page and "hint:" in page, "carol's feedback page shows no failure message and hint"
    hidden = (ROOT / "grading" / "hidden" / f"test_{module}.py").read_text().splitlines()
    code = [line.strip() for line in hidden if line.strip().startswith(("assert ", "def test_", "@settings"))]
    leaked = [line for line in code if line in page]
    assert not leaked, f"the feedback page shows hidden test code: {leaked[:3]}"

    _nbgrader(course, env, "export")
    rows = {row["student_id"]: row for row in csv.DictReader(io.StringIO((course / "grades.csv").read_text()))}
    assert {s: float(rows[s]["score"]) for s in submitted} == pytest.approx(scores), (
        f"nbgrader export wrote {rows}, the gradebook holds {scores}"
    )
