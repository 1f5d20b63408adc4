"""Solutions to exercises 11 and 12: the nucleus keep mask and sampling from it."""
from __future__ import annotations

import torch


def top_p_mask(probs: torch.Tensor, p: float) -> torch.Tensor:
    """Bool ``(..., vocab)``, True = keep: a token is kept when the mass ranked above it is < p."""
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
    # float64 so that 32000 small terms add up without drifting
    included = sorted_probs.to(torch.float64).cumsum(dim=-1)
    above = torch.cat([torch.zeros_like(included[..., :1]), included[..., :-1]], dim=-1)
    keep_sorted = above < p
    keep_sorted[..., 0] = True  # the most probable token, even when p = 0
    return torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)


def sample_top_p(probs: torch.Tensor, p: float, generator: torch.Generator | None = None) -> torch.Tensor:
    """One token id per row from the nucleus: ``(batch, vocab)`` -> int64 ``(batch,)``."""
    keep = top_p_mask(probs, p)
    kept = torch.where(keep, probs, torch.zeros_like(probs))
    return torch.multinomial(kept, num_samples=1, generator=generator).squeeze(1)
