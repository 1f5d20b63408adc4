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
import shutil
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


def _raw_syscall(number: int, *arguments: int) -> None:
    """An x86-64 system call with its arguments passed as 64-bit values, as a learner's
    ``ctypes`` call may pass them."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.syscall(number, *(ctypes.c_uint64(argument) for argument in arguments)) != 0:
        error = ctypes.get_errno()
        raise OSError(error, os.strerror(error))


def _sleep_with_a_thread() -> None:
    """A stand-in for the worker: a process with a second thread (its memory watcher)."""
    threading.Thread(target=time.sleep, args=(30,), daemon=True).start()
    time.sleep(30)


def _outcome(call) -> str:
    try:
        call()
    except OSError as error:
        return type(error).__name__
    return "done"


@needs_seccomp
@pytest.mark.skipif(platform.machine() != "x86_64", reason="the raw calls are x86-64's (kill 62, tgkill 234)")
def test_a_submission_process_sets_no_limit_or_priority_of_another_process_and_signals_no_group():
    from grading.sandbox.neighbours import leave_other_processes_alone

    target = multiprocessing.get_context("fork").Process(target=_sleep_with_a_thread)
    target.start()
    deadline = time.monotonic() + 10
    while len(threads := sorted(int(t) for t in os.listdir(f"/proc/{target.pid}/task"))) < 2:
        assert time.monotonic() < deadline, f"the stand-in worker started no thread: {threads}"
        time.sleep(0.05)
    before = resource.prlimit(target.pid, resource.RLIMIT_CPU)
    try:
        def attempts() -> dict:
            # The target stands for the worker; a child of its own shows what it may still signal.
            own = multiprocessing.get_context("fork").Process(target=time.sleep, args=(30,))
            leave_other_processes_alone(threads)
            own.start()
            other, thread = target.pid, threads[-1]
            ended = _outcome(lambda: os.kill(own.pid, signal.SIGKILL))
            own.join()
            return {
                "signal the worker": _outcome(lambda: os.kill(other, 0)),
                "signal a thread of the worker": _outcome(lambda: os.kill(thread, 0)),
                "tgkill a thread of the worker": _outcome(lambda: _raw_syscall(234, other, thread, 0)),  # tgkill
                "a handle on the worker": _outcome(lambda: os.close(os.pidfd_open(other))),
                "signal through a handle from /proc": _outcome(
                    lambda: signal.pidfd_send_signal(os.open(f"/proc/{other}", os.O_DIRECTORY), 0)),
                "signal every process": _outcome(lambda: os.kill(-1, 0)),
                "signal another's group": _outcome(lambda: os.killpg(os.getpgid(other), 0)),
                "signal a process group given in a register's lower half":
                    _outcome(lambda: _raw_syscall(62, 0xFFFF_FFFF, 0)),  # kill
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


def _with_a_thread(then):
    """``then()`` in this process once a second thread sleeps beside it (a watcher, a pool)."""
    threading.Thread(target=time.sleep, args=(60,), daemon=True).start()
    return then()


@needs_seccomp
@pytest.mark.skipif(os.geteuid() != 0, reason="becoming an unprivileged user needs root")
def test_a_submission_process_signals_none_of_the_graders_processes_above_it():
    # Without bubblewrap, a user id of its own or Landlock's signal scoping, the submission runs
    # as the instructor's user: the grade command, its judge server and its worker (each with a
    # second thread here), all of that user, are above it, and a classmate's process beside it.
    from grading.sandbox.neighbours import grader_threads, leave_other_processes_alone

    classmate = {}

    def grade_command() -> dict:
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)
        classmate["pid"] = os.fork()
        if classmate["pid"] == 0:
            time.sleep(60)
            os._exit(0)
        try:
            return _with_a_thread(lambda: _in_child(judge))
        finally:
            os.kill(classmate["pid"], signal.SIGKILL)
            os.waitpid(classmate["pid"], 0)

    def judge() -> dict:
        return _with_a_thread(lambda: _in_child(worker))

    def worker() -> dict:
        return _with_a_thread(lambda: _in_child(submission))

    def submission() -> dict:
        above, pid = [], os.getppid()
        for _ in range(3):  # worker, judge server, grade command
            above.append(sorted(int(t) for t in os.listdir(f"/proc/{pid}/task")))
            pid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        own_child = os.fork()
        if own_child == 0:
            time.sleep(60)
            os._exit(0)
        report = {"above": above, "only the worker's": grader_threads(own_user=False),
                  "premise": _outcome(lambda: os.kill(above[2][0], 0))}
        leave_other_processes_alone(grader_threads(own_user=True))
        for name, threads in zip(("worker", "judge server", "grade command"), above):
            report[f"signal the {name}"] = _outcome(lambda: os.kill(threads[0], 0))
            report[f"signal a thread of the {name}"] = _outcome(lambda: os.kill(threads[-1], 0))
        report["signal its own child"] = _outcome(lambda: os.kill(own_child, signal.SIGKILL))
        os.waitpid(own_child, 0)
        # what the filter cannot refuse, and why the driver then grades one submission at a time
        report["signal a classmate beside it"] = _outcome(lambda: os.kill(classmate["pid"], 0))
        return report

    seen = _in_child(grade_command)
    assert "error" not in seen, seen
    above = seen.pop("above")
    assert all(len(threads) == 2 for threads in above), f"the stand-ins' threads: {above}"
    assert seen.pop("only the worker's") == above[0], "grader_threads(own_user=False) should name the worker's only"
    assert seen.pop("premise") == "done", "without the filter, a process of the same user may signal the grade command"
    expected = {f"signal {what}": "PermissionError" for name in ("worker", "judge server", "grade command")
                for what in (f"the {name}", f"a thread of the {name}")}
    expected |= {"signal its own child": "done", "signal a classmate beside it": "done"}
    assert seen == expected, (
        f"under leave_other_processes_alone(grader_threads(own_user=True)): {seen}, expected {expected}")


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


def _key_call(call: str) -> None:
    """One call on the kernel's keys (x86-64 numbers), into or about this process's own keyring."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    process_keyring = ctypes.c_long(-2)  # KEY_SPEC_PROCESS_KEYRING
    if call == "add_key":
        done = libc.syscall(ctypes.c_long(248), b"user", b"decodelab-note", b"the solution", ctypes.c_size_t(12),
                            process_keyring)
    elif call == "request_key":
        done = libc.syscall(ctypes.c_long(249), b"user", b"decodelab-note", None, ctypes.c_long(0))
    else:  # keyctl(KEYCTL_GET_KEYRING_ID, the process keyring, create it)
        done = libc.syscall(ctypes.c_long(250), ctypes.c_long(0), process_keyring, ctypes.c_long(1))
    if done < 0:
        error = ctypes.get_errno()
        raise OSError(error, os.strerror(error))


@needs_seccomp
@pytest.mark.skipif(platform.machine() != "x86_64", reason="the raw calls are x86-64's (add_key 248 to keyctl 250)")
def test_a_submission_process_keeps_no_key_in_the_kernel():
    # Without bubblewrap a non-root grader's keyrings are the instructor's, and no clean-up may
    # clear them: an eighteenth red team left the solution there for a later run's stub (10/10).
    from grading.sandbox.ipc import refuse_system_v_ipc_and_keys

    def attempts() -> dict:
        premise = _outcome(lambda: _key_call("add_key"))
        refuse_system_v_ipc_and_keys()
        return {"premise": premise, **{call: _outcome(lambda: _key_call(call))
                                       for call in ("add_key", "request_key", "keyctl")}}

    seen = _in_child(attempts)
    expected = {"premise": "done", "add_key": "PermissionError", "request_key": "PermissionError",
                "keyctl": "PermissionError"}
    assert seen == expected, f"key calls under refuse_system_v_ipc_and_keys(): {seen}, expected {expected}"


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


@pytest.mark.skipif(os.geteuid() != 0, reason="becoming an unprivileged user needs root")
@pytest.mark.parametrize("made_undumpable", [False, True])
def test_a_process_of_the_same_user_reads_no_environment_of_an_undumpable_grader(made_undumpable):
    # The grade command, the judge server and the worker call undumpable(): a seventeenth red team
    # read HF_TOKEN from /proc/<grade command>/environ, from a submission of the same user
    # (no bubblewrap, no Landlock). made_undumpable=False shows the premise.
    from grading.harness.processes import undumpable

    reading, writing = os.pipe()
    grader = os.fork()
    if grader == 0:
        try:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            import ctypes

            # dumpable, as any process a user starts is (a change of user made it undumpable)
            ctypes.CDLL(None).prctl(4, 1, 0, 0, 0)
            if made_undumpable:
                undumpable()
            submission = os.fork()
            if submission == 0:
                try:
                    with open(f"/proc/{os.getppid()}/environ", "rb") as start:
                        start.read()
                    seen = "read"
                except OSError as error:
                    seen = type(error).__name__
                os.write(writing, seen.encode())
                os._exit(0)
            os.waitpid(submission, 0)
        finally:
            os._exit(0)
    os.close(writing)
    with os.fdopen(reading, "rb") as pipe:
        seen = pipe.read().decode()
    os.waitpid(grader, 0)
    expected = "PermissionError" if made_undumpable else "read"
    assert seen == expected, f"a process of the same user reading /proc/<grader>/environ: {seen}, expected {expected}"


def test_classmates_are_kept_apart_only_by_bubblewrap_a_user_id_of_their_own_or_landlocks_signal_scoping(monkeypatch):
    from grading.sandbox import plan as plan_module
    from grading.sandbox.plan import SandboxPlan, classmates_kept_apart

    def kept_apart(kind: str, uid: int | None, confined: bool, abi: int) -> bool:
        monkeypatch.setattr(plan_module, "confinement_works", lambda: (confined, "" if confined else "(test)"))
        monkeypatch.setattr(plan_module, "abi_version", lambda: abi)
        return classmates_kept_apart(SandboxPlan(kind, "", uid))

    cases = {("bwrap", None, False, 0): True, ("none", 201_000, False, 0): True, ("none", None, True, 6): True,
             ("none", None, True, 5): False, ("none", None, False, 6): False, ("none", None, False, 0): False}
    seen = {case: kept_apart(*case) for case in cases}
    assert seen == cases, f"classmates_kept_apart((kind, uid, Landlock confines, ABI)): {seen}, expected {cases}"

    # The description a non-root grader without bubblewrap gets on Linux 6.8 (ABI 4, Ubuntu 24.04)
    monkeypatch.setattr(plan_module.os, "geteuid", lambda: 1000)
    monkeypatch.setattr(plan_module, "confinement_works", lambda: (True, ""))
    for abi, warned in ((4, True), (6, False)):
        monkeypatch.setattr(plan_module, "abi_version", lambda: abi)
        description = plan_module.sandbox_plan("none").description
        assert ("a classmate's graded at the same time" in description) == warned, (
            f"with Landlock ABI {abi}, the description {'should' if warned else 'should not'} say a submission "
            f"could signal a classmate's processes: {description}")


def test_where_classmates_are_not_kept_apart_the_grader_grades_one_at_a_time_unless_told(tmp_path, monkeypatch, capsys):
    from decodelab.cli import main
    from grading.grader import driver
    from grading.sandbox import plan as plan_module

    monkeypatch.setattr(plan_module, "classmates_kept_apart", lambda plan: False)
    started = []

    class CountedSlot(driver.Slot):
        def start(self):
            started.append(self)
            return super().start()

    monkeypatch.setattr(driver, "Slot", CountedSlot)
    for name in ("a_stub", "b_stub"):
        shutil.copytree(ROOT / "exercises", tmp_path / "class" / name,
                        ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    common = ["grade", str(tmp_path / "class"), "--backend", "tiny", "--exercises", "temperature", "--sandbox", "none"]
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    for workers, expected in ((None, "Graded one submission at a time"), (2, "2 submissions were graded at once")):
        started.clear()
        out = tmp_path / f"out-{workers}"
        status = main(common + ["--out", str(out)] + (["--workers", str(workers)] if workers else []))
        printed = capsys.readouterr().err
        assert status == 0, printed[-2000:]
        assert len(started) == (workers or 1), (
            f"decodelab grade {'--workers ' + str(workers) if workers else '(no --workers)'} on a 2-core machine "
            f"where classmates are not kept apart started {len(started)} judge server(s), expected {workers or 1}")
        assert expected in printed, f"the grade command did not say '{expected}'; it said:\n{printed[-1500:]}"
        assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["a_stub", "b_stub"]
