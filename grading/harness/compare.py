"""Comparisons that explain themselves.

Every check raises :class:`Mismatch` (an ``AssertionError``) whose message a learner can act
on: the call with a summary of its arguments, what was wrong (type, then shape, then dtype,
then values — never broadcasting before comparing), a few numbers, and a hint. Never a dump
of the expected tensor, never the expected implementation.
"""
from __future__ import annotations

import inspect
import math
import reprlib
from typing import Any, Callable, Optional, Sequence, Union

import torch

MAX_REPR = 60

# ---------------------------------------------------------------------------------------------
# Tolerances: the one rule for "close enough", derived from the numerics (docs/grading.md).
#
# A floating result is graded only on what its docstring fixes, never on rounding. Start from
# torch.testing.assert_close's defaults for the result's dtype; a docstring never asks for
# float64 arithmetic, so a float64 result may carry float32 rounding. Softmax-like results
# (probabilities, log-probabilities) are computed from exponents ``z - c`` whose rounding is a
# few units in the last place (ulps) of the largest |z|, whichever stable formulation is used
# (subtract the max, log-sum-exp, another summation order): their tolerance grows with it.

# torch.testing.assert_close's defaults: dtype -> (atol, rtol).
ASSERT_CLOSE_DEFAULTS = {
    torch.float16: (1e-5, 1e-3),
    torch.bfloat16: (1e-5, 1.6e-2),
    torch.float32: (1e-5, 1.3e-6),
    torch.float64: (1e-7, 1e-7),
}
# Units in the last place of the largest input that a stable softmax may lose: the division by
# T, the subtraction of the max or the log-sum-exp, the exp, the sum and the division each round.
SOFTMAX_ULPS = 8
# Units in the last place that adding up a row of n float32 terms may lose, per sqrt(n): any
# summation order is allowed. torch.sum adds in pairs (about log2(n) ulps); a running total, as
# F.normalize(p=1)'s norm computes, drifts like a random walk: 1.0 sqrt(n) ulps measured on the
# tiny model's 32,000 probabilities (2.2e-5 relative), where softmax is off by 1.6e-6.
SUM_ULPS_PER_ROOT = 4


def arithmetic_eps(dtype: torch.dtype) -> float:
    """Machine epsilon of the least precise arithmetic a docstring allows for a ``dtype`` result.

    float64 results may be computed in float32 and cast back; lower precisions are their own.
    """
    return max(torch.finfo(dtype).eps, torch.finfo(torch.float32).eps)


def float_tolerance(dtype: torch.dtype) -> tuple[float, float]:
    """``(atol, rtol)`` for any floating result of ``dtype``: assert_close's defaults, widened for float64
    to the float32 rounding a docstring allows."""
    atol, rtol = ASSERT_CLOSE_DEFAULTS.get(dtype, ASSERT_CLOSE_DEFAULTS[torch.float32])
    return atol, max(rtol, 4 * arithmetic_eps(dtype))


def softmax_tolerance(dtype: torch.dtype, scale: float, terms: int = 1) -> tuple[float, float]:
    """``(atol, rtol)`` for probabilities of ``dtype`` computed from logits/T whose largest finite
    magnitude is ``scale``, each row a softmax over ``terms`` values (the vocabulary).

    Relative: a few float32 ulps of ``scale`` (the rounding of ``z - c`` moves ``exp`` by that
    factor), plus what a float32 sum of the row's ``terms`` values may lose in any order, and at
    least the result dtype's own rounding. float32 is the least precise
    arithmetic softmax_with_temperature's docstring allows: float64 logits may be computed in
    it, and half-precision ones must be (in float16, ``z`` itself may overflow).
    Absolute: only the smallest normal number, for probabilities that underflow differently.
    """
    eps = torch.finfo(torch.float32).eps
    rtol = max(float_tolerance(dtype)[1],
               eps * (SOFTMAX_ULPS * max(1.0, scale) + SUM_ULPS_PER_ROOT * math.sqrt(max(1, terms))))
    atol = max(torch.finfo(dtype).tiny, torch.finfo(torch.float32).tiny)
    return atol, rtol


def log_softmax_tolerance(dtype: torch.dtype, scale: float) -> float:
    """Absolute tolerance for log-probabilities computed from logits of largest magnitude ``scale``."""
    return SOFTMAX_ULPS * arithmetic_eps(dtype) * max(1.0, scale)


def largest_magnitude(values: torch.Tensor) -> float:
    """The largest finite |value| of a tensor (0 when there is none): the scale of its rounding."""
    finite = values.detach().to(torch.float64)
    finite = finite[torch.isfinite(finite)]
    return float(finite.abs().max()) if finite.numel() else 0.0



Hint = Union[str, Callable[[], Optional[str]], None]
"""A hint, or a function that works it out (called only when a check fails: a diagnosis replays mistakes)."""


class Mismatch(AssertionError):
    """A learner's result differs from the expected one; ``str()`` is the whole feedback."""

    def __init__(self, call: str, problem: str, hint: Hint = None):
        if callable(hint):  # a diagnosis replays mistakes: worked out only once something differs
            hint = hint()
        lines = [call, f"  {problem}"]
        if hint:
            lines.append(f"  hint: {hint}")
        super().__init__("\n".join(lines))
        self.call = call
        self.problem = problem
        self.hint = hint

    def brief(self) -> str:
        """What a Gradescope bundle shows of this failure before the due date where the instructor
        keeps the details until then (``decodelab gradescope build --details``): that it failed,
        nothing of which input, what was expected or the hint. The expected values of fixed
        hidden inputs, shown after each upload, are an answer key, and so is less: a twelfth red
        team read each false case of ``exact_match`` off a call shown with "not the expected one"
        (its own answer was True), and the answers to ``distinct_n`` off hints such as "4
        bigrams, 3 of them different: 0.75"."""
        return ("your result is not the expected one: which input, what was expected and a hint "
                "are shown after the due date")


def type_name(value: Any) -> str:
    """The name of ``value``'s type as a learner would write it: a builtin's bare name (``int``,
    ``bool``), any other type's with its package (``numpy.bool``, ``torch.Tensor``). Bare names
    mislead: numpy 2 calls its boolean scalar type ``bool``, and "not bool" of an ``np.True_``
    reads as nonsense."""
    cls = type(value)
    if cls.__module__ == "builtins":
        return cls.__qualname__
    return f"{cls.__module__.split('.')[0]}.{cls.__qualname__}"


def describe(value: Any) -> str:
    """A short summary of one argument or result: ``<float32 tensor (2, 32000)>``, ``0.9``..."""
    if isinstance(value, torch.Tensor):
        shape = tuple(value.shape)
        where = "" if value.device.type == "cpu" else f" on {value.device}"
        if value.numel() <= 6:
            return f"tensor({_values_text(value)}, dtype={str(value.dtype).replace('torch.', '')}{where})"
        return f"<{str(value.dtype).replace('torch.', '')} tensor {shape}{where}>"
    if isinstance(value, torch.nn.Module):
        return f"<{type(value).__name__}>"
    if isinstance(value, torch.Generator):
        return "<torch.Generator>"
    if hasattr(value, "convert_ids_to_tokens"):
        return "<tokenizer>"
    if isinstance(value, (list, tuple)) and len(value) > 6:
        return f"<{type(value).__name__} of {len(value)} items, first {describe(value[0])}>"
    text = _SHORT.repr(value)
    return text if len(text) <= MAX_REPR else text[: MAX_REPR - 3] + "..."


class _ShortRepr(reprlib.Repr):
    """``repr`` that looks at no more than it shows: the first items of a container, the start of
    a string, each tensor as :func:`describe` gives it. A learner's result is untrusted: a dict of
    15,000 tensors took the judge two minutes to ``repr`` in full for a 60-character message."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel = 3
        self.maxdict = self.maxlist = self.maxtuple = self.maxset = self.maxfrozenset = self.maxdeque = 6
        self.maxstring = self.maxother = MAX_REPR
        self.maxlong = 40

    def repr1(self, x: Any, level: int) -> str:
        if isinstance(x, (torch.Tensor, torch.nn.Module, torch.Generator)):
            return describe(x)
        return super().repr1(x, level)

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > 14_000:  # about 4,200 digits: past 4,300, repr raises
            return f"<int of {x.bit_length():,} bits>"
        return super().repr_int(x, level)

    def repr_instance(self, x: Any, level: int) -> str:
        try:
            return super().repr_instance(x, level)
        except Exception:
            return f"<{type(x).__name__}>"


_SHORT = _ShortRepr()


def _values_text(value: torch.Tensor) -> str:
    """A small tensor's values as its own dtype would print them: float32 0.1 reads ``0.1``, not
    ``0.10000000149011612`` (its exact value as a Python float)."""
    if not value.is_floating_point():
        return str(value.tolist())
    import numpy

    shortest = {torch.float64: float, torch.float16: numpy.float16}.get(value.dtype, numpy.float32)

    def text(item: Any) -> str:
        if isinstance(item, list):
            return "[" + ", ".join(text(inner) for inner in item) + "]"
        return repr(item) if shortest is float else str(shortest(item))

    return text(value.detach().cpu().tolist())


def call_text(function: Callable[..., Any] | str, *args: Any, **kwargs: Any) -> str:
    """``name(arg=summary, ...)``, naming the arguments from the function's signature."""
    name = function if isinstance(function, str) else getattr(function, "__name__", "function")
    names: list[str] = []
    if not isinstance(function, str):
        try:
            names = list(inspect.signature(function).parameters)
        except (TypeError, ValueError):
            names = []
    parts = []
    for index, value in enumerate(args):
        label = f"{names[index]}=" if index < len(names) else ""
        parts.append(f"{label}{describe(value)}")
    parts.extend(f"{key}={describe(value)}" for key, value in kwargs.items())
    return f"{name}({', '.join(parts)})"


def _index_text(flat_index: int, shape: Sequence[int]) -> str:
    if not shape:
        return "[]"
    index = []
    for size in reversed(shape):
        index.append(flat_index % size)
        flat_index //= size
    return "[" + ", ".join(str(i) for i in reversed(index)) + "]"


def check_tensor(
    actual: Any,
    expected: torch.Tensor,
    *,
    call: str,
    atol: float = 0.0,
    rtol: float = 0.0,
    hint: Hint = None,
    check_dtype: bool = True,
    what: str = "the result",
) -> None:
    """Raise :class:`Mismatch` unless ``actual`` is a tensor matching ``expected``.

    Type, shape and dtype are checked before values, so a wrongly shaped result is never
    broadcast into a misleading comparison. Values are close when
    ``|actual - expected| <= atol + rtol * |expected|``; nan matches nan and inf matches inf
    of the same sign. Bool and integer tensors must match exactly.
    """
    if not isinstance(actual, torch.Tensor):
        raise Mismatch(call, f"{what} should be a torch.Tensor, got {type_name(actual)} {describe(actual)}", hint)
    if tuple(actual.shape) != tuple(expected.shape):
        raise Mismatch(call, f"{what} has shape {tuple(actual.shape)}, expected {tuple(expected.shape)}", hint)
    if check_dtype and actual.dtype != expected.dtype:
        raise Mismatch(call, f"{what} has dtype {actual.dtype}, expected {expected.dtype}", hint)
    got = actual.detach().to("cpu")
    want = expected.detach().to("cpu")
    if want.dtype == torch.bool or not (want.is_floating_point() or got.is_floating_point()):
        different = got != want
        count = int(different.sum())
        if count:
            first = int(different.flatten().nonzero()[0])
            raise Mismatch(
                call,
                f"{what} differs in {count} of {want.numel()} places; first at {_index_text(first, want.shape)}: "
                f"got {got.flatten()[first].item()}, expected {want.flatten()[first].item()}",
                hint,
            )
        return
    got64, want64 = got.double(), want.double()
    nan_got, inf_got = int(torch.isnan(got64).sum()), int(torch.isinf(got64).sum())
    same_special = (torch.isnan(got64) & torch.isnan(want64)) | (torch.isinf(want64) & (got64 == want64))
    error = (got64 - want64).abs()
    error = torch.where(same_special, torch.zeros_like(error), error)
    error = torch.where(torch.isnan(error), torch.full_like(error, math.inf), error)
    allowed = atol + rtol * want64.abs().nan_to_num(posinf=0.0, neginf=0.0)
    bad = error > allowed
    count = int(bad.sum())
    if count == 0:
        return
    worst = int(torch.argmax(torch.where(bad, error, torch.zeros_like(error))))
    problem = (
        f"{what} differs in {count} of {want.numel()} values (tolerance {atol:g} + {rtol:g}·|expected|); "
        f"largest error {error.flatten()[worst].item():.4g} at {_index_text(worst, want.shape)}: "
        f"got {got64.flatten()[worst].item():.6g}, expected {want64.flatten()[worst].item():.6g}"
    )
    if nan_got or inf_got:
        problem += f"; your result holds {nan_got} nan and {inf_got} inf"
    raise Mismatch(call, problem, hint)


SHORT_LIST = 20
"""A list of plain values this long or shorter is shown in full when two values differ."""


def shown(value: Any, tokenizer: Any = None) -> str:
    """``value`` for a message: a short list of plain values in full — token ids with their pieces
    (``[415 '▁The', 5565 '▁capital']``) when a tokenizer is given — else :func:`describe`."""
    if isinstance(value, (list, tuple)) and len(value) <= SHORT_LIST and all(
            isinstance(item, (int, float, str)) for item in value):
        if tokenizer is not None and value and all(type(item) is int for item in value):
            try:
                pieces = tokenizer.convert_ids_to_tokens(list(value))
                return "[" + ", ".join(f"{item} {piece!r}" for item, piece in zip(value, pieces)) + "]"
            except Exception:  # an id outside the vocabulary: the ids alone say enough
                pass
        return repr(value)
    return describe(value)


def check_equal(actual: Any, expected: Any, *, call: str, hint: Hint = None, what: str = "the result",
                tokenizer: Any = None) -> None:
    """Raise :class:`Mismatch` unless ``actual == expected`` (plain Python values); short lists are
    shown in full, token ids with their pieces when ``tokenizer`` is given."""
    if actual != expected:
        raise Mismatch(call, f"{what} is {shown(actual, tokenizer)}, expected {shown(expected, tokenizer)}", hint)


def check_true(condition: bool, *, call: str, problem: str, hint: Hint = None) -> None:
    """Raise :class:`Mismatch` with ``problem`` unless ``condition`` holds."""
    if not condition:
        raise Mismatch(call, problem, hint)


def check_passes_without_gradients(passes: list[dict], *, call: str, hint: Hint, detail: str = "") -> None:
    """The forward passes a test watched (``learner.observing_forward_passes``) all ran with
    gradients off, and there was at least one: a call that ran the model and left no record
    (the watcher's hook taken off the model) proves nothing, so it does not pass either."""
    check_true(len(passes) > 0, call=call,
               problem="no forward pass of the model was seen during the call, so whether it built a gradient "
                       "graph cannot be told",
               hint="run the model you were given by calling it (model(input_ids=...)), and leave its hooks in place")
    with_grad = sum(bool(record.get("grad")) for record in passes)
    check_true(with_grad == 0, call=call,
               problem=f"{with_grad} of {len(passes)} forward passes ran with gradients enabled{detail}", hint=hint)


# Words of which the ValueError for a number outside [0, 1] (top-p's ``p``) must hold one, public
# and hidden suites alike: they give the reason; "p=1.5" only names the value.
UNIT_RANGE_REASONS = ("[0, 1]", "[0,1]", "between", "range", "number", "outside", "0 and 1", "<= 1", "<=1",
                      ">= 0", "must", "invalid", "not a")


def expect_accepted(function: Callable[..., Any], *args: Any, hint: Hint = None, **kwargs: Any) -> Any:
    """Call ``function`` with a valid input and return its result; raise :class:`Mismatch` if it
    raises ``ValueError``. A test of refusals calls this first: a function that refuses every
    input would otherwise pass it without doing any of the work. Other exceptions go up as the
    learner's own errors."""
    call = call_text(function, *args, **kwargs)
    try:
        return function(*args, **kwargs)
    except ValueError as raised:
        raise Mismatch(call, f"raised ValueError({str(raised)[:200]!r}) for a valid input; refusing bad input only "
                             "counts once good input is accepted", hint) from None


def expect_error(
    function: Callable[..., Any],
    error: type[BaseException],
    *args: Any,
    hint: Hint = None,
    must_mention: Sequence[str] = (),
    **kwargs: Any,
) -> None:
    """Call ``function`` and raise :class:`Mismatch` unless it raises ``error``. Another exception of
    the learner's code fails the check too, with ``hint`` (a ``TypeError`` from ``0 <= p`` for
    ``p=None`` is a refusal that forgot to check first).

    ``must_mention``: words of which at least one must appear in the error's message, so a
    learner's message says *why* (for example ``("temperature",)``).
    """
    call = call_text(function, *args, **kwargs)
    try:
        result = function(*args, **kwargs)
    except error as raised:
        message = str(raised).lower()
        if must_mention and not any(word.lower() in message for word in must_mention):
            raise Mismatch(
                call,
                f"raised {error.__name__} as it should, but its message {str(raised)!r} does not say why "
                f"(mention {' or '.join(repr(w) for w in must_mention)})",
                hint,
            ) from None
        return
    except Exception as raised:
        if not _the_learners_own(raised):
            raise
        shown = getattr(raised, "decodelab_feedback", None) or f"your code raised {type(raised).__name__}: {raised}"
        raise Mismatch(call, f"should raise {error.__name__}, but {shown}", hint) from None
    raise Mismatch(call, f"should raise {error.__name__}, but returned {describe(result)}", hint)


def _the_learners_own(raised: Exception) -> bool:
    """Whether ``raised`` is an exception of the learner's code (another type than the test asks
    for: shown with the test's hint), not "not started", a time-out or crash, or the grader's
    own machinery (any class defined in ``grading``), which keep their own reports."""
    if type(raised).__module__.startswith("grading.") or getattr(raised, "decodelab_not_started", False):
        return False
    return str(getattr(raised, "decodelab_status", "raised")) == "raised"
