"""Forty-third examiner: nucleus.py entries (the learner whose functions leave something behind)."""
from __future__ import annotations

import math

import torch


def _nucleus(probs, p):
    if isinstance(p, bool) or not isinstance(p, (int, float)) or math.isnan(p) or not 0 <= p <= 1:
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")
    ranked, order = torch.sort(probs, dim=-1, descending=True)
    keep_ranked = (torch.cumsum(ranked, dim=-1) - ranked) < p
    keep_ranked[..., 0] = True
    return torch.zeros_like(keep_ranked).scatter(-1, order, keep_ranked)


def sample_top_p__wrong_fork_rng_around_the_draw(probs: torch.Tensor, p: float, generator: torch.Generator | None = None) -> torch.Tensor:
    """WRONG: the three steps (nucleus mask, ``torch.where(keep, probs, 0)``, one ``torch.multinomial(kept, 1, generator=generator)``), with the draw wrapped in ``torch.random.fork_rng()`` "so a library function never eats the caller's random numbers" (fork_rng's own promise: the RNG is reset to the state it was in). With a generator nothing changes (fork_rng forks only the global generators). With ``generator=None`` the draw comes from the global generator's CURRENT state and the state is then put back: the global generator never advances, so every call draws from the same random numbers and returns the same ids. The first call after any seeding is exactly plain's. Violates: "With ``probs = torch.tensor([[0.1, 0.5, 0.15, 0.25]])``, ``p = 0.7``: the nucleus is ids 1 and 3, so the result is ``tensor([1])`` about two thirds of the time (0.5 / 0.75) and ``tensor([3])`` otherwise" [witness: ``torch.manual_seed(0)``, then 300 calls with ``generator=None`` -> id 1 all 300 times; plain 203 ids 1 and 97 ids 3 (checks/check_entries.log; also ``torch.rand(1)`` after the calls equals ``torch.rand(1)`` right after the seed). Passes: the worked example with seeded generators (300 seeded generators: draws equal to plain, 216 ids 1, the rest 3), ``p = 0`` -> ``[1]``, a ``(3, 6)`` batch under 20 seeds equal to plain, ``probs`` untouched, the ``ValueError``s, and the FIRST ``generator=None`` call after each of 5 seeds equal to plain.]"""
    keep = _nucleus(probs, p)
    kept = torch.where(keep, probs, 0)
    with torch.random.fork_rng():
        drawn = torch.multinomial(kept, num_samples=1, generator=generator)
    return drawn.squeeze(-1)
