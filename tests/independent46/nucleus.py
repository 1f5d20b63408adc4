"""Forty-sixth examiner: nucleus.py entries (the careless reader: one word misread)."""
from __future__ import annotations

import math

import torch


def top_p_mask__wrong_keeps_every_token_tied_for_the_top(probs: torch.Tensor, p: float) -> torch.Tensor:
    """WRONG: reads "the most probable token is always kept" with "token" as "tokens": every token whose probability equals its row's maximum is forced in (``probs == probs.amax(-1, keepdim=True)``) instead of the first ranked one. The rest is the rule done right (``p`` checked, stable descending sort, mass above = inclusive cumsum minus the token, ``< p``, scattered back in vocabulary order, ``dim=-1``). A learner who forces the top "by value" rather than "by rank" writes exactly this, and every worked example has a single largest probability. Violates: "the most probable token is always kept, so ``p = 0`` keeps exactly one token (one, also when several tie for the largest probability)" [witness: ``[0.4, 0.4, 0.2]``, ``p = 0`` -> ``[True, True, False]`` (two tokens); plain ``[True, False, False]``. Also ``[[0.3, 0.3, 0.3, 0.1]]``, ``p = 0.2`` -> 3 kept, plain 1. Passes: the worked example ``p = 0.7`` ``[F, T, F, T]`` and ``p = 0.8`` ``[F, T, T, T]``, ``p = 0`` on ``[0.1, 0.5, 0.15, 0.25]`` (one token), ``p = 1``, the tie example ``[0.5, 0.2, 0.1, 0.2]`` ``p = 0.6`` (2 kept), a random ``(3, 5, 40)`` batch and a transposed batch equal to plain, ``ValueError`` for 1.5, -0.1, nan, ``"0.5"`` (checks/check_entries.log).]"""
    if isinstance(p, bool) or not isinstance(p, (int, float)) or math.isnan(p) or not (0 <= p <= 1):
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True, stable=True)
    above = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
    keep_sorted = above < p
    mask = torch.zeros_like(keep_sorted)
    mask.scatter_(-1, order, keep_sorted)
    # "the most probable token is always kept" -- read as: whatever has the top probability
    return mask | (probs == probs.amax(dim=-1, keepdim=True))
