"""A failure of the grader's own making is never the learner's: it is named as the grader's,
and the submission is graded again once (issue 10, item 2)."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from grading.grader.driver import GradeOptions, Judge
from grading.harness.processes import start_command
from grading.sandbox.grader_side import LearnerServer
from grading.sandbox.plan import SandboxError
from grading.sandbox.learner_side import LEARNER_FAILED, SETUP_FAILED

ROOT = Path(__file__).resolve().parent.parent

# Runs in its own process: the server kills every process below the one it runs in.
SPAWN_INTO_A_TAKEN_FOLDER = """
import json, secrets, socket, sys, time
from pathlib import Path
from grading.sandbox.learner_side import Server

scratch = Path(sys.argv[1])
scratch.mkdir()
(scratch / "s-taken").write_text("in the way")  # the folder the submission process must create
secrets.token_hex = lambda n: "taken"
ours, theirs = socket.socketpair()
server = Server(ours, scratch, None)
pid = server.spawn({"sources": {}, "limits": {}, "backends": []}, [theirs.fileno()])["pid"]
time.sleep(1.0)
print(json.dumps(server.end(pid)))
"""


def test_a_submission_process_that_cannot_be_set_up_exits_with_the_setup_status(tmp_path):
    done = subprocess.run([sys.executable, "-c", SPAWN_INTO_A_TAKEN_FOLDER, str(tmp_path / "scratch")],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, f"the spawning script failed:\n{done.stderr[-2000:]}"
    ended = json.loads(done.stdout.strip().splitlines()[-1])
    assert ended.get("code") == SETUP_FAILED != LEARNER_FAILED, (
        f"Server.end() of a process whose folder could not be made gave {ended}, expected code {SETUP_FAILED} "
        f"(set-up failed: the grader's fault), not {LEARNER_FAILED} (the learner's code ended it)")


class _FlakyJudge(Judge):
    """A judge whose first attempts fail on the grader's side."""

    def __init__(self, failures: int):
        super().__init__(GradeOptions(backend="tiny"))
        self.failures, self.attempts, self.resets = failures, 0, 0

    def _grade_once(self, request: dict) -> dict:
        self.attempts += 1
        if self.attempts <= self.failures:
            return {"ok": True, "tests": [], "notes": [], "seconds": 1.0,
                    "grader_error": f"the sandbox failed (attempt {self.attempts})"}
        return {"ok": True, "tests": [{"score": 1}], "notes": [], "seconds": 1.0, "grader_error": None}

    def _reset_learner(self) -> None:
        self.resets += 1


def test_a_grader_failure_is_graded_again_once():
    judge = _FlakyJudge(failures=1)
    reply = judge.grade({"path": "x"})
    assert (judge.attempts, judge.resets) == (2, 1), (
        f"Judge.grade after one grader failure made {judge.attempts} attempts and {judge.resets} resets, expected 2 and 1")
    assert reply["grader_error"] is None, f"the second attempt succeeded, but grader_error is {reply['grader_error']!r}"
    assert any("graded a second time" in note for note in reply["notes"]), f"notes {reply['notes']} do not say it was graded again"
    assert reply["seconds"] == 2.0, f"seconds is {reply['seconds']}, expected both attempts counted (2.0)"


def test_a_persistent_grader_failure_stays_the_graders():
    judge = _FlakyJudge(failures=5)
    reply = judge.grade({"path": "x"})
    assert judge.attempts == 2, f"Judge.grade made {judge.attempts} attempts, expected 2 (graded again once, not more)"
    error = reply["grader_error"] or ""
    assert "attempt 2" in error and "attempt 1" in error, (
        f"grader_error is {error!r}; expected it to report both failed attempts")


class _StandInServer:
    """A learner server whose submission process answers with ``first`` (None: nothing at all)
    and then ends with the set-up status, as seen from the grader's side."""

    backends: list[str] = []
    process = None

    def __init__(self, first: dict | None):
        self.first = first

    def spawn(self, sources, backends, limits):
        import socket

        from grading.sandbox import wire

        ours, theirs = socket.socketpair()
        if self.first is not None:
            wire.send(theirs, self.first)
        theirs.close()
        return 4242, ours

    def end(self, pid: int) -> dict:
        return {"ok": True, "killed": False, "output": "", "code": SETUP_FAILED}

    def alive(self) -> bool:
        return True


def test_only_an_end_before_ready_is_the_graders_fault():
    from grading.sandbox.grader_side import SandboxFault, Session
    from grading.sandbox.limits import Limits

    # Ended before saying it was ready: nothing of the learner's ran, so it is the grader's fault.
    session = Session(_StandInServer(None), {"distributions": b""}, Limits())
    try:
        session._ensure_process()
    except SandboxFault as fault:
        assert "the grader's fault" in str(fault), f"the set-up fault says {fault}"
    else:
        raise AssertionError("a submission process that ended before 'ready' raised nothing; expected SandboxFault")
    assert session.faults, "the session recorded no fault for a process that never got ready"
    # Ready, then ended with the same status 71: learner code can choose any exit status.
    session = Session(_StandInServer({"op": "ready"}), {"distributions": b""}, Limits())
    found = session.lookup("distributions", "softmax_with_temperature")
    assert not found.found and "exited with code 71" in found.why and not session.faults, (
        f"a process that said 'ready' and then exited with 71 gave lookup {found} and faults {session.faults}; "
        "expected the learner's crash ('exited with code 71') and no grader fault")


def _stop_everything_below(root: int) -> list[int]:
    """SIGSTOP every process below ``root``: what learner code can do to the grader's worker where
    the sandbox runs everything as one user (``os.kill(-1, signal.SIGSTOP)`` under bubblewrap
    without root; any ``kill`` without the sandbox)."""
    import os
    import signal

    from grading.harness.processes import process_tree

    below = [pid for pid in process_tree(root) if pid != root]
    for pid in below:
        os.kill(pid, signal.SIGSTOP)
    return below


def test_a_worker_that_learner_code_stopped_is_resumed():
    # Found running the grader as a user other than root (2026-12-05): a submission calling
    # os.kill(os.getppid(), signal.SIGSTOP) stopped the worker, and the NEXT submission waited
    # 13 minutes, twice, then was reported as a grader error. As root the learner's code runs as
    # another user and cannot signal the worker, so this test stops it itself.
    import time

    from grading.sandbox.grader_side import LearnerServer
    from grading.sandbox.plan import sandbox_plan

    server = LearnerServer(["tiny"])
    if sandbox_plan().kind == "bwrap":
        server.start()
    else:
        from reference.backends import load_backend

        server.start_forked({"tiny": load_backend("tiny")})
    try:
        server.wait_ready()
        stopped = _stop_everything_below(server.process.pid)
        assert stopped, "no process of the worker was found to stop"
        started = time.monotonic()
        reply = server.request({"op": "end_all"}, timeout=20)
        took = time.monotonic() - started
    finally:
        server.close()
    assert reply.get("ok") and took < 5, (
        f"a request to a worker that learner code had stopped answered {reply} after {took:.1f} s; "
        "expected the worker resumed and an answer within seconds")


# Runs inside bubblewrap (its own /tmp, /dev/shm and IPC namespace), as the one user that both
# the worker and its submissions are when an ordinary user grades.
LEFT_BY_A_SUBMISSION_OF_THE_SAME_USER = """
import ctypes, json, os, socket, sys
from pathlib import Path
from grading.sandbox.learner_side import Server, sysv_objects

scratch = Path(sys.argv[1])
scratch.mkdir(exist_ok=True)
ours, theirs = socket.socketpair()
server = Server(ours, scratch, None, private=True)
server._before = server._snapshot()
notes = [Path("/tmp/decodelab-note.txt"), Path("/dev/shm/decodelab-note"), scratch / "s-12345"]
for note in notes[:2]:
    note.write_text("the previous submission was here")
notes[2].mkdir()
libc = ctypes.CDLL(None, use_errno=True)
made = libc.shmget(0x0DEC0DE2, ctypes.c_size_t(4096), 0o1000 | 0o600)
server._remove_leftovers()
print(json.dumps({"left": [str(note) for note in notes if note.exists()], "made": made,
                  "segments": len(sysv_objects("shm", os.getuid()))}))
"""


def test_a_worker_sharing_its_user_with_submissions_cleans_its_private_places(tmp_path):
    # Found grading as an ordinary user (2026-12-05): a submission's notes in /tmp, /dev/shm or
    # a System V segment reached the next submission on the same worker (tests/test_clean_slate.py,
    # run as `nobody`: the note-reader scored 0/10 instead of 10/10). As root, submissions run
    # under a user id of their own and everything of that id is removed; as the worker's own
    # user, only what was not there before the first submission may go, and only in places the
    # sandbox owns.
    import shutil

    from grading.sandbox.plan import sandbox_plan

    if sandbox_plan().kind != "bwrap":
        import pytest

        pytest.skip("without bubblewrap /tmp and /dev/shm are the machine's, and are not cleaned")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    # /tmp is the sandbox's own; the project and its environment may live under the machine's (a CI clone)
    keep = [arg for folder in dict.fromkeys((str(ROOT), sys.prefix)) for arg in ("--ro-bind", folder, folder)]
    command = [shutil.which("bwrap"), "--ro-bind", "/", "/", "--tmpfs", "/tmp", *keep, "--dev", "/dev",
               "--proc", "/proc", "--unshare-ipc", "--unshare-pid", "--bind", str(scratch), str(scratch),
               "--chdir", str(ROOT), sys.executable, "-c", LEFT_BY_A_SUBMISSION_OF_THE_SAME_USER, str(scratch)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"the script in bubblewrap failed:\n{done.stderr[-2000:]}"
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["made"] >= 0, f"the test could not make a System V segment: {found}"
    assert found["left"] == [] and found["segments"] == 0, (
        f"after the worker cleaned up, what a submission of its own user left is still there: {found}")


class _WorkerThatBreaks(LearnerServer):
    """A worker that dies at start-up with a last word in its log, as a failed import does."""

    def start(self) -> "LearnerServer":
        if self.process is None:
            ours, theirs = socket.socketpair()
            self.process = start_command(
                [sys.executable, "-c", "import sys; sys.exit('ModuleNotFoundError: no module named grading.sandbox.gone')"],
                os.path.join(self._log_dir, "worker.log"), pass_fds=[theirs.fileno()])
            theirs.close()
            self.control = ours
        return self


def test_a_worker_that_dies_at_start_up_is_reported_with_its_last_words():
    # The log's folder was removed before its end was read: the message said "its log ends:" and
    # nothing, whatever had broken (a file missing from the sandbox, here).
    worker = _WorkerThatBreaks(sandbox="none", startup_timeout=60)
    with pytest.raises(SandboxError) as refused:
        worker.wait_ready()
    assert "no module named grading.sandbox.gone" in str(refused.value), (
        f"the worker's last words are missing from the error: {refused.value}")
