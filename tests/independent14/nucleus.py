"""Fourteenth examiner: nucleus.py entries."""
from __future__ import annotations

import math
import numbers

import torch


def top_p_mask__wrong_view_needs_contiguous_rows(probs: torch.Tensor, p: float) -> torch.Tensor:
    """WRONG: handles "any leading axes" by flattening them with ``probs.view(-1, vocab)`` (and ``.view(probs.shape)`` at the end) instead of ``reshape`` or working on ``dim=-1`` directly. Right for every input whose leading axes can be merged without a copy: 1-D rows, any 2-D batch (even a transposed one: the shape does not change), contiguous ``(a, b, vocab)`` batches, expanded rows; a batch of three or more axes whose leading axes were swapped (``transpose(0, 1)``, as when beams and prompts change places) makes ``view`` raise ``RuntimeError``. Violates: "probs: ``(..., vocab)`` probabilities, each row summing to 1; any leading axes." [witness: ``top_p_mask(torch.tensor([[[0.1, 0.9], [0.6, 0.4]], [[0.3, 0.7], [0.8, 0.2]]]).transpose(0, 1), 0.5)`` (rows ``[0.1, 0.9]``, ``[0.3, 0.7]``, ``[0.6, 0.4]``, ``[0.8, 0.2]``): ``tensor([[[False, True], [False, True]], [[True, False], [True, False]]])`` expected, ``RuntimeError: view size is not compatible with input tensor's size and stride`` raised]"""
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or math.isnan(p) or not 0 <= p <= 1:
        raise ValueError(f"top_p_mask: p must be a number in [0, 1], got {p!r}")
    flat = probs.view(-1, probs.shape[-1])
    ranked, order = torch.sort(flat, dim=1, descending=True)
    above = torch.cumsum(ranked, dim=1) - ranked
    keep_ranked = above < p
    keep_ranked[:, 0] = True
    keep = torch.zeros_like(keep_ranked).scatter(1, order, keep_ranked)
    return keep.view(probs.shape)


def _sample_top_p__right_multinomial_with_replacement_mask(probs: torch.Tensor, p: float) -> torch.Tensor:
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or math.isnan(p) or not 0 <= p <= 1:
        raise ValueError(f"top_p_mask: p must be a number in [0, 1], got {p!r}")
    ranked, order = torch.sort(probs, dim=-1, descending=True)
    keep_ranked = (torch.cumsum(ranked, dim=-1) - ranked) < p
    keep_ranked[..., 0] = True
    return torch.zeros_like(keep_ranked).scatter(-1, order, keep_ranked)


def sample_top_p__right_multinomial_with_replacement(probs: torch.Tensor, p: float, generator: torch.Generator | None = None) -> torch.Tensor:
    """RIGHT: zeroes the tail with ``masked_fill`` on a new tensor and draws with ``torch.multinomial(kept, 1, replacement=True, generator=generator)``, the flag a statistics habit ("one draw, with replacement") adds. It looks like a different sampler from the docstring's call, but for ONE sample torch takes the same path either way (the exponential race ``argmax(p / q)``, ``q ~ Exp(1)`` drawn from the generator, in ``aten/native/Distributions.cpp``: "Fast-path for no replacement or if only one sample is drawn"), so the ids are the docstring's call's, seed for seed; the trailing axis is dropped with ``squeeze(-1)``."""
    keep = _sample_top_p__right_multinomial_with_replacement_mask(probs, p)
    kept = probs.masked_fill(~keep, 0)
    return torch.multinomial(kept, 1, replacement=True, generator=generator).squeeze(-1)
