"""Thirty-fifth examiner: decoding.py entries (numerical extremes)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel


def greedy_generate__right_argmax_of_log_softmax(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT (written as WRONG; reclassified by the project, see the README: like the argmax of softmax, which the project accepts, it differs from the logits' argmax only between logits within float rounding of each other; the docstring now says both count). WRONG: a cached greedy loop (prompt once, then only the newest token with ``cache=out.cache``), stop after appending ``eos_token_id``, ``max_new_tokens = 0`` returns the prompt, but the next token is the argmax of ``log_softmax(logits.float())`` "because the model's scores should be log-probabilities". ``log_softmax`` subtracts the row's logsumexp, and where that is much larger in magnitude than the logits, two logits that differ by less than a unit of the result round to the same log-probability: a tie that ``argmax`` breaks towards the lower id although the logits do not tie. On the tiny model (logits up to 15, logsumexp close to the maximum) the subtraction is exact at the top and the tokens are the plain ones. Violates: "the next token is their ``argmax`` over the vocabulary (the last axis)" [witness: ``BigramModel`` toy of 8 ids, every row 0 except id 3 at ``1e-7`` (logsumexp 2.079, one float32 unit there is 2.4e-7), prompt ``[[0]]``, 4 tokens -> ``[[0, 0, 0, 0, 0]]``, plain ``[[0, 3, 3, 3, 3]]``; equal to plain on "The capital of Japan is" (1 token: ``▁Tokyo``, shape ``(1, 7)``), 25 tokens of three prompts with eos 2, eos first, 0 tokens]"""
    ids = input_ids
    if max_new_tokens <= 0:
        return ids
    with torch.no_grad():
        out = model(input_ids=ids, use_cache=True)
        for step in range(max_new_tokens):
            logits = out.logits[:, -1, :]
            log_probs = torch.log_softmax(logits.float(), dim=-1)
            next_token = log_probs.argmax(dim=-1, keepdim=True).to(ids.dtype)
            ids = torch.cat([ids, next_token], dim=1)
            if eos_token_id is not None and int(next_token) == eos_token_id:
                break
            if step + 1 < max_new_tokens:
                out = model(input_ids=next_token, cache=out.cache, use_cache=True)
    return ids


def greedy_generate__right_argmax_of_max_shifted_logits(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: the same cached loop, but the argmax is taken over ``logits - logits.amax(-1, keepdim=True)`` (in the model's dtype). Unlike subtracting the logsumexp, subtracting the maximum cannot create a tie at the top: the maximum becomes exactly 0, every smaller logit a strictly negative number (IEEE subtraction of two different floats never gives 0), ``-inf`` stays ``-inf``, and logits that tie stay tied, so the lowest id among tied maxima still wins. Agrees with a plain version on: the worked example (``(1, 7)`` ending in ``▁Tokyo``), ``max_new_tokens = 0``, eos first, 25 tokens of "The capital of Japan is", "Once upon a time,", "明日の天気は" (eos 2), the 1e-7 near-tie toy (``[[0, 3, 3, 3, 3]]``), and toys with a tie at ids 5 and 6, all-equal rows and logits of about 1e3, each in float32 and bfloat16 (checks/check_entries.log)."""
    ids = input_ids
    if max_new_tokens <= 0:
        return ids
    with torch.no_grad():
        out = model(input_ids=ids, use_cache=True)
        for step in range(max_new_tokens):
            logits = out.logits[:, -1, :]
            shifted = logits - logits.amax(dim=-1, keepdim=True)
            next_token = shifted.argmax(dim=-1, keepdim=True).to(ids.dtype)
            ids = torch.cat([ids, next_token], dim=1)
            if eos_token_id is not None and int(next_token) == eos_token_id:
                break
            if step + 1 < max_new_tokens:
                out = model(input_ids=next_token, cache=out.cache, use_cache=True)
    return ids
