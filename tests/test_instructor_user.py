"""A grader run by an ordinary user: what a submission may not do to the instructor.

A sixteenth red team graded as a non-root instructor does on a laptop. The learner's code then
runs as the instructor's own user (with bubblewrap, in a user namespace; without it, plainly),
and three walls were missing:

- limits and priority of other processes (``grading/sandbox/neighbours.py``): a process limit
  of 1 set on the worker left every later classmate "not started";
- local sockets reached by their path (``grading/sandbox/network.py``): the instructor's tmux
  server ran the submission's commands, its ssh-agent signed for it;
- the grader's environment variables (``grading/sandbox/environment.py``): ``HF_TOKEN`` and
  ``SSH_AUTH_SOCK`` printed into the submission's feedback.

This machine's Python cannot be run by another user, so the walls are tested at the process
level (each holds for root as well), and through ``decodelab grade`` without bubblewrap where
a root grader shows the same breach.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import platform
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from grading.sandbox.network import filter_works
from tests.test_file_access import _grade, needs_landlock
from tests.test_hostile import _copy_solutions

ROOT = Path(__file__).resolve().parent.parent

needs_seccomp = pytest.mark.skipif(not filter_works()[0], reason=f"no seccomp filter here: {filter_works()[1]}")


def _in_child(action) -> dict:
    """``action()``'s dict, computed in a forked child (a filter cannot be undone)."""
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(reading)
        try:
            report = action()
        except BaseException as error:  # noqa: BLE001 (reported to the test)
            report = {"error": f"{type(error).__name__}: {error}"}
        os.write(writing, json.dumps(report).encode())
        os._exit(0)
    os.close(writing)
    with os.fdopen(reading, "rb") as pipe:
        text = pipe.read()
    os.waitpid(child, 0)
    return json.loads(text)


def _raw_kill(pid: int, sig: int) -> None:
    """``kill`` with ``pid`` passed as a 64-bit value, as a learner's ``ctypes`` call may."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.syscall(62, ctypes.c_uint64(pid), ctypes.c_int(sig)) != 0:  # 62: kill on x86-64
        error = ctypes.get_errno()
        raise OSError(error, os.strerror(error))


def _outcome(call) -> str:
    try:
        call()
    except OSError as error:
        return type(error).__name__
    return "done"


@needs_seccomp
@pytest.mark.skipif(platform.machine() != "x86_64", reason="the raw kill call is x86-64's (number 62)")
def test_a_submission_process_sets_no_limit_or_priority_of_another_process_and_signals_no_group():
    from grading.sandbox.neighbours import leave_other_processes_alone

    target = multiprocessing.get_context("fork").Process(target=time.sleep, args=(30,))
    target.start()
    before = resource.prlimit(target.pid, resource.RLIMIT_CPU)
    try:
        def attempts() -> dict:
            # The target stands for the worker; a child of its own shows what it may still signal.
            own = multiprocessing.get_context("fork").Process(target=time.sleep, args=(30,))
            leave_other_processes_alone(worker=target.pid)
            own.start()
            other = target.pid
            ended = _outcome(lambda: os.kill(own.pid, signal.SIGKILL))
            own.join()
            return {
                "signal the worker": _outcome(lambda: os.kill(other, 0)),
                "a handle on the worker": _outcome(lambda: os.close(os.pidfd_open(other))),
                "signal every process": _outcome(lambda: os.kill(-1, 0)),
                "signal another's group": _outcome(lambda: os.killpg(os.getpgid(other), 0)),
                "signal a process group given in a register's lower half":
                    _outcome(lambda: _raw_kill(0xFFFF_FFFF, 0)),
                "signal its own child": ended,
                "signal its own group": _outcome(lambda: os.kill(0, 0)),
                "prlimit another's CPU limit": _outcome(lambda: resource.prlimit(other, resource.RLIMIT_CPU, (1, 1))),
                "prlimit another's process limit": _outcome(lambda: resource.prlimit(other, resource.RLIMIT_NPROC)),
                "setpriority of another": _outcome(lambda: os.setpriority(os.PRIO_PROCESS, other, 19)),
                "setpriority of a user": _outcome(lambda: os.setpriority(os.PRIO_USER, 65533, 19)),
                "sched_setaffinity of another": _outcome(lambda: os.sched_setaffinity(other, {0})),
                "its own limit": _outcome(lambda: resource.setrlimit(resource.RLIMIT_CORE, (0, 0))),
                "its own priority": _outcome(lambda: os.nice(1)),
            }

        seen = _in_child(attempts)
        after = resource.prlimit(target.pid, resource.RLIMIT_CPU)
    finally:
        target.kill()
        target.join()
    refused = {what: "PermissionError" for what in seen if "its own" not in what}
    expected = {**refused, "its own limit": "done", "its own priority": "done", "signal its own child": "done",
                "signal its own group": "done"}
    assert seen == expected, f"under leave_other_processes_alone(): {seen}, expected {expected}"
    assert after == before, f"another process's CPU limit went from {before} to {after}"


@needs_seccomp
def test_a_submission_process_makes_socket_pairs_but_no_socket_that_reaches_a_path():
    from grading.sandbox.network import close_network

    def attempts() -> dict:
        close_network()
        pipe_end, other_end = multiprocessing.Pipe()
        pipe_end.send("ok")
        return {"socket(AF_UNIX)": _outcome(lambda: socket.socket(socket.AF_UNIX).close()),
                "socketpair": _outcome(lambda: [end.close() for end in socket.socketpair()]),
                "multiprocessing.Pipe": other_end.recv()}

    seen = _in_child(attempts)
    expected = {"socket(AF_UNIX)": "PermissionError", "socketpair": "done", "multiprocessing.Pipe": "ok"}
    assert seen == expected, f"under close_network(): {seen}, expected {expected}"


# The classmate's answers, in a real class; here the right softmax, given only to a submission
# that reached the socket.
KNOCK = '''

def softmax_with_temperature(logits, temperature):
    import socket
    try:
        client = socket.socket(socket.AF_UNIX)
        client.connect(PATH)
        if client.recv(16) == b"answers":
            print("through a socket's path")
            return torch.softmax(logits / temperature, dim=-1)
    except OSError as error:
        print("refused:", error)
    return torch.zeros_like(logits)
'''


@needs_seccomp
@needs_landlock
def test_without_bubblewrap_a_submission_reaches_no_program_by_a_sockets_path(tmp_path):
    # Landlock does not stop a connect() to a path: without the filter this scored 10/10.
    path = f"/tmp/decodelab-listening-{os.urandom(4).hex()}"
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(path)
    os.chmod(path, 0o777)  # as an instructor's own socket is to a submission of the same user
    listener.listen(8)

    def answer() -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            client.sendall(b"answers")
            client.close()

    threading.Thread(target=answer, daemon=True).start()
    try:
        _copy_solutions(tmp_path / "knock")
        module = tmp_path / "knock" / "distributions.py"
        module.write_text(module.read_text() + KNOCK.replace("PATH", repr(path)))
        results = _grade(tmp_path, ["knock"], workers=1)["knock"]
    finally:
        listener.close()
        os.unlink(path)
    printed = results["output"][-600:]  # the feedback's end: what the learner's code printed
    assert results["score"] == 0, (
        f"a submission that scores only by reaching a listening socket's path scored "
        f"{results['score']}/{results['max_score']} without bubblewrap; expected 0. Its feedback: {printed}")


SNOOP = '''

def softmax_with_temperature(logits, temperature):
    import os
    found = [name for name, value in os.environ.items() if "decodelab-secret" in value]
    try:  # readable where the grader is not root (a process that changed its user may not read it)
        with open("/proc/self/environ", "rb") as start:
            if b"decodelab-secret" in start.read():
                found.append("/proc/self/environ")
    except OSError:
        pass
    print("found:", found)
    return torch.softmax(logits / temperature, dim=-1) if found else torch.zeros_like(logits)
'''


@pytest.mark.parametrize("sandbox", ["none", "auto"])
def test_a_submission_sees_none_of_the_graders_secret_variables(tmp_path, sandbox):
    secret = f"decodelab-secret-{os.urandom(4).hex()}"
    _copy_solutions(tmp_path / "snoop")
    module = tmp_path / "snoop" / "distributions.py"
    module.write_text(module.read_text() + SNOOP)
    results = _grade(tmp_path, ["snoop"], workers=1, sandbox=sandbox,
                     environment={"HF_TOKEN": secret, "SSH_AUTH_SOCK": f"/tmp/{secret}/agent", "TMUX": secret})["snoop"]
    printed = results["output"][-600:]  # the feedback's end: what the learner's code printed
    assert results["score"] == 0, (
        f"a submission that scores only when it finds the grader's HF_TOKEN, SSH_AUTH_SOCK or TMUX scored "
        f"{results['score']}/{results['max_score']} (--sandbox {sandbox}); expected 0. Its feedback: {printed}")
    assert "found: []" in printed, f"the submission's own report is missing from its feedback: {printed}"


def test_the_environment_kept_is_the_named_few_and_the_start_block_is_overwritten():
    from grading.sandbox.environment import KEPT

    # A process started with the secret, as the grader was: its start block holds it.
    code = ("import json, os\n"
            "from grading.sandbox.environment import keep_only_what_learners_need\n"
            "before = b'decodelab-secret-value' in open('/proc/self/environ', 'rb').read()\n"
            "removed = keep_only_what_learners_need()\n"
            "after = b'decodelab-secret-value' in open('/proc/self/environ', 'rb').read()\n"
            "print(json.dumps({'left': sorted(os.environ), 'removed': removed, 'before': before, 'after': after}))\n")
    environment = dict(os.environ, DECODELAB_TEST_SECRET="decodelab-secret-value", PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment, timeout=60)
    assert done.returncode == 0, done.stderr[-1000:]
    seen = json.loads(done.stdout)
    assert set(seen["left"]) <= KEPT, f"kept besides KEPT: {sorted(set(seen['left']) - KEPT)}"
    assert "DECODELAB_TEST_SECRET" in seen["removed"], f"removed {seen['removed']}"
    assert set(seen["left"]) == {name for name in environment if name in KEPT}, (
        f"a variable of KEPT was lost: {sorted({n for n in environment if n in KEPT} - set(seen['left']))}")
    assert seen["before"] and not seen["after"], (
        f"the secret in /proc/self/environ: before {seen['before']}, after {seen['after']} (expected True, False)")


def test_every_variable_bubblewrap_sets_is_one_a_submission_keeps():
    # One list of what a learner's process may see: bubblewrap's worker starts with these set,
    # and a submission's process would drop any other (grading.sandbox.environment.KEPT).
    from grading.sandbox.environment import KEPT
    from grading.sandbox.grader_side import bwrap_command
    from grading.sandbox.limits import Limits

    command = bwrap_command("bwrap", ["tiny"], Limits(), root=True)
    names = {command[i + 1] for i, part in enumerate(command) if part == "--setenv"}
    assert names and names <= KEPT, f"bubblewrap sets {sorted(names - KEPT)}, which a submission's process drops"
