"""A call's tensor arguments in memory both processes map: the grader sees for itself what the
learner's call changed in them.

Why: a test that holds "leaves ``probs`` alone" must know whether the learner's call wrote into
``probs``. Asked of the learner's process, the answer is a report that process writes, and
code in it can rewrite the report (a red team kept a point that way, 2026-12-04). So the grader
writes the bytes of each tensor argument of a call (those directly in its ``args`` and
``kwargs``) into one memory file that can neither grow nor shrink (a sealed ``memfd``) and sends
the file with the call; the learner's process maps it and builds the tensors on that memory, so
a change made in place lands in the file, and after the reply the grader reads the file back.
Code in the learner's process can only keep a change out of the file by not making it on the
tensors the call was given — which, seen from the caller, is not changing them.

One exception: on a GPU the learner's tensors are copies on the device, and what they hold after
the call is written back into the file by the learner's process (so there, as before, a report).

Grader side: :func:`share` before the call, :meth:`Shared.changes` after its reply, then
:meth:`Shared.close`. Learner side: :func:`attach`, and the function it returns after the call.
"""
from __future__ import annotations

import fcntl
import os
from typing import Any, Callable

from grading.sandbox.wire import TAG, argument_slots, tensor_from_plain

ALIGN = 64  # each tensor starts at a multiple of this many bytes in the file


class Shared:
    """The memory file of one call (``fd``) and where each shared argument's bytes are in it."""

    def __init__(self, fd: int, slots: list[list], payloads: list[bytes]):
        self.fd = fd
        self.slots = slots  # [place, key, the tensor's tag without its bytes, offset, length]
        self.payloads = payloads  # the bytes written, to compare with

    def changes(self) -> list[tuple[str, Any, dict]]:
        """(place, key, the tensor as it is now: what :func:`wire.tensor_from_plain` reads) for each
        argument the call changed."""
        found = []
        for (place, key, description, offset, length), payload in zip(self.slots, self.payloads):
            now = os.pread(self.fd, length, offset)
            if now != payload:
                found.append((place, key, dict(description, data=now)))
        return found

    def close(self) -> None:
        os.close(self.fd)


def share(args: list, kwargs: dict) -> Shared | None:
    """Move the bytes of the tensors in a call's plain arguments (:func:`wire.to_plain`'s
    ``args`` list and ``kwargs`` dict, changed here: each such tensor becomes ``None``) into a
    sealed memory file; None when the call has no tensor argument."""
    slots, payloads, size = [], [], 0
    for place, key, value in argument_slots(args, kwargs):
        if isinstance(value, dict) and value.get(TAG) == "tensor" and value.get("data"):
            payload = value["data"]
            # without its tag: a tensor tag without its bytes would not decode on the other side
            description = {name: item for name, item in value.items() if name not in ("data", TAG)}
            slots.append([place, key, description, size, len(payload)])
            payloads.append(payload)
            size += -(-len(payload) // ALIGN) * ALIGN
            (args if place == "args" else kwargs)[key] = None
    if not slots:
        return None
    fd = os.memfd_create("decodelab-arguments", os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
    try:
        os.ftruncate(fd, size)
        for (_, _, _, offset, _), payload in zip(slots, payloads):
            os.pwrite(fd, payload, offset)
        fcntl.fcntl(fd, fcntl.F_ADD_SEALS, fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW | fcntl.F_SEAL_SEAL)
    except BaseException:
        os.close(fd)
        raise
    return Shared(fd, slots, payloads)


def attach(fd: int, slots: list[list], args: list, kwargs: dict) -> Callable[[], None]:
    """Put the tensors :func:`share` moved into ``fd`` back into ``args`` and ``kwargs``, built on
    the file's memory (``fd`` is closed); the function returned writes back what the call left in
    the ones that had to be copied to a GPU."""
    import mmap

    import torch

    try:
        memory = mmap.mmap(fd, os.fstat(fd).st_size)
    finally:
        os.close(fd)
    on_device = []
    for place, key, description, offset, length in slots:
        local = tensor_from_plain(dict(description, device="cpu"), buffer=memoryview(memory)[offset: offset + length])
        tensor = local
        device = str(description.get("device", "cpu"))
        if device.startswith("cuda") and torch.cuda.is_available():
            tensor = local.to(torch.device(device))
            on_device.append((local, tensor))
        (args if place == "args" else kwargs)[key] = tensor

    def write_back() -> None:
        for local, tensor in on_device:
            if tensor.shape == local.shape and tensor.dtype == local.dtype:
                with torch.no_grad():
                    local.copy_(tensor.detach().cpu())

    return write_back
