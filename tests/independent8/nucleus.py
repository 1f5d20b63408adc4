"""Eighth examiner: nucleus.py entries."""
from __future__ import annotations

import math
import numbers

import torch


def top_p_mask__wrong_cut_value_threshold(probs: torch.Tensor, p: float) -> torch.Tensor:
    """WRONG since the twentieth session (written as RIGHT, under a docstring that left ties at
    the cut to rounding; the docstring now says tied tokens are ranked one after the other, and
    the rule keeps as many of them as it says). Violates: "Where tied tokens straddle the cut,
    the rule keeps as many of them as it says" [``[0.5, 0.2, 0.1, 0.2]``, ``p = 0.6``: keeps
    ids 0, 1 and 3 instead of id 0 and one of ids 1 and 3]. The examiner's text: threshold-based instead of scatter-based. It sorts only to find, per row, how
    many tokens the rule keeps (the exclusive running total below ``p``, at least one) and
    the probability of the last kept token, then compares every token with that cut value
    IN VOCABULARY ORDER (``probs >= cut``), so no decision is ever put back with
    ``scatter``. Where a token ties the cut value it is kept too — the docstring leaves ties
    at the cut to rounding — except that a row keeping a single token keeps exactly one (the
    first ``argmax``), so ``p = 0`` keeps one token also among tied maxima."""
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or math.isnan(p) or not 0 <= p <= 1:
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")
    ranked, _ = torch.sort(probs, dim=-1, descending=True)
    running = torch.cumsum(ranked, dim=-1)
    above = torch.cat([torch.zeros_like(running[..., :1]), running[..., :-1]], dim=-1)
    count = (above < p).sum(dim=-1, keepdim=True).clamp_min(1)
    cut = ranked.gather(-1, count - 1)
    by_threshold = probs >= cut
    only_top = torch.zeros_like(by_threshold).scatter(-1, probs.argmax(dim=-1, keepdim=True), True)
    return torch.where(count == 1, only_top, by_threshold)


def sample_top_p__right_inference_mode_float64_mask(
    probs: torch.Tensor, p: float, generator: torch.Generator | None = None
) -> torch.Tensor:
    """RIGHT: runs under ``torch.inference_mode()`` (the result is an inference tensor) and
    decides the nucleus on a float64 copy of ``probs`` (the rule, ranked and cumulated in
    double precision; only spots the docstring leaves to rounding can differ), but zeroes and
    draws on the ORIGINAL probabilities, in their own dtype and vocabulary order, with one
    ``torch.multinomial(kept, num_samples=1, generator=generator)`` for the batch; ``p`` is
    checked before anything is computed, and ``probs`` is never written to."""
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or math.isnan(p) or not 0 <= p <= 1:
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")
    with torch.inference_mode():
        wide = probs.to(torch.float64)
        ranked, order = torch.sort(wide, dim=-1, descending=True)
        keep_ranked = (torch.cumsum(ranked, dim=-1) - ranked) < p
        keep_ranked[..., 0] = True
        keep = torch.empty_like(keep_ranked).scatter_(-1, order, keep_ranked)
        kept = torch.where(keep, probs, torch.zeros((), dtype=probs.dtype, device=probs.device))
        return torch.multinomial(kept, num_samples=1, generator=generator).squeeze(-1)
