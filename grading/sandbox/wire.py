"""The wire between the grader and the sandboxed learner process: a safe codec and framing.

Everything that crosses the process boundary is encoded here, in both directions, into a
structure of plain values — ``None``, ``bool``, ``int``, ``float``, ``str``, ``bytes``, lists and
dicts with string keys — and written as one JSON document followed by the raw bytes it refers
to (:func:`encode` / :func:`decode`). Reading it back builds nothing but those plain values: no
class is looked up, no function called, whatever the bytes say, and the time it takes grows
with the message's length only (JSON has no shared references; an integer has at most 4,300
digits, Python's own limit; each block of raw bytes is used once). Nothing from the learner's
side is ever unpickled.

Everything else travels as a *tag*, a dict with the key :data:`TAG`:

- ``tensor``: dtype name, shape, strides, offset, ``requires_grad``, device and the raw bytes
  (a dense tensor keeps its strides; a view of a larger storage is copied first);
- ``size`` / ``dtype`` / ``device``: ``torch.Size``, ``torch.dtype``, ``torch.device``;
- ``generator``: a ``torch.Generator`` as its device and state (the receiver builds its own);
- ``ndarray`` / ``npscalar``: numpy values, rebuilt as numpy values;
- ``namedtuple``: e.g. the result of ``torch.topk``, rebuilt with the same field names;
- ``mapping``: ``BatchEncoding`` and ``ModelOutput`` of transformers, rebuilt as that class
  when the receiver allows it, else as a dict;
- ``handle``: something the receiver must resolve itself (the backend's model, tokenizer, a
  parameter or a submodule; Mistral's tokenizer by name; each side resolves it on its own
  copy; a toy the grader keeps, :mod:`grading.sandbox.kept_toy`) — see ``handles`` and
  ``resolve`` of :func:`dumps` / :func:`loads`;
- ``opaque``: anything else, as its type name and a short ``repr`` — the receiver gets an
  :class:`Opaque` stand-in that can be described in feedback but does nothing;
- ``tuple`` / ``complex`` / ``dict`` / ``set`` / ``sequence``: what JSON has no word for (a
  dict whose keys are not all strings is a ``dict`` of pairs); ``blob``: a block of raw bytes;
  ``bytes_list``: a long list of ``bytes`` as one block and its sizes.

Frames on a socket: an 8-byte big-endian length, then the payload; a reader gives up past a
deadline or a size limit (:class:`WireError`). The framing is written here rather than taken from
``multiprocessing.connection``, whose ``recv_bytes`` refuses an over-long frame too but, once a
frame has begun, blocks until it ends: a learner's process that sends half a reply and stops
would hold the judge past every time limit (``poll`` only says that some bytes are there).
Here the deadline holds within a frame, and a frame can carry file descriptors (the channel of a
new submission process). ``tests/test_wire_framing.py`` holds each of these promises.
"""
from __future__ import annotations

import json
import keyword
import re
import select
import socket
import struct
import time
from typing import Any, Callable

import torch

TAG = "__decodelab__"
HEADER = struct.Struct(">Q")
MAX_REPR = 200

Handles = Callable[[Any], "dict | None"]
Resolve = Callable[[dict], Any]


class WireError(RuntimeError):
    """The other side sent nothing in time, too much, or something undecodable."""


class Opaque:
    """Stand-in for a value of a type that cannot cross the wire (its repr only)."""

    type_name = "object"

    def __init__(self, text: str):
        self._text = text

    def __repr__(self) -> str:
        return self._text


def _identifier(text: str, default: str = "Value") -> str:
    name = re.sub(r"\W", "_", str(text))[:60] or default
    if name[0].isdigit() or keyword.iskeyword(name):
        name = "_" + name
    return name


def opaque(type_name: str, text: str, budget: "Budget | None" = None) -> Opaque:
    """An :class:`Opaque` whose class is named like the original type, for readable feedback
    (within ``budget``'s classes; past them, a plain :class:`Opaque`)."""
    def make() -> type:
        return type(_identifier(type_name.rsplit(".", 1)[-1]), (Opaque,), {"type_name": type_name})

    cls = budget.named_class(("opaque", type_name), make) if budget is not None else make()
    return (cls or Opaque)(text)


def short_repr(value: Any) -> str:
    try:
        text = repr(value)
    except Exception as error:  # a learner's __repr__ may raise
        text = f"<{type(value).__name__} whose repr raised {type(error).__name__}>"
    return text if len(text) <= MAX_REPR else text[: MAX_REPR - 3] + "..."


def tensor_to_plain(tensor: torch.Tensor) -> dict:
    """A tensor as raw bytes plus what it takes to rebuild it (strides kept when dense)."""
    if tensor.layout != torch.strided or tensor.is_quantized or tensor.device.type == "meta":
        return {TAG: "opaque", "type": "torch.Tensor", "repr": f"<{tensor.layout} tensor {tuple(tensor.shape)}>"}
    data = tensor.detach()
    if data.device.type != "cpu":
        data = data.cpu()
    storage_bytes = data.untyped_storage().nbytes()
    dense = data.numel() * data.element_size() == storage_bytes and data.storage_offset() == 0
    if not data.is_contiguous() and not dense:
        data = data.contiguous()
    if data.is_contiguous():
        raw, stride, offset = data.reshape(-1), None, 0
    else:  # a dense permutation (a transpose...): send its storage, keep its strides
        raw = torch.empty(0, dtype=data.dtype).set_(data.untyped_storage(), 0, (data.untyped_storage().nbytes() // data.element_size(),))
        stride, offset = list(data.stride()), data.storage_offset()
    payload = raw.view(torch.uint8).numpy().tobytes() if raw.numel() else b""
    return {TAG: "tensor", "dtype": str(data.dtype).replace("torch.", ""), "shape": list(data.shape),
            "stride": stride, "offset": offset, "data": payload,
            "requires_grad": bool(tensor.requires_grad), "device": str(tensor.device)}


def _dtype(name: Any) -> torch.dtype:
    value = getattr(torch, str(name), None)
    if not isinstance(value, torch.dtype):
        raise WireError(f"unknown dtype {name!r}")
    return value


def tensor_from_plain(value: dict, budget: "Budget | None" = None, buffer: memoryview | None = None) -> torch.Tensor:
    """The tensor a ``tensor`` tag describes. Its elements must all be in its bytes: a view that
    repeats them (stride 0: a 2^36-element tensor from 4 bytes) would hang whoever reads it.
    With ``buffer``, the tensor is built on that memory (not a copy) instead of the tag's bytes."""
    dtype = _dtype(value.get("dtype"))
    shape = [int(v) for v in value.get("shape", [])]
    data = value.get("data", b"") if buffer is None else buffer
    if not isinstance(data, (bytes, bytearray)) and buffer is None:
        raise WireError("tensor data must be bytes")
    if any(size < 0 for size in shape):
        raise WireError(f"a tensor of shape {shape}")
    elements = 1
    for size in shape:
        elements *= size
    item = torch.empty(0, dtype=dtype).element_size()
    if elements * item > len(data):
        raise WireError(f"a tensor of shape {shape} ({elements:,} elements) built from {len(data):,} bytes")
    if budget is not None:
        budget.spend(1, len(data))
    try:
        if len(data):
            flat = torch.frombuffer(bytearray(data) if buffer is None else buffer, dtype=torch.uint8).view(dtype)
        else:
            flat = torch.empty(0, dtype=dtype)
        if value.get("stride") is None:
            tensor = flat.reshape(shape)
        else:
            tensor = torch.as_strided(flat, shape, [int(v) for v in value["stride"]], int(value.get("offset", 0)))
        if value.get("requires_grad") and (tensor.is_floating_point() or tensor.is_complex()):
            tensor.requires_grad_(True)
        device = str(value.get("device", "cpu"))
        if device.startswith("cuda") and torch.cuda.is_available():  # else the CPU (never "meta": no values)
            try:
                tensor = tensor.to(torch.device(device))
            except (RuntimeError, ValueError):
                pass
        return tensor
    except (RuntimeError, ValueError, TypeError) as error:
        raise WireError(f"a tensor that cannot be rebuilt ({error})") from None


def _type_name(value: Any) -> str:
    cls = type(value)
    return f"{cls.__module__}.{cls.__qualname__}"


_SCALARS = frozenset({str, bytes, int, float, bool, type(None)})


def to_plain(value: Any, handles: Handles | None = None, depth: int = 0) -> Any:
    """``value`` as a structure of plain values and tags (see the module docstring)."""
    if depth > 40:
        return {TAG: "opaque", "type": "nesting", "repr": "<nested too deeply>"}
    if value is None or isinstance(value, (bool, str, bytes)):
        return value
    if type(value) in (int, float):
        return value
    if type(value) is complex:
        return {TAG: "complex", "real": value.real, "imag": value.imag}
    if type(value) is list and all(type(item) in _SCALARS for item in value):
        if len(value) >= 16 and all(type(item) is bytes for item in value):  # piece_bytes of a vocabulary
            return {TAG: "bytes_list", "sizes": [len(item) for item in value], "data": b"".join(value)}
        return list(value)  # the common case of a batch (every piece of a vocabulary): no walk
    if isinstance(value, torch.dtype):
        return {TAG: "dtype", "name": str(value).replace("torch.", "")}
    if isinstance(value, torch.device):
        return {TAG: "device", "name": str(value)}
    if isinstance(value, torch.Size):
        return {TAG: "size", "items": [int(v) for v in value]}
    bigram = _bigram_to_plain(value)
    if bigram is not None:
        return bigram
    if handles is not None:
        handle = handles(value)
        if handle is not None:
            return handle
    if isinstance(value, torch.Tensor):
        return tensor_to_plain(value)
    if isinstance(value, torch.Generator):
        return {TAG: "generator", "device": str(value.device), "state": tensor_to_plain(value.get_state())}
    fields = getattr(value, "_fields", None) or getattr(type(value), "__match_args__", None)
    if isinstance(value, tuple) and fields and type(value) is not tuple:  # namedtuple, torch.return_types
        return {
            TAG: "namedtuple", "type": _type_name(value), "fields": [str(f) for f in fields],
            "items": [to_plain(item, handles, depth + 1) for item in value],
        }
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [to_plain(item, handles, depth + 1) for item in value]
        if type(value) is list:
            return items
        if type(value) is tuple:
            return {TAG: "tuple", "items": items}
        if type(value) in (set, frozenset):
            return {TAG: "set", "frozen": isinstance(value, frozenset), "items": items}
        return {TAG: "sequence", "type": _type_name(value), "kind": "list" if isinstance(value, list) else "tuple", "items": items}
    if isinstance(value, dict):
        items = [(to_plain(k, handles, depth + 1), to_plain(v, handles, depth + 1)) for k, v in value.items()]
        if type(value) is dict and TAG not in value and all(type(k) is str for k, _ in items):
            return dict(items)
        kind = "mapping" if type(value) is not dict else "dict"
        return {TAG: kind, "type": _type_name(value), "items": items}
    if hasattr(value, "keys") and hasattr(value, "__getitem__") and type(value).__module__.startswith("transformers"):
        try:  # BatchEncoding is a UserDict, not a dict
            items = [(k, to_plain(value[k], handles, depth + 1)) for k in value.keys()]
            return {TAG: "mapping", "type": _type_name(value), "items": items}
        except Exception:
            pass
    if isinstance(value, int):  # bool/int subclasses (IntEnum...)
        return int(value)
    if isinstance(value, float):
        return float(value)
    numpy_value = _numpy_to_plain(value)
    if numpy_value is not None:
        return numpy_value
    if isinstance(value, slice):
        return {TAG: "slice", "items": [to_plain(value.start), to_plain(value.stop), to_plain(value.step)]}
    if isinstance(value, range):
        return {TAG: "range", "items": [value.start, value.stop, value.step]}
    if value is Ellipsis:
        return {TAG: "ellipsis"}
    return {TAG: "opaque", "type": _type_name(value), "repr": short_repr(value)}


def backend_object(backend: Any, handle: dict) -> Any:
    """The object of a loaded backend that a ``handle`` tag names; the grader and the learner's
    process resolve handles the same way, each on its own copy of the backend. Raises
    ``LookupError`` (or ``AttributeError`` for a path the model lacks) for anything else."""
    what = handle.get("what")
    if what == "backend":
        return backend
    if what == "model":
        return backend.model
    if what == "tokenizer":
        return backend.tokenizer
    if what == "module":
        return backend.model.get_submodule(str(handle.get("path")))
    if what == "param":
        parameter = backend.model.get_parameter(str(handle.get("path")))
        return parameter if handle.get("requires_grad") else parameter.detach()
    raise LookupError(f"unknown handle {handle!r}")


def argument_slots(args: tuple | list, kwargs: dict) -> list[tuple[str, Any, Any]]:
    """(``"args"``, index, value) and (``"kwargs"``, name, value) of a call's arguments: how both
    sides name an argument (the model a test watches, an argument the learner changed)."""
    return [("args", i, v) for i, v in enumerate(args)] + [("kwargs", k, v) for k, v in kwargs.items()]


def tokenizer_handle(value: Any) -> dict | None:
    """Mistral-7B-v0.1's tokenizer, as :func:`reference.tokenizer.load_mistral_tokenizer` gives
    it (one per process), as a handle by name: each side uses its own, from the same files."""
    import sys

    module = sys.modules.get("reference.tokenizer")
    if module is None or not module.load_mistral_tokenizer.cache_info().currsize:
        return None
    if value is not module.load_mistral_tokenizer():
        return None
    return {TAG: "handle", "kind": "tokenizer", "name": module.TOKENIZER_NAME}


def named_tokenizer(handle: dict) -> Any:
    """The tokenizer a :func:`tokenizer_handle` names, this side's own (``LookupError`` for another name)."""
    from reference.tokenizer import TOKENIZER_NAME, load_mistral_tokenizer

    if handle.get("name") != TOKENIZER_NAME:
        raise LookupError(f"unknown tokenizer {handle.get('name')!r}")
    return load_mistral_tokenizer()


def _bigram_to_plain(value: Any) -> dict | None:
    """The suites' toy model (:class:`reference.bigram.BigramModel`) travels as its table (a test
    watches its passes with ``learner.observing_forward_passes``, not with hooks of its own).
    One with a ``cache_salt`` does not: the grader keeps it (:mod:`grading.sandbox.kept_toy`)."""
    cls = type(value)
    if cls.__name__ != "BigramModel" or cls.__module__ != "reference.bigram" or value.cache_salt is not None:
        return None
    return {TAG: "bigram", "table": tensor_to_plain(value.table), "logits_dtype": str(value.logits_dtype).replace("torch.", ""),
            "sampling_defaults": dict(value.sampling_defaults), "config_eos_token_id": value.config.eos_token_id}


def _numpy_to_plain(value: Any) -> dict | None:
    module = type(value).__module__
    if not module.startswith("numpy"):
        return None
    import numpy

    if isinstance(value, numpy.ndarray):
        try:
            return {TAG: "ndarray", "dtype": str(value.dtype), "tensor": tensor_to_plain(torch.from_numpy(numpy.ascontiguousarray(value)))}
        except TypeError:
            return {TAG: "opaque", "type": _type_name(value), "repr": short_repr(value)}
    if isinstance(value, numpy.generic) and value.dtype.kind in "biufc":
        return {TAG: "npscalar", "dtype": str(value.dtype), "value": to_plain(value.item())}
    return None


MappingFactory = Callable[[str, dict], Any]


class Budget:
    """What one decoded message may expand to: ``items`` values visited and ``size`` bytes of
    strings, bytes and tensor data built. The wire has no shared references, so a message
    expands to about its own length; the budget still bounds what a message of the size
    limit may make the judge build and, later, describe (a million empty lists).
    """

    def __init__(self, items: int = 2_000_000, size: int = 64 * 2**20):
        self.items, self.size = items, size
        self.limits = (items, size)
        self.classes: dict[tuple, type] = {}

    @classmethod
    def unlimited(cls) -> "Budget":
        """For messages from the grader to the learner's process: the grader is trusted."""
        return cls(items=1 << 62, size=1 << 62)

    def spend(self, items: int = 1, size: int = 0) -> None:
        self.items -= items
        self.size -= size
        if self.items < 0:
            raise WireError(f"a message that expands to more than {self.limits[0]:,} values")
        if self.size < 0:
            raise WireError(f"a message that expands to more than {self.limits[1]:,} bytes of data")

    def named_class(self, key: tuple, make: Callable[[], type]) -> type | None:
        """The class ``make`` builds for ``key`` (an opaque value's type, a named tuple's), built
        once per message and for at most :data:`MAX_CLASSES` keys (else ``None``): building a
        named tuple's class takes about 100 µs, so a message of 60-byte tags naming a new one
        each would keep a judge busy for minutes."""
        if key not in self.classes:
            if len(self.classes) >= MAX_CLASSES:
                return None
            self.classes[key] = make()
        return self.classes[key]


# What a message may build besides plain values: distinct classes (Budget.named_class), and
# what a tag counts against Budget.items. Rebuilding a tag (a tensor, a generator, a class's
# instance) takes up to some tens of microseconds against well under one for a plain value,
# and a toy model (an nn.Module) about 300: at these prices no message within the budget
# keeps a judge decoding for more than a few seconds (tests/test_judge_limits.py).
MAX_CLASSES = 64
MAX_FIELDS = 64  # a named tuple with more fields comes back as a plain tuple (its class costs per field)
TAG_COST = 50
TAG_COSTS = {"bigram": 2000}


HASH_MODULUS = 2**61 - 1  # sys.hash_info.modulus on 64-bit builds: an int below it is its own hash


def _key(value: Any) -> Any:
    """``value`` as a key of a rebuilt dict or set: a string, bytes, a bool, ``None`` or an int
    below 2^61 - 1 in size. Strings and bytes are hashed with this process's secret seed, and
    such ints are their own hash, so no message can make their insertions collide; ints equal
    modulo 2^61 - 1, or floats and tuples built to share a hash, would make each insertion
    compare with every earlier one (300,000 of them: twenty minutes of a judge's time)."""
    if type(value) in (str, bytes, bool) or value is None or (type(value) is int and abs(value) < HASH_MODULUS):
        return value
    raise WireError(f"a dict or set with a key of type {type(value).__name__} "
                    "(keys may be strings, bytes, booleans, None or ints below 2**61 - 1)")


def _bytes_list(sizes: Any, data: Any, budget: Budget) -> list[bytes]:
    """A list of ``bytes`` sent as one block and the sizes that cut it (one block per value
    would cost a dict and a lookup each: 32,000 pieces of a vocabulary, 70 ms a message)."""
    if not (isinstance(sizes, list) and isinstance(data, bytes) and all(type(n) is int and n >= 0 for n in sizes)
            and sum(sizes) == len(data)):
        raise WireError("a list of bytes whose sizes do not cut its block")
    budget.spend(len(sizes), len(data))
    values, start = [], 0
    for size in sizes:
        values.append(data[start:start + size])
        start += size
    return values


def _scalar_size(value: Any) -> int:
    return len(value) if isinstance(value, (str, bytes, bytearray)) else 0


def from_plain(value: Any, resolve: Resolve | None = None, mapping: MappingFactory | None = None,
               budget: Budget | None = None) -> Any:
    """Rebuild what :func:`to_plain` wrote. ``resolve`` turns ``handle`` tags into objects;
    ``budget`` (:class:`Budget`) bounds what the message may expand to."""
    if budget is None:
        budget = Budget.unlimited()
    if isinstance(value, list):
        if all(type(item) in _SCALARS for item in value):
            budget.spend(len(value) + 1, sum(_scalar_size(item) for item in value))
            return value
        budget.spend()
        return [from_plain(v, resolve, mapping, budget) for v in value]
    if not isinstance(value, dict):
        budget.spend(1, _scalar_size(value))
        return value
    tag = value.get(TAG)
    budget.spend(1 if tag is None else TAG_COSTS.get(tag, TAG_COST))
    if tag is None:
        return {k: from_plain(v, resolve, mapping, budget) for k, v in value.items()}
    items = value.get("items")
    if tag == "dict":
        return {_key(from_plain(k, resolve, mapping, budget)): from_plain(v, resolve, mapping, budget) for k, v in items}
    if tag == "mapping":
        data = {_key(from_plain(k, resolve, mapping, budget)): from_plain(v, resolve, mapping, budget) for k, v in items}
        return mapping(str(value.get("type")), data) if mapping else data
    if tag == "set":
        rebuilt = {_key(from_plain(v, resolve, mapping, budget)) for v in items}
        return frozenset(rebuilt) if value.get("frozen") else rebuilt
    if tag == "tuple":
        return tuple(from_plain(v, resolve, mapping, budget) for v in items)
    if tag == "bytes_list":
        return _bytes_list(value.get("sizes"), value.get("data"), budget)
    if tag == "complex":
        return complex(float(value.get("real", 0.0)), float(value.get("imag", 0.0)))
    if tag == "sequence":
        rebuilt = [from_plain(v, resolve, mapping, budget) for v in items]
        return rebuilt if value.get("kind") == "list" else tuple(rebuilt)
    if tag == "namedtuple":
        return _namedtuple(str(value.get("type")), value.get("fields") or [], [from_plain(v, resolve, mapping, budget) for v in items],
                           budget)
    if tag == "tensor":
        return tensor_from_plain(value, budget)
    if tag == "dtype":
        return _dtype(value.get("name"))
    if tag == "device":
        try:
            return torch.device(str(value.get("name")))
        except (RuntimeError, ValueError):
            return torch.device("cpu")
    if tag == "size":
        return torch.Size([int(v) for v in items])
    if tag == "generator":
        generator = torch.Generator(device=torch.device(str(value["device"])))
        try:
            generator.set_state(from_plain(value["state"], budget=budget))
        except (RuntimeError, TypeError, ValueError):
            raise WireError("a generator state that cannot be restored") from None
        return generator
    if tag == "bigram":
        try:
            from reference.bigram import BigramModel
        except ImportError as error:
            raise WireError(f"a toy model this process cannot rebuild ({error})") from None
        try:
            defaults = value.get("sampling_defaults")
            return BigramModel(tensor_from_plain(value["table"], budget), logits_dtype=_dtype(value.get("logits_dtype")),
                               sampling_defaults=defaults if isinstance(defaults, dict) else None,
                               config_eos_token_id=value.get("config_eos_token_id"))
        except (KeyError, TypeError, ValueError) as error:
            raise WireError(f"a toy model that cannot be rebuilt ({error})") from None
    if tag == "ndarray":
        import numpy

        tensor = from_plain(value["tensor"], budget=budget)
        dtype = numpy.dtype(_numeric_dtype(value["dtype"]))
        budget.spend(0, tensor.numel() * dtype.itemsize)  # the array built, which a wider dtype makes larger
        return tensor.detach().numpy().astype(dtype, copy=False)
    if tag == "npscalar":
        import numpy

        return numpy.dtype(_numeric_dtype(value["dtype"])).type(from_plain(value["value"], budget=budget))
    if tag == "slice":
        return slice(*[from_plain(v, budget=budget) for v in items])
    if tag == "range":
        return range(*[int(v) for v in items])
    if tag == "ellipsis":
        return Ellipsis
    if tag == "opaque":
        return opaque(str(value.get("type", "object")), str(value.get("repr", "")), budget)
    if tag == "handle" and resolve is not None:
        return resolve(value)
    return opaque(f"unknown.{_identifier(str(tag))}", f"<{tag}>", budget)


_NUMERIC = re.compile(r"^(bool|u?int(8|16|32|64)|float(16|32|64)|complex(64|128))$")


def _numeric_dtype(name: str) -> str:
    if not _NUMERIC.match(str(name)):
        raise WireError(f"refusing numpy dtype {name!r}")
    return str(name)


def _namedtuple(type_name: str, fields: list, items: list, budget: Budget) -> Any:
    module, _, name = type_name.rpartition(".")
    if module == "torch.return_types":
        cls = getattr(torch.return_types, name, None)
        if cls is not None:
            try:
                return cls(items)
            except Exception:
                pass
    from collections import namedtuple

    if not isinstance(fields, list) or len(fields) > MAX_FIELDS:
        return tuple(items)
    names = [_identifier(f, f"field{i}") for i, f in enumerate(fields)]
    if len(set(names)) != len(names) or len(names) != len(items):
        return tuple(items)
    cls = budget.named_class(("namedtuple", name, tuple(names)),
                             lambda: namedtuple(_identifier(name, "Result"), names, rename=True))
    return cls(*items) if cls is not None else tuple(items)


BLOB_SIZE = struct.Struct(">Q")


def _blob_reference(blobs: list[bytes]) -> Callable[[Any], dict]:
    def reference(value: Any) -> dict:
        if isinstance(value, (bytes, bytearray, memoryview)):
            blobs.append(value)
            return {TAG: "blob", "index": len(blobs) - 1}
        raise TypeError(f"a {type(value).__name__} is not plain data")  # to_plain lets none through
    return reference


def encode(plain: Any) -> bytes:
    """A structure of plain values and tags (:func:`to_plain`) as a payload: the JSON document's
    length, the document (UTF-8; a lone surrogate of a learner's string kept as it is), then
    each block of raw bytes as its length and its bytes. ``ValueError`` for what JSON cannot
    hold (an integer of more than 4,300 digits)."""
    blobs: list[bytes] = []
    text = json.dumps(plain, default=_blob_reference(blobs), ensure_ascii=False, separators=(",", ":"))
    document = text.encode("utf-8", "surrogatepass")
    parts = [HEADER.pack(len(document)), document]
    for blob in blobs:
        parts += [BLOB_SIZE.pack(len(blob)), blob]
    return b"".join(parts)


def decode(data: bytes, max_containers: int | None = None) -> Any:
    """The plain structure :func:`encode` wrote, its ``blob`` tags replaced by their bytes (each
    block may be named once: a block named twice would be a shared reference). Raises
    :class:`WireError` for anything else, and for a document of more than ``max_containers``
    lists and dicts (counted as brackets before parsing: 60 MB of ``[],`` would build 20
    million lists). Takes time in proportion to ``len(data)``."""
    try:
        view = memoryview(data)
        (size,) = HEADER.unpack_from(view)
        document = bytes(view[HEADER.size:HEADER.size + size])
        if len(document) != size:
            raise WireError("a message shorter than its document")
        braces = document.count(b"{")  # every block is named by a dict of its own
        if max_containers is not None and document.count(b"[") + braces > max_containers:
            raise WireError(f"a message of more than {max_containers:,} lists and dicts")
        blobs, offset = [], HEADER.size + size
        while offset < len(view):
            if len(blobs) >= braces:
                raise WireError("more blocks of bytes than the message names")
            (length,) = BLOB_SIZE.unpack_from(view, offset)
            offset += BLOB_SIZE.size
            if offset + length > len(view):
                raise WireError("a block of bytes longer than the message")
            blobs.append(bytes(view[offset:offset + length]))
            offset += length
        used: set[int] = set()

        def resolve_blob(item: dict) -> Any:
            if item.get(TAG) != "blob":
                return item
            index = item.get("index")
            if type(index) is not int or not 0 <= index < len(blobs) or index in used:
                raise WireError(f"a block of bytes named twice or never sent ({index!r})")
            used.add(index)
            return blobs[index]

        return json.loads(document.decode("utf-8", "surrogatepass"), object_hook=resolve_blob)
    except WireError:
        raise
    except Exception as error:  # not JSON, too deeply nested, an over-long integer, a short header...
        raise WireError(f"undecodable message ({type(error).__name__}: {str(error)[:200]})") from None


def dumps(value: Any, handles: Handles | None = None) -> bytes:
    return encode(to_plain(value, handles))


def loads(data: bytes, resolve: Resolve | None = None, mapping: MappingFactory | None = None,
          budget: Budget | None = None) -> Any:
    """Decode bytes from :func:`dumps`, within ``budget`` (by default :class:`Budget`'s: 2 million
    values, 64 MB of data)."""
    budget = budget or Budget()
    plain = decode(data, max_containers=budget.items)
    try:
        return from_plain(plain, resolve, mapping, budget)
    except WireError:
        raise
    except Exception as error:
        raise WireError(f"a message that cannot be rebuilt ({type(error).__name__}: {str(error)[:200]})") from None


def send(sock: socket.socket, value: Any, handles: Handles | None = None, fds: list[int] | None = None,
         plain: bool = False, deadline: float | None = None) -> None:
    """Encode ``value`` and write it as one frame (with file descriptors attached, if any).
    ``plain``: ``value`` is already made of plain values and tags (:func:`to_plain`). With a
    ``deadline`` (``time.monotonic()``), ``TimeoutError`` once it passes with the frame not all
    written: a reader that stops reading (a learner's process that peeks at a request's length
    and sleeps) fills the socket's buffer, about 200 kB, and would hold a plain ``sendall``
    for ever."""
    payload = encode(value) if plain else dumps(value, handles)
    frame = HEADER.pack(len(payload)) + payload
    if fds:
        socket.send_fds(sock, [frame[: HEADER.size]], fds)
        frame = frame[HEADER.size:]
    if deadline is None:
        sock.sendall(frame)
        return
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    before = sock.gettimeout()
    sock.settimeout(left)  # sendall's timeout bounds the whole frame (socket.timeout is TimeoutError)
    try:
        sock.sendall(frame)
    finally:
        sock.settimeout(before)


def _read_exactly(sock: socket.socket, size: int, deadline: float | None, fds: list[int] | None = None) -> bytes:
    chunks = []
    remaining = size
    while remaining:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            ready, _, _ = select.select([sock], [], [], left)
            if not ready:
                raise TimeoutError
        if fds is not None:
            data, received, _, _ = socket.recv_fds(sock, remaining, 4)
            fds.extend(received)
            fds = None
        else:
            data = sock.recv(min(remaining, 1 << 20))
        if not data:
            raise EOFError
        chunks.append(data)
        remaining -= len(data)
    return b"".join(chunks)


def receive_bytes(sock: socket.socket, deadline: float | None = None, limit: int = 1 << 30, fds: list[int] | None = None) -> bytes:
    """One frame's payload. Raises ``TimeoutError``, ``EOFError`` or :class:`WireError`.

    The peers take turns (a request, then its answer), so a frame never shares a read with the
    next one: the first read takes up to 64 KiB, which is most often the whole frame.
    """
    if fds is not None:
        (size,) = HEADER.unpack(_read_exactly(sock, HEADER.size, deadline, fds))
        head = b""
    else:
        head = _read_exactly(sock, 1, deadline)
        try:
            head += sock.recv(1 << 16, socket.MSG_DONTWAIT)
        except (BlockingIOError, InterruptedError):
            pass
        if len(head) < HEADER.size:
            head += _read_exactly(sock, HEADER.size - len(head), deadline)
        (size,) = HEADER.unpack(head[: HEADER.size])
        head = head[HEADER.size:]
    if size > limit:
        raise WireError(f"a message of {size} bytes is over the limit of {limit} bytes")
    if len(head) > size:
        raise WireError("the other side sent a second message without waiting for an answer")
    if len(head) == size:
        return head
    return head + _read_exactly(sock, size - len(head), deadline)


def receive(sock: socket.socket, deadline: float | None = None, limit: int = 1 << 30,
            resolve: Resolve | None = None, mapping: MappingFactory | None = None, fds: list[int] | None = None,
            budget: Budget | None = None) -> Any:
    """The next message: at most ``limit`` bytes on the wire, rebuilt within ``budget``."""
    return loads(receive_bytes(sock, deadline, limit, fds), resolve, mapping, budget)
