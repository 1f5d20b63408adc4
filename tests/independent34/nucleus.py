"""Thirty-fourth examiner: nucleus.py entries (the learner who reaches for torch's less common tools)."""
from __future__ import annotations

import math

import torch
from torch.distributions import Categorical


def _check_p(p: float) -> None:
    if isinstance(p, bool) or not isinstance(p, (int, float)) or math.isnan(p) or not 0 <= p <= 1:
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")


def _nucleus(probs: torch.Tensor, p: float) -> torch.Tensor:
    _check_p(p)
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
    above = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
    keep_sorted = above < p
    keep_sorted[..., 0] = True
    return torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)


def top_p_mask__right_vmap_single_row_rule(probs: torch.Tensor, p: float) -> torch.Tensor:
    """RIGHT: the rule written once, for ONE 1-D row (sort descending, mass above = inclusive cumsum minus the token, keep where below ``p``, the first rank forced with ``| (arange == 0)`` instead of an in-place write, decisions scattered back to vocabulary order), and batched with ``torch.func.vmap`` over ``probs.reshape(-1, vocab)`` (``reshape`` copies a non-contiguous batch when it must), the result reshaped to ``probs.shape``. ``p`` is checked outside the vmapped function (a number in [0, 1], ``nan``, strings and ``None`` refused with ``ValueError``), so the row function has no data-dependent control flow for ``vmap`` to trip on. Every row is decided on its own by construction. Agrees with a plain version on: the worked example at p 0.7 and 0.8, the tie example (keeps ids 0 and 1), ``p = 0`` among tied maxima (one token), the tiny model's (3, 32000) softmax at p 0.9 / 0.5 / 0 / 1, a (2, 3, 50) batch, its transposed non-contiguous copy, a float64 (4, 7) batch -- masks equal element for element; bfloat16 rows give the right shape, dtype and device (checks/check_entries.log)."""
    _check_p(p)
    vocab = probs.shape[-1]

    def one_row(row: torch.Tensor) -> torch.Tensor:
        sorted_row, order = torch.sort(row, descending=True)
        above = torch.cumsum(sorted_row, dim=0) - sorted_row
        first = torch.arange(vocab, device=row.device) == 0
        keep_sorted = (above < p) | first
        return torch.zeros_like(keep_sorted).scatter(0, order, keep_sorted)

    flat = probs.reshape(-1, vocab)
    return torch.func.vmap(one_row)(flat).reshape(probs.shape)


def sample_top_p__right_categorical_sample_on_global_rng(
    probs: torch.Tensor, p: float, generator: torch.Generator | None = None
) -> torch.Tensor:
    """RIGHT: the nucleus and the zeroing as the steps say (``torch.where(keep, probs, 0)``, vocabulary order and dtype kept, ``probs`` untouched); then, when no generator is given, the draw is ``torch.distributions.Categorical(probs=kept).sample()`` on torch's global generator (``Categorical.sample`` takes no generator, so a given one goes to ``torch.multinomial(kept, 1, generator=generator)``). ``Categorical`` divides each row by its sum (which the docstring allows) and calls ``torch.multinomial(probs, 1, True)``; one sample takes the same path with or without replacement, so the global stream gives the same ids. Agrees with a plain version on: the worked example at p 0.7 (ids {1, 3}, id 1 in 0.720 of 300 seeds), the tiny model's (3, 32000) softmax at p 0.9 / 1.0 / 0.5 / 0, its bfloat16 copy at 0.9 and float16 copy at 0.95, a (5, 7) float64 batch at 0.8: 100 seeds each, under ``torch.manual_seed`` AND with a seeded generator, every draw equal (int64, shape ``(batch,)``) -- checks/check_entries.log."""
    keep = _nucleus(probs, p)
    kept = torch.where(keep, probs, 0)
    if generator is None:
        return Categorical(probs=kept).sample()
    return torch.multinomial(kept, num_samples=1, generator=generator).squeeze(-1)


def sample_top_p__wrong_searchsorted_inverse_cdf(
    probs: torch.Tensor, p: float, generator: torch.Generator | None = None
) -> torch.Tensor:
    """WRONG: samples by inverse CDF, the textbook route: the right nucleus zeroed in vocabulary order, ``cdf = cumsum(kept)``, ``u = torch.rand(batch, 1, generator=generator) * cdf[:, -1:]`` and ``torch.searchsorted(cdf, u, right=True)`` (``right=True`` so that a zero-probability token, a flat step of the CDF, can never be hit). The distribution is exactly the nucleus's, the generator is used and a seed repeats -- but ``torch.rand`` is not the random stream ``torch.multinomial`` consumes, so under the same seed it draws other ids than the reference. Violates: "What is graded is the ids drawn: another route to the same draws passes too" (and step 3, "call ``torch.multinomial(kept, num_samples=1, generator=generator)`` once"). [witness: worked example ``[[0.1, 0.5, 0.15, 0.25]]``, p 0.7, ``torch.Generator().manual_seed(s)``: 85 of 200 seeds give another id than plain (seed 1: WRONG 3, plain 1; seed 6: WRONG 1, plain 3); the tiny model's (3, 32000) softmax at p 0.9: 89 of 100 seeds differ in at least one row. Passes the worked example's own terms: ids only 1 and 3, id 1 in 0.677 of 300 seeds (2/3 expected), ``p = 0`` always id 1, ``ValueError`` for p 1.5 and nan.]"""
    keep = _nucleus(probs, p)
    kept = torch.where(keep, probs, 0).float()
    cdf = torch.cumsum(kept, dim=-1)
    u = torch.rand(kept.shape[0], 1, generator=generator, device=kept.device) * cdf[:, -1:]
    drawn = torch.searchsorted(cdf, u, right=True).squeeze(-1)
    return drawn.clamp_max(kept.shape[-1] - 1)
