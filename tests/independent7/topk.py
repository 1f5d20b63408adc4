"""Seventh examiner: topk.py entries."""
from __future__ import annotations

import torch


def top_k_mask__wrong_len_clamps_first_axis(probs: torch.Tensor, k: int) -> torch.Tensor:
    """WRONG: clamps ``k`` with ``len(probs)``, which is the vocabulary size for a 1-D row but
    the number of ROWS for a batch: a batch with fewer rows than ``k`` keeps too few tokens
    per row, and one with more rows than the vocabulary crashes in ``torch.topk``. Violates:
    "a token is kept when its score is at least the k-th largest score of its row" and
    "``k`` at least the vocabulary size keeps every token." [``(2, 4)`` probs, ``k = 3``: 2
    tokens kept per row instead of 3; ``(8, 4)`` probs, ``k = 6``: RuntimeError instead of
    all True; every 1-D case and the ``(2, 4)`` batch at ``k = 2`` are right]"""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    k = min(k, len(probs))
    kth = torch.topk(probs, k, dim=-1).values[..., -1:]
    return probs >= kth
