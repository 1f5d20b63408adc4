"""Public tests for exercise 9 (exercises/sampling.py). Run: decodelab check sampling_loop"""
import math

import pytest
import torch

from grading.compare import call_text, check_tensor, check_true, describe, expect_error
from reference.sampling import BigramModel


def _seeded(seed: int, device) -> torch.Generator:
    return torch.Generator(device=device).manual_seed(seed)


@pytest.mark.sampling_loop
def test_sampling_returns_prompt_plus_new_tokens(learner, backend):
    ids = backend.encode("Once upon a time,")
    got = learner.sample_generate(backend.model, ids, 5, temperature=1.4, top_p=0.9, generator=_seeded(0, backend.device))
    T = ids.shape[1]
    call = call_text(learner.sample_generate, backend.model, ids, 5, temperature=1.4, top_p=0.9)
    check_true(isinstance(got, torch.Tensor) and tuple(got.shape) == (1, T + 5), call=call,
               problem=f"the result is {describe(got)}, expected shape {(1, T + 5)}",
               hint="return the prompt followed by max_new_tokens new tokens")
    check_tensor(got[:, :T], ids, call=call, hint="the output starts with the prompt itself")


@pytest.mark.sampling_loop
def test_sampling_repeats_with_the_same_seed(learner, backend):
    ids = backend.encode("Once upon a time,")
    first = learner.sample_generate(backend.model, ids, 6, temperature=1.4, generator=_seeded(7, backend.device))
    again = learner.sample_generate(backend.model, ids, 6, temperature=1.4, generator=_seeded(7, backend.device))
    check_tensor(again, first, call=call_text(learner.sample_generate, backend.model, ids, 6, temperature=1.4),
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
    check_tensor(got, expected, call=call_text(learner.sample_generate, backend.model, ids, 4, top_k=1),
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
    check_tensor(got, torch.tensor([[1, 3, 2]]), call=call_text(learner.sample_generate, model, ids, 5, eos_token_id=2),
                 hint="stop right after appending eos_token_id, and keep it")


@pytest.mark.sampling_loop
def test_sampling_rejects_temperature_zero(learner):
    model = BigramModel(torch.zeros(4, 4))
    expect_error(learner.sample_generate, ValueError, model, torch.tensor([[1]]), 3, temperature=0.0,
                 hint="temperature 0 is greedy decoding (argmax), not sampling: raise ValueError")
