"""Ninth examiner: nucleus.py entries."""
from __future__ import annotations

import math

import torch


def _top_p_mask__wrong_one_of_tie_at_cut_check(p: float) -> None:
    if isinstance(p, bool) or not isinstance(p, (int, float)) or math.isnan(p) or not 0 <= p <= 1:
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")


def top_p_mask__wrong_one_of_tie_at_cut(probs: torch.Tensor, p: float) -> torch.Tensor:
    """WRONG: finds the crossing token's probability (the "cut value"), keeps every token
    strictly above it and then exactly ONE token equal to it (the lowest id), reading the tie
    example ("keeps id 0 and exactly one of ids 1 and 3") as "one of the tied tokens at the
    cut". When two or more tied tokens lie inside the nucleus as well as at the cut, it keeps
    too few. Violates: "Where tied tokens straddle the cut, the rule keeps as many of them as
    it says, and which ones depends on the order your sort gave them: either choice is
    accepted." [``[0.4, 0.2, 0.2, 0.2]``, ``p = 0.7``: masses above 0, 0.4, 0.6, 0.8, so
    three tokens are kept (id 0 and two of ids 1-3); this gives ``[True, True, False,
    False]``, two tokens]"""
    _top_p_mask__wrong_one_of_tie_at_cut_check(p)
    values, _ = torch.sort(probs, dim=-1, descending=True)
    above = torch.cumsum(values, dim=-1) - values
    kept_sorted = above < p
    kept_sorted[..., 0] = True
    n_kept = kept_sorted.sum(dim=-1, keepdim=True)
    cut = torch.gather(values, -1, n_kept - 1)
    keep = probs > cut
    at_cut = probs == cut
    first_at_cut = at_cut & (torch.cumsum(at_cut.long(), dim=-1) == 1)
    return keep | first_at_cut


def _top_p_mask__right_ties_ranked_higher_id_first_check(p: float) -> None:
    try:
        bad = not (0.0 <= p <= 1.0)
    except TypeError:
        bad = True
    if bad:
        raise ValueError(f"top_p_mask: p must be a number in [0, 1] (got {p!r})")


def top_p_mask__right_ties_ranked_higher_id_first(probs: torch.Tensor, p: float) -> torch.Tensor:
    """RIGHT: ranks tied tokens HIGHER id first on purpose (a stable descending sort of the
    vocabulary read backwards, mapped back with ``flip``), so where tied tokens straddle the
    cut it keeps the higher ids (``[0.5, 0.2, 0.1, 0.2]``, ``p = 0.6`` keeps ids 0 and 3, not
    0 and 1) and for ``p = 0`` with tied maxima keeps the last of them. The decisions are
    written back with an inverse permutation (``argsort`` of the order) instead of
    ``scatter``."""
    _top_p_mask__right_ties_ranked_higher_id_first_check(p)
    backwards = torch.flip(probs, dims=[-1])
    order_b = torch.sort(backwards, dim=-1, descending=True, stable=True).indices
    values = torch.gather(backwards, -1, order_b)
    mass_above = torch.cumsum(values, dim=-1) - values
    keep_sorted = mass_above < p
    keep_sorted[..., 0] = True
    inverse = torch.argsort(order_b, dim=-1)
    keep_backwards = torch.gather(keep_sorted, -1, inverse)
    return torch.flip(keep_backwards, dims=[-1])
