"""What one submission may use while it is graded (see :mod:`grading.sandbox.grader_side`)."""
from __future__ import annotations

import os
from dataclasses import dataclass, fields
from typing import Any


@dataclass
class Limits:
    """What one submission may use. Environment: ``DECODELAB_<FIELD>`` (upper case)."""

    call_seconds: float = 20.0        # wall time of one call (or one module import)
    function_seconds: float = 60.0    # wall time of all the calls of one of its functions
    submission_seconds: float = 600.0  # wall time of all its calls together
    memory_mb: int = 2048              # address space above the pre-loaded worker's own
    processes: int = 64                # processes and threads it may have at once
    output_bytes: int = 2**20          # its printed output, and any file it writes
    cpu_seconds: int = 600             # CPU time of one submission process
    scratch_mb: int = 64               # its scratch folder (a tmpfs in the sandbox)
    files: int = 10_000                # files and folders it may have at once in the sandbox's tmpfs or its folders
    disk_mb: int = 1024                # what all its processes may write to files (the disk, without a sandbox)
    reply_mb: int = 64                 # one answer it sends back, on the wire and once rebuilt
    judge_memory_mb: int = 1536        # the judge's own memory for its tests (beyond what it had loaded)

    @classmethod
    def from_env(cls, **overrides: Any) -> "Limits":
        values: dict[str, Any] = {}
        for spec in fields(cls):
            raw = os.environ.get(f"DECODELAB_{spec.name.upper()}")
            if raw:
                values[spec.name] = type(getattr(cls, spec.name))(float(raw))
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def as_dict(self) -> dict[str, Any]:
        return {spec.name: getattr(self, spec.name) for spec in fields(self)}


def cap_address_space(extra_mb: int) -> None:
    """Let this process grow by at most ``extra_mb`` MB of address space from now on (Linux; a
    no-op where the limit cannot be read or set). Past it, allocations fail with MemoryError in
    the code that made them, instead of the machine running out of memory."""
    try:
        import resource

        with open("/proc/self/status") as status:
            size = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        value = size + extra_mb * 2**20
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(resource.RLIMIT_AS, (value, hard))
    except (OSError, ValueError, StopIteration, ImportError):
        pass
