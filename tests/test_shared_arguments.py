"""A call's tensor arguments in memory both processes map (grading/sandbox/shared.py): what the
learner's side writes into them, the grader's side reads back itself.

Both sides run in this process here; `tests/test_in_place_attacks.py` proves the same through
`decodelab grade`'s path (a change left out of the reply is still seen).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch

from grading.sandbox import shared, wire


def _sent(args: list, kwargs: dict) -> tuple[shared.Shared, list, dict]:
    """The grader's side of a call: the plain arguments, their tensors moved into shared memory."""
    plain = wire.to_plain([args, kwargs])
    memory = shared.share(plain[0], plain[1])
    assert memory is not None, f"share() gave None for arguments {args!r}, {kwargs!r}; expected a memory file"
    return memory, plain[0], plain[1]


def _received(memory: shared.Shared, plain_args: list, plain_kwargs: dict) -> tuple[list, dict]:
    """The learner's side: the arguments rebuilt, tensors on the shared memory (a copy of the fd,
    as a process receives one)."""
    args, kwargs = wire.from_plain(plain_args), wire.from_plain(plain_kwargs)
    shared.attach(os.dup(memory.fd), memory.slots, args, kwargs)()
    return args, kwargs


def test_a_write_into_an_argument_is_read_back_by_the_sender():
    probs = torch.tensor([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]])
    scale = torch.tensor(2.0, dtype=torch.float64)
    memory, plain_args, plain_kwargs = _sent([probs, 0.9, "text"], {"scale": scale})
    try:
        assert plain_args[0] is None and plain_kwargs["scale"] is None, (
            f"share() left {plain_args[0]!r}, {plain_kwargs['scale']!r} in the message; expected None where each tensor was")
        args, kwargs = _received(memory, plain_args, plain_kwargs)
        assert torch.equal(args[0], probs) and args[1:] == [0.9, "text"] and torch.equal(kwargs["scale"], scale), (
            f"the learner's side rebuilt {args!r}, {kwargs!r}; expected the arguments sent")
        assert memory.changes() == [], f"changes() gave {memory.changes()} before any write; expected []"
        args[0][1].zero_()
        changes = memory.changes()
        assert [(place, key) for place, key, _ in changes] == [("args", 0)], (
            f"after zeroing row 1 of probs, changes() named {[(p, k) for p, k, _ in changes]}; expected [('args', 0)]")
        back = wire.tensor_from_plain(changes[0][2])
        assert torch.equal(back, torch.tensor([[0.1, 0.2, 0.7], [0.0, 0.0, 0.0]])), (
            f"the grader read back {back}; expected probs with its second row zeroed")
    finally:
        memory.close()


def test_a_transposed_argument_keeps_its_strides_and_its_writes():
    batch = torch.arange(6, dtype=torch.float32).reshape(3, 2).t()  # (2, 3), not contiguous
    memory, plain_args, plain_kwargs = _sent([batch], {})
    try:
        args, _ = _received(memory, plain_args, plain_kwargs)
        assert args[0].stride() == batch.stride() and torch.equal(args[0], batch), (
            f"a transposed batch arrived as {args[0]} with strides {args[0].stride()}; expected {batch} with {batch.stride()}")
        args[0][0, 2] = -1.0
        (place, key, plain), = memory.changes()
        back = wire.tensor_from_plain(plain)
        expected = batch.clone()
        expected[0, 2] = -1.0
        assert torch.equal(back, expected), f"the grader read back {back}; expected {expected}"
    finally:
        memory.close()


def test_the_memory_file_can_neither_grow_nor_shrink():
    memory, _, _ = _sent([torch.ones(100)], {})
    try:
        size = os.fstat(memory.fd).st_size
        for new_size in (0, size * 2):
            with pytest.raises(PermissionError):
                os.ftruncate(memory.fd, new_size)
    finally:
        memory.close()


def test_a_call_without_tensors_shares_nothing():
    plain = wire.to_plain([[1, "a", [2.0]], {"k": None}])
    assert shared.share(plain[0], plain[1]) is None, "share() made a memory file for a call without tensors"
    assert plain == [[1, "a", [2.0]], {"k": None}], f"share() changed a call without tensors to {plain}"


# The learner's process is where the memory file must be mapped. What its code did there can keep
# the file from arriving (a process at its file limit is sent none) or from being mapped: the call
# then fails as the learner's, with the cause named, and its function is never handed ``None``
# where a tensor was sent.
TAKES_EVERY_FILE = """

_KEPT_OPEN = []


def sample_top_p(probs, p, generator=None):
    ids = _solution_sample_top_p(probs, p, generator)
    try:
        while True:
            _KEPT_OPEN.append(open(__file__))
    except OSError:
        pass
    return ids
"""
NO_MAPPING = """

import errno as _errno
import mmap as _mmap


def _refuse(*args, **kwargs):
    raise OSError(_errno.ENOMEM, "Cannot allocate memory")


_mmap.mmap = _refuse
"""


def test_a_call_whose_arguments_cannot_reach_the_learners_code_fails_with_the_cause(tmp_path):
    from grading.grader.driver import GradeOptions, grade_class
    from grading.sandbox.limits import Limits

    solution = (Path(__file__).resolve().parent.parent / "solutions" / "nucleus.py").read_text()
    renamed = solution.replace("def sample_top_p(", "def _solution_sample_top_p(", 1)
    sources = {"files": renamed + TAKES_EVERY_FILE, "mapping": solution + NO_MAPPING}
    causes = {"files": "too many files open", "mapping": "no memory left"}
    base = tmp_path / "class"
    for label, source in sources.items():
        (base / label).mkdir(parents=True)
        (base / label / "nucleus.py").write_text(source)
    options = GradeOptions(backend="tiny", exercises=("sample_top_p",), limits=Limits(call_seconds=10, submission_seconds=300))
    graded = grade_class([base / label for label in causes], tmp_path / "out", options, workers=1)
    assert not graded.failed, f"grade_class reported a grader error for {graded.failed}; expected the learner's failures"
    for label, cause in causes.items():
        tests = graded.results[label]["tests"]
        said = [t["output"] for t in tests if t["score"] < t["max_score"]]
        assert said, f"the '{label}' submission lost no point; expected its calls after the first to fail"
        assert any(cause in text for text in said), (
            f"the '{label}' submission's failed tests said {[text[:160] for text in said]}; expected one to name "
            f"the cause ('{cause}')")
        assert not any("NoneType" in text or "ended your code's process" in text for text in said), (
            f"the '{label}' submission's feedback blamed something else: {[text[:160] for text in said]}")


def test_a_call_whose_memory_file_never_arrived_is_not_run():
    from grading.sandbox.learner_side import Learner

    memory, plain_args, plain_kwargs = _sent([torch.ones(3), 0.5], {})
    memory.close()
    learner = Learner.__new__(Learner)  # only its call(): no channel, no server
    learner.modules = {}
    request = {"op": "call", "module": "nucleus", "function": "sample_top_p", "args": plain_args, "kwargs": plain_kwargs,
               "shared": memory.slots}
    reply = learner.call(request, [])
    assert reply == {"op": "arguments_lost", "reason": "files"}, (
        f"Learner.call() of a request naming shared arguments, with no file received, replied {reply!r}; "
        "expected {'op': 'arguments_lost', 'reason': 'files'} (the kernel drops a file sent to a process at its limit)")
