"""Forty-first examiner: topk.py entries (the learner who special-cases the edges)."""
from __future__ import annotations

import torch


def top_k_mask__wrong_neg_inf_kth_keeps_whole_batch(probs: torch.Tensor, k: int) -> torch.Tensor:
    """WRONG: ``k < 1`` raises, ``k`` is clamped to the vocabulary, the k-th largest of each row comes from ``torch.topk(..., dim=-1)`` and the mask is ``probs >= kth`` -- plus a branch for the docstring's last edge case, "when the k-th largest is ``-inf`` itself, every ``-inf`` of the row ties with it and is kept, so everything is kept": ``if torch.isneginf(kth).any(): return torch.ones_like(probs, dtype=torch.bool)``. Per row that is true (every score is ``>= -inf``), but ``.any()`` asks it of the whole batch: one row with too few finite scores makes every other row keep every token. Violates: "Build the mask in vocabulary order (compare every score with the k-th largest value of its row), and ask for ``dim=-1`` so each row of a batch is decided on its own." [witness: ``[[0.5, -inf, -inf], [0.1, 0.5, 0.4]]``, ``k = 2`` -> ``[[T, T, T], [T, T, T]]``; plain ``[[T, T, T], [F, T, T]]``. Passes: the worked example, the ``(2, 4)`` batch, the tie example, ``k`` 4/100, ``k = 0`` ``ValueError``, ``[-inf, 0.5, -inf]`` at ``k = 2`` (one row: all kept), random batches with some ``-inf`` but k-th largest finite (checks/check_entries.log).]"""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    kth = torch.topk(probs, min(k, probs.shape[-1]), dim=-1).values[..., -1:]
    if torch.isneginf(kth).any():  # "k-th largest is -inf: every token ties with it, keep all"
        return torch.ones_like(probs, dtype=torch.bool)
    return probs >= kth
