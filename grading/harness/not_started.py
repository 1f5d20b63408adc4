"""When a ``NotImplementedError`` means "not started", and when it is a learner's error.

The stub handed out ends in ``raise NotImplementedError``, so a function that raises it reads
as *not started*. But torch raises ``NotImplementedError`` too, for an operation it lacks
(``torch.linalg.svd`` of float16 on a CPU: "not implemented for 'Half'"): a learner whose
started function meets that has made a mistake, and must read torch's message and the line of
theirs that called it, not "not started".

The rule: a ``NotImplementedError`` reads as *not started* only when a ``raise`` statement of
the learner's function itself raised it (the innermost frame is the function's own, and its
line is a ``raise``). One rule for both sides of the sandbox: the learner's process applies it
where the traceback is, and sends the answer with the error (:mod:`grading.sandbox.learner_side`);
an in-process target applies it to the traceback it holds (:mod:`grading.harness.target`).
"""
from __future__ import annotations

import inspect
import linecache
from typing import Any, Callable


def raised_by_its_own_raise(error: BaseException, function: Callable[..., Any]) -> bool:
    """Whether ``error`` is a ``NotImplementedError`` that a ``raise`` statement in ``function``'s
    own body raised (the stub's, or a branch the learner left to do), not one from code it called."""
    if not isinstance(error, NotImplementedError):
        return False
    try:
        code = inspect.unwrap(function).__code__
    except (AttributeError, ValueError):
        return False
    innermost = error.__traceback__
    if innermost is None:
        return False
    while innermost.tb_next is not None:
        innermost = innermost.tb_next
    if innermost.tb_frame.f_code is not code:
        return False
    return linecache.getline(code.co_filename, innermost.tb_lineno).lstrip().startswith("raise")


def cannot_run(message: str) -> bool:
    """Whether a *not started* message is really a module that could not be imported: a syntax
    error or an import-time crash (``fails to import``), or an import that ran past its time limit
    or ended its process (``importing exercises/m.py …``). Written and broken, not a stub waiting
    to be written: ``decodelab check`` reads it as BROKEN, the grader as "does not import"."""
    return "fails to import" in message or "importing exercises/" in message
