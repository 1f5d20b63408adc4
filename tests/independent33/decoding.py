"""Thirty-third examiner: decoding.py entries (the learner who writes it the way the Hugging Face docs do)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch
from transformers.generation import EosTokenCriteria, MaxLengthCriteria, StoppingCriteriaList

if TYPE_CHECKING:
    from transformers import PreTrainedModel


def greedy_generate__right_stopping_criteria_list(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: the stopping written with transformers' own criteria, as ``generate()`` checks them: ``StoppingCriteriaList([MaxLengthCriteria(max_length=T + max_new_tokens)])`` plus ``EosTokenCriteria(eos_token_id=...)`` only when an eos id is given (``None``: no early stop, nothing read from ``generation_config``), evaluated on the sequence AFTER each new token is appended, so the eos token stays and a prompt that already ends in eos still gets its tokens; ``max_new_tokens = 0`` returns the prompt before any pass. The loop is the Bonus route: the prompt once with ``use_cache=True``, then only the newest token with ``cache=outputs.cache``; ``argmax(dim=-1)`` of ``logits[:, -1, :]`` (lowest id among ties); ``torch.no_grad()``. Agrees with a plain version on: the worked example (``(1, 7)``, last id 19887 ``▁Tokyo``), ``max_new_tokens = 0``, eos as the first new token (``(1, 7)``), 40 tokens with eos None (``(1, 46)``), 16 tiny runs (4 prompts x (40, None), (40, 2), (5, None), (12, 28723)), a 4-id toy (10 tokens; prompt ``[[3]]`` ending in eos 3 gives ``[[3, 3]]``; eos id 0 stops at ``[[0, 1, 2, 0]]``); equal to ``model.generate(do_sample=False, ...)`` on 4 tiny runs; on a ``cache_salt`` toy it gets the cache route's tokens ``[[0, 1, 3, 3, 3, 3, 3]]``, not a recompute's ``[[0, 1, 2, 0, 1, 2, 0]]`` (checks/check_entries.log)."""
    criteria = StoppingCriteriaList([MaxLengthCriteria(max_length=input_ids.shape[-1] + max_new_tokens)])
    if eos_token_id is not None:
        criteria.append(EosTokenCriteria(eos_token_id=eos_token_id))
    if max_new_tokens <= 0:
        return input_ids
    ids, feed, cache = input_ids, input_ids, None
    with torch.no_grad():
        while True:
            outputs = model(input_ids=feed, cache=cache, use_cache=True)
            cache = outputs.cache
            next_tokens = outputs.logits[:, -1, :].argmax(dim=-1, keepdim=True)
            ids = torch.cat([ids, next_tokens.to(ids.dtype)], dim=-1)
            feed = next_tokens
            # like generate(): the criteria look at the sequence AFTER the new token is appended
            if criteria(ids, None).all():
                break
    return ids
