"""Fifteenth examiner: nucleus.py entries."""
from __future__ import annotations

import math
import numbers

import torch


def sample_top_p__wrong_cut_value_keeps_whole_tie(probs: torch.Tensor, p: float, generator: torch.Generator | None = None) -> torch.Tensor:
    """WRONG: finds the nucleus the way many blog posts do: count the ranked tokens whose mass above is below ``p`` (at least one), read the probability of the last of them (the "cut value"), and keep every token at least that probable (``probs >= cut``). Exactly the rule when no tie sits at the cut (the worked example, every row of distinct probabilities), but tokens tied with the cut value all stay in, so the nucleus holds more tokens than the rule keeps, and ``p = 0`` with a tied maximum draws among all the tied tokens. ``p`` is checked as ``top_p_mask`` would; the zeroing and the one ``multinomial`` call are the docstring's. (On a batch stored column-major, e.g. ``x.t().contiguous().t()``, its draws differ too, through memory layout alone: ``probs >= cut`` takes the layout of ``probs``, so ``kept`` is column-major, and ``torch.multinomial`` on CPU draws other ids for the same weights in another layout.) Violates: "Draw one token id per row from the nucleus of ``probs``." (step 1: "``keep = top_p_mask(probs, p)``", which keeps exactly one token at ``p = 0``, "also when several tie for the largest probability") [witness: ``probs = torch.tensor([[0.4, 0.4, 0.2]])``, ``p = 0``, generators seeded 0 to 19: one and the same id for every seed expected (the nucleus is one token), ids 0 and 1 both come back (seed 0 gives 1, seed 1 gives 0); also ``[[0.5, 0.2, 0.1, 0.2]]``, ``p = 0.6``: the nucleus is id 0 and ONE of ids 1 and 3, this draws both]"""
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or math.isnan(p) or not 0 <= p <= 1:
        raise ValueError(f"sample_top_p: p must be a number in [0, 1], got {p!r}")
    ranked, _ = torch.sort(probs, dim=-1, descending=True)
    above = torch.cumsum(ranked, dim=-1) - ranked
    count = (above < p).sum(dim=-1, keepdim=True).clamp_min(1)
    cut = ranked.gather(-1, count - 1)
    keep = probs >= cut
    kept = torch.where(keep, probs, 0)
    return torch.multinomial(kept, num_samples=1, generator=generator).squeeze(-1)


def sample_top_p__right_ascending_argsort_flipped(probs: torch.Tensor, p: float, generator: torch.Generator | None = None) -> torch.Tensor:
    """RIGHT: ranks the tokens by an ASCENDING ``argsort`` read backwards (``.flip(-1)``), so tokens of equal probability are ranked HIGHER id first; the mass above each ranked token is the running total minus the token, the first rank is forced in, the decisions go back to vocabulary order with ``scatter_``, the tail is zeroed with ``torch.where`` against a 0-d zero of ``probs``' dtype, and ONE ``torch.multinomial(kept, 1, generator=generator)`` draws for the batch; ``[:, 0]`` drops the sample axis. Where tied tokens straddle the cut it keeps the higher ids (``[[0.5, 0.2, 0.1, 0.2]]``, ``p = 0.6``: ids 0 and 3; ``[[0.4, 0.4, 0.2]]``, ``p = 0``: always id 1), a choice ``top_p_mask``'s docstring accepts ("which ones depends on the order your sort gave them: either choice is accepted"), so seeded draws on such rows may differ from a reference that ranks ties lower id first; everywhere else the ids are the docstring's, seed for seed."""
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or math.isnan(p) or not 0 <= p <= 1:
        raise ValueError(f"sample_top_p: p must be a number in [0, 1], got {p!r}")
    order = torch.argsort(probs, dim=-1).flip(-1)
    ranked = probs.gather(-1, order)
    keep_ranked = (torch.cumsum(ranked, dim=-1) - ranked) < p
    keep_ranked[..., :1] = True
    keep = torch.empty_like(keep_ranked).scatter_(-1, order, keep_ranked)
    zero = torch.zeros((), dtype=probs.dtype, device=probs.device)
    kept = torch.where(keep, probs, zero)
    return torch.multinomial(kept, 1, generator=generator)[:, 0]
