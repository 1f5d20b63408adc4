"""Independent catalogue, fifth examiner: submissions for exercises/nucleus.py.

Written from the docstrings of ``exercises/nucleus.py`` only, avoiding every mistake and every
style already in rounds 1 to 4 (``tests/independent*/nucleus.py``).
"""
from __future__ import annotations

import math

import torch


# ---------------------------------------------------------------------------------------
# top_p_mask
# ---------------------------------------------------------------------------------------


def top_p_mask__wrong_forces_every_tied_maximum(probs: torch.Tensor, p: float) -> torch.Tensor:
    """WRONG: makes sure "the most probable token is always kept" by OR-ing the nucleus with
    ``probs == probs.max(dim=-1)``, which keeps EVERY token tied for first place. Violates:
    "the most probable token is always kept, so ``p = 0`` keeps exactly one token"
    [``[0.4, 0.4, 0.2]``, ``p = 0``: two tokens kept]"""
    if isinstance(p, bool) or not isinstance(p, (int, float)) or math.isnan(p) or not 0 <= p <= 1:
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")
    ranked, order = torch.sort(probs, dim=-1, descending=True)
    above = torch.cumsum(ranked, dim=-1) - ranked
    keep_sorted = above < p
    keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
    return keep | (probs == probs.amax(dim=-1, keepdim=True))


# ---------------------------------------------------------------------------------------
# sample_top_p
# ---------------------------------------------------------------------------------------


def _sample_top_p__wrong_p_one_shortcut_skips_validation_mask(probs: torch.Tensor, p: float) -> torch.Tensor:
    if isinstance(p, bool) or not isinstance(p, (int, float)) or math.isnan(p) or not 0 <= p <= 1:
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")
    ranked, order = torch.sort(probs, dim=-1, descending=True)
    keep_sorted = (torch.cumsum(ranked, dim=-1) - ranked) < p
    keep_sorted[..., 0] = True
    return torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)


def sample_top_p__wrong_p_one_shortcut_skips_validation(
    probs: torch.Tensor, p: float, generator: torch.Generator | None = None
) -> torch.Tensor:
    """WRONG: "``p >= 1`` keeps everything anyway" — skips ``top_p_mask`` for any ``p`` of at
    least 1 and draws from ``probs`` as they are. The draws at ``p = 1`` are the same, but
    ``p = 1.5`` is no longer rejected, because step 1 (which checks ``p``) never runs.
    Violates: "1. ``keep = top_p_mask(probs, p)``" / "p: a number in [0, 1] (``top_p_mask``
    checks it)." [``p = 1.5``: ``ValueError`` expected, a token comes back]"""
    if p >= 1:
        kept = probs
    else:
        keep = _sample_top_p__wrong_p_one_shortcut_skips_validation_mask(probs, p)
        kept = torch.where(keep, probs, torch.zeros_like(probs))
    return torch.multinomial(kept, num_samples=1, generator=generator).squeeze(-1)
