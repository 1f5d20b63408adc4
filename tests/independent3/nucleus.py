"""Independent catalogue, round 3: submissions for exercises/nucleus.py.

Written from the docstrings of ``exercises/nucleus.py`` only, avoiding every mistake and
every style already in rounds 1 and 2 (``tests/independent/nucleus.py``,
``tests/independent2/nucleus.py``).
"""
from __future__ import annotations

import math

import torch


# ---------------------------------------------------------------------------------------
# top_p_mask
# ---------------------------------------------------------------------------------------


def top_p_mask__wrong_bare_valueerror(probs: torch.Tensor, p: float) -> torch.Tensor:
    """WRONG: rejects a bad ``p`` with a bare ``raise ValueError`` -- the right exception,
    with an empty message, so the learner who passed ``p = 90`` (a percentage) is not told
    what is wrong. Violates: "``p`` outside [0, 1] (or not a number) raises ``ValueError``
    saying so." [``p = 1.5``: ``str(error) == ""``]"""
    if not isinstance(p, (int, float)) or math.isnan(p) or not 0 <= p <= 1:
        raise ValueError
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
    above = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
    keep_sorted = above < p
    keep_sorted[..., 0] = True
    return torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)


def top_p_mask__wrong_rejects_int_p(probs: torch.Tensor, p: float) -> torch.Tensor:
    """WRONG: validates with ``isinstance(p, float)``, so the integers 0 and 1 -- both in
    [0, 1] -- raise. Violates: "p: a number in [0, 1]." [``p = 1`` or ``p = 0`` as ``int``]"""
    if not isinstance(p, float) or not (0.0 <= p <= 1.0):
        raise ValueError(f"p must be a float in [0, 1], got {p!r}")
    sorted_probs, order = probs.sort(dim=-1, descending=True)
    exclusive = sorted_probs.cumsum(dim=-1) - sorted_probs
    keep_sorted = exclusive < p
    keep_sorted[..., :1] = True
    mask = torch.empty_like(keep_sorted)
    mask.scatter_(-1, order, keep_sorted)
    return mask


def top_p_mask__wrong_exclusive_cumsum_takes_a_string(probs: torch.Tensor, p: float) -> torch.Tensor:
    """WRONG (written as RIGHT by the examiner, reclassified by the project: see README.md):
    ``float()`` turns the string ``'0.9'`` into a number, so a string is accepted. Violates: "``p``
    outside [0, 1] (or not a number) raises ``ValueError`` saying so." [``'0.9'``]

    The examiner's note. RIGHT: the mass above each token as an EXCLUSIVE prefix sum -- a 0 padded in front of
    the cumulative sum, last entry dropped (``F.pad``) -- and the decision put back in
    vocabulary order by indexing with the inverse permutation (``argsort`` of the order)."""
    try:
        p = float(p)
    except (TypeError, ValueError):
        raise ValueError(f"p must be a number in [0, 1], got {p!r}") from None
    if not 0.0 <= p <= 1.0:  # NaN fails both comparisons
        raise ValueError(f"p must be in [0, 1], got {p}")
    ranked, order = probs.sort(dim=-1, descending=True, stable=True)
    inclusive = ranked.cumsum(dim=-1)
    above = torch.nn.functional.pad(inclusive, (1, 0))[..., :-1]
    keep_ranked = above < p
    keep_ranked[..., 0] = True
    return keep_ranked.gather(-1, order.argsort(dim=-1))


# ---------------------------------------------------------------------------------------
# sample_top_p
# ---------------------------------------------------------------------------------------


def _sample_top_p__wrong_rejection_sampling_mask(probs: torch.Tensor, p: float) -> torch.Tensor:
    if not 0 <= p <= 1:
        raise ValueError(f"p must be in [0, 1], got {p}")
    ranked, order = probs.sort(dim=-1, descending=True)
    keep = (ranked.cumsum(-1) - ranked) < p
    keep[..., 0] = True
    return torch.zeros_like(keep).scatter(-1, order, keep)


def sample_top_p__wrong_rejection_sampling(
    probs: torch.Tensor, p: float, generator: torch.Generator | None = None
) -> torch.Tensor:
    """WRONG: rejection sampling -- draw from the FULL distribution and redraw the rows whose
    token fell outside the nucleus. The distribution of the result is exactly right, but the
    generator is consumed differently (one extra draw per rejection), so seeded draws do not
    match the reference. Violates: "Do it exactly this way, so that your draws can be
    compared with the reference token for token under the same seeded generator"
    [``[[0.1, 0.5, 0.15, 0.25]]``, ``p = 0.7``, ``Generator().manual_seed(3)``: 3, not 1]"""
    keep = _sample_top_p__wrong_rejection_sampling_mask(probs, p)
    draw = torch.multinomial(probs, num_samples=1, generator=generator).squeeze(-1)
    for _ in range(1000):
        bad = ~keep.gather(-1, draw[:, None]).squeeze(-1)
        if not bool(bad.any()):
            return draw
        again = torch.multinomial(probs, num_samples=1, generator=generator).squeeze(-1)
        draw = torch.where(bad, again, draw)
    kept = torch.where(keep, probs, torch.zeros_like(probs))
    return torch.multinomial(kept, 1, generator=generator).squeeze(-1)


def _sample_top_p__wrong_returns_int32_mask(probs: torch.Tensor, p: float) -> torch.Tensor:
    if not 0 <= p <= 1:
        raise ValueError(f"p must be in [0, 1], got {p}")
    ranked, order = probs.sort(dim=-1, descending=True)
    keep = (ranked.cumsum(-1) - ranked) < p
    keep[..., 0] = True
    return torch.zeros_like(keep).scatter(-1, order, keep)


def sample_top_p__wrong_returns_int32(
    probs: torch.Tensor, p: float, generator: torch.Generator | None = None
) -> torch.Tensor:
    """WRONG: returns the ids as ``.int()`` (int32, "token ids fit in 32 bits"); same values,
    wrong dtype -- and int32 cannot index an embedding in older torch or be ``cat``-ed with
    int64 ids without promotion. Violates: "returns: ``(batch,)`` int64 token ids" [any input;
    ``result.dtype``]"""
    keep = _sample_top_p__wrong_returns_int32_mask(probs, p)
    kept = torch.where(keep, probs, 0)
    return torch.multinomial(kept, num_samples=1, generator=generator)[:, 0].int()


def sample_top_p__right_inline_mask_view(
    probs: torch.Tensor, p: float, generator: torch.Generator | None = None
) -> torch.Tensor:
    """RIGHT: the nucleus computed inline (no helper), outside tokens zeroed with
    ``probs.masked_fill(~keep, 0)`` (a new tensor, dtype kept), renormalised with ``div``,
    and the ``(batch, 1)`` draw flattened with ``view(-1)``."""
    if not isinstance(p, (int, float)) or not 0 <= p <= 1:
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")
    ranked, order = torch.sort(probs, dim=-1, descending=True)
    keep_ranked = ranked.cumsum(dim=-1).sub(ranked).lt(p)
    keep_ranked[:, 0] = True
    keep = torch.empty_like(keep_ranked).scatter_(1, order, keep_ranked)
    kept = probs.masked_fill(~keep, 0)
    kept = kept.div(kept.sum(dim=-1, keepdim=True))
    return torch.multinomial(kept, num_samples=1, generator=generator).view(-1)
