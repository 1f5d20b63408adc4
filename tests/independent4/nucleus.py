"""Independent catalogue, round 4: submissions for exercises/nucleus.py.

Written from the docstrings of ``exercises/nucleus.py`` only, avoiding the mistakes of
rounds 1-3.
"""
from __future__ import annotations

import math

import torch


def top_p_mask__wrong_rejects_p_zero(probs: torch.Tensor, p: float) -> torch.Tensor:
    """WRONG: validates ``0 < p <= 1`` ("a nucleus of mass 0 makes no sense"), so ``p = 0``
    raises. Violates: "the most probable token is always kept, so ``p = 0`` keeps exactly
    one token" (and "p: a number in [0, 1].") [p=0 -> ValueError]"""
    if not isinstance(p, (int, float)) or math.isnan(p) or not 0 < p <= 1:
        raise ValueError(f"p must be a number in (0, 1], got {p!r}")
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
    above = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
    keep_sorted = above < p
    keep_sorted[..., 0] = True
    return torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
