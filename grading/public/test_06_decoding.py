"""Public tests for exercise 10 (exercises/decoding.py). Run: decodelab check greedy"""

import pytest
import torch

from grading.harness.compare import Mismatch, call_text, check_equal, check_passes_without_gradients, check_true


def _argmax_after(model, ids: torch.Tensor) -> int:
    """The definition of the next greedy token: argmax of the last position's logits."""
    with torch.no_grad():
        return int(model(input_ids=ids).logits[0, -1].argmax())


def _greedy_tokens(model, ids: torch.Tensor, n: int) -> list[int]:
    """The ``n`` new tokens of greedy decoding by its definition (no eos)."""
    new: list[int] = []
    for _ in range(n):
        new.append(_argmax_after(model, torch.cat([ids, torch.tensor([new], dtype=ids.dtype, device=ids.device)], -1)))
    return new


def _as_list(got) -> list | None:
    """The learner's ``(1, n)`` result as a list of ids, or None when it is not one."""
    if isinstance(got, torch.Tensor) and got.dim() == 2 and got.shape[0] == 1:
        return got[0].tolist()
    return None


_PROMPT_MISSING = ("the result equals the expected result without the prompt: your new tokens are right, the prompt "
                   "is missing in front of them (the result is the prompt, unchanged, then the new tokens)")


def _first_token_hint(model, ids: torch.Tensor, got, new: list[int], rule: str) -> str:
    """Say the prompt is missing, or the first position was read, only when a replay gives the learner's result."""
    tokens = _as_list(got)
    if tokens == new:
        return _PROMPT_MISSING
    prompt = ids[0].tolist()
    if tokens is not None and tokens[: len(prompt)] == prompt and len(tokens) > len(prompt):
        with torch.no_grad():
            first_position = int(model(input_ids=ids).logits[0, 0].argmax())
        if tokens[len(prompt)] == first_position != new[0]:
            return ("your first new token is the argmax of the FIRST position's logits; the token after the prompt "
                    "is predicted at the LAST position, index -1")
    return rule


@pytest.mark.greedy
def test_greedy_keeps_the_prompt_and_adds_tokens(learner, backend):
    ids = backend.encode("The capital of Japan is")
    got = learner.greedy_generate(backend.model, ids, 5)
    call = call_text(learner.greedy_generate, backend.model, ids, 5)
    check_true(isinstance(got, torch.Tensor) and tuple(got.shape) == (1, ids.shape[1] + 5), call=call,
               problem=f"expected a tensor of shape (1, {ids.shape[1] + 5}) (prompt + 5 new tokens), got "
                       f"{tuple(got.shape) if isinstance(got, torch.Tensor) else type(got).__name__}",
               hint=lambda: _shape_hint(backend.model, ids, got))
    check_equal(got[0, : ids.shape[1]].tolist(), ids[0].tolist(), call=call, what="the first tokens",
                tokenizer=backend.tokenizer, hint="the output starts with the prompt, unchanged")


def _shape_hint(model, ids: torch.Tensor, got) -> str:
    tokens, prompt = _as_list(got), ids[0].tolist()
    if tokens is not None and tokens == _greedy_tokens(model, ids, 5):
        return "you returned only the new tokens: " + _PROMPT_MISSING.split(": ", 1)[1]
    if tokens is not None and tokens[: len(prompt)] == prompt and len(prompt) < len(tokens) < len(prompt) + 5:
        return "without eos_token_id, never stop early: add exactly max_new_tokens tokens"
    return "the result is (1, T + max_new_tokens): the prompt, unchanged, then every new token"


@pytest.mark.greedy
def test_greedy_first_token_is_the_argmax(learner, backend):
    ids = backend.encode("Once upon a time,")
    got = learner.greedy_generate(backend.model, ids, 1)
    expected = ids[0].tolist() + [_argmax_after(backend.model, ids)]
    check_equal(got[0].tolist() if isinstance(got, torch.Tensor) else got, expected,
                call=call_text(learner.greedy_generate, backend.model, ids, 1), tokenizer=backend.tokenizer,
                hint=lambda: _first_token_hint(backend.model, ids, got, expected[-1:],
                                               "the new token is the argmax over the vocabulary of the logits at the "
                                               "LAST position, logits[:, -1, :]"))


@pytest.mark.greedy
def test_greedy_second_token_continues_the_first(learner, backend):
    ids = backend.encode("Hello world")
    got = learner.greedy_generate(backend.model, ids, 2)
    first = _argmax_after(backend.model, ids)
    second = _argmax_after(backend.model, torch.cat([ids, torch.tensor([[first]], device=ids.device)], dim=-1))
    check_equal(got[0].tolist() if isinstance(got, torch.Tensor) else got, ids[0].tolist() + [first, second],
                call=call_text(learner.greedy_generate, backend.model, ids, 2), tokenizer=backend.tokenizer,
                hint=lambda: _first_token_hint(backend.model, ids, got, [first, second],
                                               "append each chosen token and predict again from the longer sequence"))


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
                call=call, tokenizer=backend.tokenizer, hint=lambda: _eos_hint(backend.model, ids, got, first))


def _eos_hint(model, ids: torch.Tensor, got, first: int) -> str:
    tokens, prompt = _as_list(got), ids[0].tolist()
    if tokens == [first]:
        return _PROMPT_MISSING
    if tokens == prompt:
        return ("that is the expected result without its last token, the eos: append the new token, THEN stop if it "
                "equals eos_token_id (it stays in the output)")
    if tokens is not None and tokens[: len(prompt)] == prompt and len(tokens) > len(prompt) and tokens[len(prompt)] != first:
        return ("your first new token is not the expected one, so eos never came: see "
                "test_greedy_first_token_is_the_argmax")
    return "append each new token; stop right after appending one equal to eos_token_id (it stays in the output)"


@pytest.mark.greedy
def test_greedy_answers_tokyo(learner, backend):
    if backend.name not in ("tiny", "mistral-7b-4bit"):
        pytest.skip("the ' Tokyo' fact holds for the bundled tiny model and Mistral-7B")
    ids = backend.encode("The capital of Japan is")
    got = learner.greedy_generate(backend.model, ids, 3)
    call = call_text(learner.greedy_generate, backend.model, ids, 3)
    tokens = _as_list(got)
    # Three forward passes, paid only by a result of three tokens (the new ones alone?).
    if tokens is not None and len(tokens) == 3 and tokens == _greedy_tokens(backend.model, ids, 3):
        raise Mismatch(call, f"the result is {backend.tokenizer.decode(tokens)!r} alone, expected the prompt followed "
                             "by it", _PROMPT_MISSING)
    text = backend.tokenizer.decode(got[0, ids.shape[1]:])
    check_true(text.strip().startswith("Tokyo"), call=call,
               problem=f"the continuation is {text!r}, expected it to start with 'Tokyo'",
               hint=lambda: _first_token_hint(backend.model, ids, got, _greedy_tokens(backend.model, ids, 3),
                                              "take the argmax of the last position's logits at every step"))


@pytest.mark.greedy
def test_greedy_builds_no_gradient_graph(learner, backend):
    ids = backend.encode("Hello world")
    with learner.observing_forward_passes(backend.model) as passes:
        learner.greedy_generate(backend.model, ids, 3)
    call = call_text(learner.greedy_generate, backend.model, ids, 3)
    check_passes_without_gradients(
        passes, call=call, hint="wrap the loop in `with torch.no_grad():` — decoding never needs a backward pass")
