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


# Makes a group and ends without running any exit handler, as a killed grader or a forked one
# that ends with os._exit does; prints the group's folders.
ABANDON = """
import os
from grading.sandbox.cgroups import WorkerGroup
group = WorkerGroup.make(2**20)
print(*dict.fromkeys(map(str, group.folders.values())), flush=True)
os._exit(0)
"""

# Makes a group and keeps it until told to go (a line on standard input).
KEEP = """
import sys
from grading.sandbox.cgroups import WorkerGroup
group = WorkerGroup.make(2**20)
print(*dict.fromkeys(map(str, group.folders.values())), flush=True)
sys.stdin.readline()
group.remove()
"""


def test_a_new_group_removes_the_empty_groups_of_ended_makers_only():
    done = subprocess.run([sys.executable, "-c", ABANDON], cwd=ROOT, capture_output=True, text=True, timeout=120)
    abandoned = [Path(folder) for folder in done.stdout.split()]
    assert abandoned and all(folder.is_dir() for folder in abandoned), (
        f"the abandoning script left no group to sweep: {done.stdout!r} {done.stderr[-2000:]}")
    keeper = subprocess.Popen([sys.executable, "-c", KEEP], cwd=ROOT, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        kept = [Path(folder) for folder in keeper.stdout.readline().split()]
        assert kept, "the keeping script printed no group"
        group = WorkerGroup.make(2**20)
        try:
            left = [str(folder) for folder in abandoned if folder.exists()]
            assert not left, f"WorkerGroup.make() left the empty groups of a maker that had ended: {left}"
            gone = [str(folder) for folder in kept if not folder.exists()]
            assert not gone, f"WorkerGroup.make() removed {gone}, the group of a maker still running"
        finally:
            group.remove()
    finally:
        keeper.communicate("go\n", timeout=60)
    assert not [folder for folder in kept if folder.exists()], "the keeping script did not remove its group"
