"""Sixth examiner: decoding.py entries."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel


@torch.no_grad()
def greedy_generate__right_positional_logits_to_keep_list(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: ``torch.no_grad`` as a decorator; the model called positionally with
    ``logits_to_keep=1`` (only the last position's logits are computed) on the whole
    sequence each step, no cache; new ids kept in a Python list and the tensor rebuilt from
    it, the prompt never touched."""
    new: list[int] = []
    while len(new) < max_new_tokens:
        tail = torch.tensor([new], dtype=input_ids.dtype, device=input_ids.device)
        ids = torch.cat([input_ids, tail], dim=1) if new else input_ids
        logits = model(ids, logits_to_keep=1).logits
        token = int(logits[0, -1].argmax())
        new.append(token)
        if eos_token_id is not None and token == eos_token_id:
            break
    if not new:
        return input_ids
    return torch.cat([input_ids, torch.tensor([new], dtype=input_ids.dtype, device=input_ids.device)], dim=1)
