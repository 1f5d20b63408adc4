"""Forty-first examiner: decoding.py entries (the learner who special-cases the edges)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel


def greedy_generate__right_edges_before_the_cache_loop(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: every edge case handled by its own branch, each keeping the general rule's promises. ``max_new_tokens <= 0`` returns ``input_ids`` itself, without a forward pass ("the prompt as it is"; the grader hands each call its own copy, and the same int64 tensor on the same device is what the loop would return). Otherwise one pass on the prompt with ``use_cache=True``; the first token is that pass's last-position ``argmax`` (lowest id among ties) and is appended BEFORE the eos test, so an eos first gives the prompt plus that one token, with no second pass; ``max_new_tokens = 1`` likewise stops after the prefill. Only then the KV-cache loop: feed the newest token with ``cache=out.cache``, ``argmax``, append, stop on eos (``None``: never) or on the count. The new ids are kept in a Python list and joined once with ``torch.cat``, cast to the prompt's dtype and device. Agrees with a plain version on: the worked example (``(1, 7)`` ending in ``▁Tokyo`` 19887), ``max_new_tokens`` 0 and 1, 4 tiny-model prompts x 12 tokens, eos 2 and eos = the first greedy token (prompt + 1), a toy with tied logits (lowest id), and a ``cache_salt`` toy whose answers differ on top of a cache, where it matches a cache-reusing loop (checks/check_entries.log)."""
    if max_new_tokens <= 0:
        return input_ids
    new: list[torch.Tensor] = []
    with torch.no_grad():
        out = model(input_ids=input_ids, use_cache=True)
        nxt = out.logits[:, -1, :].argmax(dim=-1, keepdim=True).to(input_ids.dtype)
        new.append(nxt)
        while len(new) < max_new_tokens and not (eos_token_id is not None and int(nxt) == eos_token_id):
            out = model(input_ids=nxt, cache=out.cache, use_cache=True)
            nxt = out.logits[:, -1, :].argmax(dim=-1, keepdim=True).to(input_ids.dtype)
            new.append(nxt)
    return torch.cat([input_ids, *new], dim=-1)
