"""The one way child processes are started, waited for and stopped (grading/harness/processes.py),
and the one cap on long text (grading/harness/output.py): each promise of their docstrings."""
from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grading.harness.output import OUTPUT_CAP, file_end, keep_end, keep_start
from grading.harness.processes import Forked, alive, fork_child, start_command, stop, wait_or_kill

ROOT = Path(__file__).resolve().parent.parent


def _exits_with(code: int) -> int:
    print("printed by the child")
    print("and to stderr", file=sys.stderr)
    return code


def _raises() -> int:
    raise RuntimeError("the child's own error")


def test_a_forked_child_exits_with_what_run_returns_and_logs_what_it_printed(tmp_path):
    log = tmp_path / "log.txt"
    child = fork_child(lambda: _exits_with(7), log)
    assert isinstance(child, Forked), f"fork_child returned {type(child).__name__}, expected Forked"
    code = child.wait(timeout=30)
    text = log.read_text()
    assert code == 7, f"fork_child(run returning 7).wait() gave {code}, expected 7"
    assert "printed by the child" in text and "and to stderr" in text, f"the child's log holds {text!r}, expected both lines"


def test_a_forked_child_that_raises_exits_1_with_its_trace_in_the_log(tmp_path):
    log = tmp_path / "log.txt"
    code = fork_child(_raises, log).wait(timeout=30)
    assert code == 1, f"a child whose run() raised exited {code}, expected 1"
    assert "RuntimeError: the child's own error" in log.read_text(), f"the log holds {log.read_text()!r}, expected the trace"


def test_a_forked_child_gets_dev_null_as_stdin(tmp_path):
    code = fork_child(lambda: len(sys.stdin.read()), tmp_path / "log.txt").wait(timeout=30)
    assert code == 0, f"the child read {code} characters from stdin, expected 0 (/dev/null)"


def test_keep_fds_closes_every_other_descriptor(tmp_path):
    kept_read, kept_write = os.pipe()
    other_read, other_write = os.pipe()
    try:
        def probe() -> int:
            states = []
            for fd in (kept_write, other_write):
                try:
                    os.fstat(fd)
                    states.append("open")
                except OSError:
                    states.append("closed")
            print(states)
            return 0 if states == ["open", "closed"] else 1

        code = fork_child(probe, tmp_path / "log.txt", keep_fds={kept_write}).wait(timeout=30)
        assert code == 0, f"with keep_fds={{kept}} the child saw {(tmp_path / 'log.txt').read_text().strip()}, expected ['open', 'closed']"
    finally:
        for fd in (kept_read, kept_write, other_read, other_write):
            os.close(fd)


def test_wait_or_kill_stops_a_late_child_and_says_none(tmp_path):
    child = fork_child(lambda: time.sleep(60) or 0, tmp_path / "log.txt")
    started = time.monotonic()
    code = wait_or_kill(child, 0.5)
    took = time.monotonic() - started
    assert code is None, f"wait_or_kill(a child sleeping 60 s, 0.5) gave {code}, expected None"
    assert took < 30, f"wait_or_kill took {took:.1f} s for a 0.5 s limit"
    assert not alive(child.pid), f"the late child {child.pid} is still alive after wait_or_kill"


def test_wait_or_kill_gives_the_code_of_a_child_in_time(tmp_path):
    code = wait_or_kill(fork_child(lambda: 4, tmp_path / "log.txt"), 30)
    assert code == 4, f"wait_or_kill(a child returning 4, 30) gave {code}, expected 4"


def test_a_reaped_child_reports_its_peak_memory(tmp_path):
    # A forked child starts with this process's pages: a child that allocates nothing is the baseline.
    def allocate() -> int:
        block = bytearray(200 * 2**20)
        block[::4096] = b"x" * len(block[::4096])  # touch every page, so it is resident
        return 0

    idle = fork_child(lambda: 0, tmp_path / "idle.txt")
    idle.wait(timeout=60)
    child = fork_child(allocate, tmp_path / "log.txt")
    child.wait(timeout=60)
    grown = (child.peak_bytes - idle.peak_bytes) / 2**20
    assert idle.peak_bytes > 0, "a reaped child reported peak_bytes 0, expected its resident memory"
    assert 150 <= grown <= 400, (
        f"a child that touched 200 MB peaked {grown:.0f} MB above one that allocated nothing, expected about 200")


def test_forked_wait_raises_when_the_child_outlives_the_timeout(tmp_path):
    child = fork_child(lambda: time.sleep(60) or 0, tmp_path / "log.txt")
    try:
        with pytest.raises(subprocess.TimeoutExpired):
            child.wait(timeout=0.2)
        assert child.poll() is None, "the child should still be running after a wait that timed out"
    finally:
        stop(child)
    assert child.poll() is not None, f"stop() left the child running (poll() is {child.poll()})"


def test_a_forked_child_dies_with_the_process_that_forked_it(tmp_path):
    # A fork does not inherit "die with your parent": a judge forked by a judge server that was
    # killed outright lived on, orphaned, without it.
    pid_file = tmp_path / "grandchild.txt"

    def middle() -> int:
        grandchild = fork_child(lambda: time.sleep(120) or 0, tmp_path / "grandchild.log")
        pid_file.write_text(str(grandchild.pid))
        time.sleep(120)
        return 0

    child = fork_child(middle, tmp_path / "middle.log")
    deadline = time.monotonic() + 30
    while not (pid_file.exists() and pid_file.read_text()):
        assert time.monotonic() < deadline, "the forked child did not fork its own child within 30 s"
        time.sleep(0.05)
    grandchild = int(pid_file.read_text())
    assert alive(grandchild), "the grandchild should be running before its parent is killed"
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    deadline = time.monotonic() + 10
    while alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    survived = alive(grandchild)
    if survived:
        os.kill(grandchild, signal.SIGKILL)
    assert not survived, f"fork_child's child {grandchild} still runs 10 s after its parent was killed (SIGKILL)"


GRANDCHILD = """
import subprocess, sys, time
grandchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
print("to the log", file=sys.stderr, flush=True)
print(grandchild.pid, flush=True)
time.sleep(120)
"""


def test_start_command_logs_stderr_and_stop_ends_everything_it_started(tmp_path):
    log = tmp_path / "log.txt"
    child = start_command([sys.executable, "-c", GRANDCHILD], log, stdout=subprocess.PIPE, text=True)
    grandchild = int(child.stdout.readline())
    assert alive(grandchild), "the grandchild should be running before stop()"
    stop(child)
    deadline = time.monotonic() + 10
    while alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert child.poll() is not None, "stop() left the command running"
    assert not alive(grandchild), f"stop() left the process the command started ({grandchild}) running"
    assert "to the log" in log.read_text(), f"the command's stderr did not reach its log: {log.read_text()!r}"


def test_start_command_appends_to_the_log(tmp_path):
    log = tmp_path / "log.txt"
    log.write_text("an earlier run\n")
    start_command([sys.executable, "-c", "print('this run')"], log).wait(timeout=30)
    assert log.read_text() == "an earlier run\nthis run\n", f"the log reads {log.read_text()!r}, expected both runs"


def test_alive_knows_a_live_process_a_zombie_and_a_gone_one(tmp_path):
    assert alive(os.getpid()), "alive(this process) gave False"
    child = fork_child(lambda: 0, tmp_path / "log.txt")
    deadline = time.monotonic() + 10
    while alive(child.pid) and time.monotonic() < deadline:  # it ends, unreaped: a zombie
        time.sleep(0.02)
    assert not alive(child.pid), "alive() gave True for a child that has ended but is not reaped (a zombie)"
    child.wait(timeout=10)
    assert not alive(child.pid), "alive() gave True for a reaped child"


# ---------------------------------------------------------------------------------------------
# The one output cap


def test_keep_end_leaves_a_short_text_alone():
    text = "x" * OUTPUT_CAP
    assert keep_end(text) == text, "keep_end changed a text exactly as long as the cap"


def test_keep_end_keeps_the_end_and_says_how_much_it_cut():
    text = "".join(f"line {number}\n" for number in range(5000))
    kept = keep_end(text)
    first, rest = kept.split("\n", 1)
    assert rest == text[-OUTPUT_CAP:], "keep_end did not keep the last OUTPUT_CAP characters after its note"
    assert f"{len(text) - OUTPUT_CAP:,} characters" in first, f"keep_end's note reads {first!r}, expected the number cut"


def test_keep_start_keeps_the_start_and_says_how_much_it_cut():
    text = "why? " * 10_000
    head, note = keep_start(text).rsplit("\n", 1)
    assert head == text[:OUTPUT_CAP // 2], f"keep_start(text) kept {len(head)} characters, expected the first OUTPUT_CAP // 2"
    assert f"{len(text) - OUTPUT_CAP // 2:,} characters" in note, f"keep_start's note reads {note!r}, expected the number cut"
    assert keep_start("short") == "short", f"keep_start('short') gave {keep_start('short')!r}"


def test_file_end_reads_the_end_of_a_big_file(tmp_path):
    path = tmp_path / "output.txt"
    data = b"".join(b"%07d\n" % number for number in range(100_000))  # 800 kB
    path.write_bytes(data)
    kept = file_end(path)
    first, rest = kept.split("\n", 1)
    assert rest == data[-OUTPUT_CAP:].decode(), "file_end did not keep the file's last OUTPUT_CAP bytes after its note"
    assert f"{len(data) - OUTPUT_CAP:,} bytes" in first, f"file_end's note reads {first!r}, expected the number cut"
    assert file_end(tmp_path / "missing.txt") == "", "file_end of a missing file should be ''"
    path.write_bytes(b"short")
    assert file_end(path) == "short", f"file_end of a short file gave {file_end(path)!r}, expected 'short'"


def _long_literal_slices(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
            for bound in (node.slice.lower, node.slice.upper):
                if isinstance(bound, ast.UnaryOp) and isinstance(bound.op, ast.USub):
                    bound = bound.operand
                if isinstance(bound, ast.Constant) and isinstance(bound.value, int) and bound.value >= 1000:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_long_text_is_cut_only_by_the_one_cap():
    # A text kept to a few thousand characters anywhere else is a second, drifting cap.
    found = [line for folder in ("grading", "decodelab", "reference") for path in sorted((ROOT / folder).rglob("*.py"))
             if path != ROOT / "grading/harness/output.py" for line in _long_literal_slices(path)]
    assert not found, f"long text cut by hand instead of grading.harness.output: {found}"
