"""How the learner's worker is started here: the sandbox a grade run gets, in one sentence.

``--sandbox auto`` (the default, ``$DECODELAB_SANDBOX``) takes bubblewrap where it runs, else
separate processes with the walls the kernel still offers (a seccomp filter, Landlock). The plan's
``description`` goes into every ``results.json`` and, where it is not bubblewrap, the grade
command's warning; :func:`classmates_kept_apart` tells the driver whether submissions may be
graded side by side. Light on purpose: the grade command reads it without loading torch.
"""
from __future__ import annotations

import os
import random
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache

from grading.sandbox.cgroups import WorkerGroup
from grading.sandbox.file_access import abi_version, confinement_works
from grading.sandbox.network import filter_works as network_filter_works

SANDBOX_ENV = "DECODELAB_SANDBOX"
# Landlock's first ABI that scopes signals (Linux 6.12): none leaves the submission's processes.
SIGNAL_SCOPING_ABI = 6


class SandboxError(RuntimeError):
    """The learner's worker could not be started; the message says why."""


@dataclass
class SandboxPlan:
    """How the learner's worker is started here."""

    kind: str                 # "bwrap" or "none"
    description: str          # one sentence for results.json and the docs
    uid: int | None = None    # user id of submission processes (when we may switch)


@lru_cache(maxsize=None)
def bwrap_works() -> tuple[bool, str]:
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return False, "bubblewrap is not installed (Debian/Ubuntu: apt-get install -y bubblewrap)"
    command = [bwrap, "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "--unshare-pid",
               "--unshare-net", "--die-with-parent"]
    if os.geteuid() != 0:
        command.append("--unshare-user")
    try:
        done = subprocess.run(command + ["true"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return False, f"bubblewrap does not run here ({error})"
    if done.returncode != 0:
        why = (done.stderr or done.stdout).strip().splitlines()
        return False, (f"bubblewrap cannot create namespaces here ({why[-1] if why else done.returncode}); "
                       "on Ubuntu 24.04 allow it with: sysctl -w kernel.apparmor_restrict_unprivileged_userns=0")
    return True, bwrap


def sandbox_plan(mode: str | None = None) -> SandboxPlan:
    """``auto`` (default, ``$DECODELAB_SANDBOX``): bubblewrap when it works, else processes only."""
    mode = (mode or os.environ.get(SANDBOX_ENV) or "auto").strip().lower()
    if mode not in ("auto", "bwrap", "none"):
        raise SandboxError(f"unknown sandbox '{mode}': use auto, bwrap or none")
    uid = random.randrange(200_000, 260_000) if os.geteuid() == 0 else None
    who = f"as the unprivileged user id {uid}" if uid is not None else "as the grader's own user"
    if WorkerGroup.possible():
        who += ("; its memory, kernel memory included, and its share of the CPU are bounded by a control "
                "group of its worker")
    else:
        who += ("; no control group (the grader is not root, or has no memory and cpu controllers): kernel "
                "memory such as socket buffers, and the CPU it takes from other workers, are not bounded")
    if mode != "none":
        works, detail = bwrap_works()
        if works:
            return SandboxPlan("bwrap", (
                f"bubblewrap sandbox: no network, a private process tree, read-only access to the Python "
                f"installation and the model only (not solutions/, grading/ or other submissions), "
                f"writes only to its own scratch folder; learner code runs {who}"), uid)
        if mode == "bwrap":
            raise SandboxError(f"--sandbox bwrap was asked for, but {detail}")
        opening = (f"NO SANDBOX: {detail}. The learner's code still ran in separate processes with OS limits "
                   f"(time, memory, processes, output)")
    else:
        opening = "NO SANDBOX (--sandbox none): the learner's code ran in separate processes with OS limits"
    plan = SandboxPlan("none", f"{opening}, {who}, {_network_without_sandbox()}, {_files_without_sandbox()}", uid)
    if not classmates_kept_apart(plan):
        plan.description += (". It could signal other processes of the grader's user by their number (not "
                             "the grader's own), a classmate's graded at the same time among them: neither "
                             "a user id of its own nor Landlock's signal scoping (Linux 6.12) keeps them "
                             "apart here")
    return plan


def classmates_kept_apart(plan: SandboxPlan) -> bool:
    """Whether the kernel keeps one submission's processes from signalling another's graded at
    the same time: bubblewrap gives each worker a process tree of its own, a root grader each
    worker a user id of its own, and Landlock (ABI 6, Linux 6.12) scopes signals to the
    submission's own processes. Without any of them only the grader's own processes are
    protected (:mod:`grading.sandbox.neighbours`): a seccomp filter cannot tell a classmate's
    process from the submission's own, so the grader then grades one submission at a time
    unless ``--workers`` says otherwise."""
    if plan.kind == "bwrap" or plan.uid is not None:
        return True
    return confinement_works()[0] and abi_version() >= SIGNAL_SCOPING_ABI


def _files_without_sandbox() -> str:
    works, why = confinement_works()
    if works:
        return ("and files confined by Landlock: it could read only the system's libraries, the Python "
                "installation and the model, and write only to its own scratch folder")
    return f"but it could read files the grader can read and write where they may ({why})"


def _network_without_sandbox() -> str:
    works, why = network_filter_works()
    return "with no network (a seccomp filter)" if works else f"and it could reach the network: {why}"
