"""Independent catalogue: submissions for exercises/nucleus.py.

Written from the docstrings of ``exercises/nucleus.py`` only. The ``sample_top_p`` versions
compute the nucleus inline (no helper functions allowed in this catalogue).
"""
from __future__ import annotations

import numpy as np
import torch


# ---------------------------------------------------------------------------------------
# top_p_mask
# ---------------------------------------------------------------------------------------


def top_p_mask__right_ascending_total_minus_cumsum(probs: torch.Tensor, p: float) -> torch.Tensor:
    """RIGHT: sorts ASCENDING and gets the mass above each token as ``row total - inclusive
    ascending cumsum`` (in float64), forces the most probable token in, and scatters the
    decisions back to vocabulary order."""
    if isinstance(p, (str, bytes)):
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")
    try:
        p_value = float(p)
    except (TypeError, ValueError):
        raise ValueError(f"p must be a number in [0, 1], got {p!r}") from None
    if not (0.0 <= p_value <= 1.0):
        raise ValueError(f"p must be in [0, 1], got {p!r}")
    ascending, order = torch.sort(probs, dim=-1)
    wide = ascending.to(torch.float64)
    inclusive = torch.cumsum(wide, dim=-1)
    above = inclusive[..., -1:] - inclusive
    keep_sorted = above < p_value
    keep_sorted[..., -1] = True
    mask = torch.zeros(probs.shape, dtype=torch.bool, device=probs.device)
    return mask.scatter(-1, order, keep_sorted)


def top_p_mask__right_numpy_rows_float64(probs: torch.Tensor, p: float) -> torch.Tensor:
    """RIGHT: numpy, row by row, in float64: stable descending order, exclusive running
    total, first token always kept, decisions written back with fancy indexing; the result
    is a torch bool tensor on ``probs.device``."""
    if not isinstance(p, (int, float, np.floating, np.integer)):
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")
    if not (0 <= p <= 1):
        raise ValueError(f"p must be in [0, 1] (and not nan), got {p!r}")
    vocab = probs.shape[-1]
    rows = probs.detach().to("cpu", torch.float64).numpy().reshape(-1, vocab)
    out = np.zeros(rows.shape, dtype=bool)
    for r in range(rows.shape[0]):
        row = rows[r]
        order = np.argsort(-row, kind="stable")
        ranked = row[order]
        mass_above = np.concatenate([[0.0], np.cumsum(ranked)[:-1]])
        keep = mass_above < p
        keep[0] = True
        out[r, order] = keep
    return torch.from_numpy(out.reshape(probs.shape)).to(probs.device)


def top_p_mask__wrong_cumsum_le_p(probs: torch.Tensor, p: float) -> torch.Tensor:
    """WRONG: keeps tokens whose INCLUSIVE cumulative sum is <= p, dropping the token that
    crosses p. Violates: "Dropping the crossing token: ``cumsum <= p`` keeps too few"."""
    if not (0 <= p <= 1):
        raise ValueError("p must be in [0, 1]")
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
    keep_sorted = torch.cumsum(sorted_probs, dim=-1) <= p
    keep_sorted[..., 0] = True
    return torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)


def top_p_mask__wrong_sorted_order(probs: torch.Tensor, p: float) -> torch.Tensor:
    """WRONG: the decisions are right but returned in SORTED order (position 0 = most
    probable token). Violates: "Returning the mask in sorted order: ... put each decision
    back at its token's position"."""
    if not (0 <= p <= 1):
        raise ValueError("p must be in [0, 1]")
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
    above = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
    keep_sorted = above < p
    keep_sorted[..., 0] = True
    return keep_sorted


def top_p_mask__wrong_p_zero_keeps_nothing(probs: torch.Tensor, p: float) -> torch.Tensor:
    """WRONG: applies "mass above < p" literally and never forces the first token in, so
    ``p = 0`` keeps no token at all (0 < 0 is False). Violates: "the most probable token is
    always kept, so ``p = 0`` keeps exactly one token"."""
    if not (0 <= p <= 1):
        raise ValueError("p must be in [0, 1]")
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
    above = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
    keep_sorted = above < p
    return torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)


def top_p_mask__wrong_no_range_check(probs: torch.Tensor, p: float) -> torch.Tensor:
    """WRONG: no validation of p: 1.5 silently keeps everything, -0.5 keeps one token.
    Violates: "``p`` outside [0, 1] (or not a number) raises ``ValueError`` saying so."""
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
    above = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
    keep_sorted = above < p
    keep_sorted[..., 0] = True
    return torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)


def top_p_mask__wrong_nan_p_slips_through(probs: torch.Tensor, p: float) -> torch.Tensor:
    """WRONG: checks ``p < 0 or p > 1``, which is False for ``nan``; a nan p returns a mask
    (one token) instead of raising. Violates: "``p`` outside [0, 1] (or not a number) raises
    ``ValueError``"."""
    if p < 0 or p > 1:
        raise ValueError("p must be in [0, 1]")
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
    above = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
    keep_sorted = above < p
    keep_sorted[..., 0] = True
    return torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)


def top_p_mask__wrong_cumsum_dim0(probs: torch.Tensor, p: float) -> torch.Tensor:
    """WRONG: sorts along the vocabulary but cumulates along ``dim=0``; identical for a 1-D
    row, wrong for a batch. Violates: "Cumulating over the wrong axis (or over the whole
    batch): sum along ``dim=-1``." / "every row of a batch is decided on its own"."""
    if not (0 <= p <= 1):
        raise ValueError("p must be in [0, 1]")
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
    above = torch.cumsum(sorted_probs, dim=0) - sorted_probs
    keep_sorted = above < p
    keep_sorted[..., 0] = True
    return torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)


def top_p_mask__wrong_float_mask(probs: torch.Tensor, p: float) -> torch.Tensor:
    """WRONG: scatters the decisions into ``torch.zeros_like(probs)``, so the mask is a
    float tensor of 0.0/1.0. Violates: "returns: a ``torch.bool`` tensor of the same shape"."""
    if not (0 <= p <= 1):
        raise ValueError("p must be in [0, 1]")
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
    above = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
    keep_sorted = (above < p).to(probs.dtype)
    keep_sorted[..., 0] = 1.0
    return torch.zeros_like(probs).scatter(-1, order, keep_sorted)


# ---------------------------------------------------------------------------------------
# sample_top_p
# ---------------------------------------------------------------------------------------


def sample_top_p__right_masked_fill_renormalised(
    probs: torch.Tensor, p: float, generator: torch.Generator | None = None
) -> torch.Tensor:
    """RIGHT: nucleus inline (descending sort, exclusive cumsum by ``cat``), then
    ``masked_fill`` on a copy and an explicit renormalisation before the single
    ``torch.multinomial`` call (the docstring allows dividing first)."""
    if isinstance(p, (str, bytes)):
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")
    try:
        p_value = float(p)
    except (TypeError, ValueError):
        raise ValueError(f"p must be a number in [0, 1], got {p!r}") from None
    if not (0.0 <= p_value <= 1.0):
        raise ValueError(f"p must be in [0, 1], got {p!r}")
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
    running = torch.cumsum(sorted_probs, dim=-1)
    above = torch.cat([torch.zeros_like(running[..., :1]), running[..., :-1]], dim=-1)
    keep_sorted = above < p_value
    keep_sorted[..., 0] = True
    keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
    kept = probs.masked_fill(~keep, 0)
    kept = kept / kept.sum(dim=-1, keepdim=True)
    return torch.multinomial(kept, num_samples=1, generator=generator).squeeze(-1)


def sample_top_p__right_ascending_mask_where_scalar(
    probs: torch.Tensor, p: float, generator: torch.Generator | None = None
) -> torch.Tensor:
    """RIGHT: nucleus inline from an ASCENDING sort (mass above = total - inclusive cumsum,
    float64), ``torch.where`` with a 0-d zero of the same dtype, one multinomial call,
    ``[:, 0]`` to drop the sample axis."""
    if not isinstance(p, (int, float, np.floating, np.integer)):
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")
    if not (0 <= p <= 1):
        raise ValueError(f"p must be in [0, 1] and not nan, got {p!r}")
    ascending, order = torch.sort(probs, dim=-1)
    inclusive = torch.cumsum(ascending.to(torch.float64), dim=-1)
    keep_sorted = (inclusive[..., -1:] - inclusive) < float(p)
    keep_sorted[..., -1] = True
    keep = torch.empty_like(keep_sorted).scatter_(-1, order, keep_sorted)
    zero = torch.zeros((), dtype=probs.dtype, device=probs.device)
    kept = torch.where(keep, probs, zero)
    drawn = torch.multinomial(kept, 1, replacement=False, generator=generator)
    return drawn[:, 0]


def sample_top_p__wrong_returns_rank(
    probs: torch.Tensor, p: float, generator: torch.Generator | None = None
) -> torch.Tensor:
    """WRONG: like the seed notebook, draws from the SORTED, masked probabilities and
    returns the drawn index, which is a rank (0 = most probable), not a token id.
    Violates: "the drawn index is then a rank (0 = most probable), not a token id"."""
    if not (0 <= p <= 1):
        raise ValueError("p must be in [0, 1]")
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
    above = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
    keep_sorted = above < p
    keep_sorted[..., 0] = True
    kept = torch.where(keep_sorted, sorted_probs, 0)
    return torch.multinomial(kept, num_samples=1, generator=generator).squeeze(-1)


def sample_top_p__wrong_ignores_generator(
    probs: torch.Tensor, p: float, generator: torch.Generator | None = None
) -> torch.Tensor:
    """WRONG: forgets ``generator=generator``: always draws from torch's global RNG, so a
    seeded generator changes nothing. Violates: "And pass ``generator=generator`` to
    ``torch.multinomial``, or seeded runs will not repeat."""
    if not (0 <= p <= 1):
        raise ValueError("p must be in [0, 1]")
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
    above = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
    keep_sorted = above < p
    keep_sorted[..., 0] = True
    keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
    kept = torch.where(keep, probs, 0)
    return torch.multinomial(kept, num_samples=1).squeeze(-1)


def sample_top_p__wrong_zeroes_input_in_place(
    probs: torch.Tensor, p: float, generator: torch.Generator | None = None
) -> torch.Tensor:
    """WRONG: zeroes the tail with ``probs[~keep] = 0`` on the caller's tensor (same draws,
    but the caller's probabilities are destroyed). Violates: "``torch.where(keep, probs, 0)``
    — do not change ``probs`` itself"."""
    if not (0 <= p <= 1):
        raise ValueError("p must be in [0, 1]")
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
    above = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
    keep_sorted = above < p
    keep_sorted[..., 0] = True
    keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
    probs[~keep] = 0
    return torch.multinomial(probs, num_samples=1, generator=generator).squeeze(-1)


def sample_top_p__wrong_squeeze_everything(
    probs: torch.Tensor, p: float, generator: torch.Generator | None = None
) -> torch.Tensor:
    """WRONG: ``.squeeze()`` instead of dropping only the trailing axis: a batch of one gives
    a 0-d tensor instead of shape ``(1,)``. Violates: "returns: ``(batch,)`` int64 token
    ids" (the example's ``tensor([1])``)."""
    if not (0 <= p <= 1):
        raise ValueError("p must be in [0, 1]")
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
    above = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
    keep_sorted = above < p
    keep_sorted[..., 0] = True
    keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
    kept = torch.where(keep, probs, 0)
    return torch.multinomial(kept, num_samples=1, generator=generator).squeeze()


def sample_top_p__wrong_sorted_draw_mapped_back(
    probs: torch.Tensor, p: float, generator: torch.Generator | None = None
) -> torch.Tensor:
    """WRONG: draws from the sorted nucleus and maps the rank back to the token id: every
    draw is a valid nucleus token with the right odds, but not the token the reference draws
    from the same seed. Violates: "Do it exactly this way, so that your draws can be compared
    with the reference token for token under the same seeded generator" (step 2: "keeping
    the vocabulary order")."""
    if not (0 <= p <= 1):
        raise ValueError("p must be in [0, 1]")
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
    above = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
    keep_sorted = above < p
    keep_sorted[..., 0] = True
    kept = torch.where(keep_sorted, sorted_probs, 0)
    rank = torch.multinomial(kept, num_samples=1, generator=generator)
    return torch.gather(order, -1, rank).squeeze(-1)
