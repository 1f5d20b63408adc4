"""pytest the way a pytest user expects (issue 12, item 4): plain `pytest` in the project or the
student bundle runs the public tests, and `pytest -m <key>` one exercise's; the project's own
suite is `pytest tests`."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from decodelab.commands.release import build_bundle
from grading.harness.catalogue import by_key

ROOT = Path(__file__).resolve().parents[1]


def _collect(folder: Path, *arguments: str) -> tuple[int, list[str], str]:
    """``pytest --collect-only -q ARGS`` in ``folder``: (exit status, test ids, output)."""
    env = dict(os.environ, PYTHONPATH=str(folder))
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *arguments],
                          cwd=folder, env=env, capture_output=True, text=True, timeout=600)
    ids = [line for line in done.stdout.splitlines() if "::" in line]
    return done.returncode, ids, done.stdout[-2000:] + done.stderr[-2000:]


def _assert_one_exercise(where: str, status: int, ids: list[str], output: str, key: str) -> None:
    module = by_key(key).module
    assert status == 0 and ids, f"`pytest -m {key}` in {where} exited {status} with {len(ids)} tests, expected some:\n{output}"
    files = {test.split("::", 1)[0] for test in ids}
    assert all(re.search(r"grading/public/test_\d+_" + module + r"\.py$", name) for name in files), (
        f"`pytest -m {key}` in {where} collected from {sorted(files)}, expected only the public tests of {module}.py")


@pytest.mark.parametrize("key", ["top_p", "temperature"])
def test_pytest_with_a_marker_in_the_project_runs_that_exercises_public_tests(key):
    status, ids, output = _collect(ROOT, "-m", key)
    _assert_one_exercise("the project root", status, ids, output, key)


def test_plain_pytest_in_the_project_is_the_public_suite_not_the_projects():
    status, ids, output = _collect(ROOT)
    assert status == 0 and ids, f"`pytest --collect-only` in the project root exited {status}:\n{output}"
    outside = sorted({test.split("::", 1)[0] for test in ids if not test.startswith("grading/public/")})
    assert not outside, f"plain `pytest` in the project root collects {outside[:5]}, expected grading/public/ only"


def test_pytest_with_a_marker_in_the_bundle_runs_that_exercises_public_tests(tmp_path):
    bundle = tmp_path / "decodelab-student"
    build_bundle(bundle)
    status, ids, output = _collect(bundle, "-m", "top_p")
    _assert_one_exercise("the student bundle", status, ids, output, "top_p")
