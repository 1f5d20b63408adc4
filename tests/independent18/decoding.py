"""Eighteenth examiner: decoding.py entries."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedModel


def greedy_generate__wrong_prompt_run_twice_for_cache(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: (the KV-cache bonus only) picks the first new token as the ``next_token_logits`` exercise does, ``model(input_ids=prompt).logits[:, -1]``, and THEN runs the prompt a second time with ``use_cache=True`` to get the cache; from there on it feeds only the newest token with ``cache=out.cache, use_cache=True`` and takes the new ``out.cache`` each time. The tokens are exactly right (argmax, lowest id among ties, eos appended then stop, ``None`` never stops, ``max_new_tokens = 0`` returns the prompt without a forward pass, ``torch.no_grad()``), but the whole prompt goes through the model twice: ``T`` positions of work the bonus is meant to save. Violates: "Call ``out = model(input_ids=..., use_cache=True)`` once on the prompt;" [witness: the tiny model, ``"The capital of Japan is"`` (``T = 6``), ``max_new_tokens = 5``, ``eos_token_id = None``, its ``forward`` wrapped to record the length of ``input_ids``: a cached loop gives ``[6, 1, 1, 1, 1]``, this one ``[6, 6, 1, 1, 1, 1]``; the tokens are equal]"""
    ids = input_ids
    if max_new_tokens <= 0:
        return ids
    with torch.no_grad():
        first = model(input_ids=ids).logits[:, -1, :]
        out = model(input_ids=ids, use_cache=True)
        next_token = torch.argmax(first, dim=-1, keepdim=True)
        for step in range(max_new_tokens):
            if step > 0:
                out = model(input_ids=next_token, cache=out.cache, use_cache=True)
                next_token = torch.argmax(out.logits[:, -1, :], dim=-1, keepdim=True)
            ids = torch.cat([ids, next_token.to(ids.dtype)], dim=-1)
            if eos_token_id is not None and int(next_token) == eos_token_id:
                break
    return ids
