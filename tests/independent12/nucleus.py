"""Twelfth examiner: nucleus.py entries."""
from __future__ import annotations

import math
import numbers

import torch


def top_p_mask__wrong_forces_first_row_not_first_rank(probs: torch.Tensor, p: float) -> torch.Tensor:
    """WRONG: forces the most probable token with ``keep_sorted[0] = True`` (written and checked on a 1-D row, where index 0 of the sorted mask IS the top-ranked token); on a batch ``[0]`` selects the whole first ROW, so every token of row 0 is kept. Violates: "and every row of a batch is decided on its own." [witness: ``top_p_mask(torch.tensor([[0.1, 0.5, 0.15, 0.25], [0.7, 0.1, 0.1, 0.1]]), 0.7)``: ``[[False, True, False, True], [True, False, False, False]]`` expected, ``[[True, True, True, True], [True, False, False, False]]`` returned]"""
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or math.isnan(p) or not 0 <= p <= 1:
        raise ValueError(f"top_p_mask: p must be a number in [0, 1], got {p!r}")
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
    mass_above = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
    keep_sorted = mass_above < p
    keep_sorted[0] = True
    return torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)


def top_p_mask__right_log_space_exclusive_logcumsumexp(probs: torch.Tensor, p: float) -> torch.Tensor:
    """RIGHT: decides in log space and float64: the log of the mass above each ranked token is an EXCLUSIVE ``torch.logcumsumexp`` of the sorted log-probabilities (``-inf`` padded in front, last entry dropped), compared with ``log(p)``; the top-ranked token is forced by OR-ing with a one-hot of rank 0 (``log 0 = -inf`` keeps nothing at ``p = 0``); decisions go back to vocabulary order by ``index_put`` on a flattened view rather than ``scatter``."""
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or math.isnan(p) or not 0 <= p <= 1:
        raise ValueError(f"top_p_mask: p must be a number in [0, 1], got {p!r}")
    vocab = probs.shape[-1]
    flat = probs.reshape(-1, vocab).to(torch.float64)
    sorted_probs, order = torch.sort(flat, dim=-1, descending=True)
    log_sorted = torch.log(sorted_probs)
    pad = torch.full_like(log_sorted[:, :1], -math.inf)
    log_above = torch.logcumsumexp(torch.cat([pad, log_sorted[:, :-1]], dim=-1), dim=-1)
    log_p = math.log(p) if p > 0 else -math.inf
    keep_sorted = log_above < log_p
    first = torch.zeros_like(keep_sorted)
    first[:, 0] = True
    keep_sorted = keep_sorted | first
    rows = torch.arange(flat.shape[0], device=probs.device).unsqueeze(-1).expand_as(order)
    keep = torch.zeros(flat.shape, dtype=torch.bool, device=probs.device)
    keep.index_put_((rows, order), keep_sorted)
    return keep.reshape(probs.shape)
