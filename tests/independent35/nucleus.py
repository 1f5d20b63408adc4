"""Thirty-fifth examiner: nucleus.py entries (numerical extremes)."""
from __future__ import annotations

import math

import torch

_P_MARGIN = 1e-3


def top_p_mask__wrong_caps_p_below_one(probs: torch.Tensor, p: float) -> torch.Tensor:
    """WRONG: the rule written correctly (sort, exclusive cumulative sum, ``mass_above < p``, top token forced, scattered back; ``p`` checked) but ``p`` is first capped at ``1 - 1e-3`` "so float rounding of the running total can never keep the zero-probability tail at ``p = 1``". The cap changes nothing below ``p = 0.999``, so every worked example (``p`` 0.7, 0.8, 0.6, 0) passes; at ``p = 1`` (and ``0.999 < p < 1``) it drops tail tokens of real probability, far above the 1e-6 the docstring leaves to rounding. Violates: "``p = 1`` keeps every token of non-zero probability (up to rounding, see below)" [witness: ``[0.9, 0.0995, 0.0005]``, ``p = 1`` -> ``[T, T, F]``, plain ``[T, T, T]``; the tiny model's softmax for "The capital of Japan is" at ``p = 1`` -> keeps 19 tokens, plain 32000 (the dropped tokens hold 0.000996 in all, the largest 3.21e-05); at ``p = 0.9995`` -> 19, plain 40]"""
    if not isinstance(p, (int, float)) or isinstance(p, bool) or math.isnan(p) or not (0 <= p <= 1):
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")
    p_eff = min(p, 1.0 - _P_MARGIN)
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
    mass_above = sorted_probs.cumsum(dim=-1) - sorted_probs
    keep_sorted = mass_above < p_eff
    keep_sorted[..., 0] = True
    return torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
