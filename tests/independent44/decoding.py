"""Forty-fourth examiner: decoding.py entries (the right answer nobody expected)."""
from __future__ import annotations

import dataclasses
import functools
from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel


@dataclasses.dataclass(frozen=True)
class _GreedyState:
    ids: torch.Tensor  # (1, T + added)
    out: Any = None  # the last model output (logits and cache), None before the prompt pass
    done: bool = False


def greedy_generate__right_functools_reduce_frozen_state(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: no loop statement: the decoding is one ``functools.reduce`` over ``range(max_new_tokens)``, folding a frozen ``dataclass`` state ``(ids, out, done)`` with ``dataclasses.replace``. A step runs the prompt pass lazily (``model(input_ids=prompt, use_cache=True)`` only when there is no output yet, so ``max_new_tokens = 0`` returns the prompt with no forward pass), takes ``out.logits[:, -1, :].argmax(dim=-1, keepdim=True)`` (the lowest id among tied maxima, in the logits' own dtype), appends it, sets ``done`` on ``eos_token_id`` (kept in the output) and otherwise -- unless it is the last step -- feeds ONLY the new token on top of the cache, ``model(input_ids=next, cache=out.cache, use_cache=True)`` (the bonus). Once ``done``, the remaining steps of the fold return the state unchanged without touching the model. All under ``torch.no_grad()``; the result is the prompt (unchanged) concatenated with the new ids, int64 on the prompt's device; nothing is read from ``generation_config``. Sentences an over-strict grader could hold against it: "The loop, at each step" (the loop is a fold; the trailing steps after ``eos`` are no-ops, with no forward pass) and "stop if its id equals ``eos_token_id``" (no ``break``: the fold keeps running empty steps). Agrees with a plain version on: the worked example (``(1, 7)`` ending in ``▁Tokyo``), ``max_new_tokens = 0``, ``eos`` as the first new token, ``eos = 2`` over 40 tokens, 4 prompts x 25 tokens, a bfloat16 toy with eos, a toy with ``cache_salt`` (equal to the plain CACHED loop, as a loop that reuses the cache must be), and the number of forward passes (checks/check_entries.log)."""

    def step(state: _GreedyState, index: int) -> _GreedyState:
        if state.done:
            return state
        out = state.out if state.out is not None else model(input_ids=state.ids, use_cache=True)
        nxt = out.logits[:, -1, :].argmax(dim=-1, keepdim=True).to(device=state.ids.device, dtype=state.ids.dtype)
        ids = torch.cat([state.ids, nxt], dim=-1)
        stop = (eos_token_id is not None and int(nxt.item()) == eos_token_id) or index == max_new_tokens - 1
        new_out = None if stop else model(input_ids=nxt, cache=out.cache, use_cache=True)
        return dataclasses.replace(state, ids=ids, out=new_out if not stop else out, done=stop)

    with torch.no_grad():
        final = functools.reduce(step, range(max_new_tokens), _GreedyState(ids=input_ids))
    return final.ids
