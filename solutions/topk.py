"""Solutions to exercises 8 and 9: the top-k mask and the top-k next-token table."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedTokenizerBase


def _check_k(k: int) -> None:
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be an integer >= 1 (the number of tokens to keep), got {k!r}")


def top_k_mask(probs: torch.Tensor, k: int) -> torch.Tensor:
    """``True`` where a score is at least its row's k-th largest: ``(..., vocab)`` -> same shape, bool."""
    _check_k(k)
    k = min(k, probs.shape[-1])
    kth_largest = torch.topk(probs, k, dim=-1).values[..., -1:]
    return probs >= kth_largest


def top_k_table(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """The ``k`` most probable tokens of a ``(vocab,)`` distribution as ``(id, text, probability)``."""
    if isinstance(k, bool) or not isinstance(k, int) or k < 0:  # k = 0: min(k, vocab) = 0 rows
        raise ValueError(f"k must be an integer >= 0 (the number of rows to list), got {k!r}")
    if probs.dim() != 1:
        raise ValueError(f"probs must have shape (vocab,), got {tuple(probs.shape)}")
    values, ids = torch.sort(probs, descending=True, stable=True)
    table = []
    for value, token_id in zip(values[:k].tolist(), ids[:k].tolist()):
        table.append((token_id, tokenizer.decode([token_id]), value))
    return table
