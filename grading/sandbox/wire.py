"""The wire between the grader and the sandboxed learner process: a safe codec and framing.

Everything that crosses the process boundary is encoded here, in both directions, into a
structure of plain values — ``None``, ``bool``, ``int``, ``float``, ``complex``, ``str``,
``bytes``, lists, tuples, dicts — and pickled. It is read back by :class:`SafeUnpickler`, whose
``find_class`` allows nothing but ``complex``: no object of any other class can be built, and no
function called, whatever the bytes say. Nothing from the learner's side is ever unpickled as
an arbitrary object.

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
  copy) — see ``handles`` and
  ``resolve`` of :func:`dumps` / :func:`loads`;
- ``opaque``: anything else, as its type name and a short ``repr`` — the receiver gets an
  :class:`Opaque` stand-in that can be described in feedback but does nothing;
- ``dict`` / ``set`` / ``sequence``: containers that plain pickling would not keep apart.

Frames on a socket: an 8-byte big-endian length, then the payload; a reader gives up past a
deadline or a size limit (:class:`WireError`). The framing is written here rather than taken from
``multiprocessing.connection``, whose ``recv_bytes`` refuses an over-long frame too but, once a
frame has begun, blocks until it ends: a learner's process that sends half a reply and stops
would hold the judge past every time limit (``poll`` only says that some bytes are there).
Here the deadline holds within a frame, and a frame can carry file descriptors (the channel of a
new submission process). ``tests/test_wire_framing.py`` holds each of these promises.
"""
from __future__ import annotations

import io
import keyword
import pickle
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


def opaque(type_name: str, text: str) -> Opaque:
    """An :class:`Opaque` whose class is named like the original type, for readable feedback."""
    cls = type(_identifier(type_name.rsplit(".", 1)[-1]), (Opaque,), {"type_name": type_name})
    return cls(text)


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


def tensor_from_plain(value: dict, budget: "Budget | None" = None) -> torch.Tensor:
    """The tensor a ``tensor`` tag describes. Its elements must all be in its bytes: a view that
    repeats them (stride 0: a 2^36-element tensor from 4 bytes) would hang whoever reads it."""
    dtype = _dtype(value.get("dtype"))
    shape = [int(v) for v in value.get("shape", [])]
    data = value.get("data", b"")
    if not isinstance(data, (bytes, bytearray)):
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
            flat = torch.frombuffer(bytearray(data), dtype=torch.uint8).view(dtype)
        else:
            flat = torch.empty(0, dtype=dtype)
        if value.get("stride") is None:
            tensor = flat.reshape(shape)
        else:
            tensor = torch.as_strided(flat, shape, [int(v) for v in value["stride"]], int(value.get("offset", 0)))
        if value.get("requires_grad") and (tensor.is_floating_point() or tensor.is_complex()):
            tensor.requires_grad_(True)
        device = str(value.get("device", "cpu"))
        if device != "cpu":
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
    if type(value) in (int, float, complex):
        return value
    if type(value) is list and all(type(item) in _SCALARS for item in value):
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
        if type(value) in (list, tuple, set, frozenset):
            return type(value)(items) if not isinstance(value, (set, frozenset)) else {TAG: "set", "frozen": isinstance(value, frozenset), "items": items}
        return {TAG: "sequence", "type": _type_name(value), "kind": "list" if isinstance(value, list) else "tuple", "items": items}
    if isinstance(value, dict):
        items = [(to_plain(k, handles, depth + 1), to_plain(v, handles, depth + 1)) for k, v in value.items()]
        if type(value) is dict and TAG not in value and all(isinstance(k, (str, int)) for k, _ in items):
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
    watches its passes with ``learner.observing_forward_passes``, not with hooks of its own)."""
    cls = type(value)
    if cls.__name__ != "BigramModel" or cls.__module__ != "reference.bigram":
        return None
    return {TAG: "bigram", "table": tensor_to_plain(value.table), "logits_dtype": str(value.logits_dtype).replace("torch.", "")}


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
        return {TAG: "npscalar", "dtype": str(value.dtype), "value": value.item()}
    return None


MappingFactory = Callable[[str, dict], Any]


class Budget:
    """What one decoded message may expand to: ``items`` values visited and ``size`` bytes of
    strings, bytes and tensor data built. A pickle can refer to one object many times (a list
    of a million references to one 100 MB string is a few MB on the wire); rebuilding, and
    later describing, what it says would exhaust the judge. Every visit counts, shared or not.
    """

    def __init__(self, items: int = 2_000_000, size: int = 64 * 2**20):
        self.items, self.size = items, size
        self.limits = (items, size)

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
    if isinstance(value, tuple):
        budget.spend()
        return tuple(from_plain(v, resolve, mapping, budget) for v in value)
    if not isinstance(value, dict):
        budget.spend(1, _scalar_size(value))
        return value
    budget.spend()
    tag = value.get(TAG)
    if tag is None:
        return {k: from_plain(v, resolve, mapping, budget) for k, v in value.items()}
    items = value.get("items")
    if tag == "dict":
        return {from_plain(k, resolve, mapping, budget): from_plain(v, resolve, mapping, budget) for k, v in items}
    if tag == "mapping":
        data = {from_plain(k, resolve, mapping, budget): from_plain(v, resolve, mapping, budget) for k, v in items}
        return mapping(str(value.get("type")), data) if mapping else data
    if tag == "set":
        rebuilt = {from_plain(v, resolve, mapping, budget) for v in items}
        return frozenset(rebuilt) if value.get("frozen") else rebuilt
    if tag == "sequence":
        rebuilt = [from_plain(v, resolve, mapping, budget) for v in items]
        return rebuilt if value.get("kind") == "list" else tuple(rebuilt)
    if tag == "namedtuple":
        return _namedtuple(str(value.get("type")), value.get("fields") or [], [from_plain(v, resolve, mapping, budget) for v in items])
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
            return BigramModel(tensor_from_plain(value["table"], budget), logits_dtype=_dtype(value.get("logits_dtype")))
        except (KeyError, TypeError, ValueError) as error:
            raise WireError(f"a toy model that cannot be rebuilt ({error})") from None
    if tag == "ndarray":
        import numpy

        return from_plain(value["tensor"], budget=budget).detach().numpy().astype(numpy.dtype(_numeric_dtype(value["dtype"])), copy=False)
    if tag == "npscalar":
        import numpy

        return numpy.dtype(_numeric_dtype(value["dtype"])).type(value["value"])
    if tag == "slice":
        return slice(*[from_plain(v, budget=budget) for v in items])
    if tag == "range":
        return range(*[int(v) for v in items])
    if tag == "ellipsis":
        return Ellipsis
    if tag == "opaque":
        return opaque(str(value.get("type", "object")), str(value.get("repr", "")))
    if tag == "handle" and resolve is not None:
        return resolve(value)
    return opaque(f"unknown.{_identifier(str(tag))}", f"<{tag}>")


_NUMERIC = re.compile(r"^(bool|u?int(8|16|32|64)|float(16|32|64)|complex(64|128))$")


def _numeric_dtype(name: str) -> str:
    if not _NUMERIC.match(str(name)):
        raise WireError(f"refusing numpy dtype {name!r}")
    return str(name)


def _namedtuple(type_name: str, fields: list, items: list) -> Any:
    module, _, name = type_name.rpartition(".")
    if module == "torch.return_types":
        cls = getattr(torch.return_types, name, None)
        if cls is not None:
            try:
                return cls(items)
            except Exception:
                pass
    from collections import namedtuple

    names = [_identifier(f, f"field{i}") for i, f in enumerate(fields)]
    if len(set(names)) != len(names) or len(names) != len(items):
        return tuple(items)
    return namedtuple(_identifier(name, "Result"), names, rename=True)(*items)


class SafeUnpickler(pickle.Unpickler):
    """Builds plain values only: every class lookup but ``complex`` is refused."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("builtins", "complex"):
            return complex
        raise pickle.UnpicklingError(f"refusing to build {module}.{name}")

    def persistent_load(self, pid: Any) -> Any:
        raise pickle.UnpicklingError("refusing a persistent id")


def dumps(value: Any, handles: Handles | None = None) -> bytes:
    return pickle.dumps(to_plain(value, handles), protocol=5)


def loads(data: bytes, resolve: Resolve | None = None, mapping: MappingFactory | None = None,
          budget: Budget | None = None) -> Any:
    """Decode bytes from :func:`dumps` with :class:`SafeUnpickler`, within ``budget`` (by default
    :class:`Budget`'s: 2 million values, 64 MB of data)."""
    try:
        plain = SafeUnpickler(io.BytesIO(data)).load()
    except Exception as error:
        raise WireError(f"undecodable message ({type(error).__name__}: {str(error)[:200]})") from None
    try:
        return from_plain(plain, resolve, mapping, budget or Budget())
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
    payload = pickle.dumps(value, protocol=5) if plain else dumps(value, handles)
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
