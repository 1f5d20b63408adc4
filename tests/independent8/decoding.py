"""Eighth examiner: decoding.py entries."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel


def greedy_generate__right_preallocated_with_cache(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: preallocates the whole ``(1, T + max_new_tokens)`` int64 result with
    ``input_ids.new_empty``, copies the prompt in, and writes each argmax into its column;
    the KV cache (the bonus) is fed the newest column as a ``(1, 1)`` slice of that buffer,
    with ``cache=out.cache``; no forward pass at all for ``max_new_tokens = 0`` and none
    after the last token; the result is the buffer cut to ``T + n`` columns (a view)."""
    length = input_ids.shape[1]
    buffer = input_ids.new_empty((1, length + max_new_tokens))
    buffer[:, :length] = input_ids
    added = 0
    with torch.no_grad():
        if max_new_tokens > 0:
            out = model(input_ids=input_ids, use_cache=True)
            while True:
                token = out.logits[:, -1, :].argmax(dim=-1)
                buffer[:, length + added] = token
                added += 1
                if eos_token_id is not None and token.item() == eos_token_id:
                    break
                if added == max_new_tokens:
                    break
                newest = buffer[:, length + added - 1 : length + added]
                out = model(input_ids=newest, cache=out.cache, use_cache=True)
    return buffer[:, : length + added]
