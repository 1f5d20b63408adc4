"""The untouched exercise stubs, whatever this checkout's ``exercises/`` holds.

A maintainer may have done some exercises in their own checkout; ``make test`` must pass all the
same. The project's tests that need the stubs (a check that reads "not started", the stubs'
zero grade, the learners' bundle) take them from here: ``exercises/`` itself while every exercise
there is still its stub, else the committed stubs (``git show HEAD:exercises/<module>.py``)
written once per test session into a scratch folder.
"""
from __future__ import annotations

import atexit
import functools
import shutil
import subprocess
import tempfile
from pathlib import Path

from grading.harness.catalogue import EXERCISES
from grading.harness.submission import is_untouched_stub

ROOT = Path(__file__).resolve().parent.parent
EXERCISES_FOLDER = ROOT / "exercises"


def exercises_are_stubs(folder: Path = EXERCISES_FOLDER) -> bool:
    """Whether every exercise function in ``folder`` is still the untouched stub."""
    for exercise in EXERCISES:
        path = folder / f"{exercise.module}.py"
        if not path.is_file() or not is_untouched_stub(path.read_text(encoding="utf-8"), exercise.function):
            return False
    return True


@functools.lru_cache(maxsize=1)
def stubs_folder() -> Path:
    """A folder of exercise modules that are all untouched stubs (``exercises/`` when it is one)."""
    if exercises_are_stubs():
        return EXERCISES_FOLDER
    scratch = Path(tempfile.mkdtemp(prefix="decodelab-stubs-"))
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    folder = scratch / "exercises"
    folder.mkdir()
    for path in sorted(EXERCISES_FOLDER.glob("*.py")):
        shown = subprocess.run(["git", "show", f"HEAD:exercises/{path.name}"], cwd=ROOT, capture_output=True)
        if shown.returncode != 0:
            raise RuntimeError(
                f"exercises/ holds finished exercises and the committed stub of {path.name} cannot be read "
                f"({shown.stderr.decode(errors='replace').strip()}): restore the stubs (git stash) to run these tests")
        (folder / path.name).write_bytes(shown.stdout)
    if not exercises_are_stubs(folder):
        unfit = [f"{exercise.module}.py: {exercise.function}()" for exercise in EXERCISES
                 if not (folder / f"{exercise.module}.py").is_file()
                 or not is_untouched_stub((folder / f"{exercise.module}.py").read_text(encoding="utf-8"), exercise.function)]
        raise RuntimeError(
            f"the committed exercises/ (git HEAD) are not all untouched stubs: {', '.join(unfit)} is missing or "
            f"not a stub there. A new exercise's stub must be committed (or exercises/ hold only stubs); see {folder}")
    return folder


def stubs_target() -> str:
    """The ``--target`` of the stubs: ``exercises`` while it holds them, else the scratch folder."""
    folder = stubs_folder()
    return "exercises" if folder == EXERCISES_FOLDER else str(folder)
