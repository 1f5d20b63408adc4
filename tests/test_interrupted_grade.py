"""A grade run that is stopped or killed loses nothing and leaves nothing behind.

``decodelab grade`` stopped by SIGTERM (``kill``, a scheduler's time-out) or Ctrl-C stops its
judges at once, keeps every results.json it finished (grades.csv lists them), writes none for
the submission it was in the middle of, says how to go on (``--resume``), exits 130 and removes
its temporary folders. A run that was killed outright cannot tidy up: the next run removes what
it left (:mod:`grading.harness.scratch`), and none of the processes it started outlives it.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from grading.harness import scratch
from tests.catalogue import ROOT

SLOW_SOFTMAX = '''

import time as _time

_original = softmax_with_temperature


def softmax_with_temperature(logits, temperature):
    _time.sleep(0.5)
    return _original(logits, temperature)
'''


def _slow_copy(folder: Path) -> Path:
    """A copy of solutions/ at ``folder`` whose softmax sleeps half a second a call: a minute of grading."""
    shutil.copytree(ROOT / "solutions", folder, ignore=shutil.ignore_patterns("__pycache__"))
    with open(folder / "distributions.py", "a", encoding="utf-8") as module:
        module.write(SLOW_SOFTMAX)
    return folder


def _finished_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_sweep_removes_only_folders_of_ended_processes(tmp_path):
    ended = tmp_path / f"decodelab-judge-{_finished_pid()}-abc"
    running = tmp_path / f"decodelab-judge-{os.getpid()}-def"
    other = tmp_path / "decodelab-notes"
    for folder in (ended, running, other):
        (folder / "inside").mkdir(parents=True)
    removed = scratch.sweep(tmp_path)
    assert removed == [ended], f"scratch.sweep({tmp_path}) removed {removed}, expected only {ended}"
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted([running.name, other.name]), (
        f"after scratch.sweep the temporary folder holds {left}, expected {running.name} and {other.name}")


def test_a_folder_for_this_process_is_named_after_it_and_removed_at_exit(tmp_path):
    code = ("import os, tempfile; tempfile.tempdir = %r\n"
            "from grading.harness.scratch import folder_for_this_process\n"
            "made = folder_for_this_process('unpacked'); (made / 'x.py').write_text('1')\n"
            "print(os.getpid(), made)" % str(tmp_path))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    pid, made = done.stdout.split()
    assert Path(made).name.startswith(f"decodelab-unpacked-{pid}-"), (
        f"folder_for_this_process('unpacked') made {made}, expected a name starting decodelab-unpacked-{pid}-")
    assert not Path(made).exists(), f"{made} was left behind by the process that made it"


def test_sigterm_stops_at_once_keeps_what_was_graded_and_tidies_up(tmp_path):
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    stale = private_tmp / f"decodelab-worker-{_finished_pid()}-left"  # a killed run's leftover
    stale.mkdir()
    class_folder = tmp_path / "class"
    shutil.copytree(ROOT / "solutions", class_folder / "a_done", ignore=shutil.ignore_patterns("__pycache__"))
    _slow_copy(class_folder / "b_slow")
    out = tmp_path / "grades"
    process = subprocess.Popen(
        [sys.executable, "-m", "decodelab.cli", "grade", str(class_folder), "--out", str(out), "--workers", "1",
         "--backend", "tiny", "--exercises", "temperature"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=dict(os.environ, TMPDIR=str(private_tmp)))
    try:
        deadline = time.monotonic() + 600
        while not (out / "a_done" / "results.json").exists():
            assert process.poll() is None, f"decodelab grade ended before grading a_done: {process.communicate()}"
            assert time.monotonic() < deadline, "a_done was not graded within 600 s"
            time.sleep(0.2)
        time.sleep(2)  # b_slow is now being graded: half a second per call
        assert process.poll() is None, f"decodelab grade ended before it was stopped: {process.communicate()}"
        stopped = time.monotonic()
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
        took = time.monotonic() - stopped
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, f"decodelab grade exited {process.returncode} on SIGTERM, expected 130:\n{stderr}"
    assert took < 20, f"decodelab grade took {took:.1f} s to stop after SIGTERM, expected under 20 s"
    assert "--resume" in stderr, f"after SIGTERM decodelab grade did not say how to go on:\n{stderr}"
    assert not (out / "b_slow" / "results.json").exists(), (
        "b_slow, stopped half-way, got a results.json: --resume would skip it")
    gradebook = (out / "grades.csv").read_text()
    assert "a_done" in gradebook and "b_slow" not in gradebook, f"grades.csv after SIGTERM:\n{gradebook}"
    left = sorted(p.name for p in private_tmp.iterdir() if p.name.startswith("decodelab-"))
    assert not left, f"after SIGTERM the grade run left {left} in its temporary folder"


def _descendants(pid: int) -> dict[int, str]:
    """Process id -> command line of every process below ``pid`` (``/proc``)."""
    children: dict[int, list[int]] = {}
    commands: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            commands[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = {}, [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found[child] = commands.get(child, "")
            todo.append(child)
    return found


def _session_of(pid: int) -> int | None:
    try:
        return os.getsid(pid)
    except OSError:
        return None


def test_a_grade_run_killed_outright_leaves_no_process_running(tmp_path):
    # SIGKILL (`timeout -k`, the out-of-memory killer) gives the grader no chance to stop its
    # judges: each process it started must die with its parent, the judge of the submission
    # being graded too, or that judge lives on, orphaned, and starts a sandbox of its own.
    from grading.harness.processes import alive

    slow = _slow_copy(tmp_path / "b_slow")
    private_tmp = tmp_path / "tmp"  # what the killed run leaves, it leaves here
    private_tmp.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "decodelab.cli", "grade", str(slow), "--out", str(tmp_path / "grades"),
         "--backend", "tiny", "--exercises", "temperature"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ, TMPDIR=str(private_tmp)))
    try:
        deadline = time.monotonic() + 600
        while True:  # until a judge runs the submission: the judge server's fork in the server's
            tree = _descendants(process.pid)  # session (the learner's worker, without bubblewrap a
            judges = [pid for pid, command in tree.items()  # fork too, leads a session of its own)
                      if "grading.grader.driver serve" in command and _session_of(pid) not in (None, pid)]
            if judges:
                break
            assert process.poll() is None, "decodelab grade ended before it started grading b_slow"
            assert time.monotonic() < deadline, f"no judge started grading within 600 s; running: {tree}"
            time.sleep(0.2)
        time.sleep(1)
        tree = _descendants(process.pid)
        process.kill()
        process.wait(timeout=60)
        deadline = time.monotonic() + 10
        while any(alive(pid) for pid in tree) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = {pid: command[:120] for pid, command in tree.items() if alive(pid)}
    finally:
        if process.poll() is None:
            process.kill()
    for pid in left:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    assert not left, f"10 s after decodelab grade was killed, processes it started still run: {left}"


def test_stopped_before_any_submission_is_graded_leaves_out_as_it_was(tmp_path):
    # A TA's walk-through (session 43): Ctrl-C while the model loaded left a grades.csv holding a
    # header alone and said "What was graded is in grades/ (grades.csv lists it)" — nothing was.
    slow = _slow_copy(tmp_path / "b_slow")
    out = tmp_path / "grades"
    process = subprocess.Popen(
        [sys.executable, "-m", "decodelab.cli", "grade", str(slow), "--out", str(out), "--workers", "1",
         "--backend", "tiny", "--exercises", "temperature"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ, TMPDIR=str(tmp_path)))
    try:
        deadline = time.monotonic() + 600
        while not any("grading.grader.driver serve" in command for command in _descendants(process.pid).values()):
            assert process.poll() is None, f"decodelab grade ended before a judge started: {process.communicate()}"
            assert time.monotonic() < deadline, "no judge started within 600 s"
            time.sleep(0.1)
        process.send_signal(signal.SIGTERM)  # a judge is starting: b_slow takes a minute once it does
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, f"decodelab grade exited {process.returncode} on SIGTERM, expected 130:\n{stderr}"
    assert "Stopped before any submission was graded" in stderr and "grades.csv lists it" not in stderr, (
        f"stopped before grading anything, decodelab grade should say nothing was graded; stderr:\n{stderr}")
    assert not out.exists(), f"stopped before grading anything, decodelab grade left {sorted(out.rglob('*'))}"
