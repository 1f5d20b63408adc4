"""Eighteenth examiner: topk.py entries."""
from __future__ import annotations

import torch


def top_k_mask__wrong_subtracts_kth(probs: torch.Tensor, k: int) -> torch.Tensor:
    """WRONG: finds the k-th largest score of each row with ``torch.topk(..., dim=-1)`` (``k`` clamped to the vocabulary) and keeps a token when ``probs - kth >= 0`` ("how far above the threshold is it?") instead of comparing ``probs >= kth``. For finite scores the two are the same test (IEEE subtraction of two different finite numbers is never 0), so the worked example, the four-way tie, batches and every probability row agree. But when the k-th largest score is ``-inf`` itself, ``-inf - (-inf)`` is ``nan``, ``nan >= 0`` is ``False``, and the ``-inf`` tokens that tie with the k-th place are dropped. ``k < 1`` raises ``ValueError``. Violates: "A score of ``-inf`` (a token masked before) is a score like any other: when the k-th largest is ``-inf`` itself, every ``-inf`` of the row ties with it and is kept." [witness: ``top_k_mask(torch.tensor([2.0, -inf, -inf, -inf]), 2)`` -> ``[True, True, True, True]`` expected, ``[True, False, False, False]`` returned]"""
    if k < 1:
        raise ValueError(f"k must be at least 1 (keeping no token leaves nothing to sample), got {k}")
    vocab = probs.shape[-1]
    kth = torch.topk(probs, min(k, vocab), dim=-1).values[..., -1:]
    return (probs - kth) >= 0
