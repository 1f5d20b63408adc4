"""Sixth examiner: topk.py entries."""
from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


def top_k_mask__right_heapq_threshold_per_row(probs: torch.Tensor, k: int) -> torch.Tensor:
    """RIGHT: pure Python per row — ``heapq.nlargest`` finds each row's k-th largest score
    (an exact Python float of the row's own values), and the row is compared with it; the
    rows are flattened with ``reshape(-1, vocab)`` and the mask reshaped back."""
    if k < 1:
        raise ValueError(f"k must be at least 1 (keeping no token leaves nothing to sample), got {k}")
    vocab = probs.shape[-1]
    rows = probs.detach().reshape(-1, vocab)
    mask = torch.empty(rows.shape, dtype=torch.bool, device=probs.device)
    for r, row in enumerate(rows):
        values = row.tolist()
        kth = heapq.nlargest(min(k, vocab), values)[-1]
        mask[r] = row >= kth
    return mask.reshape(probs.shape)


def top_k_table__right_batch_decode_stable_argsort(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """RIGHT: ``torch.argsort(..., stable=True)``, texts from ONE ``tokenizer.batch_decode``
    call over single-id lists, numbers through ``.tolist()``; built with ``zip``."""
    order = torch.argsort(probs, descending=True, stable=True)[: max(k, 0)]
    ids = order.tolist()
    texts = tokenizer.batch_decode([[i] for i in ids]) if ids else []
    values = probs[order].tolist()
    return list(zip(ids, texts, values))
