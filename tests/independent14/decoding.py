"""Fourteenth examiner: decoding.py entries."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedModel


def greedy_generate__right_max_values_indices(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: picks the next token with ``torch.max(logits, dim=-1)`` and keeps its ``.indices`` (a reader used to ``values, indices = ...`` pairs), not ``argmax``. ``torch.max`` along a dimension returns the index of the FIRST maximal value of the row, as its documentation states, so ties go to the lowest id exactly as with ``argmax`` (unlike ``topk`` or an unstable sort); the loop is a ``while`` over a count of new tokens, under ``torch.no_grad()``, growing the ids with ``torch.cat``."""
    ids = input_ids
    added = 0
    with torch.no_grad():
        while added < max_new_tokens:
            last = model(input_ids=ids).logits[:, -1, :]
            nxt = torch.max(last, dim=-1).indices.unsqueeze(-1).to(ids.dtype)
            ids = torch.cat((ids, nxt), dim=1)
            added += 1
            if eos_token_id is not None and nxt.item() == eos_token_id:
                break
    return ids
