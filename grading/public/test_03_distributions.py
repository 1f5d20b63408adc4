"""Public tests for exercises 3-4 (exercises/distributions.py). Run: decodelab check temperature"""
import pytest
import torch

from grading.compare import call_text, check_tensor, expect_error


@pytest.mark.next_token
def test_next_token_logits_shape(learner, backend):
    ids = backend.encode("The capital of Japan is")
    got = learner.next_token_logits(backend.model, ids)
    vocab = backend.model.config.vocab_size
    check_tensor(got, torch.empty(1, vocab), call=call_text(learner.next_token_logits, backend.model, ids),
                 atol=float("inf"), check_dtype=False,
                 hint="one row of vocab logits per sequence: (batch, vocab)")


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
def test_huge_logits_stay_finite(learner):
    logits = torch.tensor([1e4, 0.0, -1e4])
    got = learner.softmax_with_temperature(logits, 1.0)
    check_tensor(got, torch.tensor([1.0, 0.0, 0.0]), call=call_text(learner.softmax_with_temperature, logits, 1.0),
                 atol=1e-6, hint="subtract the maximum before exp")


@pytest.mark.temperature
def test_zero_temperature_is_rejected(learner):
    expect_error(learner.softmax_with_temperature, ValueError, torch.zeros(3), 0.0,
                 hint="temperature 0 is greedy decoding (argmax), not a softmax: raise ValueError")
