"""Hidden suite: next_token_logits and softmax_with_temperature (exercises 3-4)."""
from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from grading.compare import call_text, check_tensor, check_true, expect_error
from grading.expected import remembered
from reference import distributions as _ref

ref = remembered(_ref)

# float32 on the CPU: a softmax of 32000 logits accumulates ~1e-7 relative error per term;
# 1e-6 absolute + 1e-5 relative leaves room for a different but correct summation order.
ATOL, RTOL = 1e-6, 1e-5
# Logits from a model forward pass: the learner's pass and ours run the same kernels on the
# same input; allow for batched-vs-unbatched matmul differences.
LOGIT_ATOL, LOGIT_RTOL = 1e-4, 1e-4

PROMPTS = ["The capital of Japan is", "Once upon a time,", "日本の首都は"]


def _random_logits(*shape: int, scale: float = 3.0, seed: int = 0) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=generator) * scale


def _temperature_hint(logits: torch.Tensor, temperature: float, got: torch.Tensor) -> str:
    """Name the likely mistake by comparing with the classic wrong versions."""
    if isinstance(got, torch.Tensor) and got.shape == logits.shape:
        if torch.allclose(got.double(), torch.softmax(logits.double() * temperature, -1), atol=1e-5):
            return "your result equals softmax(logits * T): divide the logits by the temperature instead"
        if logits.dim() > 1 and torch.allclose(got.double(), torch.softmax(logits.double() / temperature, 0), atol=1e-5):
            return "your rows do not sum to 1: normalise over the last axis (dim=-1), the vocabulary"
    return "compute exp(z / T) for every logit z, then divide by the row's sum"


@pytest.mark.next_token
@pytest.mark.points(3)
def test_next_token_logits_match_the_last_position(learner, backend):
    for prompt in PROMPTS:
        ids = backend.encode(prompt)
        got = learner.next_token_logits(backend.model, ids)
        expected = ref.next_token_logits(backend.model, ids)
        check_tensor(
            got, expected, call=call_text(learner.next_token_logits, backend.model, ids),
            atol=LOGIT_ATOL, rtol=LOGIT_RTOL,
            hint="the next token is predicted at the LAST position of the sequence (index -1)",
        )


@pytest.mark.next_token
@pytest.mark.points(1)
def test_next_token_logits_handle_a_batch(learner, backend):
    ids = torch.cat([backend.encode("The capital of France is"), backend.encode("The capital of Italy is")])
    if ids.shape[0] != 2:
        pytest.fail("the two prompts should encode to the same length")
    got = learner.next_token_logits(backend.model, ids)
    expected = ref.next_token_logits(backend.model, ids)
    check_tensor(got, expected, call=call_text(learner.next_token_logits, backend.model, ids),
                 atol=LOGIT_ATOL, rtol=LOGIT_RTOL, hint="keep the batch axis: return logits[:, -1, :]")


@pytest.mark.next_token
@pytest.mark.points(1)
def test_next_token_logits_build_no_gradient_graph(learner, backend):
    ids = backend.encode("Hello world")
    got = learner.next_token_logits(backend.model, ids)
    check_true(
        isinstance(got, torch.Tensor) and not got.requires_grad,
        call=call_text(learner.next_token_logits, backend.model, ids),
        problem="the result requires grad: the forward pass built a graph for backpropagation",
        hint="run the model inside `with torch.no_grad():`",
    )


@pytest.mark.temperature
@pytest.mark.points(1)
def test_softmax_keeps_shape_and_dtype(learner):
    for logits in (_random_logits(7), _random_logits(2, 3, 11), _random_logits(4, 50).double()):
        got = learner.softmax_with_temperature(logits, 1.0)
        expected = ref.softmax_with_temperature(logits, 1.0)
        check_tensor(got, expected, call=call_text(learner.softmax_with_temperature, logits, 1.0),
                     atol=ATOL, rtol=RTOL, hint="return one probability per logit, in the logits' dtype")


@pytest.mark.temperature
@pytest.mark.points(2)
@pytest.mark.parametrize("temperature", [0.4, 1.0, 1.6])
def test_softmax_matches_reference_on_random_logits(learner, temperature):
    logits = _random_logits(3, 1000, seed=int(temperature * 10))
    got = learner.softmax_with_temperature(logits, temperature)
    expected = ref.softmax_with_temperature(logits, temperature)
    check_tensor(got, expected, call=call_text(learner.softmax_with_temperature, logits, temperature),
                 atol=ATOL, rtol=RTOL, hint=_temperature_hint(logits, temperature, got))


@pytest.mark.temperature
@pytest.mark.points(2)
def test_softmax_on_the_models_next_token_logits(learner, backend):
    logits = ref.next_token_logits(backend.model, backend.encode("The capital of Japan is")).float()
    for temperature in (0.4, 1.0, 1.6):
        got = learner.softmax_with_temperature(logits, temperature)
        expected = ref.softmax_with_temperature(logits, temperature)
        check_tensor(got, expected, call=call_text(learner.softmax_with_temperature, logits, temperature),
                     atol=ATOL, rtol=RTOL, hint=_temperature_hint(logits, temperature, got))


@pytest.mark.temperature
@pytest.mark.points(2)
def test_softmax_is_stable_for_huge_logits(learner):
    logits = torch.tensor([[1e4, 0.0, -1e4, 9999.0], [-1e4, -1e4, -1e4, -1e4]])
    got = learner.softmax_with_temperature(logits, 0.5)
    expected = ref.softmax_with_temperature(logits, 0.5)
    check_tensor(got, expected, call=call_text(learner.softmax_with_temperature, logits, 0.5),
                 atol=ATOL, rtol=RTOL, hint="did you subtract the row's max before exp? exp(2e4) is inf")


@pytest.mark.temperature
@pytest.mark.points(1)
def test_softmax_gives_minus_inf_zero_probability(learner):
    logits = torch.tensor([2.0, float("-inf"), 0.5, float("-inf")])
    got = learner.softmax_with_temperature(logits, 1.0)
    expected = ref.softmax_with_temperature(logits, 1.0)
    check_tensor(got, expected, call=call_text(learner.softmax_with_temperature, logits, 1.0),
                 atol=ATOL, rtol=RTOL, hint="exp(-inf) is 0: a masked token must get probability exactly 0")


@pytest.mark.temperature
@pytest.mark.points(1)
@pytest.mark.parametrize("temperature", [0, -1.0, float("nan"), float("inf")])
def test_softmax_rejects_a_bad_temperature(learner, temperature):
    expect_error(learner.softmax_with_temperature, ValueError, torch.zeros(3), temperature,
                 must_mention=("temperature", "positive", "> 0", "greater"),
                 hint="check that the temperature is finite and > 0 before dividing, and say so in the message")


@pytest.mark.temperature
@pytest.mark.points(1)
@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(st.floats(-50, 50, allow_nan=False), min_size=2, max_size=40),
    low=st.floats(0.1, 1.0), high=st.floats(1.01, 5.0),
)
def test_softmax_sums_to_one_and_sharpens_as_temperature_falls(learner, values, low, high):
    logits = torch.tensor(values, dtype=torch.float64)
    cold = learner.softmax_with_temperature(logits, low)
    hot = learner.softmax_with_temperature(logits, high)
    call = call_text(learner.softmax_with_temperature, logits, low)
    check_true(isinstance(cold, torch.Tensor) and math.isclose(float(cold.sum()), 1.0, abs_tol=1e-9),
               call=call, problem=f"the probabilities sum to {float(cold.sum()) if isinstance(cold, torch.Tensor) else cold}, not 1",
               hint="divide by the sum over the last axis")
    check_true(float(cold.max()) >= float(hot.max()) - 1e-12, call=call,
               problem=f"the top probability is {float(cold.max()):.4g} at T={low:.3g} but {float(hot.max()):.4g} at T={high:.3g}; "
                       "a lower temperature must not flatten the distribution",
               hint="divide the logits by the temperature, do not multiply")
