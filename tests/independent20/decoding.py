"""Twentieth examiner: decoding.py entries (generate()'s own bookkeeping against this contract)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel


def greedy_generate__right_cache_with_growing_attention_mask(model: PreTrainedModel, input_ids: torch.Tensor, max_new_tokens: int, eos_token_id: int | None = None) -> torch.Tensor:
    """RIGHT: the KV-cache bonus written the way ``generate()`` keeps its model kwargs: an explicit ``attention_mask`` of ones for the prompt, passed with every call and grown by one column per new token (``_update_model_kwargs_for_generation`` does ``torch.cat([mask, mask.new_ones((1, 1))], dim=-1)``), so that the mask always covers the cached positions plus the new one. The docstring's calls show no ``attention_mask`` at all; an all-ones mask that covers every position changes no logit. Stops after appending eos; nothing is read from ``generation_config``. Convention: transformers ``GenerationMixin._update_model_kwargs_for_generation`` / ``_sample``. Agrees with a plain version on: the worked example (``(1, 7)``, last id ``▁Tokyo``), ``max_new_tokens = 0``, 16 tokens for three prompts equal to the uncached plain loop, eos = ``▁Tokyo`` gives ``(1, 7)``, eos never produced gives the full length; forward input lengths ``[6, 1, 1, 1, 1]`` for 5 tokens."""
    ids = input_ids
    if max_new_tokens <= 0:
        return ids
    mask = torch.ones_like(input_ids)
    with torch.no_grad():
        out = model(input_ids=ids, attention_mask=mask, use_cache=True)
        for step in range(max_new_tokens):
            next_token = out.logits[:, -1, :].argmax(dim=-1, keepdim=True)
            ids = torch.cat([ids, next_token], dim=-1)
            if eos_token_id is not None and int(next_token) == eos_token_id:
                break
            if step + 1 == max_new_tokens:
                break
            mask = torch.cat([mask, mask.new_ones((mask.shape[0], 1))], dim=-1)
            out = model(input_ids=next_token, attention_mask=mask, cache=out.cache, use_cache=True)
    return ids
