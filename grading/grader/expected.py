"""Expected values computed once per judge, not once per submission.

Every submission a judge grades gets the same inputs: the fixed cases, and hypothesis's
examples, which are derandomized. So the reference's answers are the same every time, and the
costly ones (model forward passes, generate loops) need not be recomputed for each of 50
learners. The hidden suites import the reference through :func:`remembered`::

    ref = remembered(reference.decoding)
    ref.greedy_with_logits(backend.model, ids, 12)   # computed once, then a copy

A call is remembered under a *fingerprint* of everything it depends on: the function, its
arguments (tensors by dtype, shape and bytes; a loaded backend's model, or one of its
weights, by identity and version counters, so a test that edits a weight gets a fresh answer;
a ``torch.Generator`` by its state), and, for a sampler (a function with a ``generator``
parameter) called without a generator, torch's global random state. A call whose arguments
cannot be fingerprinted (any other object), or are all plain strings and numbers (cheap to
recompute), is simply run. A hit hands back a deep copy, sets
each generator argument and the global random state to where the real call left them.

The judge server fills the memory before it forks a judge per submission
(:meth:`grading.grader.driver.Judge.warm_up` runs the suites once on ``solutions``); a judge's own
additions die with it, so nothing one submission triggers reaches another.

**On disk.** A judge server that primed writes the memory to
``$DECODELAB_CACHE/expected/<key>.pt`` (:func:`save`), and a later server with the same key
reads it instead of running the suites again (:func:`load`). The key (:func:`disk_key`) is a
digest of everything a remembered answer depends on: the source of ``grading/`` (the suites),
``reference/`` and ``solutions/``, the model's and the tokenizer's files, the versions of
Python, torch, transformers, tokenizers, numpy and hypothesis, and the suites and exercises
graded. Only for a backend on the CPU whose model and tokenizer are local folders: elsewhere a
weight is fingerprinted by its identity (:func:`_weight_digest`), which no other process shares.
Only answers that are plain data (tensors, numbers, strings, lists, tuples, dicts) are written,
and the file is read with ``torch.load(weights_only=True)``, which builds no other object.
"""
from __future__ import annotations

import copy
import functools
import hashlib
import importlib.metadata
import importlib.util
import inspect
import os
import platform
import random
import tempfile
import types
import weakref
from pathlib import Path
from typing import Any, Callable, Iterable

import torch

_MEMORY: dict[bytes, tuple[Any, list[tuple[int, torch.Tensor]], torch.Tensor]] = {}
LARGE = 1 << 16  # elements: a tensor this large may be a model's weight, named instead of hashed
_PLAIN = frozenset({str, int, float, bool, bytes, type(None)})


class _Fingerprint:
    """A digest of a call's inputs; :attr:`generators` are the generator arguments in order."""

    def __init__(self) -> None:
        self.digest = hashlib.blake2b(digest_size=20)
        self.generators: list[torch.Generator] = []
        self.costly = False  # a tensor, a generator or a model among the inputs

    def add(self, value: Any, depth: int = 0) -> bool:
        """Feed ``value``; False when it cannot be fingerprinted (then nothing is remembered)."""
        update = self.digest.update
        if depth > 8:
            return False
        if value is None or isinstance(value, (bool, int, float, complex, str, bytes)):
            update(f"{type(value).__name__}:{value!r};".encode())
            return True
        if isinstance(value, (torch.dtype, torch.device)):
            update(f"{value!r};".encode())
            return True
        if isinstance(value, torch.Tensor):
            self.costly = True
            if value.numel() > LARGE and self._add_backend_weight(value):
                return True
            update(f"tensor:{value.dtype}:{tuple(value.shape)}:{value.requires_grad}:".encode())
            update(_content_digest(value) if value.numel() > LARGE else _tensor_bytes(value))
            return True
        if isinstance(value, torch.Generator):
            self.generators.append(value)
            self.costly = True
            update(b"generator:" + value.get_state().numpy().tobytes())
            return True
        if isinstance(value, (list, tuple)):
            update(f"{type(value).__name__}[{len(value)}:".encode())
            if not all(self.add(item, depth + 1) for item in value):
                return False
            update(b"]")
            return True
        if isinstance(value, dict):
            update(f"dict[{len(value)}:".encode())
            for key in sorted(value, key=repr):
                if not (self.add(key, depth + 1) and self.add(value[key], depth + 1)):
                    return False
            update(b"]")
            return True
        return self._add_backend_object(value)

    def _add_backend_weight(self, tensor: torch.Tensor) -> bool:
        """A large tensor that IS a loaded model's weight (or a view of all of it): named, not hashed."""
        from grading.sandbox.grader_side import judge_backends

        for name, backend in judge_backends().items():
            for path, weight in backend.model.named_parameters():
                if (weight.data_ptr() == tensor.data_ptr() and weight.shape == tensor.shape
                        and weight.stride() == tensor.stride() and weight.dtype == tensor.dtype):
                    self.digest.update(f"weight:{name}:{path}:{tensor.requires_grad}:".encode())
                    self.digest.update(_weight_digest(weight))
                    return True
        return False

    def _add_backend_object(self, value: Any) -> bool:
        from grading.sandbox.grader_side import judge_backends

        for name, backend in judge_backends().items():
            if value is backend.model:
                self.costly = True
                self.digest.update(f"model:{name}:".encode())
                for weight in backend.model.parameters():
                    self.digest.update(_weight_digest(weight))
                return True
            if value is backend.tokenizer:
                self.digest.update(f"tokenizer:{name};".encode())
                return True
            if value is backend:
                self.digest.update(f"backend:{name};".encode())
                return True
        cls = type(value)
        if cls.__name__ == "BigramModel" and cls.__module__ == "reference.bigram":
            self.costly = True
            self.digest.update(f"bigram:{value.logits_dtype}:{sorted(value.sampling_defaults.items())}:".encode())
            if value.cache_salt is not None:
                self.digest.update(b"salt:")
                self.add(value.cache_salt)
            return self.add(value.table)
        return False


_DIGESTS: dict[tuple[int, int], tuple[weakref.ref, bytes]] = {}


def _tensor_bytes(tensor: torch.Tensor) -> Any:
    """A tensor's bytes as a buffer to hash (no copy when it is a contiguous CPU tensor)."""
    data = tensor.detach()
    if data.device.type != "cpu":
        data = data.cpu()
    return data.contiguous().view(-1).view(torch.uint8).numpy() if data.numel() else b""


def _content_digest(tensor: torch.Tensor) -> bytes:
    """A tensor's bytes, hashed once per version of that tensor object. A suite's fixture (the
    embedding matrix, 16 MB) goes to the reference with every word a test checks, and hashing it
    each time cost more than the call it saved. The weak reference tells a live tensor from a
    new one at the same address; an in-place change bumps the version. An entry goes when its
    tensor does (a judge grading a class of hundreds would otherwise keep one per tensor it saw)."""
    try:
        key = (id(tensor), tensor._version)
    except RuntimeError:  # an inference-mode tensor has no version counter: hash it each time
        return hashlib.blake2b(_tensor_bytes(tensor), digest_size=16).digest()
    found = _DIGESTS.get(key)
    if found is not None and found[0]() is tensor:
        return found[1]
    digest = hashlib.blake2b(_tensor_bytes(tensor), digest_size=16).digest()
    _DIGESTS[key] = (weakref.ref(tensor, lambda _, key=key: _DIGESTS.pop(key, None)), digest)
    return digest


def _weight_digest(weight: torch.Tensor) -> bytes:
    """What a model weight holds now. On the CPU its bytes (:func:`_content_digest`: a test that
    scales a weight and restores it gets the remembered answers back); elsewhere (a GPU model
    of gigabytes) its identity and version counter, so an edited weight only ever costs a
    recomputation."""
    if weight.device.type == "cpu":
        return _content_digest(weight)
    return f"{id(weight)}@{weight._version}".encode()


def _call_key(function: Callable[..., Any], args: tuple, kwargs: dict, samples: bool) -> _Fingerprint | None:
    fingerprint = _Fingerprint()
    fingerprint.digest.update(f"{function.__module__}.{function.__qualname__}|".encode())
    if not (fingerprint.add(args) and fingerprint.add(kwargs)) or not fingerprint.costly:
        return None  # unknown inputs, or plain ones (strings, numbers): cheaper to just call
    if samples and not fingerprint.generators:  # without a generator a sampler draws from the global one
        fingerprint.digest.update(b"rng:" + torch.random.get_rng_state().numpy().tobytes())
    return fingerprint


def remember(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` answering from memory for inputs it has seen (see the module docstring)."""

    samples = "generator" in inspect.signature(function).parameters

    @functools.wraps(function)
    def remembered_call(*args: Any, **kwargs: Any) -> Any:
        if all(type(value) in _PLAIN for value in args) and all(type(value) in _PLAIN for value in kwargs.values()):
            return function(*args, **kwargs)  # strings and numbers only: cheap to recompute
        fingerprint = _call_key(function, args, kwargs, samples)
        if fingerprint is None:
            return function(*args, **kwargs)
        key = fingerprint.digest.digest()
        stored = _MEMORY.get(key)
        if stored is None:
            value = function(*args, **kwargs)
            states = [(index, generator.get_state()) for index, generator in enumerate(fingerprint.generators)]
            try:
                _MEMORY[key] = (copy.deepcopy(value), states, torch.random.get_rng_state())
            except Exception:  # a value that cannot be copied is not remembered
                pass
            return value
        value, states, rng_state = stored
        for index, state in states:
            fingerprint.generators[index].set_state(state)
        torch.random.set_rng_state(rng_state)
        return copy.deepcopy(value)

    return remembered_call


class _RememberedModule(types.ModuleType):
    def __init__(self, module: types.ModuleType):
        super().__init__(module.__name__, module.__doc__)
        self._module = module
        self._wrapped: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        if name not in self._wrapped:
            value = getattr(self._module, name)
            # Only plain functions: classes (BigramModel) and constants pass through untouched.
            self._wrapped[name] = remember(value) if isinstance(value, types.FunctionType) else value
        return self._wrapped[name]


def remembered(module: types.ModuleType) -> types.ModuleType:
    """A view of a reference module whose functions answer from memory (see :func:`remember`)."""
    return _RememberedModule(module)


def remembered_calls() -> int:
    """How many answers are in memory (for the judge's warm-up report)."""
    return len(_MEMORY)


def forget() -> None:
    """Empty this process's memory of answers: the next call of each computes again."""
    _MEMORY.clear()


# ---------------------------------------------------------------------------------------------
# The memory on disk
# ---------------------------------------------------------------------------------------------

DISK_FORMAT = 1
KEEP_FILES = 8  # the most recently used files of a cache folder; older ones are removed on save
_VERSIONED = ("torch", "transformers", "tokenizers", "numpy", "hypothesis")
_SOURCES = ("grading", "reference", "solutions")


def _update_with_files(digest: Any, files: Iterable[Path], root: Path) -> None:
    for path in sorted(files):
        digest.update(f"{path.relative_to(root).as_posix()}:{path.stat().st_size}:".encode())
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)


def _local_folder(name: str | os.PathLike | None) -> Path | None:
    if not name:
        return None
    path = Path(name)
    return path if path.is_dir() else None


def disk_key(backend_name: str, backend: Any, suites: Iterable[str], exercises: Iterable[str]) -> str | None:
    """The name of the memory's file for this grading set-up, or None where it cannot be kept
    on disk (a backend not on the CPU, or whose model or tokenizer is not a local folder)."""
    model_folder = _local_folder(getattr(backend, "model_id", None))
    tokenizer_folder = _local_folder(getattr(getattr(backend, "tokenizer", None), "name_or_path", None))
    if getattr(getattr(backend, "device", None), "type", None) != "cpu" or not model_folder or not tokenizer_folder:
        return None
    digest = hashlib.blake2b(digest_size=16)
    versions = {name: _version(name) for name in _VERSIONED}
    digest.update(repr((DISK_FORMAT, platform.python_version(), versions, backend_name,
                        sorted(suites), sorted(exercises))).encode())
    for package in _SOURCES:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            return None
        root = Path(next(iter(spec.submodule_search_locations)))
        _update_with_files(digest, (p for p in root.rglob("*.py") if "__pycache__" not in p.parts), root)
    for folder in (model_folder, tokenizer_folder):
        _update_with_files(digest, (p for p in folder.iterdir() if p.is_file()), folder)
    return digest.hexdigest()


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "-"


def _plain(value: Any, depth: int = 0) -> bool:
    """Data ``torch.load(weights_only=True)`` reads back as it was, and nothing else."""
    if depth > 16:
        return False
    if value is None or type(value) in (bool, int, float, str, bytes):
        return True
    if type(value) is torch.Tensor:
        return value.layout == torch.strided and value.device.type == "cpu"
    if type(value) in (list, tuple):
        return all(_plain(item, depth + 1) for item in value)
    if type(value) is dict:
        return all(type(key) in (str, int) and _plain(item, depth + 1) for key, item in value.items())
    return False


def _random_states() -> dict:
    import numpy

    kind, keys, position, has_gauss, cached = numpy.random.get_state()
    version, internal, gauss = random.getstate()
    return {"torch": torch.random.get_rng_state(), "python": [version, list(internal), gauss],
            "numpy": [kind, torch.from_numpy(keys.astype("int64")), position, has_gauss, cached]}


def _set_random_states(states: dict) -> None:
    import numpy

    torch.random.set_rng_state(states["torch"])
    version, internal, gauss = states["python"]
    random.setstate((version, tuple(internal), gauss))
    kind, keys, position, has_gauss, cached = states["numpy"]
    numpy.random.set_state((kind, keys.numpy().astype("uint32"), position, has_gauss, cached))


def save(path: Path) -> int:
    """Write the remembered answers that are plain data, and the random states as they are now
    (a server that reads them back forks its judges from the same states), to ``path``,
    atomically. Returns how many answers were written."""
    entries = [[key, value, [[index, state] for index, state in states], rng]
               for key, (value, states, rng) in _MEMORY.items() if _plain(value)]
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False)
    try:
        with handle:
            torch.save({"format": DISK_FORMAT, "entries": entries, "random_states": _random_states()}, handle)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    _prune(path.parent)
    return len(entries)


def _prune(folder: Path) -> None:
    """Keep the :data:`KEEP_FILES` most recently used files (each set-up has one of some MB)."""
    files = sorted(folder.glob("*.pt"), key=lambda path: path.stat().st_mtime, reverse=True)
    for old in files[KEEP_FILES:]:
        old.unlink(missing_ok=True)


def load(path: Path) -> int:
    """Add the answers of a file :func:`save` wrote and set the random states it recorded.
    Returns how many answers it added: 0 for a file that is missing, unreadable or of another
    format (then nothing changes)."""
    try:
        data = torch.load(path, weights_only=True)
        if not isinstance(data, dict) or data.get("format") != DISK_FORMAT:
            return 0
        entries = [(bytes(key), (value, [(int(index), state) for index, state in states], rng))
                   for key, value, states, rng in data["entries"]]
        states = data["random_states"]
    except Exception:  # a damaged or foreign file only costs the time of priming
        return 0
    _set_random_states(states)
    for key, stored in entries:
        _MEMORY.setdefault(key, stored)
    try:
        os.utime(path)  # used now: the last to be pruned
    except OSError:
        pass
    return len(entries)
