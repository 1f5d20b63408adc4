"""Thirty-ninth examiner: decoding.py entries (the learner who writes for the GPU and Mistral-7B)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel


def greedy_generate__wrong_argmax_of_half_logits(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: "a 4-bit model's logits are float16 anyway": the last position's logits are cast ``.to(torch.float16)`` before the ``argmax``. For float16 and bfloat16 models nothing changes, and the tiny model's greedy runs never have two leading logits within float16 rounding of each other; but for a float32 model two leading logits closer than float16's spacing (0.0078 near 10) become a tie, and ``argmax`` then returns the lower id, not the larger logit. Violates: "the next token is their ``argmax`` over the vocabulary (the last axis); where several logits tie for the largest, the lowest of their ids" [witness: toy ``BigramModel`` (float32) whose row 0 is ``[0, 10, 10.003, 1]`` (rows 1, 2 -> 3, row 3 -> 0), prompt ``[[3]]``, 3 tokens: ``[[3, 0, 1, 3]]`` (float16 of 10.003 is 10.0); plain ``[[3, 0, 2, 3]]``. Passes: the worked example ``(1, 7)`` ending in 19887, ``max_new_tokens = 0``, eos 19887 first, eos 2 kept (``19887, 28723, 2``), eos None 10 tokens, 5 prompts x 30 tokens equal to plain (checks/check_entries.log).]"""
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            last = model(input_ids=ids).logits[:, -1, :].to(torch.float16)  # "a 4-bit model's logits are fp16"
            next_id = torch.argmax(last, dim=-1, keepdim=True).to(ids.dtype)
            ids = torch.cat([ids, next_id], dim=-1)
            if eos_token_id is not None and next_id.item() == eos_token_id:
                break
    return ids


def greedy_generate__right_exact_upcast_argmax_on_device(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: the KV-cache loop written for the GPU: ``logits_to_keep=1`` (only the last position's head), the cache handed back each step, the last logits widened with ``torch.promote_types(dtype, float32)`` before the ``argmax`` (exact for half precision, no-op for float32/float64, so the same argmax and the same lowest id among ties), the new id moved ``.to(device=input_ids.device, dtype=int64, non_blocking=True)``, the eos test on ``.item()`` after appending. Agrees with a plain version on: the worked example ``(1, 7)`` ending in ``▁Tokyo``, ``max_new_tokens = 0``, eos first, eos 2 kept, eos None (10 tokens), 5 prompts x 30 tokens on the tiny model, the float16-tie toy above (6 tokens, ``[[3, 0, 2, 3, 0, 2, 3]]``) and a bfloat16 9-id toy with eos 4 -- all ``torch.equal`` (checks/check_entries.log)."""
    device = input_ids.device
    out_ids = input_ids
    cache = None
    feed = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            out = model(input_ids=feed, cache=cache, use_cache=True, logits_to_keep=1)
            cache = out.cache
            last = out.logits[:, -1, :]
            last = last.to(torch.promote_types(last.dtype, torch.float32))
            next_id = torch.argmax(last, dim=-1, keepdim=True).to(device=device, dtype=out_ids.dtype, non_blocking=True)
            out_ids = torch.cat([out_ids, next_id], dim=-1)
            if eos_token_id is not None and next_id.item() == eos_token_id:
                break
            feed = next_id
    return out_ids
