"""The grader's side of isolation: a target whose functions run in a sandboxed process.

The principle: a learner's code never shares a process with the expected answers or the
hidden tests. :class:`IsolatedTarget` (``--target isolated:PATH``, and the default for a
submission ``PATH``) hands out proxies: ``learner.softmax_with_temperature(logits, 0.5)``
encodes the arguments (:mod:`grading.sandbox.wire`), sends them to the submission's own process
(:mod:`grading.sandbox.learner_side`), waits at most the time limit, and decodes what came back as
plain data. The model, tokenizer, embedding matrix (any parameter) and submodules
of a loaded backend are sent as handles: the learner's process uses its own copies. A
``torch.Generator`` travels as its state and comes back advanced; a tensor argument the learner
changed in place is changed here in the private copy the call was given (:mod:`grading.sandbox.arguments`),
so the change is reported, never written into the test's own tensor. Nothing else crosses:
an argument of any other kind (a spy wrapped around the model, a ``DynamicCache`` the test
built) is refused with :class:`CannotCross`, and the learner's code never calls back into
this process. A test watches the learner's forward passes with
``learner.observing_forward_passes`` (:mod:`grading.sandbox.observe`).

Processes: one :class:`LearnerServer` (torch, transformers and the model loaded once, inside
bubblewrap when available) forks a process per submission (:class:`Session`). On a time-out,
a crash, or garbage on the channel, that process and everything it started are killed; only
the calls affected fail, with a message saying what happened, and the next call gets a fresh
process. Limits come from :class:`Limits` (environment variables ``DECODELAB_*``, see there).

Such a failure carries its feedback (``decodelab_feedback``, ``decodelab_status``), which the
harness's plugin reports. No test edits a backend's weights (the learner's copy would not
follow: ``tests/test_architecture.py`` holds it); a test that needs an odd model builds a toy one.
"""
from __future__ import annotations

import inspect
import itertools
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from grading.sandbox import kept_toy, shared, wire
from grading.sandbox.cgroups import WorkerGroup
from grading.harness.catalogue import Exercise
from grading.harness.status import Status
from grading.sandbox.limits import Limits
from grading.sandbox.file_access import confinement_works
from grading.sandbox.plan import SandboxError, SandboxPlan, bwrap_works, sandbox_plan
from grading.harness.output import file_end
from grading.harness.processes import Forked, alive, fork_child, resume_stopped, start_command, stop
from grading.harness.scratch import prefix as scratch_prefix
from grading.harness.scratch import remove as remove_folder
from grading.harness.target import MissingFunction, Target

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SANDBOX_SCRATCH = "/tmp/decodelab-sandbox"
# How long a new submission process may take to set itself up (forked from a loaded worker, it
# needs well under a second; a machine busy with a whole class gets a wide margin).
SETUP_SECONDS = 60.0
# The only project files the sandbox contains: what loads a backend, and the worker itself.
SANDBOX_FILES = (
    "grading/__init__.py", "grading/sandbox/__init__.py", "grading/sandbox/wire.py", "grading/sandbox/learner_side.py",
    "grading/sandbox/shared.py",
    "reference/__init__.py", "reference/backends.py", "reference/tokenizer.py", "reference/cache.py",
    "reference/bigram.py", "reference/backend_names.py", "grading/sandbox/observe.py",
    "grading/harness/__init__.py", "grading/harness/output.py", "grading/harness/processes.py",
    "grading/harness/not_started.py", "grading/harness/scratch.py", "grading/sandbox/cgroups.py",
    "grading/sandbox/network.py", "grading/sandbox/kept_toy.py", "grading/sandbox/disk.py",
    "grading/sandbox/file_access.py", "grading/sandbox/ipc.py", "grading/sandbox/neighbours.py",
    "grading/sandbox/environment.py",
)
PROJECT_PACKAGES = ("grading", "reference", "solutions", "exercises", "decodelab", "tests")
SIGNAL_NAMES = {signal.SIGXFSZ: "SIGXFSZ", signal.SIGXCPU: "SIGXCPU", signal.SIGKILL: "SIGKILL",
                signal.SIGSEGV: "SIGSEGV", signal.SIGABRT: "SIGABRT", signal.SIGBUS: "SIGBUS"}


# ---------------------------------------------------------------------------------------------
# The sandbox


def _package_roots() -> dict[str, Path]:
    import importlib.util

    roots = {}
    for package in PROJECT_PACKAGES:
        try:
            spec = importlib.util.find_spec(package)
        except (ImportError, ValueError):
            spec = None
        if spec is not None and spec.submodule_search_locations:
            roots[package] = Path(list(spec.submodule_search_locations)[0]).resolve()
    return roots


def _python_roots() -> list[Path]:
    candidates = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.exec_prefix),
                  Path(os.path.realpath(sys.executable)).parent.parent}
    for entry in sys.path:
        if entry and ("site-packages" in entry or "dist-packages" in entry or entry.endswith(".zip")):
            candidates.add(Path(entry))
    existing = sorted({Path(os.path.realpath(c)) for c in candidates if c.exists()} | {c for c in candidates if c.exists()})
    roots: list[Path] = []
    for path in existing:
        if path == Path("/") or any(_under(path, root) for root in roots):
            continue
        if str(path).startswith(("/usr/", "/lib", "/bin", "/etc")) or str(path) == "/usr":
            continue  # bound anyway
        roots.append(path)
    return roots


def _open_to_others(folder: Path) -> bool:
    """Whether a user with no rights of its own may pass through ``folder`` and all above it."""
    try:
        return all(os.stat(place).st_mode & 0o001 for place in [folder.resolve(), *folder.resolve().parents])
    except OSError:
        return False


def _under(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def sandbox_backend_names(backends: list[str]) -> list[str]:
    """Backend names as the sandbox must load them: a folder becomes ``name=/absolute/path``."""
    return [f"{name}={Path(name).resolve()}" if os.path.isdir(name) else name for name in backends]


def _backend_paths(backends: list[str]) -> tuple[list[Path], bool]:
    """Folders holding backend weights, and whether the Hugging Face cache is needed."""
    paths, hub = [], False
    for name in backends:
        base = name.split(":", 1)[0] if not os.path.isdir(name) else name
        if base.endswith(":4bit"):
            base = base[:-5]
        if base in ("tiny",):
            continue
        if os.path.isdir(base):
            paths.append(Path(base).resolve())
        else:
            hub = True
    return paths, hub


class _Binds:
    """bubblewrap arguments, creating parent folders world-readable (bwrap makes them 0700)."""

    def __init__(self) -> None:
        self.args: list[str] = []
        self.present: set[Path] = {Path("/")}
        self.mounted: list[Path] = []
        self.bound: list[Path] = []  # folders bound from the host: what lies under them exists already

    def _parents(self, destination: Path) -> None:
        # A parent inside a tmpfs (a project or virtual environment under /tmp) is made here too:
        # left to bwrap it would be 0700 and root's, and a submission's process, which runs with
        # another uid, could not reach the packages under it that the worker had not imported.
        for parent in reversed(destination.parents):
            if parent in self.present or any(_under(parent, m) for m in self.bound):
                continue
            self.args += ["--perms", "0755", "--dir", str(parent)]
            self.present.add(parent)

    def bind(self, source: Path, destination: Path | None = None, device: bool = False) -> None:
        destination = destination or source
        if not source.exists():
            return
        self._parents(destination)
        self.args += ["--dev-bind" if device else "--ro-bind", str(source), str(destination)]
        self.present.add(destination)
        if source.is_dir():
            self.mounted.append(destination)
            self.bound.append(destination)

    def system(self, path: str) -> None:
        if os.path.islink(path):
            self.args += ["--symlink", os.readlink(path), path]
        elif os.path.exists(path):
            self.bind(Path(path))

    def tmpfs(self, destination: Path, size: int | None = None, perms: str = "0755") -> None:
        self._parents(destination)
        if size:
            self.args += ["--size", str(size)]
        self.args += ["--perms", perms, "--tmpfs", str(destination)]
        self.present.add(destination)
        self.mounted.append(destination)


SYSTEM_FOLDERS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")
# Of /proc, without bubblewrap's own: the machine's figures that libraries read. Not the other
# processes' folders (a command line there is anyone's to read); its own is added as it confines.
PROC_FILES = ("/proc/meminfo", "/proc/cpuinfo", "/proc/stat")


def _model_places(backends: list[str], packages: dict[str, Path]) -> list[Path]:
    """The tiny model, the tokenizer cache, and the folders of the backends' weights."""
    from reference.cache import cache_root

    reference = packages.get("reference", PROJECT_ROOT / "reference")
    places = [reference / "tiny_model", cache_root() / "tokenizers"]
    folders, hub = _backend_paths(backends)
    places += folders
    if hub:
        try:
            from huggingface_hub import constants

            places.append(Path(constants.HF_HUB_CACHE))
        except ImportError:
            pass
    return places


def learner_reads(backends: list[str]) -> list[str]:
    """Where a submission's process may read when no sandbox narrows the file system: what
    bubblewrap would show it (:func:`bwrap_command`), for :func:`grading.sandbox.file_access.confine`.

    An installed project's packages lie in a site-packages folder (a virtual environment's, or
    the system's, below ``/usr``): the folders above them are then named entry by entry, without
    them (bubblewrap hides them under an empty folder instead)."""
    packages = _package_roots()
    hidden = list(packages.values())
    places: list[Path] = []
    # resolved: /lib, a link to /usr/lib on most systems, would otherwise open all that lies below
    for root in dict.fromkeys(Path(p).resolve() for p in [*SYSTEM_FOLDERS, *PROC_FILES, *_python_roots()]):
        places += _without(root, hidden)
    for relative in SANDBOX_FILES:
        package, _, rest = relative.partition("/")
        places.append(packages.get(package, PROJECT_ROOT / package) / rest)
    places += _model_places(backends, packages)
    if any(Path("/dev").glob("nvidia*")):
        places.append(Path("/sys"))
    return [str(place) for place in places if place.exists()]


def _without(root: Path, hidden: list[Path]) -> list[Path]:
    """``root``; or, where some of ``hidden`` lie below it, the entries of each folder on the way
    down to them, without them."""
    if not any(_under(folder, root) for folder in hidden):
        return [root]
    kept, stack = [], [root]
    while stack:
        try:
            entries = sorted(stack.pop().iterdir())
        except OSError:
            continue
        for entry in entries:
            if entry in hidden:
                continue
            if any(_under(folder, entry) for folder in hidden):
                stack.append(entry)
            else:
                kept.append(entry)
    return kept


def bwrap_command(bwrap: str, backends: list[str], limits: Limits, root: bool) -> list[str]:
    """The bubblewrap command line around the learner's worker (see the module docstring)."""
    from reference.cache import cache_root

    binds = _Binds()
    command = [bwrap, "--die-with-parent", "--new-session", "--unshare-pid", "--unshare-net",
               "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    if root:  # no user namespace: submission processes switch to an unprivileged uid instead
        # CAP_SYS_PTRACE: to read those processes' descriptors and maps (learner_side.memory_files);
        # they lose every capability when they take their uid.
        command += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID",
                    "--cap-add", "CAP_SYS_PTRACE"]
    else:
        command += ["--unshare-user"]
    for path in SYSTEM_FOLDERS:
        binds.system(path)
    binds.args += ["--proc", "/proc", "--dev", "/dev"]
    binds.present |= {Path("/proc"), Path("/dev")}
    binds.tmpfs(Path("/tmp"), size=(limits.scratch_mb + 64) * 2**20, perms="1777")
    for path in _python_roots():
        binds.bind(path)
    packages = _package_roots()
    for name, folder in packages.items():  # an installed (not editable) project sits in site-packages
        if any(_under(folder, m) for m in binds.mounted):
            binds.tmpfs(folder)
    for relative in SANDBOX_FILES:
        package, _, rest = relative.partition("/")
        folder = packages.get(package, PROJECT_ROOT / package)
        binds.bind(folder / rest)
    for folder in _model_places(backends, packages):
        binds.bind(folder)
    hub = _backend_paths(backends)[1]
    gpus = sorted(Path("/dev").glob("nvidia*"))
    for device in gpus:
        binds.bind(device, device=True)
    if gpus:
        binds.bind(Path("/sys"))
    environment = {
        "PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8",
        "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
        "TOKENIZERS_PARALLELISM": "false", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
        "HF_HOME": "/tmp/hf", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONNOUSERSITE": "1",
        "DECODELAB_CACHE": str(cache_root()), "TRANSFORMERS_VERBOSITY": "error",
        # the folder holding the bound grading/ and reference/ files, whether or not it is installed
        "PYTHONPATH": str(packages.get("grading", PROJECT_ROOT / "grading").parent),
    }
    if hub:
        from huggingface_hub import constants

        environment["HF_HUB_CACHE"] = str(constants.HF_HUB_CACHE)
    for passed in ("CUDA_VISIBLE_DEVICES", "DECODELAB_BACKEND"):
        if passed in os.environ:
            environment[passed] = os.environ[passed]
    command += binds.args + ["--chdir", "/tmp", "--clearenv"]
    for key, value in environment.items():
        command += ["--setenv", key, value]
    return command + ["--"]


# ---------------------------------------------------------------------------------------------
# The worker process


class LearnerServer:
    """A pre-loaded learner worker: start once, then fork a process per submission."""

    def __init__(self, backends: list[str] | None = None, sandbox: str | None = None,
                 limits: Limits | None = None, startup_timeout: float = 1800):
        self.backends = list(dict.fromkeys(backends or []))
        self.mode = sandbox
        self.limits = limits or Limits.from_env()
        self.startup_timeout = startup_timeout
        self.plan = sandbox_plan(sandbox)
        self.process: subprocess.Popen | Forked | None = None
        self.control: socket.socket | None = None
        self.info: dict = {}
        self._log_folder: str | None = None  # made at start, removed at close
        self._scratch: str | None = None
        self._lock = threading.Lock()
        self._owner = os.getpid()  # only the process that started the worker may restart it
        self.group: WorkerGroup | None = None  # the worker's control group, where one can be made

    @property
    def description(self) -> str:
        return self.plan.description

    @property
    def _log_dir(self) -> str:
        if self._log_folder is None or not os.path.isdir(self._log_folder):
            self._log_folder = tempfile.mkdtemp(prefix=scratch_prefix("worker"))
        return self._log_folder

    def start(self) -> "LearnerServer":
        """Launch the worker (returns at once; :meth:`wait_ready` waits for its imports)."""
        if self.process is not None:
            return self
        ours, theirs = socket.socketpair()
        if self.plan.kind == "bwrap":
            scratch = f"{SANDBOX_SCRATCH}/work"
            prefix = bwrap_command(bwrap_works()[1], self.backends, self.limits, root=os.geteuid() == 0)
            environment = None
        else:
            self._scratch = self._make_scratch()
            scratch, prefix = self._scratch, []
            environment = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", TOKENIZERS_PARALLELISM="false",
                               PYTHONDONTWRITEBYTECODE="1", TRANSFORMERS_VERBOSITY="error")
        command = prefix + [sys.executable, "-m", "grading.sandbox.learner_side", "--control-fd", str(theirs.fileno()),
                            "--scratch", scratch, "--backends", ",".join(sandbox_backend_names(self.backends))]
        if self.plan.uid is not None:
            command += ["--uid", str(self.plan.uid)]
        if self.plan.kind == "bwrap":
            command.append("--private")  # its /tmp, /dev/shm and IPC namespace are the sandbox's
        if confinement_works()[0]:  # bubblewrap shows only what it may read: writes narrowed to its folder
            readable = ["/"] if self.plan.kind == "bwrap" else learner_reads(self.backends)
            command += ["--readable", json.dumps(readable)]
        passed = [theirs.fileno()]
        joining, kills = self._make_group()
        if joining:
            passed += joining + [kills]
            command += ["--group-fds", ",".join(map(str, joining)), "--kill-count-fd", str(kills)]
        try:
            self.process = start_command(
                command, os.path.join(self._log_dir, "worker.log"), pass_fds=passed,
                cwd=str(PROJECT_ROOT) if self.plan.kind == "none" else None, env=environment)
        except BaseException:
            self._remove_group()
            raise
        finally:
            theirs.close()
            for fd in passed[1:]:
                os.close(fd)
        self.control = ours
        return self

    def _make_scratch(self) -> str:
        """The worker's scratch root without bubblewrap (its mode: ``run_server``'s), in the
        temporary folder, or in ``/tmp`` where the learner's user id could not reach that one (a
        root's private ``$TMPDIR``: every submission then failed to start, "the grader itself
        failed")."""
        parent = tempfile.gettempdir()
        if self.plan.uid is not None and not _open_to_others(Path(parent)) and _open_to_others(Path("/tmp")):
            parent = "/tmp"
        return tempfile.mkdtemp(prefix=scratch_prefix("scratch"), dir=parent)

    def _make_group(self) -> tuple[list[int], int | None]:
        """The submissions' control group, where one can be made: the descriptors the worker hands
        to each submission's process, which joins before it runs anything of the learner's, and
        the one it reads the group's out-of-memory kills from (``([], None)`` where none)."""
        self.group = WorkerGroup.make(self.limits.memory_mb * 2**20 * 5 // 4)
        if self.group is None:
            return [], None
        return self.group.open_joining(), self.group.open_kill_count()

    def _remove_group(self) -> None:
        if self.group is not None:
            self.group.remove()
            self.group = None

    def start_forked(self, preloaded: dict[str, Any]) -> "LearnerServer":
        """Without a sandbox: fork the worker from this process, sharing its loaded torch and model.

        Call it before this process imports the hidden suites or the reference: the worker's
        memory is a copy of this process's at the moment of the fork.
        """
        if self.process is not None:
            return self
        if self.plan.kind != "none":
            return self.start()
        from grading.sandbox.learner_side import run_server

        ours, theirs = socket.socketpair()
        self._scratch = self._make_scratch()
        scratch, uid = Path(self._scratch), self.plan.uid
        readable = learner_reads(self.backends + list(preloaded)) if confinement_works()[0] else None
        # The same control group as under bubblewrap: without it, kernel memory (a socket pair's
        # queues) and the CPU of a submission's processes went unbounded where Gradescope grades.
        joining, kills = self._make_group()
        handed = joining + ([kills] if kills is not None else [])
        try:
            self.process = fork_child(
                lambda: run_server(theirs, scratch, uid, [], preloaded, group_fds=joining, kill_count_fd=kills,
                                   readable=readable),
                os.path.join(self._log_dir, "worker.log"), new_session=True, keep_fds={theirs.fileno(), *handed})
        except BaseException:
            self._remove_group()
            raise
        finally:
            theirs.close()
            for fd in handed:
                os.close(fd)
        self.control = ours
        self.backends = list(dict.fromkeys(self.backends + list(preloaded)))
        return self

    def wait_ready(self) -> dict:
        self.start()
        if self.info:
            return self.info
        assert self.control is not None
        try:
            ready = wire.receive(self.control, deadline=time.monotonic() + self.startup_timeout)
        except (EOFError, TimeoutError, OSError, wire.WireError) as error:
            log = self.log_tail()  # before close(), which removes the log's folder
            self.close()
            raise SandboxError(f"the learner's worker did not start ({type(error).__name__}); its log ends:\n{log}") from None
        if not ready.get("ready"):
            self.close()
            raise SandboxError(f"the learner's worker failed to start: {ready.get('error')}\n{ready.get('trace', '')}")
        self.info = ready
        return ready

    def log_tail(self) -> str:
        return file_end(Path(self._log_dir, "worker.log"))

    def alive(self) -> bool:
        if self.process is None:
            return False
        if os.getpid() == self._owner:
            return self.process.poll() is None
        return alive(self.process.pid)  # a forked judge is not the worker's parent and cannot wait for it

    def request(self, message: dict, fds: list[int] | None = None, timeout: float = 600) -> dict:
        with self._lock:
            self.wait_ready()
            assert self.control is not None
            try:
                wire.send(self.control, message, fds=fds)
                deadline = time.monotonic() + timeout
                self._await_answer(deadline)
                return wire.receive(self.control, deadline=deadline, limit=1 << 24)
            except (EOFError, TimeoutError, OSError, wire.WireError) as error:
                self.close()
                raise SandboxError(f"the learner's worker stopped answering ({type(error).__name__})") from None

    def _await_answer(self, deadline: float) -> None:
        """Wait until the worker starts answering (or ``deadline``), resuming it each second it is
        found stopped: without the sandbox's root, learner code runs as the worker's user and can
        ``SIGSTOP`` it (a test holds it: ``tests/test_sandbox_faults.py``)."""
        assert self.control is not None
        while (left := deadline - time.monotonic()) > 0:
            if select.select([self.control], [], [], min(1.0, left))[0]:
                return
            if self.process is not None:
                resume_stopped(self.process.pid)

    def spawn(self, sources: dict[str, bytes], backends: list[str], limits: Limits) -> tuple[int, socket.socket]:
        """A fresh submission process and our end of its channel."""
        ours, theirs = socket.socketpair()
        try:
            reply = self.request({"op": "spawn", "sources": sources, "limits": limits.as_dict(),
                                  "backends": sandbox_backend_names(backends)}, fds=[theirs.fileno()], timeout=1800)
        finally:
            theirs.close()
        if not reply.get("ok"):
            ours.close()
            raise SandboxError(str(reply.get("error")))
        return int(reply["pid"]), ours

    def end(self, pid: int) -> dict:
        try:
            return self.request({"op": "end", "pid": pid}, timeout=120)
        except SandboxError:
            return {"ok": False, "killed": True, "output": ""}

    def close(self) -> None:
        if self.control is not None and self.info and self.alive() and os.getpid() == self._owner:
            try:  # let it end its submission processes and exit; then make sure
                wire.send(self.control, {"op": "shutdown"})
                wire.receive(self.control, deadline=time.monotonic() + 10)
                self.process.wait(timeout=10)
            except (EOFError, TimeoutError, OSError, wire.WireError, subprocess.TimeoutExpired):
                pass
        if self.control is not None:
            with suppress(OSError):
                self.control.close()
            self.control = None
        if self.process is not None:
            stop(self.process)
            self.process = None
        if os.getpid() == self._owner:
            self._remove_group()
        self.info = {}
        if self._scratch:
            remove_folder(Path(self._scratch))
            self._scratch = None
        if self._log_folder is not None and os.getpid() == self._owner:
            shutil.rmtree(self._log_folder, ignore_errors=True)
            self._log_folder = None

    def restart(self) -> None:
        self.close()
        self.plan = SandboxPlan(self.plan.kind, self.plan.description, self.plan.uid)
        self.start()


# ---------------------------------------------------------------------------------------------
# What the learner's failures look like here


class LearnerFailure(Exception):
    """The learner's process did not answer a call normally (time-out, crash, bad reply)."""

    status = Status.CRASHED

    def __init__(self, message: str):
        super().__init__(message)
        self.decodelab_feedback = message
        self.decodelab_status = self.status


class LearnerTimeout(LearnerFailure):
    status = Status.TIMEOUT


class LearnerCrash(LearnerFailure):
    status = Status.CRASHED


@contextmanager
def _reading_reply(what: str) -> Iterator[None]:
    """Read a reply's fields: one that is not what the protocol says (a learner's process can
    write any reply it likes) fails the call as the learner's crash, never as an error in the
    test's own code or the grader's."""
    try:
        yield
    except (TypeError, ValueError, AttributeError, KeyError, IndexError, RuntimeError) as error:
        raise LearnerCrash(f"{what} sent back a reply the grader cannot read ({type(error).__name__}: "
                           f"{str(error)[:120]})") from None


class CannotCross(TypeError):
    """A test passed the learner's code an object that does not cross the boundary (a grader
    problem: the test must pass plain data or a backend's objects)."""


class SandboxFault(RuntimeError):
    """The grader could not set up the process for the learner's code: the grader's fault, never
    the learner's. The judge reports it as a grader error, and the submission is graded again."""


def _describe_end(end: dict, limits: Limits) -> str:
    if end.get("stopped_for") == "files":
        return (f"it made more than {limits.files:,} files (the file limit: each holds some of the "
                "machine's memory or of its disk's inodes, an empty one too) and was stopped")
    if end.get("stopped_for") == "disk":
        return f"it wrote more than {limits.disk_mb:,} MiB to files (the disk limit) and was stopped"
    if "signal" in end:
        number = int(end["signal"])
        if number == signal.SIGXFSZ:
            return f"it printed or wrote more than {limits.output_bytes:,} bytes (the output limit) and was stopped"
        if number == signal.SIGXCPU:
            return f"it used more than {limits.cpu_seconds} s of CPU time and was stopped"
        if number == signal.SIGKILL:
            return "it was killed (signal SIGKILL) — most likely it ran out of memory"
        if number == signal.SIGSEGV:
            return "it crashed (segmentation fault)"
        return f"it was killed by signal {SIGNAL_NAMES.get(number, number)}"
    if "code" in end:
        return f"it exited with code {end['code']} (sys.exit or os._exit in your code?)"
    return "its process ended without answering"


def _feedback_for_error(info: dict, limits: Limits) -> tuple[str, str]:
    """(feedback, status) for an exception raised in the learner's process."""
    types_ = [str(t) for t in info.get("types", [])]
    name = types_[0].rsplit(".", 1)[-1] if types_ else "Exception"
    message = str(info.get("message", ""))
    if "[Errno 27]" in message or "File too large" in message:  # RLIMIT_FSIZE (Python ignores SIGXFSZ)
        text = (f"your code printed or wrote more than {limits.output_bytes:,} bytes (the output limit) "
                f"and its next write failed: {name}: {message}")
        status = Status.OUTPUT
    elif "builtins.MemoryError" in types_ or "DefaultCPUAllocator" in message or "out of memory" in message.lower():
        text = f"your code ran out of memory (the limit is {limits.memory_mb} MiB above the model's own): {name}: {message}"
        status = Status.MEMORY
    elif "builtins.SystemExit" in types_:
        text = f"your code called {message} instead of returning a value"
        status = Status.RAISED
    else:
        text = f"your code raised {name}: {message}"
        status = Status.RAISED
    frames = info.get("frames") or []
    if frames:
        text += "\n  " + "\n  ".join(f"{f[0]}:{f[1]} in {f[2]}: {f[3]}" for f in frames[-3:])
    return text, status


def _arguments_lost(reply: dict, what: str, limits: Limits) -> str:
    """Why a call's tensor arguments (:mod:`grading.sandbox.shared`) never reached the learner's
    function, as that process says. Its word is all there is, and whatever made it so happened
    in that process after its set-up (file descriptors or memory its code took): the call fails
    as the learner's, with the cause named, never with ``None`` arguments handed to its code."""
    reason = reply.get("reason")
    if reason == "files":
        cause = ("its tensor arguments could not be handed over: your code's process had too many files open "
                 "(at most 256 at once). Close the files your code opens (`with open(...) as f:`)")
    elif reason == "memory":
        cause = (f"its tensor arguments could not be mapped: your code's process had no memory left "
                 f"(the limit is {limits.memory_mb} MiB above the model's own)")
    else:
        cause = f"its tensor arguments could not be mapped in your code's process ({str(reply.get('detail', ''))[:200]})"
    return f"{what} was not run: {cause}"


def rebuild_error(info: dict, limits: Limits) -> BaseException:
    """The learner's exception as an instance of its first built-in class (ValueError...)."""
    import builtins

    feedback, status = _feedback_for_error(info, limits)
    error: BaseException | None = None
    for name in info.get("types", []):
        module, _, qualname = str(name).rpartition(".")
        if module != "builtins":
            continue
        cls = getattr(builtins, qualname, None)
        if isinstance(cls, type) and issubclass(cls, Exception) and not issubclass(cls, (StopIteration, StopAsyncIteration)):
            try:
                error = cls(str(info.get("message", "")))
                break
            except Exception:
                continue
    if error is None:
        error = LearnerCrash(feedback)
    error.decodelab_feedback = feedback  # type: ignore[attr-defined]
    error.decodelab_status = status  # type: ignore[attr-defined]
    error.decodelab_not_started = info.get("not_started") is True  # type: ignore[attr-defined]
    return error


class _BackendIndex:
    """Where each object of a loaded backend is, so that arguments can go as handles."""

    def __init__(self, name: str, backend: Any):
        self.name = name
        self.backend = backend
        self.objects: dict[int, dict] = {
            id(backend): {"what": "backend"}, id(backend.model): {"what": "model"},
            id(backend.tokenizer): {"what": "tokenizer"},
        }
        for path, module in backend.model.named_modules():
            if path:
                self.objects.setdefault(id(module), {"what": "module", "path": path})
        self.tensors: dict[tuple, str] = {}
        for path, parameter in backend.model.named_parameters(remove_duplicate=False):
            key = (parameter.data_ptr(), tuple(parameter.shape), tuple(parameter.stride()), parameter.storage_offset())
            self.tensors.setdefault(key, path)

    def handle(self, value: Any) -> dict | None:
        import torch

        if isinstance(value, torch.Tensor):
            if value.layout != torch.strided or value.is_quantized or value.device.type == "meta":
                return None
            key = (value.data_ptr(), tuple(value.shape), tuple(value.stride()), value.storage_offset())
            path = self.tensors.get(key)
            if path is None:
                return None
            return {wire.TAG: "handle", "kind": "backend", "backend": self.name, "what": "param",
                    "path": path, "requires_grad": bool(value.requires_grad)}
        found = self.objects.get(id(value))
        if found is None:
            return None
        return {wire.TAG: "handle", "kind": "backend", "backend": self.name, **found}


_INDEXES: dict[int, _BackendIndex] = {}  # by id(backend): built once per loaded backend


def judge_backends() -> dict[str, Any]:
    """The backends loaded in this process, by name (:func:`reference.backends.held_backends`)."""
    from reference.backends import held_backends

    return {name: backend for name, backend in held_backends().items()
            if hasattr(backend, "model") and hasattr(backend, "tokenizer")}


def _indexes() -> list[_BackendIndex]:
    result = []
    for name, backend in judge_backends().items():
        index = _INDEXES.get(id(backend))
        if index is None or index.backend is not backend:
            index = _INDEXES[id(backend)] = _BackendIndex(name, backend)
        result.append(index)
    return result


def crosses_as_a_handle(tensor: Any) -> bool:
    """Whether ``tensor`` reaches the learner's process as a handle, not as data: a parameter,
    or a view of a loaded backend's weights (that process uses its own copy of them)."""
    from grading.sandbox.arguments import is_parameter

    return is_parameter(tensor) or any(index.handle(tensor) is not None for index in _indexes())


_PLAIN_TYPES: tuple[type, ...] = (list, tuple, set, frozenset, dict, slice, range)


def _is_plain(value: Any) -> bool:
    import torch

    if isinstance(value, (torch.Tensor, torch.Generator) + _PLAIN_TYPES) or value is Ellipsis:
        return True
    module = type(value).__module__
    if module.startswith("numpy"):
        return True
    if module.startswith("transformers") and hasattr(value, "keys") and hasattr(value, "__getitem__"):
        return True  # BatchEncoding, ModelOutput: sent by value
    return False


# ---------------------------------------------------------------------------------------------
# One submission


@dataclass
class _Lookup:
    found: bool
    why: str = ""
    signature: list = field(default_factory=list)


class Session:
    """One submission's process (forked on demand, replaced after a crash) and its budget."""

    def __init__(self, server: LearnerServer, sources: dict[str, bytes], limits: Limits | None = None,
                 label: str = "submission", owns_server: bool = False):
        self.server = server
        self.sources = sources
        self.limits = limits or server.limits
        self.label = label
        self.owns_server = owns_server
        self.pid: int | None = None
        self.process_backends: set[str] = set()  # what the learner's process was forked holding
        self.channel: socket.socket | None = None
        self.spent = 0.0
        self.spent_by: dict[str, float] = {}
        self.lookups: dict[tuple[str, str], _Lookup] = {}
        self.strikes: dict[str, int] = {}
        self.test_failures: dict[str, tuple[str, str]] = {}
        # (model, records) while a test watches the model's forward passes (IsolatedTarget.observing_forward_passes)
        self.observing: tuple[Any, list[dict]] | None = None
        self.output: list[str] = []
        self.faults: list[str] = []  # SandboxFault messages: this session's grade cannot be trusted
        self.events: list[str] = []
        self._test = ""
        self._call_indexes: list | None = None
        # the current call's toys by number (grading.sandbox.kept_toy); numbers are never reused,
        # so a toy the learner kept from an earlier call names none of them
        self.kept_toys: dict[int, Any] = {}
        self._toy_numbers = itertools.count()
        self.restarted = False
        # Set by IsolatedTarget at a hypothesis example's first call: the learner's process seeds
        # its global generators with it before that call (learner_side.seed_global_generators).
        self.seed_globals: int | None = None

    # -- lifecycle ------------------------------------------------------------------------------
    def begin_test(self) -> None:
        """A new test starts: failures remembered for the last test are forgotten. Noticed at the
        first call a test makes (:meth:`_notice_test`), so no test hook needs to find sessions."""
        self.test_failures.clear()

    def _notice_test(self) -> None:
        """A new test started (pytest names it in $PYTEST_CURRENT_TEST): forget the last one's failures."""
        current = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" (", 1)[0]
        if current != self._test:
            self._test = current
            self.begin_test()

    def _ensure_process(self) -> socket.socket:
        if self.channel is not None and set(judge_backends()) <= self.process_backends:
            return self.channel
        if self.channel is not None:
            # A backend loaded here since the process started (a test's fixture, after the
            # learner's): a new process, forked from a worker that has loaded it too. The
            # submission's own process may not read the backend's files to load it itself.
            self._end_process()
        if not self.server.alive() and self.server.process is not None:
            if self.restarted or os.getpid() != self.server._owner:
                raise LearnerCrash("the grader's worker for learner code stopped; this call could not run")
            self.restarted = True
            self.events.append("the learner's worker was restarted")
            self.server.restart()
        backends = sorted(set(self.server.backends) | set(judge_backends()))
        try:
            self.pid, self.channel = self.server.spawn(self.sources, backends, self.limits)
            self.process_backends = set(backends)
        except SandboxError as error:
            raise LearnerCrash(f"the grader could not start a process for your code: {error}") from None
        self._await_ready()
        return self.channel

    def _await_ready(self) -> None:
        """Wait for the new process's word that its set-up is done. Until then nothing of the
        learner's has run, so a process that ends or stalls here is the grader's fault; after
        it, every end is the learner's (an exit status is only a number learner code can choose)."""
        assert self.channel is not None
        try:
            reply = wire.receive(self.channel, deadline=time.monotonic() + SETUP_SECONDS, limit=4096,
                                 budget=wire.Budget(items=100, size=4096))
            if isinstance(reply, dict) and reply.get("op") == "ready":
                return
            problem = "it sent something else before saying it was ready"
        except TimeoutError:
            problem = f"it did not finish setting up within {SETUP_SECONDS:g} s"
        except (EOFError, ConnectionError, wire.WireError) as error:
            problem = f"it ended while setting up ({type(error).__name__})"
        ended = self._end_process()
        status = (f"exit status {ended['code']}" if "code" in ended else
                  f"signal {ended['signal']}" if "signal" in ended else "no exit status yet")
        fault = (f"the grader could not set up the process for your code: {problem} ({status}; "
                 "the grader's fault, not your code's)")
        self.faults.append(fault)
        raise SandboxFault(fault)

    def _end_process(self) -> dict:
        ended: dict = {}
        if self.channel is not None:
            with suppress(OSError):
                self.channel.close()
            self.channel = None
        if self.pid is not None:
            ended = self.server.end(self.pid)
            self.pid = None
            if ended.get("output"):
                self.output.append(str(ended["output"]))
        return ended

    def close(self) -> None:
        self._end_process()
        if self.owns_server:
            self.server.close()

    # -- encoding ---------------------------------------------------------------------------
    def _backend_handle(self, value: Any) -> dict | None:
        """A backend object as a handle: the learner's process uses its own copy. A test's hooks on
        the grader's copy never see the learner's passes: tests watch them with
        ``learner.observing_forward_passes`` (:mod:`grading.sandbox.observe`)."""
        for index in self._call_indexes or _indexes():
            found = index.handle(value)
            if found is not None:
                return found
        return wire.tokenizer_handle(value)

    def _handles(self, value: Any) -> dict | None:
        """A backend's object as a handle; plain data as itself (None); anything else is refused:
        no object of the grader's crosses for the learner's code to call back into."""
        found = self._backend_handle(value)
        if found is not None or _is_plain(value) or isinstance(value, (int, float, wire.Opaque)):
            return found  # (an Opaque: a learner's earlier answer, sent back as the stand-in it is)
        if kept_toy.is_kept(value):
            number = next((n for n, toy in self.kept_toys.items() if toy is value), None)
            if number is None:
                number = next(self._toy_numbers)
                self.kept_toys[number] = value
            return kept_toy.handle(value, number)
        raise CannotCross(
            f"a test passed {wire.short_repr(value)} (a {type(value).__module__}.{type(value).__qualname__}) to the "
            "learner's code, which runs in another process: only plain data (tensors, numbers, strings, lists, "
            "dicts, generators, numpy values), a loaded backend's model, tokenizer, weights and submodules, and the "
            "suites' BigramModel cross (docs/grading.md, 'Isolation'); watch the model with "
            "learner.observing_forward_passes")

    def _resolve(self, handle: dict) -> Any:
        if handle.get("kind") == "tokenizer":
            try:
                return wire.named_tokenizer(handle)
            except (LookupError, OSError, RuntimeError):
                return wire.opaque("unknown.Handle", "<a tokenizer the grader does not know>")
        backends = judge_backends()
        backend = backends.get(str(handle.get("backend")))
        if backend is None:
            return wire.opaque("unknown.Handle", "<an object of a backend the grader did not load>")
        try:
            return wire.backend_object(backend, handle)
        except (AttributeError, LookupError):
            return wire.opaque("unknown.Handle", "<unknown handle>")

    # -- talking ----------------------------------------------------------------------------
    def _exchange(self, message: dict, what: str, budget: str | None = None, plain: bool = False,
                  fds: list[int] | None = None) -> dict:
        """Send a request (with the file descriptors ``fds``) and wait for its reply, within the
        limits: the call's own, the function's share (``budget``) and the submission's. A kept
        toy's forward passes asked for meanwhile are answered on the way."""
        left = self.limits.submission_seconds - self.spent
        if left <= 0:
            raise LearnerTimeout(f"your submission used up its {self.limits.submission_seconds:g} s of grading "
                                 f"time; {what} was not run")
        if budget is not None:
            function_left = self.limits.function_seconds - self.spent_by.get(budget, 0.0)
            if function_left <= 0:
                raise LearnerTimeout(f"{what} used up its {self.limits.function_seconds:g} s of grading time "
                                     "(all its calls together); it was not run again")
            left = min(left, function_left)
        limit = min(self.limits.call_seconds, left)
        channel = self._ensure_process()
        start = time.monotonic()
        deadline = start + limit
        try:
            wire.send(channel, message, handles=self._handles, plain=plain, fds=fds, deadline=deadline)
            passes = 0
            while True:
                reply = self._receive_reply(channel, deadline)
                if reply.get("op") != "toy_forward":
                    return reply
                wire.send(channel, self._answer_toy(reply, passes), plain=True, deadline=deadline)
                passes += 1
        except TimeoutError:
            self._end_process()
            if limit < self.limits.call_seconds:
                raise LearnerTimeout(f"{what} was stopped when it used up its share of grading time "
                                     f"({self.limits.function_seconds:g} s per function, "
                                     f"{self.limits.submission_seconds:g} s per submission)") from None
            raise LearnerTimeout(f"{what} ran for more than {limit:g} s (the time limit) and was stopped — "
                                 "an endless loop?") from None
        except (EOFError, ConnectionError, BrokenPipeError):
            # The process said it was ready (_await_ready): whatever its exit status, its end is the learner's.
            ended = self._end_process()
            raise LearnerCrash(f"{what} ended your code's process: {_describe_end(ended, self.limits)}") from None
        except wire.WireError as error:
            self._end_process()
            raise LearnerCrash(f"{what} sent back something the grader cannot read ({error}); "
                               "return tensors, numbers, strings, lists or dicts") from None
        finally:
            self.kept_toys = {}  # lent for this request only
            elapsed = time.monotonic() - start
            self.spent += elapsed
            if budget is not None:
                self.spent_by[budget] = self.spent_by.get(budget, 0.0) + elapsed

    def _receive_reply(self, channel: socket.socket, deadline: float) -> dict:
        from grading.sandbox.learner_side import rebuild_mapping

        reply_bytes = self.limits.reply_mb * 2**20
        data = wire.receive_bytes(channel, deadline=deadline, limit=reply_bytes)
        try:
            reply = wire.loads(data, resolve=self._resolve, mapping=rebuild_mapping, budget=wire.Budget(size=reply_bytes))
        except wire.WireError as error:
            # Its frames hold the message (up to reply_mb), and pytest keeps each failed test's
            # exception to the end of the session: ten refused 60 MB replies held 600 MB.
            error.__traceback__ = None
            raise
        finally:
            del data
        if not isinstance(reply, dict):
            raise wire.WireError("a reply that is not a message")
        return reply

    def _answer_toy(self, request: dict, passes: int) -> dict:
        """A kept toy's forward pass, run here (:mod:`grading.sandbox.kept_toy`); recorded if the
        test watches that toy."""
        number = request.get("number")
        toy = self.kept_toys.get(number) if type(number) is int else None
        try:
            answer, record = kept_toy.answer(toy, request, passes)
        except Exception as error:  # whatever the request held, the learner's process gets an answer
            answer, record = {"op": "toy_error", "why": f"the toy model could not run this pass ({error})"}, None
        observed_model, records = self.observing or (None, None)
        if record is not None and records is not None and observed_model is toy:
            records.append(record)
        return answer

    # -- the two requests -------------------------------------------------------------------
    def lookup(self, module: str, function: str) -> _Lookup:
        key = (module, function)
        if key in self.lookups:
            return self.lookups[key]
        if module not in self.sources:
            found = _Lookup(False, f"the submission has no {module}.py")
        else:
            what = f"importing exercises/{module}.py"
            try:
                reply = self._exchange({"op": "lookup", "module": module, "function": function}, what)
                with _reading_reply(what):
                    op = reply.get("op")
                    if op == "found":
                        found = _Lookup(True, signature=list(reply.get("signature", [])))
                    elif op == "import_error":
                        feedback, _ = _feedback_for_error(reply.get("error", {}), self.limits)
                        found = _Lookup(False, f"exercises/{module}.py fails to import: " + feedback.replace("your code raised ", "", 1))
                    else:
                        found = _Lookup(False, str(reply.get("why", "not found")))
            except LearnerFailure as failure:
                found = _Lookup(False, str(failure))
        self.lookups[key] = found
        return found

    def _refuse_after_failures(self, function: str) -> None:
        """A function that crashed or timed out in this test is not run again in it; one that
        timed out twice is not run again for this submission."""
        self._notice_test()
        if function in self.test_failures:
            message, status = self.test_failures[function]
            failure = LearnerFailure(message + " (not run again in this test)")
            failure.decodelab_status = status
            raise failure
        if self.strikes.get(function, 0) >= 2:
            raise LearnerTimeout(f"{function}() timed out twice already; it is not run again for this submission")

    def _remember_failure(self, function: str, failure: LearnerFailure) -> None:
        self.test_failures[function] = (str(failure), failure.decodelab_status)
        if isinstance(failure, LearnerTimeout):
            self.strikes[function] = self.strikes.get(function, 0) + 1

    def _take_seed(self) -> int | None:
        seed, self.seed_globals = self.seed_globals, None
        return seed

    def call(self, module: str, function: str, args: tuple, kwargs: dict, times: int | None = None) -> Any:
        """``function(*args, **kwargs)`` in the submission's process; with ``times``, that call
        ``times`` times over the same arguments (a generator advancing), a list of the results."""
        self._refuse_after_failures(function)
        what = f"{function}()" if times is None else f"{function}() ({times} calls in a row)"
        try:
            self._ensure_process()
            self._call_indexes, self.kept_toys = _indexes(), {}
            observed_model, records = self.observing or (None, None)
            if observed_model is not None and kept_toy.is_kept(observed_model):
                observed_model = None  # a kept toy's passes are recorded here, as they are run (_answer_toy)
            # The watched model goes as the argument it is (the learner's process watches the
            # object it calls), else as what it is (a backend's model: a handle).
            observe = next(([place, key] for place, key, value in wire.argument_slots(args, kwargs) if value is observed_model),
                           None) if observed_model is not None else None
            try:
                arguments = wire.to_plain([list(args), dict(kwargs), None if observe else observed_model], self._handles)
            finally:
                self._call_indexes = None
            memory = shared.share(arguments[0], arguments[1])
            message = {"op": "call", "module": module, "function": function, "args": arguments[0],
                       "kwargs": arguments[1], "times": times, "observe": arguments[2], "observe_argument": observe,
                       "seed_globals": self._take_seed(), "shared": memory.slots if memory else None}
            try:
                reply = self._exchange(message, what, budget=function, plain=True, fds=[memory.fd] if memory else None)
                changes = memory.changes() if memory else []
            finally:
                if memory:
                    memory.close()
            with _reading_reply(what):
                raised, value = self._outcome(reply, args, kwargs, changes, records, times, what)
        except LearnerFailure as failure:
            self._remember_failure(function, failure)
            raise
        if raised is not None:
            if getattr(raised, "decodelab_status", "") == Status.MEMORY:  # it would run out again: not in this test
                self.test_failures[function] = (str(getattr(raised, "decodelab_feedback", raised)), Status.MEMORY)
            raise raised
        return value

    def _outcome(self, reply: dict, args: tuple, kwargs: dict, changes: list[tuple[str, Any, dict]],
                 records: list[dict] | None, times: int | None, what: str) -> tuple[BaseException | None, Any]:
        """(the learner's exception, None) or (None, the value) of a ``call``'s reply; the call's
        in-place changes (read from the shared arguments, :mod:`grading.sandbox.shared`),
        generator states and forward-pass records applied here."""
        import torch

        op = reply.get("op")
        if op == "raise":
            return rebuild_error(reply.get("error", {}), self.limits), None
        if op in ("missing", "import_error"):
            raise LearnerCrash(str(reply.get("why") or _feedback_for_error(reply.get("error", {}), self.limits)[0]))
        if op == "arguments_lost":
            lost = LearnerCrash(_arguments_lost(reply, what, self.limits))
            if reply.get("reason") == "memory":
                lost.decodelab_status = Status.MEMORY
            raise lost
        if op != "return":
            raise LearnerCrash(f"{what} got an unexpected reply from your code's process")
        places = {"args": list(args), "kwargs": dict(kwargs)}
        for place, key, plain in changes:  # the tensors sent (a private copy of the test's, see
            target = places[place][key]      # grading.sandbox.arguments) take what the call left
            with torch.no_grad():
                target.copy_(wire.tensor_from_plain(plain).to(target.device))
        for place, key, state in reply.get("generators", []):
            original = places.get(place, {})
            try:
                generator = original[key]
                if isinstance(generator, torch.Generator):
                    generator.set_state(state)
            except Exception:
                continue
        if records is not None:
            observed = reply.get("observed")
            records.extend(item for item in (observed if isinstance(observed, list) else []) if isinstance(item, dict))
        value = reply.get("value")
        if times is not None and not (isinstance(value, list) and len(value) == times):
            raise LearnerCrash(f"{what} sent back something other than {times} results")
        return None, value

    def call_each(self, module: str, function: str, calls: list[tuple]) -> list[Any]:
        """``function(*args)`` for every ``args`` in ``calls``, in one request (plain arguments;
        no in-place changes or generator states come back). The first error ends the batch."""
        self._refuse_after_failures(function)
        what = f"{function}() (on {len(calls)} inputs in a row)"
        try:
            self._ensure_process()
            self._call_indexes, self.kept_toys = _indexes(), {}
            try:
                plain_calls = wire.to_plain([list(args) for args in calls], self._handles)
            finally:
                self._call_indexes = None
            message = {"op": "call_each", "module": module, "function": function, "calls": plain_calls,
                       "seed_globals": self._take_seed()}
            reply = self._exchange(message, what, budget=function, plain=True)
            with _reading_reply(what):
                op = reply.get("op")
                if op == "return_each":
                    values = reply.get("values")
                    if isinstance(values, list) and len(values) == len(calls):
                        return values
                    count = len(values) if isinstance(values, list) else "no list of"
                    raise LearnerCrash(f"{what} sent back {count} results for {len(calls)} inputs")
                if op == "raise":
                    error = rebuild_error(reply.get("error", {}), self.limits)
                    index = reply.get("index")
                    if isinstance(index, int) and 0 <= index < len(calls):
                        shown = ", ".join(wire.short_repr(arg) for arg in calls[index])
                        error.decodelab_feedback = f"{function}({shown}): {error.decodelab_feedback}"  # type: ignore[attr-defined]
                elif op in ("missing", "import_error"):
                    raise LearnerCrash(str(reply.get("why") or _feedback_for_error(reply.get("error", {}), self.limits)[0]))
                else:
                    raise LearnerCrash(f"{what} got an unexpected reply from your code's process")
        except LearnerFailure as failure:
            self._remember_failure(function, failure)
            raise
        raise error


# ---------------------------------------------------------------------------------------------
# The target


def _signature_of(parameters: list) -> inspect.Signature | None:
    try:
        return inspect.Signature([
            inspect.Parameter(str(name), inspect._ParameterKind(int(kind)),
                              default=Ellipsis if has_default else inspect.Parameter.empty)
            for name, kind, has_default in parameters
        ])
    except (ValueError, TypeError):
        return None


class IsolatedTarget(Target):
    """A submission whose functions run in a sandboxed process (see the module docstring)."""

    def __init__(self, path: Path, label: str | None = None, session: Session | None = None):
        super().__init__()
        self.path = path
        self.label = label or (path.stem if path.is_file() else path.name)
        self._session = session

    @property
    def session(self) -> Session:
        """The session given (the grader's, already running), else one of its own, started at first use."""
        if self._session is None:
            from grading.harness.submission import read_submission

            submission = read_submission(self.path)
            server = LearnerServer(sorted(judge_backends()))
            self._session = Session(server, submission.sources, label=self.label, owns_server=True)
        return self._session

    def _raw_function(self, exercise: Exercise) -> Callable[..., Any]:
        session = self.session
        found = session.lookup(exercise.module, exercise.function)
        if not found.found:
            raise MissingFunction(exercise, found.why)

        def remote(*args: Any, **kwargs: Any) -> Any:
            return session.call(exercise.module, exercise.function, args, kwargs)

        remote.__name__ = remote.__qualname__ = exercise.function
        signature = _signature_of(found.signature)
        if signature is not None:
            remote.__signature__ = signature  # type: ignore[attr-defined]
        return remote

    def _seed_learner_globals(self, seed: int) -> None:
        """In the learner's process, with the next call (no round trip of its own)."""
        self.session.seed_globals = seed

    def _passes_as_is(self, tensor: Any) -> bool:
        """Parameters, and views of a loaded backend's weights: those travel as handles (the
        learner's process uses its own copy), so a private copy here would only cost time."""
        return crosses_as_a_handle(tensor)

    def _raw_repeatedly(self, exercise: Exercise) -> Callable[..., list[Any]]:
        session = self.session
        found = session.lookup(exercise.module, exercise.function)
        if not found.found:
            raise MissingFunction(exercise, found.why)
        return lambda times, *args, **kwargs: session.call(exercise.module, exercise.function, args, kwargs, times)

    @contextmanager
    def observing_forward_passes(self, model: Any) -> Iterator[list[dict]]:
        """The passes are recorded in the learner's process, on its copy of ``model``, and come
        back with each call's reply: the model itself never leaves the sandbox."""
        session = self.session
        records: list[dict] = []
        session.observing = (model, records)
        try:
            yield records
        finally:
            session.observing = None

    def _raw_each(self, exercise: Exercise) -> Callable[[list[tuple]], list[Any]]:
        session = self.session
        found = session.lookup(exercise.module, exercise.function)
        if not found.found:
            raise MissingFunction(exercise, found.why)
        return lambda calls: session.call_each(exercise.module, exercise.function, calls)

    def close(self) -> None:
        if self._session is not None and self._session.owns_server:
            self._session.close()
