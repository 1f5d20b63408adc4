"""The learner's side of the grader: a pre-loaded fork server and the processes it forks.

Runs inside the sandbox (bubblewrap where the machine has it; see :mod:`grading.sandbox.grader_side`,
which starts it): ``python -m grading.sandbox.learner_side --control-fd N``. It imports torch and
transformers and loads the backends' models and tokenizers ONCE, then forks one process per
submission. That process — the only one that ever runs a learner's code — gets:

- a session and process group of its own, every inherited file descriptor closed but its
  channel to the grader, stdout and stderr sent to a capped file in its own scratch folder;
- a different user id where the server may switch to one (root inside bubblewrap, or root
  without it), so its process limit is its own and it cannot signal anything else;
- OS limits: address space (the server's plus ``memory_mb``), processes and threads,
  file size (which caps its printed output), CPU seconds, no core dumps;
- the submission's modules written into its scratch folder as the package ``exercises``,
  imported on demand; the global RNGs seeded with 0 (again at each hypothesis example's first call).

It then answers the grader's requests on its channel: ``lookup`` a function (importing its
module), ``call`` it with arguments decoded by :mod:`grading.sandbox.wire`. The model, tokenizer and
embedding matrix arrive as handles resolved to this process's own copies; nothing reaches back
into the grader's process.

Nothing here imports the hidden suites, ``solutions/`` or the reference implementations:
the sandbox does not even contain them.
"""
from __future__ import annotations

import argparse
import contextlib
import ctypes
import errno
import json
import os
import secrets
import signal
import socket
import stat
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path
from typing import Any

from grading.harness.not_started import raised_by_its_own_raise
from grading.harness.output import file_end, keep_end, keep_start
from grading.harness.processes import alive, close_other_fds
from grading.harness.scratch import remove as remove_folder
from grading.sandbox.cgroups import kill_count
from grading.sandbox.disk import PR_SET_DUMPABLE, refuse_uncounted_writes, written_bytes
from grading.sandbox.file_access import confine
from grading.sandbox.environment import keep_only_what_learners_need
from grading.sandbox.ipc import refuse_system_v_ipc_and_keys
from grading.sandbox.neighbours import grader_threads, leave_other_processes_alone
from grading.sandbox.network import close_network
from grading.sandbox.network import load_library as load_network_filter

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
OUTPUT_FILE = "output.txt"
SOURCE_FOLDER = "exercises"
SETUP_FAILED = 71  # exit status of a submission process whose set-up failed before the learner's code ran
LEARNER_FAILED = 70  # ... and of one that ended by an exception the serving loop did not catch


def _prctl(option: int, value: int) -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)
    except Exception:
        pass


def _charged_memory(pid: int) -> int:
    """The process's resident anonymous and shared memory (``RssAnon``: what it allocated, and
    the pages it still shares with the process it was forked from; ``RssShmem``: shared
    mappings, ``/dev/shm`` and System V segments it has attached), in bytes; 0 for a process
    that is gone. ``/proc/<pid>/status`` can be read by any user, unlike ``smaps``: the worker
    may have no right to look inside a process of the submission's user id."""
    found = 0
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(("RssAnon:", "RssShmem:")):
                    found += int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return found


def memory_files(pids: list[int]) -> int:
    """Bytes of the memory files (``memfd_create``) that the processes ``pids`` hold open or
    map, each file once. Their pages are in no process's ``RssAnon``, and in ``RssShmem`` only
    where a process has touched a mapping: twelve processes holding 200 memory files of 1 MiB
    each (the output limit caps a file, the descriptor limit their number) kept 2.4 GB past a
    budget of 2 GB unseen. A file counts by its size where a process holds a descriptor, by the
    extent mapped where one only maps it (reading another uid's descriptors and maps takes
    ``CAP_SYS_PTRACE``, which the worker keeps as root in bubblewrap)."""
    sizes: dict[int, int] = {}
    for pid in pids:
        try:
            descriptors = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            descriptors = []
        for descriptor in descriptors:
            path = f"/proc/{pid}/fd/{descriptor}"
            try:
                if os.readlink(path).startswith("/memfd:"):
                    found = os.stat(path)
                    sizes[found.st_ino] = max(sizes.get(found.st_ino, 0), found.st_size)
            except OSError:
                continue
        try:
            with open(f"/proc/{pid}/maps") as maps:
                text = maps.read()
        except OSError:
            continue
        if "/memfd:" not in text:
            continue
        for line in text.splitlines():
            fields = line.split(maxsplit=5)
            if len(fields) < 6 or not fields[5].startswith("/memfd:"):
                continue
            try:
                start, end = (int(bound, 16) for bound in fields[0].split("-"))
                inode, extent = int(fields[4]), int(fields[2], 16) + end - start
            except ValueError:
                continue
            sizes[inode] = max(sizes.get(inode, 0), extent)
    return sum(sizes.values())


# System V IPC objects and the user keyrings belong to a user id, not to a process: they
# outlive the process that made them, and would pass notes (and hold memory) to the next
# submission of the same user id. Removed as that user (Server._remove_leftovers).
IPC_RMID = 0
KEYCTL_JOIN_SESSION_KEYRING = 1
KEYCTL_CLEAR = 7
KEYCTL_GET_PERSISTENT = 22
KEY_SPEC_PROCESS_KEYRING = -2
USER_KEYRINGS = (-4, -5)  # KEY_SPEC_USER_KEYRING, KEY_SPEC_USER_SESSION_KEYRING
KEYCTL_SYSCALL = {"x86_64": 250, "aarch64": 219}


def _keyctl(*arguments: int | None) -> int:
    """The ``keyctl`` system call (glibc has no wrapper); -1 where this machine has none."""
    number = KEYCTL_SYSCALL.get(os.uname().machine)
    if number is None:
        return -1
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    return libc.syscall(ctypes.c_long(number), *(ctypes.c_long(a) if a is not None else None for a in arguments))


def sysv_objects(kind: str, uid: int, made_only: bool = False) -> list[tuple[int, int]]:
    """``(id, bytes held)`` of the System V IPC objects of ``kind`` (``shm``, ``sem``, ``msg``)
    that ``uid`` owns or made, or (``made_only``) made, as ``/proc/sysvipc`` lists them (bytes: a
    segment's resident size). Its maker (``cuid``) never changes, its owner may: a fifteenth red
    team handed its segments to another user, past a clean-up that looked at owners, and to an
    honest classmate's, who was then killed for the memory (grading.sandbox.ipc)."""
    try:
        rows = [row.split() for row in Path(f"/proc/sysvipc/{kind}").read_text().splitlines()]
    except OSError:
        return []
    if not rows:
        return []
    header = rows[0]
    found = []
    for row in rows[1:]:
        try:
            fields = dict(zip(header, row))
            if int(fields["cuid"]) == uid or (not made_only and int(fields["uid"]) == uid):
                found.append((int(row[1]), int(fields.get("rss", 0))))
        except (KeyError, ValueError, IndexError):
            continue
    return found


def remove_ipc_and_keys(uid: int, keyrings: bool = True) -> None:
    """Remove every System V IPC object ``uid`` owns and (``keyrings``) clear its user keyrings.
    Run as ``uid``."""
    libc = ctypes.CDLL(None, use_errno=True)
    removers = {"shm": lambda ident: libc.shmctl(ident, IPC_RMID, None),
                "sem": lambda ident: libc.semctl(ident, 0, IPC_RMID),
                "msg": lambda ident: libc.msgctl(ident, IPC_RMID, None)}
    for kind, remove in removers.items():
        for ident, _ in sysv_objects(kind, uid):
            remove(ident)
    if keyrings:
        for keyring in USER_KEYRINGS:
            _keyctl(KEYCTL_CLEAR, keyring)
        # The user's persistent keyring too: any process of the uid may fetch it, and it outlives
        # every process (three days by default; as root in bubblewrap it is the machine's).
        persistent = _keyctl(KEYCTL_GET_PERSISTENT, -1, KEY_SPEC_PROCESS_KEYRING)
        if persistent > 0:
            _keyctl(KEYCTL_CLEAR, persistent)


def memory_filesystems() -> list[str]:
    """The mount points of this process's tmpfs file systems (inside bubblewrap: the sandbox's
    ``/tmp``, ``/dev`` and the placeholders it mounts), one per file system."""
    found, devices = [], set()
    try:
        lines = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return []
    for line in lines:
        fields, _, rest = line.partition(" - ")
        parts = fields.split()
        if len(parts) < 5 or rest.split()[:1] != ["tmpfs"]:
            continue
        mount_point = parts[4].replace("\\040", " ")
        try:
            device = os.stat(mount_point).st_dev
        except OSError:
            continue
        if device not in devices:
            devices.add(device)
            found.append(mount_point)
    return found


def stored(mount_points: list[str]) -> tuple[int, int]:
    """``(bytes, files)`` held in the file systems at ``mount_points``. A tmpfs keeps both in
    memory: its data as pages, every file (empty ones too) as an inode the kernel cannot free."""
    used_bytes = used_files = 0
    for mount_point in mount_points:
        try:
            usage = os.statvfs(mount_point)
        except OSError:
            continue
        used_bytes += (usage.f_blocks - usage.f_bfree) * usage.f_frsize
        used_files += usage.f_files - usage.f_ffree
    return used_bytes, used_files


def files_below(folder: Path, limit: int) -> int | None:
    """Entries (files, folders, links) beneath ``folder``, counted until there are more than
    ``limit``; None when a folder below could not be listed, or vanished while it was read (a
    submission may hide files in a folder it makes unreadable, or keep renaming it)."""
    count, pending = 0, [str(folder)]
    while pending:
        path = pending.pop()
        try:
            with os.scandir(path) as entries:
                for entry in entries:
                    count += 1
                    if count > limit:
                        return count
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(entry.path)
        except FileNotFoundError:
            if path != str(folder):
                return None
        except OSError:
            return None
    return count


def _in_own_user_namespace() -> bool:
    """Whether this process runs in a user namespace of its own (bubblewrap run by an ordinary
    user maps a single id), where its user keyrings are not the user's everywhere else."""
    try:
        rows = Path("/proc/self/uid_map").read_text().split("\n")
    except OSError:
        return False
    return [row.split() for row in rows if row.strip()] != [["0", "0", "4294967295"]]


def _status_field(name: str) -> int:
    """A ``kB`` field of /proc/self/status, in bytes."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(name + ":"):
                return int(line.split()[1]) * 1024
    return 0


# ---------------------------------------------------------------------------------------------
# The server


class Server:
    """Holds the loaded backends; forks, watches and ends submission processes."""

    def __init__(self, control: socket.socket, scratch: Path, uid: int | None, private: bool = False,
                 group_fds: list[int] | None = None, kill_count_fd: int | None = None,
                 readable: list[str] | None = None):
        self.control = control
        # Where a submission's process may read besides its folder (grading.sandbox.file_access);
        # None: its files are not confined (no Landlock here, or the grader turned it off)
        self.readable = readable
        # The submissions' control group (grading.sandbox.cgroups): its cgroup.procs files, which
        # a submission's process joins, and the file that counts the kernel's out-of-memory kills.
        self.group_fds = list(group_fds or [])
        self.kill_count_fd = kill_count_fd
        self.scratch = scratch
        self.uid = uid
        self.private = private  # /tmp, /dev/shm and the System V IPC namespace are the sandbox's own
        # The sandbox's tmpfs (fixed once it runs); outside a sandbox none: the machine's are shared.
        self.memory_mounts = memory_filesystems() if uid is not None or private else []
        self.backends: dict[str, Any] = {}
        self.children: dict[int, Path] = {}
        self.memory_budget: int | None = None  # bytes the current submission's processes may add, together
        self.file_budget: int | None = None  # files they may add to the sandbox's tmpfs or their folders, together
        self.disk_budget: int | None = None  # bytes they may write to files, together (grading.sandbox.disk)
        self.stopped_for: str | None = None  # why the watcher killed the current submission: "memory", "files", "disk"
        self._watching = False
        self._world_writable: list[Path] | None = None

    def load(self, names: list[str]) -> None:
        from reference.backends import load_backend

        import torch

        for spec in names:
            # "name=/absolute/folder": a folder backend named relative to the grader's directory
            name, _, source = spec.partition("=") if "=" in spec else (spec, "", spec)
            if name in self.backends:
                continue
            backend = load_backend(source)
            with torch.no_grad():  # warm up lazy initialisation before any fork
                backend.model(backend.encode("Hello"))
            backend.tokenizer.convert_ids_to_tokens([1, 2])
            self.backends[name] = backend

    def serve(self) -> None:
        from grading.sandbox import wire
        while True:
            fds: list[int] = []
            try:
                request = wire.receive(self.control, fds=fds, budget=wire.Budget.unlimited())
            except (EOFError, ConnectionError, OSError):
                self.end_all()
                return
            op = request.get("op")
            try:
                if op == "spawn":
                    reply = self.spawn(request, fds)
                elif op == "end":
                    reply = self.end(int(request["pid"]))
                elif op == "end_all":
                    self.end_all()
                    reply = {"ok": True}
                elif op == "load":
                    self.load(list(request.get("backends", [])))
                    reply = {"ok": True}
                elif op == "ping":
                    reply = {"ok": True}
                elif op == "shutdown":
                    self.end_all()
                    wire.send(self.control, {"ok": True})
                    return
                else:
                    reply = {"ok": False, "error": f"unknown request {op!r}"}
            except Exception as error:
                reply = {"ok": False, "error": f"{type(error).__name__}: {error}"}
            finally:
                for fd in fds:
                    try:
                        os.close(fd)
                    except OSError:
                        pass
            wire.send(self.control, reply)

    def spawn(self, request: dict, fds: list[int]) -> dict:
        if not fds:
            return {"ok": False, "error": "spawn needs a channel"}
        try:
            self.load(list(request.get("backends", [])))
        except Exception as error:
            return {"ok": False, "error": f"cannot load the backend in the sandbox: {type(error).__name__}: {error}"}
        sys.stdout.flush()
        sys.stderr.flush()
        channel_fd = fds[0]
        # A name no earlier submission can guess: one that made folders in advance for the
        # next process ids (s<pid>) would otherwise make the next submission fail to start.
        folder = self.scratch / f"s-{secrets.token_hex(12)}"
        if not self.children:
            self._before = self._snapshot()
        self._watch_memory()  # its thread exists before the fork: the child learns its id (grader_threads)
        pid = os.fork()
        if pid == 0:
            try:
                child_main(channel_fd, request, self, folder)
            except BaseException:
                traceback.print_exc()
            os._exit(SETUP_FAILED)
        self.children[pid] = folder
        self.memory_budget = int(request.get("limits", {}).get("memory_mb", 2048)) * 2**20
        self.file_budget = int(request.get("limits", {}).get("files", 10_000))
        self.disk_budget = int(request.get("limits", {}).get("disk_mb", 1024)) * 2**20
        return {"ok": True, "pid": pid}

    def _watch_memory(self) -> None:
        """Keep the submission's processes, together, within its memory budget.

        The address-space limit binds each process alone, and a submission may start several
        (up to its process limit): six children of 500 MB each would pass six limits of 512 MB.
        Every quarter second this thread reads the resident anonymous and shared memory of every
        process below the server (:func:`_charged_memory`). What each holds beyond what the
        submission's first process held at the start (pages a forked child still shares with its
        parent count as its own: a submission that forks is charged generously) is added up,
        with the memory files they hold (:func:`memory_files`), the uid's System V segments
        and, in a sandbox, what the sandbox's tmpfs gained
        (files there are memory that no process shows). Once that exceeds the budget, or the
        tmpfs or their folders gained more files than the file budget (an empty file costs no
        bytes but ~1 kB of the kernel's memory: three million of them took 2.6 GB; on a disk, an
        inode of the disk's fixed number, :func:`files_below`), or the kernel killed one of them
        at the submissions' control group's limit (kernel memory that none of these counts
        shows, such as socket buffers), they are all killed: the call fails as out of memory (or of
        files, :attr:`stopped_for`), and nothing else on the machine has to. The same thread stops
        them once they have written more than the disk budget to files, together
        (:mod:`grading.sandbox.disk`: what matters where no sandbox keeps them off the disk)."""
        if self._watching:
            return
        self._watching = True
        # the submission process -> memory, tmpfs bytes, tmpfs files, kills, this server's written
        # bytes, files in the scratch folder's file system, when first seen
        start: dict[int, tuple[int, int, int, int, int, int]] = {}
        mounts = self.memory_mounts

        def kills() -> int:
            return kill_count(self.kill_count_fd) if self.kill_count_fd is not None else 0

        def watch() -> None:
            while True:
                time.sleep(0.25)
                children = list(self.children)
                if not children or self.memory_budget is None:
                    start.clear()
                    continue
                try:
                    everyone = self._strays(ended=True)  # ended and not yet reaped: their writes count
                    strays = [pid for pid in everyone if alive(pid)]
                    held = [_charged_memory(pid) for pid in strays]
                    in_files = memory_files(strays)
                    folders = list(self.children.values())
                except Exception:  # a process list in flux: read it again next time
                    continue
                if children[0] not in start:
                    start[children[0]] = (_charged_memory(children[0]), *stored(mounts), kills(), written_bytes(),
                                          stored([str(self.scratch)])[1])
                base, base_bytes, base_files, base_kills, base_written, base_disk_files = start[children[0]]
                used = sum(max(0, memory - base) for memory in held) + in_files
                if self.uid is not None:  # segments made and detached hold memory no process shows
                    used += sum(size for _, size in sysv_objects("shm", self.uid, made_only=True))
                now_bytes, now_files = stored(mounts)
                used += max(0, now_bytes - base_bytes)
                # Files on a disk (no sandbox's tmpfs holds the scratch folder) are no memory but
                # use up the disk's inodes: the submission's folders are counted. A folder it hid
                # leaves the count to its file system, which others write to as well.
                too_many_files = False
                if self.file_budget is not None:
                    walked = [files_below(folder, self.file_budget) for folder in folders]
                    on_disk = (stored([str(self.scratch)])[1] - base_disk_files if None in walked
                               else sum(count or 0 for count in walked))
                    too_many_files = max(now_files - base_files, on_disk) > self.file_budget
                # Finished processes' bytes went to whoever reaped them: a live process of the
                # submission, or this server (orphans come back to it).
                written = sum(written_bytes(pid) for pid in everyone) + written_bytes() - base_written
                too_much_written = self.disk_budget is not None and written > self.disk_budget
                if used > self.memory_budget or too_many_files or too_much_written or kills() > base_kills:
                    self.stopped_for = "files" if too_many_files else "disk" if too_much_written else "memory"
                    # Kill, never reap: end() must still read the submission process's SIGKILL.
                    # As root in bubblewrap this server may not signal another uid: a helper
                    # that becomes the submission's uid does it (as _kill_everything does).
                    if self.uid is not None:
                        with contextlib.suppress(OSError):
                            self._as_uid(lambda: os.kill(-1, signal.SIGKILL))
                    for pid in self._strays():
                        with contextlib.suppress(ProcessLookupError, PermissionError):
                            os.kill(pid, signal.SIGKILL)

        threading.Thread(target=watch, name="memory-watch", daemon=True).start()

    def end(self, pid: int) -> dict:
        """Stop ``pid`` and everything it started; its exit status and printed output."""
        status = None
        deadline = time.monotonic() + 0.5  # it may be exiting right now (its channel closed)
        while time.monotonic() < deadline:
            try:
                done, raw = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                break
            if done:
                status = raw
                break
            time.sleep(0.01)
        killed = status is None
        self._kill_everything(pid)
        if status is None:
            try:
                _, status = os.waitpid(pid, 0)
            except ChildProcessError:
                status = None
        folder = self.children.pop(pid, None)
        output = file_end(folder / OUTPUT_FILE) if folder is not None else ""
        if folder is not None:
            self._remove(folder)
        if not self.children:
            self._remove_leftovers()
        self._reap()
        reply: dict[str, Any] = {"ok": True, "killed": killed, "output": output}
        if self.stopped_for:
            reply["stopped_for"] = self.stopped_for
        if not self.children:
            self.stopped_for = None
        if status is not None and not killed:
            if os.WIFSIGNALED(status):
                reply["signal"] = os.WTERMSIG(status)
            elif os.WIFEXITED(status):
                reply["code"] = os.WEXITSTATUS(status)
        return reply

    def end_all(self) -> None:
        for pid in list(self.children):
            self.end(pid)
        self._kill_everything(None)
        self._reap()

    def _kill_everything(self, pid: int | None) -> None:
        if pid is not None:
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        for _ in range(200):
            strays = self._strays()
            if not strays:
                return
            if self.uid is not None:
                self._as_uid(lambda: os.kill(-1, signal.SIGKILL))
            for stray in strays:
                for sig in (signal.SIGSTOP, signal.SIGKILL):
                    try:
                        os.kill(stray, sig)
                    except (ProcessLookupError, PermissionError):
                        pass
            self._reap()
            time.sleep(0.005)

    def _strays(self, ended: bool = False) -> list[int]:
        """Every process below this server (orphans come back to it: it is a subreaper) that has
        not ended; with ``ended``, those that have but are not yet reaped too."""
        me = os.getpid()
        parents: dict[int, int] = {}
        uids: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
                parents[int(entry)] = int(fields[1])
                if self.uid is not None:
                    uids[int(entry)] = os.stat(f"/proc/{entry}").st_uid
            except (OSError, IndexError, ValueError):
                continue
        found = []
        for process in parents:
            if process == me:
                continue
            if self.uid is not None and uids.get(process) == self.uid:
                found.append(process)
                continue
            ancestor, hops = parents.get(process), 0
            while ancestor and ancestor != me and hops < 64:
                ancestor, hops = parents.get(ancestor), hops + 1
            if ancestor == me:
                found.append(process)
        return found if ended else [p for p in found if alive(p)]

    def _as_uid(self, action) -> None:
        helper = os.fork()
        if helper == 0:
            try:
                os.setgroups([])
                os.setgid(self.uid)
                os.setuid(self.uid)
                action()
            finally:
                os._exit(0)
        os.waitpid(helper, 0)

    def _remove(self, folder: Path) -> None:
        if self.uid is not None:
            self._as_uid(lambda: remove_folder(folder))
        else:
            remove_folder(folder)

    def _shared_places(self) -> list[Path]:
        """Where a submission process can write besides its own folder, as far as we may clean:
        with a uid of its own, or in a sandbox whose ``/tmp`` and ``/dev/shm`` are its own, the
        scratch root, ``/dev/shm``, ``/tmp`` and the sandbox's other tmpfs (bubblewrap run by an
        ordinary user leaves its root, ``/dev`` and placeholders writable), and with a uid of its
        own outside a sandbox the machine's other folders that anyone may write to
        (:func:`world_writable_folders`); otherwise only the scratch root (``/tmp`` may be the
        machine's, shared with others)."""
        if self.uid is None and not self.private:
            return [self.scratch]
        places = [self.scratch, Path("/dev/shm"), Path(tempfile.gettempdir())]
        places += [Path(point) for point in self.memory_mounts if Path(point) not in places]
        if self.uid is not None and not self.private:  # the machine's own: every folder anyone may write to
            if self._world_writable is None:  # looked for once: below /tmp that takes a walk
                self._world_writable = world_writable_folders()
            places += [folder for folder in self._world_writable if folder not in places]
        return places

    def _snapshot(self) -> dict[Path, set[Path]]:
        return {place: set(_entries(place)) for place in self._shared_places()}

    def _remove_leftovers(self) -> None:
        """Remove what submission processes left in the shared places (:meth:`_shared_places`):
        the next submission must find nothing of this one. Run when no submission is alive.

        With a uid of their own, everything that uid owns goes, its System V IPC objects and
        keyrings too (:func:`remove_ipc_and_keys`). Without one, they share ours: every entry of
        the shared places that was not there when the first of them started goes, and in a
        sandbox of our own our uid's System V IPC objects (the sandbox's IPC namespace holds
        them) and, in a user namespace of its own (bubblewrap run by an ordinary user), its
        keyrings go too.
        """
        before = getattr(self, "_before", None) or {}
        uid = self.uid

        def remove() -> None:
            if uid is not None:
                remove_ipc_and_keys(uid)
            elif self.private:  # the IPC namespace is the sandbox's; the keyrings only in a user namespace of its own
                remove_ipc_and_keys(os.getuid(), keyrings=_in_own_user_namespace())
            for place in self._shared_places():
                for entry in _entries(place):
                    try:
                        if uid is not None and entry.lstat().st_uid != uid:
                            continue
                        if uid is None and entry in before.get(place, set()):
                            continue
                        remove_folder(entry)  # a folder however deep, or the file or link itself
                    except Exception:  # one entry that resists must not leave the others for the next submission
                        pass

        if uid is not None:
            self._as_uid(remove)
        elif before:
            remove()

    def _reap(self) -> None:
        while True:
            try:
                done, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if not done:
                return


# Folders that Linux systems commonly leave writable by every user (the FHS's and Debian's):
# without a sandbox a submission can leave a note in any of them for the next one (a twelfth red
# team did, in /var/tmp and /run/lock). Searching the whole file system for them took 9 s here.
WORLD_WRITABLE_CANDIDATES = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock", "/var/lock", "/dev/mqueue",
                             "/var/crash", "/var/metrics", "/run/shm")


# How far below each of those to look for more folders anyone may write to (``/tmp/.X11-unix``,
# a folder some program left open to all): levels, and entries read in all.
WORLD_WRITABLE_DEPTH = 3
WORLD_WRITABLE_ENTRIES = 10_000


def world_writable_folders() -> list[Path]:
    """Those of :data:`WORLD_WRITABLE_CANDIDATES` that exist here and anyone may write to, each
    once (``/var/lock`` is usually a link to ``/run/lock``), and the folders below them that anyone
    may write to (:func:`_open_subfolders`): a fourteenth red team left a note in ``/tmp/rt11/drop``,
    which the next submission read, where only the top of ``/tmp`` was cleaned."""
    found: list[Path] = []
    for candidate in WORLD_WRITABLE_CANDIDATES:
        try:
            folder = Path(candidate).resolve()
            mode = folder.stat().st_mode
        except OSError:
            continue
        if stat.S_ISDIR(mode) and mode & stat.S_IWOTH and folder not in found:
            found.append(folder)
    for folder in list(found):
        found += [sub for sub in _open_subfolders(folder) if sub not in found]
    return found


def _open_subfolders(root: Path) -> list[Path]:
    """Folders below ``root`` (at most :data:`WORLD_WRITABLE_DEPTH` levels, links not followed,
    :data:`WORLD_WRITABLE_ENTRIES` entries read) that anyone may write to. One a learner makes is
    its uid's, and goes with the entry above it; one made after this look is not cleaned."""
    found, pending, read = [], [(root, 0)], 0
    while pending and read < WORLD_WRITABLE_ENTRIES:
        folder, depth = pending.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    read += 1
                    if read >= WORLD_WRITABLE_ENTRIES:
                        break
                    try:
                        if not entry.is_dir(follow_symlinks=False):
                            continue
                        mode = entry.stat(follow_symlinks=False).st_mode
                    except OSError:
                        continue
                    if mode & stat.S_IWOTH:
                        found.append(Path(entry.path))
                    if depth + 1 < WORLD_WRITABLE_DEPTH:
                        pending.append((Path(entry.path), depth + 1))
        except OSError:
            continue
    return found


def _entries(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())
    except OSError:
        return []


# ---------------------------------------------------------------------------------------------
# The submission process


def _limit(resource_id: int, value: int) -> None:
    import resource

    try:
        _, hard = resource.getrlimit(resource_id)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(resource_id, (value, value))
    except (ValueError, OSError):
        pass


def seed_global_generators(seed: int) -> None:
    """Seed the global random generators a learner's code may draw from without being given one:
    ``random``, ``numpy.random`` (when numpy is installed) and torch's (every device). A
    submission's process starts so, and so does each hypothesis example's first call
    (:meth:`grading.harness.target.Target.function`), in the sandbox and in-process alike."""
    import random

    import torch

    if torch.accelerator.is_available():
        torch.manual_seed(seed)
    else:
        # torch.manual_seed would also queue a seed for CUDA, XPU and MTIA, which a machine
        # without them never starts, each with a formatted stack: 0.5-1 ms a call, 710 calls
        # for a complete submission. The CPU generator is the only one such a process has.
        torch.default_generator.manual_seed(seed)
    random.seed(seed)
    try:
        import numpy
    except ImportError:
        return
    numpy.random.seed(seed)


def call_with_fresh_grad_mode(function: Any, *args: Any, **kwargs: Any) -> Any:
    """``function(*args, **kwargs)`` with gradients on, as in a fresh Python session, and torch's
    grad mode put back after it: a learner's call that switches gradients off for the whole
    process (``torch.set_grad_enabled(False)``) does so for itself only. Without this, one
    function's leftover switch let another, called later, pass its "builds no gradient graph"
    test without ``torch.no_grad()`` (a forty-third examiner's angle, 2026-12-07). Each call of
    :meth:`grading.harness.target.Target.function`, in the sandbox and in-process alike."""
    import torch

    with torch.enable_grad():
        return function(*args, **kwargs)


def child_main(channel_fd: int, request: dict, server: Server, folder: Path) -> None:
    """Become the submission's process: drop privileges, confine, then serve calls in ``folder``.

    Until the process has said it is ready (before the learner's code is imported), a failure
    exits with :data:`SETUP_FAILED`: the grader's fault, never blamed on the submission. The
    grader trusts that status only before the ready message: learner code can exit with any
    status it likes.
    """
    import resource

    os.setsid()
    # The worker's threads, its memory watcher among them (a signal to any of them reaches it),
    # and, where the submission runs as the grader's own user, those of every process above it.
    protected = grader_threads(own_user=server.uid is None)
    limits: dict = request.get("limits", {})
    for joining in server.group_fds:  # where the kernel bounds its memory and CPU, with all it starts
        os.write(joining, b"0")
    # First in line for the kernel's out-of-memory killer, with all it starts: where the machine
    # or the container runs short, this process goes, not the grader's. Raising one's own score
    # needs no privilege, lowering it again does.
    try:
        Path("/proc/self/oom_score_adj").write_text("1000")
    except OSError:
        pass
    close_other_fds(keep={channel_fd})
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    if server.uid is not None:
        os.setgroups([])
        os.setgid(server.uid)
        os.setuid(server.uid)
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    # 0o711 and 0o644: the server reads the printed output even where it runs as a root without
    # CAP_DAC_OVERRIDE (bubblewrap as root); nothing else shares this uid while we live.
    folder.mkdir(mode=0o711)
    os.chmod(folder, 0o711)
    os.chdir(folder)
    keep_only_what_learners_need()  # not the grader's tokens and agents (without bubblewrap, all of its variables)
    os.environ["TMPDIR"] = os.environ["HOME"] = str(folder)  # temporary files stay in the folder
    tempfile.tempdir = str(folder)
    output = os.open(folder / OUTPUT_FILE, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(output, 1)
    os.dup2(output, 2)
    # Written at once: the process is killed when its submission ends, and a buffer dies with it.
    for stream in (sys.stdout, sys.stderr):
        stream.reconfigure(line_buffering=True, write_through=True)
    for fd in (null, output):
        os.close(fd)
    package = folder / SOURCE_FOLDER
    package.mkdir()
    (package / "__init__.py").write_text("")
    for module, source in request.get("sources", {}).items():
        (package / f"{module}.py").write_bytes(source)
    sys.path.insert(0, str(folder))
    sys.path.append(str(package))
    import importlib

    importlib.invalidate_caches()

    # Limits last: the set-up above must not trip them.
    processes = int(limits.get("processes", 64))
    if server.uid is None:  # our uid is shared with the server (and, without a sandbox, more)
        processes += _tasks_of_uid(os.getuid())
    _limit(resource.RLIMIT_NPROC, processes)
    _limit(resource.RLIMIT_AS, _status_field("VmSize") + int(limits.get("memory_mb", 2048)) * 2**20)
    _limit(resource.RLIMIT_FSIZE, int(limits.get("output_bytes", 2**20)))
    _limit(resource.RLIMIT_CORE, 0)
    _limit(resource.RLIMIT_CPU, int(limits.get("cpu_seconds", 600)))
    _limit(resource.RLIMIT_NOFILE, 256)
    # POSIX message queues live in the sandbox's IPC namespace, which every submission of a
    # worker shares, and no clean-up can list them: a queue left by one would hand its code to
    # the next. Nothing a learner's code needs uses them; with no bytes allowed none can be made.
    _limit(resource.RLIMIT_MSGQUEUE, 0)
    # A session keyring of its own: the one it inherits is the server's, shared by every
    # submission (a key added there would reach the next one). Dies with its last process.
    _keyctl(KEYCTL_JOIN_SESSION_KEYRING, None)
    # No network, also where no sandbox gives a network namespace (the grader's description of
    # the sandbox says whether this filter can load here: grading.sandbox.network).
    try:
        close_network()
    except (OSError, RuntimeError, ImportError):
        pass
    # Reads only of what the worker names, writes only in its folder (the description says
    # whether the kernel allows it: grading.sandbox.file_access).
    confined = False
    if server.readable is not None:
        try:
            confine(folder, server.readable)
            confined = True
        except OSError:
            pass
    try:  # where these filters cannot load, the network's could not either, and the description says so
        # as the worker's own user, dumpable again so the worker can read its counts (once confined)
        refuse_uncounted_writes(watchable=confined and server.uid is None)
        refuse_system_v_ipc_and_keys()  # after the session keyring's join above
        leave_other_processes_alone(protected)
    except (OSError, RuntimeError, ImportError):
        pass

    import warnings

    seed_global_generators(0)
    warnings.resetwarnings()
    warnings.simplefilter("default")
    channel = socket.socket(fileno=channel_fd)
    learner = Learner(channel, server, folder)
    # The set-up is done and nothing of the learner's has run: say so. From this message on, how
    # this process ends is the learner's doing, whatever its exit status (SETUP_FAILED included).
    learner.send({"op": "ready"})
    try:
        learner.serve()
    except BaseException:
        traceback.print_exc()
        os._exit(LEARNER_FAILED)
    os._exit(0)


def _tasks_of_uid(uid: int) -> int:
    count = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    count += len(os.listdir(f"/proc/{entry}/task"))
            except OSError:
                continue
    return count


MAPPING_BASES = ("ModelOutput", "BatchEncoding")


def rebuild_mapping(type_name: str, data: dict) -> Any:
    """A transformers ``ModelOutput`` / ``BatchEncoding`` by its name, else a plain dict."""
    module_name, _, name = type_name.rpartition(".")
    module = sys.modules.get(module_name)
    cls = getattr(module, name, None) if module_name.startswith("transformers.") and module else None
    if isinstance(cls, type) and any(base.__name__ in MAPPING_BASES for base in cls.__mro__):
        try:
            if any(base.__name__ == "BatchEncoding" for base in cls.__mro__):
                return cls(data)
            return cls(**data)
        except Exception:
            pass
    return data


class Learner:
    """The request loop of a submission process."""

    def __init__(self, channel: socket.socket, server: Server, folder: Path):
        self.channel = channel
        self.server = server
        self.folder = folder
        self.pid = os.getpid()
        self.modules: dict[str, Any] = {}

    # -- talking ------------------------------------------------------------------------------
    def send(self, message: dict) -> None:
        from grading.sandbox import wire
        if os.getpid() != self.pid:  # a copy made by the learner's os.fork(): stay silent
            os._exit(0)
        try:
            wire.send(self.channel, message, handles=self.handles)
        except Exception as error:
            wire.send(self.channel, {"op": "raise", "error": {
                "types": ["builtins.TypeError"], "message": f"the result could not be sent back to the grader: {error}",
                "frames": []}})

    def receive(self, fds: list[int]) -> Any:
        from grading.sandbox import wire
        return wire.receive(self.channel, resolve=self.resolve, mapping=rebuild_mapping, fds=fds,
                            budget=wire.Budget.unlimited())  # from the grader: trusted

    def ask(self, question: dict) -> Any:
        """A question to the grader in the middle of a call (a kept toy's forward pass,
        :mod:`grading.sandbox.kept_toy`), and its answer."""
        self.send(question)
        return self.receive([])

    def serve(self) -> None:
        while True:
            fds: list[int] = []  # a call's shared arguments (grading.sandbox.shared)
            try:
                request = self.receive(fds)
            except (EOFError, ConnectionError, OSError):
                os._exit(0)
            except Exception as error:  # a request this process cannot rebuild: say so, go on
                self.send({"op": "raise", "error": {
                    "types": ["builtins.RuntimeError"], "frames": [],
                    "message": f"the grader's request could not be read in your code's process ({error}); "
                               "this is a grader problem, not yours"}})
                continue
            op = request.get("op")
            if op == "lookup":
                self.send(self.lookup(request["module"], request["function"]))
            elif op == "call":
                self.send(self.call(request, fds))
            elif op == "call_each":
                self.send(self.call_each(request))
            elif op == "exit":
                os._exit(0)
            else:
                self.send({"op": "raise", "error": _error_info(RuntimeError(f"unknown request {op!r}"), self.folder)})

    # -- handles ------------------------------------------------------------------------------
    def handles(self, value: Any) -> dict | None:
        """Objects that go back as references: this process's backend objects."""
        from grading.sandbox.wire import TAG

        for name, backend in self.server.backends.items():
            if value is backend.model:
                return {TAG: "handle", "kind": "backend", "backend": name, "what": "model"}
            if value is backend.tokenizer:
                return {TAG: "handle", "kind": "backend", "backend": name, "what": "tokenizer"}
        from grading.sandbox.wire import tokenizer_handle

        return tokenizer_handle(value)

    def resolve(self, handle: dict) -> Any:
        from grading.sandbox import wire

        if handle.get("kind") == "tokenizer":
            return wire.named_tokenizer(handle)
        if handle.get("kind") == "kept_toy":
            from grading.sandbox.kept_toy import KeptToy

            return KeptToy(handle, self.ask)
        name = str(handle.get("backend"))
        if name not in self.server.backends:
            self.server.load([name])  # a backend the server did not preload
        return wire.backend_object(self.server.backends[name], handle)

    # -- the learner's functions --------------------------------------------------------------
    def _module(self, module: str) -> Any:
        if module not in self.modules:
            import importlib

            self.modules[module] = importlib.import_module(f"{SOURCE_FOLDER}.{module}")
        return self.modules[module]

    def lookup(self, module: str, function: str) -> dict:
        if not (self.folder / SOURCE_FOLDER / f"{module}.py").is_file():
            return {"op": "missing", "why": f"the submission has no {module}.py"}
        try:
            loaded = self._module(module)
        except BaseException as error:  # SyntaxError, an import-time crash, sys.exit()...
            return {"op": "import_error", "error": _error_info(error, self.folder)}
        raw = getattr(loaded, function, None)
        if not callable(raw):
            return {"op": "missing", "why": f"exercises/{module}.py defines no function {function}"}
        return {"op": "found", "signature": _signature(raw)}

    def _function(self, request: dict) -> Any:
        """The learner's function, or the reply that says why there is none."""
        function = getattr(self.modules.get(request["module"]), request["function"], None)
        if callable(function):
            return function
        found = self.lookup(request["module"], request["function"])
        if found["op"] != "found":
            return found
        return getattr(self.modules[request["module"]], request["function"])

    def call_each(self, request: dict) -> dict:
        function = self._function(request)
        if isinstance(function, dict):
            return function
        if request.get("seed_globals") is not None:
            seed_global_generators(int(request["seed_globals"]))
        values = []
        for args in request.get("calls", []):
            try:
                values.append(call_with_fresh_grad_mode(function, *args))
            except BaseException as error:
                return {"op": "raise", "error": _error_info(error, self.folder, function), "index": len(values)}
        return {"op": "return_each", "values": values}

    def call(self, request: dict, fds: list[int]) -> dict:
        import torch

        from grading.sandbox import shared, wire

        args = list(request.get("args", []))
        kwargs = dict(request.get("kwargs", {}))
        write_back, lost = None, None
        if request.get("shared") and not fds:  # the kernel drops a file sent to a process at its file limit
            lost = {"op": "arguments_lost", "reason": "files"}
        elif request.get("shared"):
            try:
                write_back = shared.attach(fds.pop(0), request["shared"], args, kwargs)
            except Exception as error:  # mmap refused (it needs a file descriptor and address space)
                number = getattr(error, "errno", None)
                reason = ("files" if number in (errno.EMFILE, errno.ENFILE) else
                          "memory" if isinstance(error, MemoryError) or number == errno.ENOMEM else "other")
                lost = {"op": "arguments_lost", "reason": reason, "detail": keep_start(str(error))}
        for fd in fds:
            os.close(fd)
        if lost is not None:
            return lost
        function = self._function(request)
        if isinstance(function, dict):
            return function
        slots = wire.argument_slots(args, kwargs)
        observe = request.get("observe")  # a model whose forward passes the test watches: a handle,
        for place, key, value in slots:   # or one of the call's own arguments
            if [place, key] == request.get("observe_argument"):
                observe = value
        if request.get("seed_globals") is not None:  # the first call of a hypothesis example
            seed_global_generators(int(request["seed_globals"]))
        times = request.get("times")  # call_repeatedly: the same arguments (one generator) N times
        from grading.sandbox.observe import forward_passes

        watching = forward_passes(observe) if observe is not None else contextlib.nullcontext([])
        try:
            with watching as observed:
                if times is None:
                    result = call_with_fresh_grad_mode(function, *args, **kwargs)
                else:
                    result = []
                    for _ in range(int(times)):
                        result.append(call_with_fresh_grad_mode(function, *args, **kwargs))
        except BaseException as error:
            return {"op": "raise", "error": _error_info(error, self.folder, function)}
        finally:
            if write_back is not None:
                write_back()
        generators = [[place, key, value.get_state()] for place, key, value in slots if isinstance(value, torch.Generator)]
        return {"op": "return", "value": result, "generators": generators, "observed": [dict(item) for item in observed]}


def _signature(function: Any) -> list:
    import inspect

    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return []
    return [[p.name, int(p.kind), p.default is not inspect.Parameter.empty] for p in parameters]


def _error_info(error: BaseException, folder: Path, function: Any = None) -> dict:
    """An exception as plain data: its types, message and the learner's own frames; raised by
    ``function``, also whether it reads as "not started" (:mod:`grading.harness.not_started`)."""
    frames = []
    prefix = str(folder / SOURCE_FOLDER)
    for entry in traceback.extract_tb(error.__traceback__):
        if entry.filename.startswith(prefix):
            frames.append([f"exercises/{Path(entry.filename).name}", entry.lineno or 0, entry.name, entry.line or ""])
    if isinstance(error, SyntaxError) and error.filename and error.filename.startswith(prefix):
        frames.append([f"exercises/{Path(error.filename).name}", error.lineno or 0, "<module>", (error.text or "").strip()])
    try:
        message = str(error)
    except Exception:
        message = "<the exception's message could not be read>"
    if isinstance(error, SystemExit):
        message = f"sys.exit({error.code!r})"
    return {
        "types": [f"{cls.__module__}.{cls.__qualname__}" for cls in type(error).__mro__],
        "message": keep_start(message),
        "frames": frames[-5:],
        "not_started": function is not None and raised_by_its_own_raise(error, function),
    }


# ---------------------------------------------------------------------------------------------


def run_server(control: socket.socket, scratch: Path, uid: int | None, backends: list[str],
               preloaded: dict[str, Any] | None = None, private: bool = False, group_fds: list[int] | None = None,
               kill_count_fd: int | None = None, readable: list[str] | None = None) -> int:
    """Be the fork server on ``control`` until told to stop (or the grader goes away)."""
    from grading.sandbox import wire
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    _prctl(PR_SET_DUMPABLE, 0)
    scratch.mkdir(parents=True, exist_ok=True)
    if uid is not None:
        # Submission processes (user and group ``uid``) make their folders here, and no one else
        # may look in: outside bubblewrap a fourteenth red team's learner listed the root of the
        # other worker (then open to all, 1777), imported its classmate's distributions.py from
        # there (+8.67 points) and left notes in it that neither worker's clean-up removed.
        try:
            os.chown(scratch, -1, uid)
            os.chmod(scratch, 0o1770)
        except OSError:  # no right to give the folder away (a sandbox's /tmp is its own anyway)
            os.chmod(scratch, 0o1777)
    try:
        import torch

        torch.set_num_threads(1)
        import transformers  # noqa: F401  (paid once, here, before any fork)

        # What a submission's process may need to rebuild an argument, imported now: after
        # it drops privileges it may not read the sandbox's copy of the project (its folders
        # are the sandbox root's when the project lives under the sandbox's private /tmp).
        import reference.bigram  # noqa: F401
        import grading.sandbox.observe  # noqa: F401
        import grading.sandbox.shared  # noqa: F401
        try:  # libseccomp, loaded now, before a submission's folder is on the import path
            load_network_filter()
        except (ImportError, RuntimeError, OSError):
            pass  # then submissions keep the network, as the grader's description of the sandbox says

        server = Server(control, scratch, uid, private=private, group_fds=group_fds, kill_count_fd=kill_count_fd,
                        readable=readable)
        server.backends.update(preloaded or {})
        server.load(backends)
        # Mistral's tokenizer, which a test may pass by name (grading.sandbox.wire.tokenizer_handle):
        # loaded here, since a submission's process may not read the files. Free when a backend has it.
        from reference.tokenizer import load_mistral_tokenizer

        try:
            load_mistral_tokenizer()
        except Exception as error:  # then a call that passes it fails, and says so
            print(f"Mistral's tokenizer could not be loaded in the sandbox: {error}", file=sys.stderr)
    except BaseException as error:
        wire.send(control, {"ready": False, "error": f"{type(error).__name__}: {error}", "trace": keep_end(traceback.format_exc())})
        return 1
    wire.send(control, {"ready": True, "pid": os.getpid(), "vmsize": _status_field("VmSize"),
                        "rss": _status_field("VmRSS"), "uid": os.getuid()})
    server.serve()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grading.sandbox.learner_side")
    parser.add_argument("--control-fd", type=int, required=True)
    parser.add_argument("--scratch", required=True)
    parser.add_argument("--uid", type=int, default=None, help="user id for submission processes (needs CAP_SETUID)")
    parser.add_argument("--backends", default="", help="comma-separated backends to load up front")
    parser.add_argument("--group-fds", default="", help="comma-separated cgroup.procs descriptors a submission joins")
    parser.add_argument("--kill-count-fd", type=int, default=None,
                        help="that group's memory events, read for the kernel's out-of-memory kills")
    parser.add_argument("--readable", default=None,
                        help="JSON list of the places a submission's process may read besides its folder "
                             "(without it, its files are not confined)")
    parser.add_argument("--private", action="store_true",
                        help="/tmp, /dev/shm and the IPC namespace are the sandbox's own: clean them between submissions")
    arguments = parser.parse_args(argv)
    control = socket.socket(fileno=arguments.control_fd)
    backends = [name for name in arguments.backends.split(",") if name]
    return run_server(control, Path(arguments.scratch), arguments.uid, backends, private=arguments.private,
                      group_fds=[int(fd) for fd in arguments.group_fds.split(",") if fd],
                      kill_count_fd=arguments.kill_count_fd,
                      readable=json.loads(arguments.readable) if arguments.readable else None)


if __name__ == "__main__":
    sys.exit(main())
