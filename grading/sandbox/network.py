"""No network for a submission's process, with bubblewrap or without it.

Bubblewrap gives the learner's worker a network namespace of its own, with no interface but a
loopback nobody listens on. Where bubblewrap cannot run (most Docker images, and so Gradescope),
a submission's process shares the container's network: an eleventh red team connected out
from it. So each submission's process, before any of its code runs, installs a seccomp filter
(libseccomp, through ``pyseccomp``) under which creating any socket (internet, packet,
netlink, vsock…, and local ones: below) fails with ``PermissionError`` (EACCES). The filter holds for
everything the process starts and cannot be removed. ``io_uring`` is refused as well: its
requests can open sockets without the system call the filter watches.

A local socket made by ``socket()`` is refused too: it reaches any program listening on the
machine by a path or an abstract name, and Landlock does not stop it. A sixteenth red team,
grading without bubblewrap as an ordinary user, connected to the instructor's tmux server (its
socket's path is guessable) and ran commands as the instructor, outside every wall: the stub
scored 10/10 with the solutions, and a process it left set a classmate's score to 0 after the
run; through the ssh-agent's socket it had the instructor's key sign what it chose. A pair of
connected local sockets (``socketpair``: ``multiprocessing.Pipe``) reaches nothing outside
and stays, and so does the channel to the grader, made before the filter.

The learner's side (:mod:`grading.sandbox.learner_side`) installs the filter; the grader's side
asks :func:`filter_works` once, to say in the sandbox's description whether the network was
closed.
"""
from __future__ import annotations

import errno
import socket
from functools import lru_cache

from grading.harness.processes import works_in_child

# The one family a submission's code may make socket pairs of: local ones (multiprocessing's
# pipes). Every other is refused, not only the internet's: a deny list would miss a family that
# reaches out of a container, such as vsock to the host.
OPEN_FAMILY = socket.AF_UNIX
IO_URING_CALLS = ("io_uring_setup", "io_uring_enter", "io_uring_register")


def load_library():
    """``pyseccomp``, loaded (raises ``RuntimeError`` or ``OSError`` where libseccomp is missing).

    The learner's worker calls it before any submission's folder is on its import path."""
    import pyseccomp

    return pyseccomp


@lru_cache(maxsize=None)
def filter_works() -> tuple[bool, str]:
    """Whether :func:`close_network` works on this machine: tried once, in a process of its own
    (``(True, "")``, or ``(False, why)``)."""
    works, why = works_in_child("import socket, sys\n"
                                "from grading.sandbox.network import close_network\n"
                                "close_network()\n"
                                "try:\n    socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()\n"
                                "except PermissionError:\n    sys.exit(0)\n"
                                "sys.exit('an internet socket could still be made under the filter')\n")
    if works:
        return True, ""
    return False, (f"the network filter does not work here ({why}); it needs libseccomp "
                   "(Debian/Ubuntu: apt-get install -y libseccomp2) and a kernel with seccomp")


def close_network() -> None:
    """From now on this process and all it starts can make no socket but a connected local pair
    (``socketpair``), and so reach no other program: ``socket()`` fails with ``PermissionError``.

    Raises ``OSError`` where the filter cannot be loaded (the caller decides whether grading may go
    on); sets ``no_new_privs`` first, as the kernel asks of an unprivileged filter.
    """
    seccomp = load_library()
    refuse = seccomp.ERRNO(errno.EACCES)
    rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    rules.add_rule(refuse, "socket")
    rules.add_rule(refuse, "socketpair", seccomp.Arg(0, seccomp.NE, int(OPEN_FAMILY)))
    for call in IO_URING_CALLS:
        rules.add_rule(seccomp.ERRNO(errno.EPERM), call)
    rules.load()
