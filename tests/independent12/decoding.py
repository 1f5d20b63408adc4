"""Twelfth examiner: decoding.py entries."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedModel


def greedy_generate__wrong_max_new_tokens_as_max_length(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: reads ``max_new_tokens`` as ``generate``'s older ``max_length`` (the total length, prompt included): loops ``while ids.shape[1] < max_new_tokens``, so a prompt as long as the limit gets nothing and a shorter one gets only the difference. Violates: "append it; stop if it is ``eos_token_id`` (it stays in the output), or once ``max_new_tokens`` tokens have been added." [witness: tiny model, ``ids = [[1, 415, 5565, 302, 4720, 349]]``, ``greedy_generate(model, ids, 1)``: shape ``(1, 7)`` ending in the id of ``▁Tokyo`` expected, the six prompt ids ``(1, 6)`` returned]"""
    ids = input_ids
    with torch.no_grad():
        while ids.shape[1] < max_new_tokens:
            next_id = model(input_ids=ids).logits[:, -1, :].argmax(dim=-1, keepdim=True)
            ids = torch.cat([ids, next_id], dim=-1)
            if eos_token_id is not None and int(next_id) == eos_token_id:
                break
    return ids
