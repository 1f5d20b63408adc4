"""Seventh examiner: nucleus.py entries."""
from __future__ import annotations

import math
import numbers

import torch


def sample_top_p__wrong_reseeds_global_from_generator(
    probs: torch.Tensor, p: float, generator: torch.Generator | None = None
) -> torch.Tensor:
    """WRONG: "makes the seed count" by re-seeding torch's GLOBAL generator with
    ``generator.initial_seed()`` and drawing from the global one. The first draw after
    ``manual_seed(s)`` is the reference's draw and the same seed repeats, but the generator
    passed in never advances: every later call with it draws the same again (and the
    caller's global random state is reset as a side effect). Violates: "call
    ``torch.multinomial(kept, num_samples=1, generator=generator)`` once, for the whole
    batch" [``g = torch.Generator().manual_seed(0)``, 40 calls on ``[[0.1, 0.5, 0.15, 0.25]]``,
    ``p = 0.7`` with the same ``g``: one token forty times (the reference draws both 1 and 3);
    a single draw from a fresh seed matches the reference]"""
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or math.isnan(p) or not 0 <= p <= 1:
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")
    ranked, order = torch.sort(probs, dim=-1, descending=True)
    keep_sorted = (torch.cumsum(ranked, dim=-1) - ranked) < p
    keep_sorted[..., 0] = True
    keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
    kept = torch.where(keep, probs, 0)
    if generator is not None:
        torch.manual_seed(generator.initial_seed())
    return torch.multinomial(kept, num_samples=1).squeeze(-1)
