"""Eleventh examiner: nucleus.py entries."""
from __future__ import annotations

import math

import torch


def _top_p_mask__wrong_message_names_only_the_value_keep(probs: torch.Tensor, p: float) -> torch.Tensor:
    order = torch.argsort(probs, dim=-1, descending=True, stable=True)
    ranked = torch.gather(probs, -1, order)
    above = torch.cumsum(ranked, dim=-1) - ranked
    keep_ranked = above < p
    keep_ranked[..., 0] = True
    mask = torch.zeros_like(probs, dtype=torch.bool)
    return mask.scatter(-1, order, keep_ranked)


def top_p_mask__wrong_message_names_only_the_value(probs: torch.Tensor, p: float) -> torch.Tensor:
    """WRONG: checks ``p`` correctly (range and nan) but the ``ValueError`` only echoes the call, ``"top_p_mask: p=1.5"``: it never says that ``p`` must lie in [0, 1] (or be a number). Violates: "``p`` outside [0, 1] (or not a number) raises ``ValueError`` saying so." [witness: ``top_p_mask(torch.tensor([0.1, 0.5, 0.15, 0.25]), 1.5)``: the message is ``'top_p_mask: p=1.5'``, which says nothing of [0, 1]; ``p = nan`` gives ``'top_p_mask: p=nan'``]"""
    if not isinstance(p, (int, float)) or isinstance(p, bool) or not (0 <= p <= 1):
        raise ValueError(f"top_p_mask: p={p!r}")
    return _top_p_mask__wrong_message_names_only_the_value_keep(probs, p)


def _sample_top_p__wrong_index_drops_batch_axis_mask(probs: torch.Tensor, p: float) -> torch.Tensor:
    if not isinstance(p, (int, float)) or isinstance(p, bool) or not (0 <= p <= 1):
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")
    order = torch.argsort(probs, dim=-1, descending=True, stable=True)
    ranked = torch.gather(probs, -1, order)
    above = torch.cumsum(ranked, dim=-1) - ranked
    keep_ranked = above < p
    keep_ranked[..., 0] = True
    return torch.zeros_like(probs, dtype=torch.bool).scatter(-1, order, keep_ranked)


def sample_top_p__wrong_index_drops_batch_axis(probs: torch.Tensor, p: float, generator: torch.Generator | None = None) -> torch.Tensor:
    """WRONG: drops the extra axis of ``torch.multinomial``'s ``(batch, 1)`` result with ``[0]``, which removes the LEADING axis: for a batch of one it gives the right ``(1,)`` tensor, for a larger batch only the first row's draw. Violates: "call ``torch.multinomial(kept, num_samples=1, generator=generator)`` once, for the whole batch, and drop the trailing axis." [witness: ``probs = torch.tensor([[0.1, 0.5, 0.15, 0.25], [0.7, 0.1, 0.1, 0.1]])``, ``p = 0``: ``tensor([1, 0])`` expected, ``tensor([1])`` returned]"""
    keep = _sample_top_p__wrong_index_drops_batch_axis_mask(probs, p)
    kept = torch.where(keep, probs, 0)
    return torch.multinomial(kept, num_samples=1, generator=generator)[0]


def _sample_top_p__right_bool_product_squeeze_last_mask(probs: torch.Tensor, p: float) -> torch.Tensor:
    if isinstance(p, bool) or not isinstance(p, (int, float)) or math.isnan(p) or p < 0 or p > 1:
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")
    ranked, order = torch.sort(probs, dim=-1, descending=True, stable=True)
    above = torch.cumsum(ranked.to(torch.float32 if ranked.dtype in (torch.float16, torch.bfloat16) else ranked.dtype), dim=-1) - ranked
    keep_ranked = above < p
    keep_ranked[..., 0] = True
    keep = torch.empty_like(keep_ranked)
    keep.scatter_(-1, order, keep_ranked)
    return keep


def sample_top_p__right_bool_product_squeeze_last(probs: torch.Tensor, p: float, generator: torch.Generator | None = None) -> torch.Tensor:
    """RIGHT: zeroes the tail by multiplying with the bool mask (``probs * keep``, which keeps the dtype, float16 included, and never writes into ``probs``), draws with an explicit ``replacement=False`` and squeezes with ``.squeeze(-1)``; the running total of half-precision rows is kept in float32."""
    keep = _sample_top_p__right_bool_product_squeeze_last_mask(probs, p)
    kept = probs * keep
    draws = torch.multinomial(kept, 1, replacement=False, generator=generator)
    return draws.squeeze(-1)
