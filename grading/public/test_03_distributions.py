"""Public tests for exercises 6 and 7 (exercises/distributions.py). Run: decodelab check temperature"""
import math

import pytest
import torch

from grading.harness.compare import call_text, check_equal, check_tensor, check_true, expect_error, softmax_tolerance

# Words of which a ValueError about the temperature must contain one: it says why.
TEMPERATURE_WORDS = ("temperature", "positive", "> 0", "greater")


def _two_prompts(backend) -> torch.Tensor:
    """A batch of two prompts, cut to the same length: ``(2, T)``."""
    first, second = backend.encode("The capital of France is"), backend.encode("The capital of Italy is")
    length = min(first.shape[1], second.shape[1])
    return torch.cat([first[:, :length], second[:, :length]])


def _logit_tolerance(model) -> float:
    # The same forward pass twice gives the same float32 logits to ~1e-6; fp16/bf16 (GPU) to ~1e-2.
    return 1e-4 if model.dtype == torch.float32 else 5e-2


@pytest.mark.next_token
def test_next_token_logits_shape(learner, backend):
    ids = backend.encode("The capital of Japan is")
    got = learner.next_token_logits(backend.model, ids)
    vocab = backend.model.config.vocab_size
    check_tensor(got, torch.empty(1, vocab), call=call_text(learner.next_token_logits, backend.model, ids),
                 atol=float("inf"), check_dtype=False,
                 hint="one row of vocab logits per sequence: (batch, vocab)")


@pytest.mark.next_token
def test_next_token_logits_are_the_last_position(learner, backend):
    ids = _two_prompts(backend)
    got = learner.next_token_logits(backend.model, ids)
    # By definition: the logits the model gives at the LAST position of each sequence.
    with torch.no_grad():
        expected = backend.model(input_ids=ids).logits[:, -1, :]
    tolerance = _logit_tolerance(backend.model)
    check_tensor(got, expected, call=call_text(learner.next_token_logits, backend.model, ids),
                 atol=tolerance, rtol=tolerance, check_dtype=False,
                 hint="the next token is predicted at the last position of each sequence, not at the first")


@pytest.mark.next_token
def test_next_token_after_the_capital_of_japan_is_tokyo(learner, backend):
    if backend.name not in ("tiny", "mistral-7b-4bit"):
        pytest.skip("the ' Tokyo' fact holds for the bundled tiny model and Mistral-7B")
    ids = backend.encode("The capital of Japan is")
    got = learner.next_token_logits(backend.model, ids)
    call = call_text(learner.next_token_logits, backend.model, ids)
    check_true(isinstance(got, torch.Tensor) and got.dim() == 2 and got.shape[0] == 1, call=call,
               problem=f"the result has shape {tuple(got.shape) if isinstance(got, torch.Tensor) else type(got).__name__}"
                       ", expected (1, vocab)", hint="one row of vocab logits per sequence: (batch, vocab)")
    best = int(got[0].argmax())
    check_equal(backend.tokenizer.convert_ids_to_tokens(best), "▁Tokyo", call=call, what="the piece of the argmax",
                hint="the logits that predict the token AFTER the prompt sit at index -1 of the sequence axis")


@pytest.mark.next_token
def test_next_token_logits_build_no_gradient_graph(learner, backend):
    ids = backend.encode("Hello world")
    got = learner.next_token_logits(backend.model, ids)
    check_true(isinstance(got, torch.Tensor) and not got.requires_grad,
               call=call_text(learner.next_token_logits, backend.model, ids),
               problem="the result requires grad: the forward pass built a graph for backpropagation",
               hint="run the model inside `with torch.no_grad():`")


@pytest.mark.temperature
def test_softmax_worked_example(learner):
    logits = torch.tensor([2.0, 1.0, 0.0])
    got = learner.softmax_with_temperature(logits, 1.0)
    # exp(2), exp(1), exp(0) divided by their sum — worked out by hand from the definition.
    e = torch.tensor([2.0, 1.0, 0.0]).exp()
    check_tensor(got, e / e.sum(), call=call_text(learner.softmax_with_temperature, logits, 1.0), atol=1e-6)


@pytest.mark.temperature
def test_lower_temperature_is_sharper(learner):
    logits = torch.tensor([2.0, 1.0, 0.0])
    cold = learner.softmax_with_temperature(logits, 0.5)
    e = torch.tensor([4.0, 2.0, 0.0]).exp()  # the logits divided by 0.5
    check_tensor(cold, e / e.sum(), call=call_text(learner.softmax_with_temperature, logits, 0.5), atol=1e-6,
                 hint="divide the logits by the temperature")


@pytest.mark.temperature
def test_each_row_is_its_own_distribution(learner):
    # Two rows in float64: each row (the last axis) sums to 1 on its own, and the dtype stays.
    logits = torch.tensor([[2.0, 1.0, 0.0], [0.0, 0.0, 0.0]], dtype=torch.float64)
    got = learner.softmax_with_temperature(logits, 1.0)
    e = torch.tensor([2.0, 1.0, 0.0], dtype=torch.float64).exp()
    expected = torch.stack([e / e.sum(), torch.full((3,), 1 / 3, dtype=torch.float64)])
    check_tensor(got, expected, call=call_text(learner.softmax_with_temperature, logits, 1.0), atol=1e-6,
                 hint="normalise over the last axis (dim=-1), the vocabulary, and return the logits' dtype")


@pytest.mark.temperature
def test_huge_logits_stay_finite(learner):
    logits = torch.tensor([1e4, 0.0, -1e4])
    got = learner.softmax_with_temperature(logits, 1.0)
    check_tensor(got, torch.tensor([1.0, 0.0, 0.0]), call=call_text(learner.softmax_with_temperature, logits, 1.0),
                 atol=1e-6, hint="subtract the maximum before exp")


@pytest.mark.temperature
def test_the_temperature_goes_on_the_logits(learner):
    # 32000 near-equal logits at T = 0.001: logits / T stay small, log-probabilities / T do not
    # (about -10 / 0.001), and their float32 rounding grows with them.
    logits = torch.linspace(-0.002, 0.002, 32000)
    got = learner.softmax_with_temperature(logits, 0.001)
    check_tensor(got, (logits.double() / 0.001).softmax(-1).float(), rtol=1e-4, atol=1e-12,
                 call=call_text(learner.softmax_with_temperature, logits, 0.001),
                 hint="divide the logits by T, then subtract the maximum: not log_softmax(logits) / T")


@pytest.mark.temperature
def test_half_precision_logits_at_a_low_temperature(learner):
    # 1e4 / 0.1 = 1e5 is beyond float16's largest number (65504): divide in float32.
    logits = torch.tensor([1e4, 0.0, -1e4], dtype=torch.float16)
    got = learner.softmax_with_temperature(logits, 0.1)
    check_tensor(got, torch.tensor([1.0, 0.0, 0.0], dtype=torch.float16),
                 call=call_text(learner.softmax_with_temperature, logits, 0.1), atol=1e-3,
                 hint=_HALF_PRECISION_HINT)


_HALF_PRECISION_HINT = ("half-precision logits (float16 or bfloat16): compute in float32 — convert before dividing "
                        "by T — and return the probabilities in the logits' own dtype")


@pytest.mark.temperature
def test_bfloat16_logits_at_a_low_temperature(learner):
    # bfloat16 keeps about three digits: divided in it, 100.5 / 0.3 = 335 becomes 336 and 333.3
    # becomes 334, so the gap between the two largest grows from 1.67 to 2 and the probabilities
    # move by several percent. Divided in float32, they do not.
    logits = torch.tensor([100.5, 100.0, 99.0, 90.0], dtype=torch.bfloat16)
    got = learner.softmax_with_temperature(logits, 0.3)
    expected = (logits.float() / 0.3).softmax(-1).to(torch.bfloat16)
    atol, rtol = softmax_tolerance(torch.bfloat16, 100.5 / 0.3, 4)
    check_tensor(got, expected, call=call_text(learner.softmax_with_temperature, logits, 0.3), atol=atol, rtol=rtol,
                 hint=_HALF_PRECISION_HINT)


@pytest.mark.temperature
def test_a_masked_token_gets_exactly_zero(learner):
    logits = torch.tensor([1.0, -math.inf, 0.0])
    got = learner.softmax_with_temperature(logits, 1.0)
    call = call_text(learner.softmax_with_temperature, logits, 1.0)
    e = torch.tensor([1.0, 0.0]).exp()  # the two finite logits share all the probability
    expected = torch.tensor([e[0] / e.sum(), 0.0, e[1] / e.sum()])
    check_tensor(got, expected, call=call, atol=1e-6, hint="exp(-inf) is 0: the masked token gets nothing")
    check_true(float(got[1]) == 0.0, call=call,
               problem=f"the probability of the -inf logit is {float(got[1]):.3g}, expected exactly 0",
               hint="do not clip or shift the logits in a way that turns -inf into a finite number")


@pytest.mark.temperature
def test_zero_temperature_is_rejected(learner):
    expect_error(learner.softmax_with_temperature, ValueError, torch.zeros(3), 0.0, must_mention=TEMPERATURE_WORDS,
                 hint="temperature 0 is greedy decoding (argmax), not a softmax: raise ValueError saying so")


@pytest.mark.temperature
@pytest.mark.parametrize("temperature", [-1.0, math.nan, math.inf, "1.0", None],
                         ids=["-1.0", "nan", "inf", "the string '1.0'", "None"])
def test_a_temperature_that_is_not_finite_and_positive_is_rejected(learner, temperature):
    expect_error(learner.softmax_with_temperature, ValueError, torch.zeros(3), temperature,
                 must_mention=TEMPERATURE_WORDS,
                 hint="accept only a finite number > 0 (nan is not one: every comparison with nan is False; a "
                      "string or None is no number, and comparing one raises TypeError): raise ValueError saying why")
