"""Twenty-third examiner: nucleus.py entries (NumPy random-generator habit)."""
from __future__ import annotations

import math

import numpy as np
import torch


def _sample_top_p__wrong_numpy_rng_seeded_from_initial_seed_mask(probs, p):
    if isinstance(p, bool) or not isinstance(p, (int, float)) or math.isnan(p) or not 0 <= p <= 1:
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")
    ordered, order = torch.sort(probs, dim=-1, descending=True)
    above = torch.cumsum(ordered, dim=-1) - ordered
    keep_sorted = above < p
    keep_sorted[..., 0] = True
    return torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)


def sample_top_p__wrong_numpy_rng_seeded_from_initial_seed(probs: torch.Tensor, p: float, generator: torch.Generator | None = None) -> torch.Tensor:
    """WRONG: decides the nucleus correctly and zeroes the rest in vocabulary order, but draws the NumPy way: ``rng = np.random.default_rng(generator.initial_seed())`` (``torch.initial_seed()`` when ``generator`` is None) and ``rng.choice(vocab, p=row / row.sum())`` per row, in float64. It stays inside the nucleus, has the right proportions, gives int64 ``(batch,)``, and the same seed gives the same ids, so the worked example passes. But the ids are NumPy's, not those of ``torch.multinomial`` under the same seeded generator, and since only the SEED is read, the caller's generator never advances: calling it again with the same generator object repeats the same draw. Violates: "Do it this way, so that your draws can be compared with the reference token for token under the same seeded generator." [witness: the worked example ``[[0.1, 0.5, 0.15, 0.25]]``, ``p = 0.7``, ``torch.Generator().manual_seed(s)`` for s = 0..199: 94 of 200 ids differ from plain (seed 4: 3, plain 1); 12 calls with ONE generator seeded 0: always 1, plain ``[1, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3]``.]"""
    keep = _sample_top_p__wrong_numpy_rng_seeded_from_initial_seed_mask(probs, p)
    kept = torch.where(keep, probs, 0).detach().to("cpu", torch.float64).numpy()
    seed = generator.initial_seed() if generator is not None else torch.initial_seed()
    rng = np.random.default_rng(seed)
    ids = [rng.choice(kept.shape[-1], p=row / row.sum()) for row in kept]
    return torch.tensor(ids, dtype=torch.int64, device=probs.device)
