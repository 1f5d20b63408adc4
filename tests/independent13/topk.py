"""Thirteenth examiner: topk.py entries."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedTokenizerBase


def top_k_mask__right_vmap_over_flat_rows(probs: torch.Tensor, k: int) -> torch.Tensor:
    """RIGHT: the rule written once for a single 1-D row (``row >= torch.topk(row, k).values[-1]``, ``k`` clamped to the row's length) and mapped over the rows with ``torch.func.vmap``: the leading axes are flattened to one batch axis (a 1-D input becomes one row) and the mask is reshaped back; ``k`` is checked before anything is computed."""
    if k < 1:
        raise ValueError(f"top_k_mask: k must be at least 1, got {k}")
    vocab = probs.shape[-1]
    kk = min(k, vocab)
    rows = probs.reshape(-1, vocab)
    one_row = torch.func.vmap(lambda row: row >= torch.topk(row, kk).values[-1])
    return one_row(rows).reshape(probs.shape)
