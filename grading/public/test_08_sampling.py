"""Public tests for exercise 13 (exercises/sampling.py). Run: decodelab check sampling_loop"""
import math

import pytest
import torch

from grading.harness.compare import call_text, check_passes_without_gradients, check_tensor, check_true, describe, expect_error
from reference.bigram import BigramModel


def _seeded(seed: int, device) -> torch.Generator:
    return torch.Generator(device=device).manual_seed(seed)


@pytest.mark.sampling_loop
def test_sampling_returns_prompt_plus_new_tokens(learner, backend):
    ids = backend.encode("Once upon a time,")
    got = learner.sample_generate(backend.model, ids, 5, temperature=1.4, top_p=0.9, generator=_seeded(0, backend.device))
    T = ids.shape[1]
    call = call_text(learner.sample_generate, backend.model, ids, 5, temperature=1.4, top_p=0.9,
                     generator=_seeded(0, backend.device))
    check_true(isinstance(got, torch.Tensor) and tuple(got.shape) == (1, T + 5), call=call,
               problem=f"the result is {describe(got)}, expected shape {(1, T + 5)}",
               hint="return the prompt followed by max_new_tokens new tokens")
    check_tensor(got[:, :T], ids, call=call, hint="the output starts with the prompt itself")


@pytest.mark.sampling_loop
def test_sampling_repeats_with_the_same_seed(learner, backend):
    ids = backend.encode("Once upon a time,")
    runs = []
    for global_seed in (1, 2):  # a loop that draws from the global RNG sees two different streams
        with torch.random.fork_rng():
            torch.manual_seed(global_seed)
            runs.append(learner.sample_generate(backend.model, ids, 12, temperature=3.0,
                                                generator=_seeded(7, backend.device)))
    first, again = runs
    check_tensor(again, first, call=call_text(learner.sample_generate, backend.model, ids, 12, temperature=3.0,
                                                generator=_seeded(7, backend.device)),
                 hint="pass generator=generator to torch.multinomial, so the same seed gives the same tokens")


@pytest.mark.sampling_loop
def test_top_k_one_is_greedy(learner, backend):
    # With top_k=1 only the most probable token survives, so the draw is certain: the result
    # is the greedy continuation, worked out here step by step with argmax.
    ids = backend.encode("The capital of Japan is")
    expected = ids
    with torch.no_grad():
        for _ in range(4):
            next_id = backend.model(input_ids=expected).logits[:, -1, :].argmax(-1, keepdim=True)
            expected = torch.cat([expected, next_id], dim=-1)
    got = learner.sample_generate(backend.model, ids, 4, top_k=1, generator=_seeded(0, backend.device))
    check_tensor(got, expected, call=call_text(learner.sample_generate, backend.model, ids, 4, top_k=1,
                                                          generator=_seeded(0, backend.device)),
                 hint="top-k keeps the k largest logits; with k = 1 that is the argmax of the LAST position")


@pytest.mark.sampling_loop
def test_sampling_stops_after_eos(learner):
    # A toy model: after token 3 it always says 2 (our end of sequence), after 2 it goes on with 4.
    table = torch.full((6, 6), -math.inf)
    table[:, 4] = 0.0
    table[3] = -math.inf
    table[3, 2] = 0.0
    model = BigramModel(table)
    ids = torch.tensor([[1, 3]])
    got = learner.sample_generate(model, ids, 5, eos_token_id=2, generator=torch.Generator().manual_seed(0))
    check_tensor(got, torch.tensor([[1, 3, 2]]), call=call_text(learner.sample_generate, model, ids, 5, eos_token_id=2,
                                                                    generator=torch.Generator().manual_seed(0)),
                 hint="stop right after appending eos_token_id, and keep it")


@pytest.mark.sampling_loop
def test_sampling_rejects_temperature_zero(learner):
    model = BigramModel(torch.zeros(4, 4))
    expect_error(learner.sample_generate, ValueError, model, torch.tensor([[1]]), 3, temperature=0.0,
                 hint="temperature 0 is greedy decoding (argmax), not sampling: raise ValueError")


# Words of which a ValueError about the temperature must contain one: it says why.
TEMPERATURE_WORDS = ("temperature", "positive", "> 0", "greater")


def _same_row_model(probabilities: list[float]) -> BigramModel:
    """A toy model whose next-token distribution is ``probabilities`` after every token."""
    row = torch.tensor(probabilities).log()
    return BigramModel(row.expand(len(probabilities), -1).contiguous())


def _check_only_token_zero(got, ids, n, call, hint):
    check_true(isinstance(got, torch.Tensor) and tuple(got.shape) == (1, ids.shape[1] + n), call=call,
               problem=f"the result is {describe(got)}, expected shape {(1, ids.shape[1] + n)}",
               hint="return the prompt followed by max_new_tokens new tokens")
    new = got[0, ids.shape[1]:].tolist()
    others = [(step, token) for step, token in enumerate(new) if token != 0]
    check_true(not others, call=call,
               problem=f"drew token {others[0][1] if others else None} at step {others[0][0] if others else None} "
                       f"({len(others)} of {n} draws were not token 0), but with these settings the nucleus is "
                       "token 0 alone",
               hint=hint)


@pytest.mark.sampling_loop
def test_top_p_comes_after_temperature(learner):
    # Every step: probabilities [0.6, 0.3, 0.1]. Temperature 0.5 squares and renormalises them:
    # [0.36, 0.09, 0.01] / 0.46 = [0.78, 0.20, 0.02]. Top-p 0.7 on THAT keeps token 0 alone
    # (nothing ranks above it; 0.78 >= 0.7 is above token 1). Top-p on the untempered
    # [0.6, 0.3, 0.1] would keep tokens 0 and 1.
    model = _same_row_model([0.6, 0.3, 0.1])
    ids = torch.tensor([[0]])
    got = learner.sample_generate(model, ids, 40, temperature=0.5, top_p=0.7, generator=torch.Generator().manual_seed(0))
    _check_only_token_zero(got, ids, 40, call_text(learner.sample_generate, model, ids, 40, temperature=0.5, top_p=0.7,
                                                     generator=torch.Generator().manual_seed(0)),
                           hint="divide by the temperature FIRST, then decide the nucleus on the softmax of those logits")


@pytest.mark.sampling_loop
def test_top_p_comes_after_top_k(learner):
    # Every step: probabilities [0.4, 0.3, 0.2, 0.1]. Top-k 2 keeps tokens 0 and 1, whose
    # probabilities become [0.57, 0.43]. Top-p 0.5 on THAT keeps token 0 alone (0.57 >= 0.5).
    # Top-p on the whole distribution would keep tokens 0 and 1 (0.4 < 0.5).
    model = _same_row_model([0.4, 0.3, 0.2, 0.1])
    ids = torch.tensor([[0]])
    got = learner.sample_generate(model, ids, 40, top_k=2, top_p=0.5, generator=torch.Generator().manual_seed(0))
    _check_only_token_zero(got, ids, 40, call_text(learner.sample_generate, model, ids, 40, top_k=2, top_p=0.5,
                                                     generator=torch.Generator().manual_seed(0)),
                           hint="apply top-k before top-p, and take the softmax of the logits left after top-k "
                                "to decide the nucleus")


@pytest.mark.sampling_loop
def test_top_p_zero_keeps_the_most_probable_token(learner):
    # Every step: probabilities [0.2, 0.5, 0.3]. No token has mass ranked above it below 0, but the
    # most probable one always stays: top_p=0 keeps token 1 alone, so every draw is token 1.
    model = _same_row_model([0.2, 0.5, 0.3])
    ids = torch.tensor([[0]])
    call = call_text(learner.sample_generate, model, ids, 10, top_p=0.0, generator=torch.Generator().manual_seed(0))
    got = learner.sample_generate(model, ids, 10, top_p=0.0, generator=torch.Generator().manual_seed(0))
    check_tensor(got, torch.tensor([[0] + [1] * 10]), call=call,
                 hint="the most probable token is always in the nucleus, so top_p = 0 keeps exactly one token "
                      "(the argmax) and every draw is that token")


@pytest.mark.sampling_loop
@pytest.mark.parametrize("temperature", [-1.0, math.nan, math.inf, "1.0", None],
                         ids=["-1.0", "nan", "inf", "the string '1.0'", "None"])
def test_sampling_rejects_a_temperature_that_is_not_finite_and_positive(learner, temperature):
    model = BigramModel(torch.zeros(4, 4))
    expect_error(learner.sample_generate, ValueError, model, torch.tensor([[1]]), 3, temperature=temperature,
                 must_mention=TEMPERATURE_WORDS,
                 hint="accept only a finite number > 0 (nan and inf are neither; a string or None is no number, "
                      "and comparing one raises TypeError): raise ValueError saying why")


@pytest.mark.sampling_loop
def test_sampling_rejects_top_k_below_one(learner):
    model = BigramModel(torch.zeros(4, 4))
    expect_error(learner.sample_generate, ValueError, model, torch.tensor([[1]]), 3, top_k=0,
                 hint="top_k must be None (no top-k) or at least 1: check it before the loop and raise ValueError")


@pytest.mark.sampling_loop
@pytest.mark.parametrize("top_p", [-0.1, 1.5, math.nan, "0.9", None],
                         ids=["-0.1", "1.5", "nan", "the string '0.9'", "None"])
def test_sampling_rejects_top_p_outside_zero_one(learner, top_p):
    model = BigramModel(torch.zeros(4, 4))
    expect_error(learner.sample_generate, ValueError, model, torch.tensor([[1]]), 3, top_p=top_p,
                 hint="top_p must be a number in [0, 1] (nan fails every comparison; a string or None is no "
                      "number): check it before the loop and raise ValueError")


@pytest.mark.sampling_loop
def test_sampling_builds_no_gradient_graph(learner):
    model = BigramModel(torch.zeros(4, 4))
    ids = torch.tensor([[1]])
    with learner.observing_forward_passes(model) as passes:
        learner.sample_generate(model, ids, 3, generator=torch.Generator().manual_seed(0))
    call = call_text(learner.sample_generate, model, ids, 3, generator=torch.Generator().manual_seed(0))
    check_passes_without_gradients(
        passes, call=call, hint="run the loop inside `with torch.no_grad():` — sampling never needs a backward pass")
