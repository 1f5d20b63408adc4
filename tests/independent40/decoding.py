"""Fortieth examiner: decoding.py entries (the learner who builds on their own earlier answers)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import math

import torch

if TYPE_CHECKING:  # for the type hints only, as in the stub
    from transformers import PreTrainedModel


def _my_softmax_with_temperature(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """The learner's own exercise-7 answer, faithful to its docstring: half precision is
    computed in float32 and the probabilities come back in the logits' own dtype."""
    if not isinstance(temperature, (int, float)) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    work = logits.float() if logits.dtype in (torch.float16, torch.bfloat16) else logits
    work = work / temperature
    work = work - work.amax(dim=-1, keepdim=True)
    e = torch.exp(work)
    return (e / e.sum(dim=-1, keepdim=True)).to(logits.dtype)


def _greedy_loop(model, input_ids, max_new_tokens, eos_token_id, choose):
    ids = input_ids
    if max_new_tokens <= 0:
        return ids
    with torch.no_grad():
        out = model(input_ids=ids, use_cache=True)
        for step in range(max_new_tokens):
            nxt = choose(out.logits[:, -1, :]).view(1, 1).to(ids.dtype)
            ids = torch.cat([ids, nxt], dim=-1)
            if eos_token_id is not None and int(nxt) == eos_token_id:
                break
            if step + 1 < max_new_tokens:
                out = model(input_ids=nxt, cache=out.cache, use_cache=True)
    return ids


def greedy_generate__right_argmax_of_own_half_softmax(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT (written as WRONG by the examiner; the project decided otherwise, as for the sixteenth examiner's argmax of a softmax: the logits the tests' models produce are never this close, see the README's "Graded through decodelab grade"). As written by the examiner -- WRONG: builds on the learner's own exercise-7 answer, because step 2 says "The argmax of their ``softmax`` ... counts too": each step it takes ``_my_softmax_with_temperature(last_logits, 1.0)`` and the ``argmax`` of that (KV cache, ``no_grad``, eos kept: all as asked). The helper is right for ITS contract -- half-precision logits are computed in float32 and "the probabilities are returned in the logits' own dtype" -- but that promise is what breaks the greedy contract: with a bfloat16 model the probabilities are rounded to bfloat16 (8 significant bits, relative steps of 2^-8..2^-7), so two logits that bfloat16 holds as clearly different numbers (0.0 and 0.00390625 = 2^-8, exactly held and hundreds of bfloat16 steps apart near 0) get the SAME probability and the argmax falls back to the lower id. A float32 model is unaffected. Violates: "the next token is their ``argmax`` over the vocabulary (the last axis); where several logits tie for the largest, the lowest of their ids" (and its own promise that the softmax keeps the logits' order except "between logits within float rounding of each other (in the logits' own dtype)"; see the README's ambiguity 1). [witness: bfloat16 ``BigramModel`` (4 ids) whose row 3 is ``[0.0, 0.00390625, 0.0, 0.0]``, prompt ``[[3]]``, ``max_new_tokens=1`` -> ``[[3, 0]]`` (all four probabilities round to 0.25 in bfloat16); plain ``[[3, 1]]``. Passes: the worked example ``(1, 7)`` ending in 19887 (``▁Tokyo``), ``max_new_tokens=0``, eos first and eos kept, eos None, 5 tiny-model prompts x 12 tokens equal to plain, a float32 toy with the same row -> ``[[3, 1]]``, an exact float32 tie ``[0, 2, 2, 1]`` -> the lower id 1 (checks/check_entries.log).]"""
    return _greedy_loop(model, input_ids, max_new_tokens, eos_token_id,
                        lambda last: _my_softmax_with_temperature(last, 1.0).argmax(dim=-1))


def greedy_generate__right_own_softmax_on_float32_copy(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: the same reuse of the learner's own exercise-7 softmax, adapted to the caller's contract: the last position's logits are widened first (``last.to(torch.promote_types(last.dtype, torch.float32))``, exact for float16/bfloat16, float64 left as it is), so the helper's "returned in the logits' own dtype" now means float32 and no two different half-precision logits can share a probability; then ``argmax`` (lowest id among exact ties), KV cache fed one token per step, eos appended before stopping. Agrees with a plain version on: the tiny model (worked example, 5 prompts x 12 tokens, eos 2 and 28723, ``max_new_tokens=0``), the bfloat16 toy whose row ``[0.0, 0.00390625, 0.0, 0.0]`` ties after a bfloat16 softmax (-> id 1), and a float32 toy with an exact tie (-> the lower id) (checks/check_entries.log)."""
    def choose(last):
        wide = last.to(torch.promote_types(last.dtype, torch.float32))
        return _my_softmax_with_temperature(wide, 1.0).argmax(dim=-1)
    return _greedy_loop(model, input_ids, max_new_tokens, eos_token_id, choose)
