"""Twentieth examiner: nucleus.py entries (generate()'s float32 habit against this contract)."""
from __future__ import annotations

import math

import torch


def _sample_top_p__right_float32_draw_like_generate_mask(probs: torch.Tensor, p: float) -> torch.Tensor:
    if isinstance(p, bool) or not isinstance(p, (int, float)) or math.isnan(p) or not 0 <= p <= 1:
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")
    ordered, order = torch.sort(probs, dim=-1, descending=True)
    above = torch.cumsum(ordered, dim=-1) - ordered
    keep_sorted = above < p
    keep_sorted[..., 0] = True
    return torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)


def sample_top_p__right_float32_draw_like_generate(probs: torch.Tensor, p: float, generator: torch.Generator | None = None) -> torch.Tensor:
    """RIGHT: the nucleus is decided on ``probs`` as they come (the contract's rule), zeroed in vocabulary order with ``torch.where``, but the zeroed row is cast to float32 before the one ``torch.multinomial`` call, as ``generate()`` casts scores to float32 before it samples (so a float64 ``probs`` is drawn from in float32; a float32 one is unchanged). Step 2 says "keeping the vocabulary order and the dtype", but then "The dtype is a means, not a rule of its own: what is graded is the ids drawn, and ``torch.multinomial`` given other numbers (float64 ones, say) may draw other ids". With one sample torch draws ``argmax(p / q)`` with ``q`` exponential from the generator; the exponentials of float32 and float64 come from the same generator state, so the ids come out the same except where two candidates' ``p / q`` tie to within float32 rounding. Convention: transformers ``generate()`` (``next_token_scores.float()`` / logits cast to float32 before sampling). Agrees with a plain version on: the worked example (seeds 0..19, ``p = 0.7`` and ``p = 0``), and 400 random float64 batches (1..4 rows, vocab 2..32000, random ``p`` and seed): ids identical on all (see the README for the figures); ``probs`` untouched, int64 ``(batch,)``."""
    keep = _sample_top_p__right_float32_draw_like_generate_mask(probs, p)
    kept = torch.where(keep, probs, 0).to(torch.float32)
    return torch.multinomial(kept, num_samples=1, generator=generator)[:, 0]
