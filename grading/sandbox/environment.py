"""What a submission's process sees of the grader's environment variables: only what it needs.

Bubblewrap starts the learner's worker with a cleared environment and sets a few variables
(``grader_side.bwrap_command``). Without bubblewrap the worker is forked from the grader and
inherited all of them: a sixteenth red team, graded by an instructor who had ``HF_TOKEN``,
``SSH_AUTH_SOCK`` and ``TMUX`` set, printed them into its own feedback. So each submission's
process, before any of its code runs, keeps only the variables named in :data:`KEPT` and
overwrites what it drops: the environment block the kernel shows as ``/proc/self/environ`` and
Python's own copies of the names and values (:func:`keep_only_what_learners_need`).

What the grader's libraries copied elsewhere in its memory before the fork (a token a library
read and kept) is not found here: without bubblewrap, grade where the environment holds no
secret (``docs/grading.md``, "A grader that is not root").
"""
from __future__ import annotations

import ctypes
import os
import sys

# Paths, the locale, the threads of the numeric libraries, the offline model caches and
# decodelab's own: what the worker's libraries read once a submission runs.
KEPT = frozenset({
    "PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "VIRTUAL_ENV", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE",
    "PYTHONNOUSERSITE", "PYTHONHASHSEED", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
    "TOKENIZERS_PARALLELISM", "TRANSFORMERS_VERBOSITY", "TRANSFORMERS_OFFLINE", "HF_HUB_OFFLINE", "HF_HOME",
    "HF_HUB_CACHE", "CUDA_VISIBLE_DEVICES", "DECODELAB_CACHE", "DECODELAB_BACKEND", "HOME", "TMPDIR",
})
# Where CPython keeps a bytes object's characters: after its header (the size counts the NUL).
_BYTES_DATA = bytes.__basicsize__ - 1


def keep_only_what_learners_need() -> list[str]:
    """Remove every environment variable not in :data:`KEPT` from this process, and overwrite
    what it removes in the kernel's copy of the environment it started with and in Python's
    copies; returns the names removed. The kept variables stay as they were."""
    data = getattr(os.environ, "_data", {})
    dropped = [(key, data.get(key)) for key in list(data) if os.fsdecode(key) not in KEPT]
    names = sorted(os.fsdecode(key) for key, _ in dropped)
    for name in names:
        del os.environ[name]  # unsetenv: the C library forgets it too
    _overwrite_in_start_block(KEPT)
    if sys.implementation.name == "cpython":
        for key, value in dropped:
            for item in (key, value):
                # Single characters and b"" are objects the interpreter shares: left alone.
                if isinstance(item, bytes) and len(item) > 1:
                    ctypes.memset(id(item) + _BYTES_DATA, 0, len(item))
    return names


def _overwrite_in_start_block(kept: frozenset[str]) -> None:
    """Zero the variables not in ``kept`` in the environment block the process was started with
    (what ``/proc/self/environ`` shows; the kept ones stay, as a library may hold them)."""
    try:
        with open("/proc/self/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
        start, end = int(fields[47]), int(fields[48])  # env_start and env_end: fields 50 and 51 of proc(5)
        block = ctypes.string_at(start, end - start) if 0 < start < end else b""
    except (OSError, IndexError, ValueError):
        return
    offset = 0
    for entry in block.split(b"\0"):
        if entry and os.fsdecode(entry.partition(b"=")[0]) not in kept:
            ctypes.memset(start + offset, 0, len(entry))
        offset += len(entry) + 1
