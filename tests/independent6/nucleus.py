"""Sixth examiner: nucleus.py entries."""
from __future__ import annotations

import math
import numbers

import torch
from transformers.generation.logits_process import TopPLogitsWarper


def top_p_mask__right_transformers_warper_on_log_probs(probs: torch.Tensor, p: float) -> torch.Tensor:
    """RIGHT: the docstring's own yardstick — transformers' ``TopPLogitsWarper`` applied to
    ``log(probs)`` (in float32, or float64 for float64 input) on the rows flattened to 2-D;
    kept = not ``-inf`` afterwards. ``p`` is checked first (the warper would take ``'0.9'``
    and ``nan``)."""
    if not isinstance(p, numbers.Real) or math.isnan(p) or not 0 <= p <= 1:
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")
    vocab = probs.shape[-1]
    work = probs.to(torch.float64 if probs.dtype == torch.float64 else torch.float32)
    scores = torch.log(work.reshape(-1, vocab))
    warped = TopPLogitsWarper(top_p=float(p))(None, scores)
    return (warped != float("-inf")).reshape(probs.shape)


def sample_top_p__right_clone_index_zero_select(
    probs: torch.Tensor, p: float, generator: torch.Generator | None = None
) -> torch.Tensor:
    """RIGHT: the nucleus mask from a descending sort and an exclusive running total in
    float64, put back with ``scatter``; outside it zeroed IN PLACE on a clone by boolean
    indexing; the trailing axis dropped with ``select(-1, 0)``."""
    if not isinstance(p, numbers.Real) or math.isnan(p) or not 0 <= p <= 1:
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")
    ranked, order = torch.sort(probs, dim=-1, descending=True)
    ranked64 = ranked.to(torch.float64)
    above = torch.cumsum(ranked64, dim=-1) - ranked64
    keep_sorted = above < p
    keep_sorted[..., 0] = True
    keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
    kept = probs.clone()
    kept[~keep] = 0
    return torch.multinomial(kept, num_samples=1, generator=generator).select(-1, 0)
