"""Public tests for exercise 10 (exercises/decoding.py). Run: decodelab check greedy"""

import pytest
import torch

from grading.harness.compare import call_text, check_equal, check_passes_without_gradients, check_true


def _argmax_after(model, ids: torch.Tensor) -> int:
    """The definition of the next greedy token: argmax of the last position's logits."""
    with torch.no_grad():
        return int(model(input_ids=ids).logits[0, -1].argmax())


@pytest.mark.greedy
def test_greedy_keeps_the_prompt_and_adds_tokens(learner, backend):
    ids = backend.encode("The capital of Japan is")
    got = learner.greedy_generate(backend.model, ids, 5)
    call = call_text(learner.greedy_generate, backend.model, ids, 5)
    check_true(isinstance(got, torch.Tensor) and tuple(got.shape) == (1, ids.shape[1] + 5), call=call,
               problem=f"expected a tensor of shape (1, {ids.shape[1] + 5}) (prompt + 5 new tokens), got "
                       f"{tuple(got.shape) if isinstance(got, torch.Tensor) else type(got).__name__}",
               hint="return torch.cat([input_ids, new_tokens], dim=-1); without eos_token_id, never stop early")
    check_equal(got[0, : ids.shape[1]].tolist(), ids[0].tolist(), call=call, what="the first tokens",
                tokenizer=backend.tokenizer, hint="the output starts with the prompt, unchanged")


@pytest.mark.greedy
def test_greedy_first_token_is_the_argmax(learner, backend):
    ids = backend.encode("Once upon a time,")
    got = learner.greedy_generate(backend.model, ids, 1)
    expected = ids[0].tolist() + [_argmax_after(backend.model, ids)]
    check_equal(got[0].tolist() if isinstance(got, torch.Tensor) else got, expected,
                call=call_text(learner.greedy_generate, backend.model, ids, 1), tokenizer=backend.tokenizer,
                hint="the new token is the argmax of logits[:, -1, :] — the LAST position")


@pytest.mark.greedy
def test_greedy_second_token_continues_the_first(learner, backend):
    ids = backend.encode("Hello world")
    got = learner.greedy_generate(backend.model, ids, 2)
    first = _argmax_after(backend.model, ids)
    second = _argmax_after(backend.model, torch.cat([ids, torch.tensor([[first]], device=ids.device)], dim=-1))
    check_equal(got[0].tolist() if isinstance(got, torch.Tensor) else got, ids[0].tolist() + [first, second],
                call=call_text(learner.greedy_generate, backend.model, ids, 2), tokenizer=backend.tokenizer,
                hint="append each chosen token and predict again from the longer sequence")


@pytest.mark.greedy
def test_greedy_zero_new_tokens_returns_the_prompt(learner, backend):
    ids = backend.encode("Hello world")
    got = learner.greedy_generate(backend.model, ids, 0)
    check_equal(got.tolist() if isinstance(got, torch.Tensor) else got, ids.tolist(),
                call=call_text(learner.greedy_generate, backend.model, ids, 0),
                hint="max_new_tokens=0 adds nothing")


@pytest.mark.greedy
def test_greedy_stops_after_eos_and_keeps_it(learner, backend):
    ids = backend.encode("The capital of Japan is")
    first = _argmax_after(backend.model, ids)
    # Declare the first greedy token to be "eos": the loop must add it, then stop.
    got = learner.greedy_generate(backend.model, ids, 10, eos_token_id=first)
    piece = backend.tokenizer.convert_ids_to_tokens(first)
    call = (call_text(learner.greedy_generate, backend.model, ids, 10, eos_token_id=first)
            + f"  # eos_token_id {first} is {piece!r}, the first greedy token: the loop must add it, then stop")
    check_equal(got[0].tolist() if isinstance(got, torch.Tensor) else got, ids[0].tolist() + [first],
                call=call, tokenizer=backend.tokenizer,
                hint="append the new token, THEN stop if it equals eos_token_id (it stays in the output)")


@pytest.mark.greedy
def test_greedy_answers_tokyo(learner, backend):
    if backend.name not in ("tiny", "mistral-7b-4bit"):
        pytest.skip("the ' Tokyo' fact holds for the bundled tiny model and Mistral-7B")
    ids = backend.encode("The capital of Japan is")
    got = learner.greedy_generate(backend.model, ids, 3)
    text = backend.tokenizer.decode(got[0, ids.shape[1]:])
    check_true(text.strip().startswith("Tokyo"), call=call_text(learner.greedy_generate, backend.model, ids, 3),
               problem=f"the continuation is {text!r}, expected it to start with 'Tokyo'",
               hint="take the argmax of the last position's logits at every step")


@pytest.mark.greedy
def test_greedy_builds_no_gradient_graph(learner, backend):
    ids = backend.encode("Hello world")
    with learner.observing_forward_passes(backend.model) as passes:
        learner.greedy_generate(backend.model, ids, 3)
    call = call_text(learner.greedy_generate, backend.model, ids, 3)
    check_passes_without_gradients(
        passes, call=call, hint="wrap the loop in `with torch.no_grad():` — decoding never needs a backward pass")
