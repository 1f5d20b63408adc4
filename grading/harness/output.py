"""How much of a long text a report keeps: the one cap on printed output, logs and traces.

A learner's code can print megabytes, a worker's log grows for as long as it runs, and a
traceback can repeat one frame a thousand times. Every place that keeps such text for a person
to read (``results.json``, the feedback page, a grader's error message, ``decodelab check``'s
report) keeps at most :data:`OUTPUT_CAP` characters of it, plus one line that says how much was
cut. For printed output, logs and traces the end is what matters (:func:`keep_end`,
:func:`file_end`); for an error's message, its beginning (:func:`keep_start`, which keeps half
the cap, so that a report built around the message keeps all of what was kept of it).
"""
from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

OUTPUT_CAP = 4000
"""Characters of a long text that a report keeps (4000: a screenful, and the last 15 lines of
printed output that the summary shows are in it many times over)."""


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def encodable(value: Any) -> Any:
    """``value`` (text, or lists and dicts holding text) with every lone surrogate written out as
    the six characters ``\\udcff``, so that it can be written as UTF-8.

    A learner's string may hold one (``b"\\xff".decode("utf-8", "surrogateescape")``, a
    message built from such bytes, a file name that is not UTF-8), and a report that keeps it
    cannot be written: one such character in one message cost a whole submission its grade.
    """
    if isinstance(value, str):
        return _LONE_SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", value)
    if isinstance(value, dict):
        return {encodable(key): encodable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [encodable(item) for item in value]
    return value


def keep_end(text: str, limit: int = OUTPUT_CAP) -> str:
    """The last ``limit`` characters of ``text``, after a line saying how many came before them."""
    if len(text) <= limit:
        return text
    return f"[… {len(text) - limit:,} characters before this were cut]\n" + text[-limit:]


def keep_start(text: str, limit: int = OUTPUT_CAP // 2) -> str:
    """The first ``limit`` characters of ``text``, before a line saying how many came after them.

    Its default is half the cap: an error's message goes into a report with lines around it (the
    call, the hint, where it was raised), and the report, cut from its end, must keep it whole.
    """
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n[… {len(text) - limit:,} characters after this were cut]"


def file_end(path: str | os.PathLike[str], limit: int = OUTPUT_CAP) -> str:
    """The end of a file, as :func:`keep_end` would keep it, without reading the rest: a log or
    an output file may be far larger than memory should hold. ``""`` if it cannot be read, or
    is not a plain file of its own: the sandbox's worker reads a learner's ``output.txt``
    with more rights than the learner, who may have replaced it with a link (to a file only
    the worker may read, to ``/dev/zero``), a second name of another file, or a pipe."""
    try:
        fd = os.open(Path(path), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return ""
    try:
        facts = os.fstat(fd)
        if not stat.S_ISREG(facts.st_mode) or facts.st_nlink != 1:
            return ""
        length = facts.st_size
        os.lseek(fd, max(0, length - limit), os.SEEK_SET)
        chunks, wanted = [], min(length, limit)
        while wanted > 0:
            chunk = os.read(fd, wanted)
            if not chunk:
                break
            chunks.append(chunk)
            wanted -= len(chunk)
        text = b"".join(chunks).decode("utf-8", "replace")
    except OSError:
        return ""
    finally:
        os.close(fd)
    if length <= limit:
        return text
    return f"[… {length - limit:,} bytes before this were cut]\n" + text
