"""The installed stack, compared with the lock: what graded a submission, and whether it drifted.

A verdict depends on more than the hidden suites: torch's kernels, transformers' argument
names and hypothesis' example generation all take part. ``requirements.lock`` (written by
``make lock``) pins every distribution the project installs, with hashes; ``make setup``, CI,
the Gradescope bundle and the student bundle install from it, so a class graded in week 1
and in week 12 meets the same code. torch is the one pin kept outside the hashes (a GPU
machine keeps its CUDA build): the lock's last line records it.

:func:`stack_report` is what ``decodelab doctor`` prints and what every ``results.json``
carries under ``extra_data.stack``. It imports nothing heavy.
"""
from __future__ import annotations

import importlib.metadata
import platform
import re
from dataclasses import dataclass, field
from pathlib import Path

LOCK_FILE = Path(__file__).resolve().parents[2] / "requirements.lock"
# The distributions a verdict depends on most; the report names their versions even when
# they match the lock, so a results.json says what graded it.
KEY_DISTRIBUTIONS = ("torch", "transformers", "tokenizers", "numpy", "hypothesis", "pytest",
                     "bitsandbytes", "accelerate", "mistral-common", "safetensors")
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")
_OUTSIDE_HASHES = re.compile(r"^#\s*pinned outside the hashes[^:]*:\s*([A-Za-z0-9._-]+)==(\S+)")


def canonical(name: str) -> str:
    """PEP 503 normalisation: ``Mistral_Common`` and ``mistral-common`` are one distribution."""
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_versions(lock: Path = LOCK_FILE) -> dict[str, str]:
    """``{distribution: version}`` pinned by ``lock`` (empty when there is no lock file)."""
    if not lock.is_file():
        return {}
    pins: dict[str, str] = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        found = _PIN.match(line) or _OUTSIDE_HASHES.match(line)
        if found:
            pins[canonical(found.group(1))] = found.group(2)
    return pins


def installed_versions() -> dict[str, str]:
    """``{distribution: version}`` of everything importable in this environment."""
    versions: dict[str, str] = {}
    for distribution in importlib.metadata.distributions():
        name = distribution.metadata["Name"]
        if name:
            versions.setdefault(canonical(name), distribution.version)
    return versions


def same_release(installed: str, locked: str) -> bool:
    """``2.13.0+cpu`` satisfies a lock of ``2.13.0`` (a local build label is not another release)."""
    return installed.split("+", 1)[0] == locked.split("+", 1)[0]


@dataclass
class StackReport:
    """What is installed, measured against the lock."""

    python: str
    lock: str | None
    versions: dict[str, str | None]
    drift: list[dict[str, str | None]] = field(default_factory=list)

    @property
    def matches_lock(self) -> bool:
        return self.lock is not None and not self.drift

    def summary(self) -> str:
        """One line for a terminal or a feedback page."""
        if self.lock is None:
            return "no lock file found: the versions below were not checked against one"
        if not self.drift:
            return f"every locked distribution is installed at its locked version ({self.lock})"
        shown = ", ".join(f"{d['name']} {d['installed'] or 'missing'} (locked {d['locked']})" for d in self.drift[:5])
        more = f" and {len(self.drift) - 5} more" if len(self.drift) > 5 else ""
        return f"{len(self.drift)} distribution(s) differ from the lock: {shown}{more}"

    def as_dict(self) -> dict:
        return {"python": self.python, "lock": self.lock, "matches_lock": self.matches_lock,
                "versions": self.versions, "drift": self.drift, "summary": self.summary()}


def stack_report(lock: Path = LOCK_FILE) -> StackReport:
    """The key versions and every difference between this environment and ``lock``."""
    pins = locked_versions(lock)
    installed = installed_versions()
    drift = [
        {"name": name, "locked": version, "installed": installed.get(name)}
        for name, version in sorted(pins.items())
        if installed.get(name) is None or not same_release(installed[name], version)
    ]
    return StackReport(
        python=platform.python_version(),
        lock=str(lock) if pins else None,
        versions={name: installed.get(name) for name in KEY_DISTRIBUTIONS},
        drift=drift,
    )
