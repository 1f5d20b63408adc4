"""Solution to exercise 10: greedy decoding with the KV cache."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedModel


def greedy_generate(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """The prompt followed by the argmax token of each step: ``(1, T)`` -> ``(1, T + n)``."""
    sequence = input_ids
    step_input = input_ids
    past = None
    with torch.no_grad():
        for _ in range(max_new_tokens):
            out = model(input_ids=step_input, cache=past, use_cache=True)
            past = out.cache
            next_token = out.logits[:, -1, :].argmax(dim=-1, keepdim=True)
            sequence = torch.cat([sequence, next_token], dim=-1)
            if eos_token_id is not None and int(next_token) == eos_token_id:
                break
            # The cache holds every earlier position: only the new token goes in next time.
            step_input = next_token
    return sequence
