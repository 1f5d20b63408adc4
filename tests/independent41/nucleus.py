"""Forty-first examiner: nucleus.py entries (the learner who special-cases the edges)."""
from __future__ import annotations

import math
import numbers

import torch


def _check_p(p) -> None:
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or math.isnan(p) or not 0 <= p <= 1:
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")


def top_p_mask__wrong_p_zero_argmax_columns_across_batch(probs: torch.Tensor, p: float) -> torch.Tensor:
    """WRONG: checks ``p`` first (numbers in [0, 1] only, with a message), then special-cases ``p = 0``, "the nucleus is just the most probable token, no sort needed": ``mask = zeros_like(probs, bool); mask[..., probs.argmax(dim=-1)] = True``. Written and tried on one row, where ``argmax`` is a 0-d index and exactly one entry is set. On a batch, ``argmax`` gives one index per row and ``mask[..., idx]`` sets those COLUMNS in every row, so each row keeps the top token of every other row too. Every other ``p`` goes through the rule (descending sort, mass above ``< p``, first rank forced, scattered back), which is right for batches. Violates: "the most probable token is always kept, so ``p = 0`` keeps exactly one token (one, also when several tie for the largest probability); ... and every row of a batch is decided on its own." [witness: ``[[0.1, 0.5, 0.15, 0.25], [0.25, 0.15, 0.5, 0.1]]``, ``p = 0`` -> ``[[F, T, T, F], [F, T, T, F]]`` (two tokens per row); plain ``[[F, T, F, F], [F, F, T, F]]``. Passes: the worked example at ``p`` 0.7 and 0.8, ``[0.1, 0.5, 0.15, 0.25]`` at ``p = 0`` (one token), a ``(1, 4)`` batch at ``p = 0``, the tie example at 0.6, ``p`` of 1.5, -0.1, ``nan``, ``"0.5"`` (``ValueError``), and random ``(3, 50)`` / transposed batches at ``p`` 0.3, 0.9, 1.0 (checks/check_entries.log).]"""
    _check_p(p)
    if p == 0:  # "just the argmax"
        mask = torch.zeros_like(probs, dtype=torch.bool)
        mask[..., probs.argmax(dim=-1)] = True
        return mask
    sp, order = torch.sort(probs, dim=-1, descending=True)
    keep = (torch.cumsum(sp, dim=-1) - sp) < p
    keep[..., 0] = True
    return torch.zeros_like(probs, dtype=torch.bool).scatter(-1, order, keep)


def top_p_mask__right_p_zero_one_hot_after_checks(probs: torch.Tensor, p: float) -> torch.Tensor:
    """RIGHT: special-cases ``p = 0`` correctly: only AFTER the check of ``p`` (so ``-0.0`` is 0 and ``nan``, strings and values outside [0, 1] still raise), it builds the one-token nucleus per row as ``torch.nn.functional.one_hot(probs.argmax(dim=-1), vocab).bool()`` -- one index per row, any leading axes, the lowest id among tied maxima (one token, as the rule asks), on ``probs``' device because ``argmax`` is. No sort, no cumulative sum; ``one_hot`` makes a fresh contiguous tensor, so a transposed (non-contiguous) batch needs no care. Every other ``p`` takes the rule. Agrees with a plain version on: the worked example (``p`` 0.7, 0.8), ``p = 0`` on ``[0.1, 0.5, 0.15, 0.25]``, on the ``(2, 4)`` batch ``[[0.1, 0.5, 0.15, 0.25], [0.25, 0.15, 0.5, 0.1]]``, on a ``(2, 3, 50)`` batch and its ``transpose(0, 1)``, on a row of four equal probabilities (one kept), ``p = -0.0``; the four ``ValueError``s; random rows at ``p`` 0.3, 0.9, 1.0 (checks/check_entries.log)."""
    _check_p(p)
    if p == 0:
        return torch.nn.functional.one_hot(probs.argmax(dim=-1), probs.shape[-1]).bool()
    sp, order = torch.sort(probs, dim=-1, descending=True)
    keep = (torch.cumsum(sp, dim=-1) - sp) < p
    keep[..., 0] = True
    return torch.zeros_like(probs, dtype=torch.bool).scatter(-1, order, keep)
