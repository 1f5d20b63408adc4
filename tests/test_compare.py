"""grading/harness/compare.py: the one tolerance rule and the feedback's call text."""
from __future__ import annotations

import math

import pytest
import torch

from grading.harness.compare import (
    ASSERT_CLOSE_DEFAULTS, SHORT_LIST, Mismatch, check_equal, check_tensor, describe, float_tolerance,
    largest_magnitude, shown, softmax_tolerance, type_name,
)


def test_small_float_tensors_read_as_their_dtype_prints_them():
    cases = {
        describe(torch.tensor([0.1, 0.25])): "tensor([0.1, 0.25], dtype=float32)",
        describe(torch.tensor([0.1], dtype=torch.float64)): "tensor([0.1], dtype=float64)",
        describe(torch.tensor([[1, 2]])): "tensor([[1, 2]], dtype=int64)",
    }
    for got, expected in cases.items():
        assert got == expected, f"describe(...) returned {got!r}, expected {expected!r}"
    assert "0.10000000149011612" not in describe(torch.tensor([0.1])), "float32 noise shown in the call text"


class _Pieces:
    """A tokenizer's one method that shown() uses; id 99 is outside its vocabulary."""

    vocabulary = {1: "<s>", 415: "\u2581The", 19887: "\u2581Tokyo"}

    def convert_ids_to_tokens(self, ids):
        return [self.vocabulary[i] for i in ids]


def test_a_short_token_list_is_shown_in_full_with_its_pieces():
    ids = [1, 415, 19887, 415, 415, 415, 415]  # 7 items: describe() alone would say "<list of 7 items, ...>"
    with pytest.raises(Mismatch) as raised:
        check_equal(ids[:-1], ids, call="greedy_generate(...)", tokenizer=_Pieces())
    message = str(raised.value)
    expected = "expected [1 '<s>', 415 '\u2581The', 19887 '\u2581Tokyo', 415 '\u2581The'"
    assert expected in message, f"check_equal(<6 ids>, <7 ids>, tokenizer=...) said {message!r}, expected {expected!r} in it"
    assert shown([1, 99]) == "[1, 99]" and shown([1, 99], _Pieces()) == "[1, 99]", (
        f"an id outside the vocabulary should fall back to the ids alone, got {shown([1, 99], _Pieces())!r}")
    long = list(range(SHORT_LIST + 1))
    assert shown(long) == describe(long) and "items" in shown(long), f"shown(<{len(long)} ids>) gave {shown(long)!r}"
    assert shown(["a", "b"]) == "['a', 'b']", f"shown(['a', 'b']) gave {shown(['a', 'b'])!r}"


def test_a_hint_given_as_a_function_is_worked_out_only_when_the_check_fails():
    calls = []

    def diagnosis() -> str:
        calls.append(1)
        return "your result equals the input"

    check_tensor(torch.ones(3), torch.ones(3), call="f(x)", hint=diagnosis)
    assert not calls, "check_tensor(<equal tensors>, hint=<function>) called the hint function, expected it left alone"
    with pytest.raises(Mismatch) as raised:
        check_tensor(torch.zeros(3), torch.ones(3), call="f(x)", hint=diagnosis)
    assert calls == [1] and raised.value.hint == "your result equals the input", (
        f"on a mismatch the hint function should run once and its text be the hint; ran {len(calls)} time(s), "
        f"hint {raised.value.hint!r}")
    assert "  hint: your result equals the input" in str(raised.value), str(raised.value)


def test_float_tolerance_starts_from_assert_close_and_allows_float32_arithmetic_for_float64():
    for dtype, (atol, rtol) in ASSERT_CLOSE_DEFAULTS.items():
        got_atol, got_rtol = float_tolerance(dtype)
        assert got_atol == atol and got_rtol >= rtol, (
            f"float_tolerance({dtype}) = ({got_atol}, {got_rtol}), expected atol {atol} and rtol >= {rtol}")
    _, rtol64 = float_tolerance(torch.float64)
    assert rtol64 >= 4 * torch.finfo(torch.float32).eps, f"float64 rtol {rtol64} does not admit float32 rounding"


def test_softmax_tolerance_admits_every_stable_formulation_and_nothing_wrong():
    logits = torch.tensor([[1e4, 0.0, -1e4, 9999.0], [-1e4, -1e4, -1e4, -1e4 + 1]])
    temperature = 0.5
    expected = torch.softmax(logits / temperature, dim=-1)
    z = logits / temperature
    atol, rtol = softmax_tolerance(expected.dtype, largest_magnitude(logits) / temperature)
    stable = {
        "log-sum-exp in float32": torch.exp(z - torch.logsumexp(z, dim=-1, keepdim=True)),
        "float64 and back": torch.softmax(z.double(), dim=-1).float(),
    }
    for name, got in stable.items():
        check_tensor(got, expected, call=name, atol=atol, rtol=rtol)  # raises Mismatch if refused
    wrong = {
        "softmax over the batch axis": torch.softmax(z, dim=0),
        "temperature multiplied": torch.softmax(logits * temperature, dim=-1),
        "a uniform row": torch.full_like(expected, 0.25),
    }
    for name, got in wrong.items():
        with pytest.raises(Mismatch):
            check_tensor(got, expected, call=name, atol=atol, rtol=rtol)


def test_softmax_tolerance_admits_any_summation_order_over_a_vocabulary():
    # A row of 32,000 float32 probabilities, as the tiny model's: summed in pairs (torch.sum) or as a
    # running total (F.normalize(p=1)'s norm, a cumulative sum), the division is off by up to 2e-5.
    logits = torch.randn(2, 32000, generator=torch.Generator().manual_seed(0)) * 3.0
    temperature = 1.6
    expected = torch.softmax(logits.double() / temperature, dim=-1).float()
    atol, rtol = softmax_tolerance(expected.dtype, largest_magnitude(logits) / temperature, logits.shape[-1])
    e = torch.exp(logits / temperature - (logits / temperature).amax(-1, keepdim=True))
    orders = {
        "F.normalize(p=1)": torch.nn.functional.normalize(e, p=1, dim=-1),
        "a running total": e / torch.cumsum(e, dim=-1)[..., -1:],
    }
    for name, got in orders.items():
        check_tensor(got, expected, call=name, atol=atol, rtol=rtol)  # raises Mismatch if refused
    with pytest.raises(Mismatch):  # and half precision's rounding is still far outside
        check_tensor(torch.softmax((logits / temperature).half(), -1).float(), expected, call="float16",
                     atol=atol, rtol=rtol)
    # A float16 result is never held to less than one float16 unit: two correct float32
    # computations may round to neighbouring float16 values.
    _, rtol16 = softmax_tolerance(torch.float16, 1.0, 8)
    assert rtol16 >= torch.finfo(torch.float16).eps, f"float16 rtol {rtol16} is below one float16 unit"


def test_softmax_tolerance_grows_with_the_scale_only():
    small = softmax_tolerance(torch.float32, 3.0)[1]
    large = softmax_tolerance(torch.float32, 2e4)[1]
    assert large > 1000 * small / 2, f"rtol at scale 2e4 is {large}, at scale 3 {small}: it should grow with the scale"
    assert softmax_tolerance(torch.float32, 2e4)[0] < 1e-30, "the absolute part must stay at underflow level"
    assert math.isclose(largest_magnitude(torch.tensor([float("-inf"), -3.0, 2.0])), 3.0), "inf must not set the scale"


def test_describe_looks_at_no_more_than_it_shows():
    import time

    # A learner's result of 15,000 tensors: a full repr took the judge two minutes per message.
    result = {index: torch.zeros(1000) for index in range(15_000)}
    started = time.monotonic()
    text = describe(result)
    seconds = time.monotonic() - started
    assert seconds < 1 and len(text) <= 60 and text.startswith("{0: <float32 tensor (1000,)>"), (seconds, text)
    assert describe("x" * 10**7).count("x") < 60 and describe(10**4000).endswith("0"), describe(10**4000)
    assert describe(10**50000) == "<int of 166,097 bits>", describe(10**50000)


def test_type_names_say_which_package_a_look_alike_type_comes_from():
    import numpy as np

    # numpy 2 names its boolean scalar type "bool": a hint "return a bool, not bool" said nothing.
    cases = [(True, "bool"), (3, "int"), ("x", "str"), (np.True_, "numpy.bool"), (np.float64(0.5), "numpy.float64"),
             (torch.tensor(1), "torch.Tensor")]
    for value, expected in cases:
        assert type_name(value) == expected, f"type_name({value!r}) returned {type_name(value)!r}, expected {expected!r}"


def test_a_refusal_of_the_wrong_type_fails_the_check_with_its_hint_and_the_graders_own_errors_pass_through():
    # A hint audit (session 44): `0 <= p` raising TypeError for p=None reached the learner as "your
    # code raised TypeError" with no word that ValueError was expected, and without the test's hint.
    from grading.harness.compare import expect_error
    from grading.harness.catalogue import EXERCISES
    from grading.harness.target import NotStarted

    def compares_first(probs, p):
        return probs if 0 <= p <= 1 else None

    with pytest.raises(Mismatch) as failed:
        expect_error(compares_first, ValueError, torch.ones(3), None, hint="check p before anything else")
    text = str(failed.value)
    assert "should raise ValueError, but your code raised TypeError" in text and "check p before anything else" in text, (
        f"expect_error(<raises TypeError>, ValueError, ...) reported {text!r}, expected the wrong type named and the hint")

    def raising(error: BaseException):
        def function(*args):
            raise error
        return function

    timed_out = RuntimeError("ran past its time limit")
    timed_out.decodelab_status = "timeout"  # type: ignore[attr-defined]
    stub = NotImplementedError()
    stub.decodelab_not_started = True  # type: ignore[attr-defined]
    for error in (NotStarted(EXERCISES[0]), timed_out, stub):
        with pytest.raises(type(error)):
            expect_error(raising(error), ValueError, torch.ones(3), None)
