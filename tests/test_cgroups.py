"""The workers' control groups (grading/sandbox/cgroups.py) leave nothing behind.

A group is a folder in each cgroup hierarchy; a grader that ends without closing its worker
(an exception, a test that drops it) must still remove it, and a process forked from the
grader (a judge) must never remove the grader's group while its worker uses it.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from grading.sandbox.cgroups import WorkerGroup

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(not WorkerGroup.possible(), reason="no control group can be made here (needs root "
                                                                   "and the cgroup memory and cpu controllers)")

# Makes a group, forks a child that exits normally (running its exit handlers), reports whether
# the group survived the child, and exits without removing it.
SCRIPT = """
import os, sys
from grading.sandbox.cgroups import WorkerGroup
group = WorkerGroup.make(2**20)
folders = [str(folder) for folder in dict.fromkeys(group.folders.values())]
child = os.fork()
if child == 0:
    sys.exit(0)
os.waitpid(child, 0)
print(all(os.path.isdir(folder) for folder in folders), *folders)
"""


def test_a_group_outlives_a_forked_child_and_goes_with_its_process():
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"the script failed:\n{done.stderr[-2000:]}"
    survived, *folders = done.stdout.split()
    assert folders, f"the script printed no group folders: {done.stdout!r}"
    assert survived == "True", f"a forked child's exit removed its parent's group ({folders})"
    left = [folder for folder in folders if Path(folder).exists()]
    assert not left, f"the process exited without removing its group: {left} are still there"


def test_remove_takes_the_folders_away():
    group = WorkerGroup.make(2**20)
    folders = list(dict.fromkeys(group.folders.values()))
    assert all(folder.is_dir() for folder in folders), f"make() did not create {folders}"
    group.remove()
    left = [str(folder) for folder in folders if folder.exists()]
    assert not left, f"remove() left {left}"
