"""reference/decoding.py against an independent greedy loop and against plain model.generate.

A small random Mistral (256-token vocabulary) stands in for the tiny model, so these tests
run without the bundled weights; its weights are scaled up so the top two logits of a step
are far apart (no near-ties to blur exact comparisons).
"""
from __future__ import annotations

import pytest
import torch
from transformers import GenerationConfig, MistralConfig, MistralForCausalLM

from reference.decoding import greedy_generate, greedy_with_logits, top2_margins


@pytest.fixture(scope="module")
def model() -> MistralForCausalLM:
    torch.manual_seed(0)
    config = MistralConfig(
        vocab_size=256, hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=2, initializer_range=0.5, bos_token_id=1, eos_token_id=2,
    )
    return MistralForCausalLM(config).eval()


PROMPTS = [[1, 17, 42, 99], [1, 5], [200, 201, 202, 203, 204, 205, 206]]


def uncached_greedy(model, ids: torch.Tensor, max_new_tokens: int, eos: int | None = None) -> torch.Tensor:
    """Greedy by definition: rerun the whole sequence, take the last position's argmax."""
    with torch.no_grad():
        for _ in range(max_new_tokens):
            token = model(input_ids=ids).logits[:, -1].argmax(-1, keepdim=True)
            ids = torch.cat([ids, token], dim=-1)
            if eos is not None and int(token) == eos:
                break
    return ids


def _ids(prompt: list[int]) -> torch.Tensor:
    return torch.tensor([prompt])


@pytest.mark.parametrize("prompt", PROMPTS)
def test_matches_an_uncached_argmax_loop(model, prompt):
    ids = _ids(prompt)
    got, want = greedy_generate(model, ids, 15), uncached_greedy(model, ids, 15)
    assert torch.equal(got, want), f"greedy_generate(<{prompt}>, 15) = {got.tolist()}, expected {want.tolist()}"


def test_no_step_is_a_near_tie_on_this_model(model):
    # Guards the exact comparisons above: a near-tie would let cached and uncached loops differ.
    for prompt in PROMPTS:
        _, logits = greedy_with_logits(model, _ids(prompt), 15)
        assert float(top2_margins(logits).min()) > 1e-3, f"prompt {prompt}: margins {top2_margins(logits).tolist()}"


def test_stops_after_eos_and_keeps_it(model):
    ids = _ids(PROMPTS[0])
    path = uncached_greedy(model, ids, 15)[0, ids.shape[1]:].tolist()
    step = next(i for i, t in enumerate(path) if i >= 2 and t not in path[:i])
    got = greedy_generate(model, ids, 15, eos_token_id=path[step])
    want = ids[0].tolist() + path[: step + 1]
    assert got[0].tolist() == want, f"greedy_generate(..., eos_token_id={path[step]}) = {got.tolist()}, expected {[want]}"


def test_eos_none_never_stops_early_even_if_the_checkpoint_names_one(model):
    ids = _ids(PROMPTS[0])
    path = uncached_greedy(model, ids, 15)[0, ids.shape[1]:].tolist()
    saved = model.generation_config
    model.generation_config = GenerationConfig(eos_token_id=path[1])
    try:
        got = greedy_generate(model, ids, 15)
        assert model.generation_config.eos_token_id == path[1], "the checkpoint's generation_config was not restored"
    finally:
        model.generation_config = saved
    assert got.shape == (1, ids.shape[1] + 15), (
        f"with eos_token_id=None the reference returned shape {tuple(got.shape)}, expected (1, {ids.shape[1] + 15}): "
        "the checkpoint's own eos_token_id must not stop it"
    )


def test_checkpoint_processors_are_not_applied(model):
    ids = _ids(PROMPTS[0])
    want = uncached_greedy(model, ids, 15)
    saved = model.generation_config
    model.generation_config = GenerationConfig(repetition_penalty=50.0, no_repeat_ngram_size=1, suppress_tokens=[int(want[0, -1])])
    try:
        got = greedy_generate(model, ids, 15)
        restored = model.generation_config.repetition_penalty
    finally:
        model.generation_config = saved
    assert torch.equal(got, want), (
        f"with a repetition penalty in the checkpoint's generation_config the reference returned {got.tolist()}, "
        f"expected plain greedy {want.tolist()}"
    )
    assert restored == 50.0, "the checkpoint's generation_config was not put back"


def test_same_tokens_as_plain_generate(model):
    for prompt in PROMPTS:
        ids = _ids(prompt)
        plain = model.generate(ids, attention_mask=torch.ones_like(ids), do_sample=False, max_new_tokens=10,
                               eos_token_id=None, pad_token_id=0)
        got = greedy_generate(model, ids, 10)
        assert torch.equal(got, plain), f"prompt {prompt}: reference {got.tolist()}, generate {plain.tolist()}"


def test_zero_and_one_new_tokens(model):
    ids = _ids(PROMPTS[1])
    zero = greedy_generate(model, ids, 0)
    assert torch.equal(zero, ids) and zero is not ids, f"max_new_tokens=0 gave {zero.tolist()}, expected a copy of {ids.tolist()}"
    one = greedy_generate(model, ids, 1)
    assert torch.equal(one, uncached_greedy(model, ids, 1)), f"max_new_tokens=1 gave {one.tolist()}"


def test_logits_are_the_steps_distributions(model):
    ids = _ids(PROMPTS[2])
    sequence, logits = greedy_with_logits(model, ids, 8)
    new = sequence[0, ids.shape[1]:]
    assert logits.shape == (len(new), 256), f"step logits have shape {tuple(logits.shape)}, expected ({len(new)}, 256)"
    assert torch.equal(logits.argmax(-1), new), f"argmax of the step logits {logits.argmax(-1).tolist()} != tokens {new.tolist()}"
    with torch.no_grad():
        full = model(input_ids=sequence[:, :-1]).logits[0, ids.shape[1] - 1:]
    assert torch.allclose(logits, full, atol=1e-4), f"step logits differ from a full forward pass by {float((logits - full).abs().max()):.3g}"


def test_result_has_no_gradient_and_is_int64(model):
    got = greedy_generate(model, _ids(PROMPTS[0]), 3)
    assert got.dtype == torch.int64 and not got.requires_grad, f"got {got.dtype}, requires_grad={got.requires_grad}"


@pytest.mark.parametrize("ids,max_new", [(torch.tensor([[1, 2], [3, 4]]), 3), (torch.tensor([1, 2]), 3), (torch.tensor([[1, 2]]), -1)])
def test_bad_arguments_raise(model, ids, max_new):
    with pytest.raises(ValueError):
        greedy_generate(model, ids, max_new)


def test_top2_margins():
    logits = torch.tensor([[3.0, 1.0, 2.5], [0.0, 0.0, -1.0]])
    assert top2_margins(logits).tolist() == [0.5, 0.0], f"top2_margins gave {top2_margins(logits).tolist()}, expected [0.5, 0.0]"
