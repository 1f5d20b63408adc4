"""Which files a submission's process may open, with bubblewrap or without it.

Bubblewrap builds the learner's worker a file system of its own: the Python installation, the
model and a private ``/tmp``. Where it cannot run (most Docker images, and so Gradescope) a
submission's process sees the machine's files: it could read a checkout's ``solutions/``, write
notes into the ``/tmp`` a classmate graded at the same time reads, fill folders any user may
write to, and — where the grader is not root and the learner's code runs as the grader's own
user — overwrite the grader's results. Linux's Landlock (5.13 and later; Docker's default
seccomp profile allows it since 2022) lets an unprivileged process give up file access for
itself and all it starts, for good.

So each submission's process, before any of its code runs, calls :func:`confine`: from then on
it may read, and run, only what lies beneath the places the worker names (the system's
libraries, the Python installation, the model's files and the few project files the sandbox
holds), write only beneath its own scratch folder, and use ``/dev/null`` and the like. Where
the kernel's Landlock is recent enough (ABI 6, Linux 6.12) the process is also scoped: it can
neither signal a process outside its own tree (the worker runs as the same user where the
grader is not root) nor connect to an abstract local socket made outside it (a classmate's,
graded at the same time, or the grader's). Files opened before the call (its channel, its
printed-output file) stay open.

The learner's side (:mod:`grading.sandbox.learner_side`) confines each submission's process;
the grader's side asks :func:`confinement_works` once, to say in the sandbox's description
whether files were confined. Inside bubblewrap the same call narrows writes from the sandbox's
``/tmp`` to the process's own folder.
"""
from __future__ import annotations

import ctypes
import errno
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from grading.harness.processes import works_in_child

# System call numbers: the same on every architecture (the calls came after the tables merged).
CREATE_RULESET, ADD_RULE, RESTRICT_SELF = 444, 445, 446
CREATE_RULESET_VERSION = 1 << 0
RULE_PATH_BENEATH = 1
PR_SET_NO_NEW_PRIVS = 38

EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
REMOVE_DIR, REMOVE_FILE, MAKE_CHAR, MAKE_DIR, MAKE_REG = 1 << 4, 1 << 5, 1 << 6, 1 << 7, 1 << 8
MAKE_SOCK, MAKE_FIFO, MAKE_BLOCK, MAKE_SYM = 1 << 9, 1 << 10, 1 << 11, 1 << 12
REFER, TRUNCATE = 1 << 13, 1 << 14  # ABI 2 and 3
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1  # ABI 6

READ = EXECUTE | READ_FILE | READ_DIR
FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE  # the only rights a rule on a file may grant
# Devices any program may read and write (and truncate: a shell's "> /dev/null" asks to).
OPEN_DEVICES = ("/dev/null", "/dev/zero", "/dev/full")
READ_DEVICES = ("/dev/random", "/dev/urandom")


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


def _call(number: int, *arguments) -> int:
    result = _libc.syscall(number, *arguments)
    if result < 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))
    return result


def abi_version() -> int:
    """The kernel's Landlock ABI version: 0 where there is none (too old a kernel, Landlock not
    among the kernel's security modules, or the call refused by a container's seccomp profile)."""
    try:
        return _call(CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(CREATE_RULESET_VERSION))
    except OSError:
        return 0


def _all_rights(abi: int) -> int:
    """Every file right the kernel of ``abi`` knows: what this process gives up unless a rule grants it."""
    rights = READ | WRITE_FILE | REMOVE_DIR | REMOVE_FILE | MAKE_CHAR | MAKE_DIR | MAKE_REG
    rights |= MAKE_SOCK | MAKE_FIFO | MAKE_BLOCK | MAKE_SYM
    if abi >= 2:
        rights |= REFER
    if abi >= 3:
        rights |= TRUNCATE
    return rights


def _allow(ruleset: int, path: str | Path, rights: int) -> None:
    """Grant ``rights`` beneath ``path`` (or on it, a file); a place that cannot be opened is
    skipped: what this process cannot reach it cannot be granted."""
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return
    try:
        if not os.path.isdir(f"/proc/self/fd/{fd}"):
            rights &= FILE_RIGHTS
        rule = _PathBeneathAttr(allowed_access=rights, parent_fd=fd)
        _call(ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(RULE_PATH_BENEATH), ctypes.byref(rule),
              ctypes.c_uint32(0))
    finally:
        os.close(fd)


def confine(writable: str | Path, readable: list[str]) -> int:
    """From now on, for this process and all it starts: read and run files only beneath
    ``readable`` and ``writable``; make, change and remove files only beneath ``writable``; read
    this process's own ``/proc`` folder (``/proc/self`` now; not its children's, nor any other
    process's: a fifteenth red team passed a classmate its code in a process's command line,
    which anyone may read in ``/proc``); read and write ``/dev/null``, ``/dev/zero`` and
    ``/dev/full``, read ``/dev/random`` and ``/dev/urandom``; where the kernel allows (ABI 6),
    signal and reach abstract local sockets only within this process's own tree. Before ABI 3 the
    kernel cannot refuse ``truncate`` of a file this user may write; before ABI 2 it refuses a
    rename or link between two folders even within ``writable``. Returns the ABI
    version used; raises ``OSError`` where Landlock is missing or refused (the caller decides
    whether grading may go on)."""
    abi = abi_version()
    if abi < 1:
        raise OSError(errno.ENOSYS, "this kernel offers no Landlock (Linux 5.13 or later, with landlock "
                                    "among its security modules)")
    handled = _all_rights(abi)
    attr = _RulesetAttr(handled_access_fs=handled, scoped=SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if abi >= 6 else 0)
    size = ctypes.sizeof(attr) if abi >= 6 else ctypes.sizeof(ctypes.c_uint64)
    ruleset = _call(CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    try:
        def allow(place: str | Path, rights: int) -> None:  # only rights this kernel knows (TRUNCATE: ABI 3)
            _allow(ruleset, place, rights & handled)

        for place in [*readable, "/proc/self"]:
            allow(place, READ)
        for device in OPEN_DEVICES:
            allow(device, READ_FILE | WRITE_FILE | TRUNCATE)
        for device in READ_DEVICES:
            allow(device, READ_FILE)
        for device in sorted(Path("/dev").glob("nvidia*")):  # a GPU's devices, where the machine has one
            allow(device, READ_FILE | WRITE_FILE)
        allow(writable, handled & ~(MAKE_CHAR | MAKE_BLOCK))
        if _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            code = ctypes.get_errno()
            raise OSError(code, os.strerror(code))
        _call(RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0))
    finally:
        os.close(ruleset)
    return abi


SWITCH_ENV = "DECODELAB_LANDLOCK"


def confinement_works() -> tuple[bool, str]:
    """Whether submissions' files are to be confined: :func:`confine` works on this machine (tried
    once, in a process of its own) and ``$DECODELAB_LANDLOCK`` is not ``0`` (``(True, "")``, or
    ``(False, why)``)."""
    if os.environ.get(SWITCH_ENV, "").strip() == "0":
        return False, f"files are not confined: {SWITCH_ENV}=0"
    return _probe()


@lru_cache(maxsize=None)
def _probe() -> tuple[bool, str]:
    with tempfile.TemporaryDirectory(prefix="decodelab-probe-") as folder:
        works, why = works_in_child("import sys\n"
                                    "from grading.sandbox.file_access import confine\n"
                                    "confine(sys.argv[1], [])\n"
                                    "open(sys.argv[1] + '/written', 'w').close()\n"
                                    "try:\n    open(sys.executable, 'rb').close()\n"
                                    "except PermissionError:\n    sys.exit(0)\n"
                                    "sys.exit('a file outside the allowed places could still be read')\n", folder)
    if works:
        return True, ""
    return False, f"files are not confined here ({why}); Landlock needs Linux 5.13 or later"
