"""A call's tensor arguments in memory both processes map (grading/sandbox/shared.py): what the
learner's side writes into them, the grader's side reads back itself.

Both sides run in this process here; `tests/test_in_place_attacks.py` proves the same through
`decodelab grade`'s path (a change left out of the reply is still seen).
"""
from __future__ import annotations

import os

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
