"""benchmarks/mutation.py: the mutmut set-up of each module, and how results become scores.

These run no mutant (fast). The end-to-end run of mutmut on ``solutions/evaluation.py`` (about
a minute on two cores) runs when ``DECODELAB_MUTATION=1``.
"""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from grading.harness.catalogue import EXERCISES, modules

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("decodelab_mutation_benchmark", ROOT / "benchmarks" / "mutation.py")
mutation = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = mutation  # dataclasses look their module up there
_spec.loader.exec_module(mutation)


def test_function_of_reads_mutmut_names():
    assert mutation.function_of("solutions.evaluation.x__normalise__mutmut_7") == "_normalise"
    assert mutation.function_of("solutions.nucleus.x_top_p_mask__mutmut_12") == "top_p_mask"
    with pytest.raises(ValueError):
        mutation.function_of("solutions.x\u01c1Cls\u01c1method__mutmut_1")


def test_helpers_count_for_the_exercises_that_call_them():
    source = (
        "def _a(x):\n    return x\n"
        "def _b(x):\n    return _a(x)\n"
        "def _unused():\n    pass\n"
        "def one(x):\n    return _b(x)\n"
        "def two(x):\n    return _a(x)\n"
        "def three(x):\n    return x\n"
    )
    owner = mutation.owners(source, {"one", "two", "three"})
    assert owner["_a"] == ["one", "two"]  # through _b for one
    assert owner["_b"] == ["one"]
    assert owner["_unused"] == ["_unused"]
    assert owner["three"] == ["three"]


def test_every_helper_of_the_solutions_belongs_to_an_exercise():
    for module in modules():
        functions = {e.function for e in EXERCISES if e.module == module}
        source = (ROOT / "solutions" / f"{module}.py").read_text(encoding="utf-8")
        for function, owner in mutation.owners(source, functions).items():
            assert set(owner) <= functions, f"solutions/{module}.py: {function} counts for no exercise"


def test_the_staged_pyproject_replaces_only_the_mutmut_table():
    text = (
        '[project]\nname = "x"\n\n[tool.mutmut]\nsource_paths = ["old/"]\nonly_mutate = ["old.py"]\n\n'
        '[tool.pytest.ini_options]\naddopts = "-p grading.harness.plugin"\n'
    )
    settings = mutation.module_settings("nucleus")
    staged = tomllib.loads(mutation.staged_pyproject(text, settings))
    assert staged["project"] == {"name": "x"}
    assert staged["tool"]["pytest"]["ini_options"]["addopts"] == "-p grading.harness.plugin"
    table = staged["tool"]["mutmut"]
    assert table["only_mutate"] == ["solutions/nucleus.py"]
    assert table["source_paths"] == ["solutions/"]
    assert table["pytest_add_cli_args_test_selection"] == ["grading/hidden/test_nucleus.py"]
    assert table["pytest_add_cli_args"][:2] == ["--target", "solutions"]
    assert table["use_git_change_detection"] is False


def test_a_project_table_is_the_base_but_the_module_keys_are_ours():
    base = {"source_paths": ["solutions/"], "timeout_multiplier": 30.0, "only_mutate": ["solutions/topk.py"]}
    settings = mutation.module_settings("evaluation", base, all_suites=True)
    assert settings["timeout_multiplier"] == 30.0
    assert settings["only_mutate"] == ["solutions/evaluation.py"]
    assert settings["pytest_add_cli_args_test_selection"] == ["grading/hidden/"]


def test_each_module_has_its_hidden_suite():
    for module in modules():
        selection = mutation.module_settings(module)["pytest_add_cli_args_test_selection"]
        assert all((ROOT / path).exists() for path in selection), selection


def test_stage_links_the_packages_and_writes_the_table(tmp_path, monkeypatch):
    monkeypatch.setattr(mutation, "WORK", tmp_path)
    folder = mutation.stage("evaluation", mutation.module_settings("evaluation"))
    for name in mutation.LINKED:
        assert (folder / name).is_symlink() and (folder / name / "__init__.py").exists()
    table = tomllib.loads((folder / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
    assert table["only_mutate"] == ["solutions/evaluation.py"]
    (folder / "leftover").write_text("x")
    mutation.stage("evaluation", mutation.module_settings("evaluation"), fresh=True)
    assert not (folder / "leftover").exists()


def test_scores_count_timeouts_as_caught_and_can_leave_out_equivalents():
    tally = mutation.Tally()
    for status in ["killed"] * 6 + ["timeout"] + ["survived"] * 3:
        tally.add(status)
    tally.add("survived", equivalent=True)
    tally.add("not checked")
    result = tally.as_dict()
    assert result["mutants"] == 12 and result["checked"] == 11
    assert result["score"] == round(7 / 11, 4)
    assert result["adjusted"] == round(7 / 10, 4)


def test_added_line_reads_the_mutated_line():
    diff = "--- a\n+++ b\n@@ -1 +1 @@\n-    return x < 1\n+    return x <= 1\n"
    assert mutation.added_line(diff) == "return x <= 1"


def test_equivalent_records_name_functions_of_the_solutions():
    for name, (line, reason) in mutation.EQUIVALENT.items():
        module = name.split(".")[1]
        source = (ROOT / "solutions" / f"{module}.py").read_text(encoding="utf-8")
        assert f"def {mutation.function_of(name)}(" in source, name
        assert line and reason


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("DECODELAB_MUTATION") != "1", reason="set DECODELAB_MUTATION=1 (about a minute)")
def test_mutmut_runs_against_the_hidden_suite_of_evaluation(tmp_path):
    pytest.importorskip("mutmut")
    report = tmp_path / "report.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "mutation.py"), "--module", "evaluation", "--json", str(report)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    result = json.loads(report.read_text())["modules"][0]
    assert result["module"] == "evaluation"
    totals = result["per_exercise"]
    assert set(totals) == {"exact_match", "distinct_n"}
    # mutmut's forced-fail run passed (the suites reached the mutated copy) and most mutants die
    assert all(t["killed"] >= t["checked"] * 0.8 for t in totals.values()), totals
