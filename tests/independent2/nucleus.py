"""Independent catalogue, round 2: submissions for exercises/nucleus.py.

Written from the docstrings of ``exercises/nucleus.py`` only, avoiding every mistake and
every style already in round 1 (``tests/independent/nucleus.py``). The ``sample_top_p``
versions compute the nucleus inline (no module-level helpers).
"""
from __future__ import annotations

import numpy as np
import torch


# ---------------------------------------------------------------------------------------
# top_p_mask
# ---------------------------------------------------------------------------------------


def top_p_mask__right_searchsorted_count(probs: torch.Tensor, p: float) -> torch.Tensor:
    """RIGHT: counts instead of comparing token by token: with the inclusive descending
    cumsum ``C`` (float64), the kept ranks are ``0 .. m`` where ``m`` = the number of entries
    of ``C`` below ``p`` (``torch.searchsorted``); the rank mask goes back to vocabulary
    order through the inverse permutation (``argsort`` of the order)."""
    import math
    import numbers

    if isinstance(p, bool) or not isinstance(p, numbers.Real):
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")
    if math.isnan(p) or p < 0 or p > 1:
        raise ValueError(f"p must lie in [0, 1], got {p!r}")
    vocab = probs.shape[-1]
    flat = probs.reshape(-1, vocab)
    ranked, order = torch.sort(flat, dim=-1, descending=True)
    inclusive = torch.cumsum(ranked.to(torch.float64), dim=-1).contiguous()
    target = torch.full((flat.shape[0], 1), float(p), dtype=torch.float64, device=probs.device)
    below = torch.searchsorted(inclusive, target, right=False)  # entries of C strictly below p
    n_keep = torch.clamp(below + 1, max=vocab)
    ranks = torch.arange(vocab, device=probs.device).unsqueeze(0)
    keep_ranked = ranks < n_keep
    rank_of_token = torch.argsort(order, dim=-1)
    keep = torch.gather(keep_ranked, -1, rank_of_token)
    return keep.reshape(probs.shape)


def top_p_mask__right_python_accumulate_rows(probs: torch.Tensor, p: float) -> torch.Tensor:
    """RIGHT: a plain Python loop per row, as one would do it by hand: walk the tokens from
    the most probable, keep the first, keep each next one while the total kept so far is
    still below ``p``, stop at the first that is not kept (totals only grow)."""
    import math

    if isinstance(p, (str, bytes)) or p is None:
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")
    try:
        p_value = float(p)
    except (TypeError, ValueError):
        raise ValueError(f"p must be a number in [0, 1], got {p!r}") from None
    if math.isnan(p_value) or not 0.0 <= p_value <= 1.0:
        raise ValueError(f"p must be in [0, 1], got {p!r}")
    vocab = probs.shape[-1]
    rows = probs.detach().reshape(-1, vocab).cpu()
    mask = torch.zeros(rows.shape, dtype=torch.bool)
    for r in range(rows.shape[0]):
        order = torch.argsort(rows[r], descending=True, stable=True).tolist()
        values = rows[r].tolist()
        total = 0.0
        for rank, token in enumerate(order):
            if rank > 0 and total >= p_value:
                break
            mask[r, token] = True
            total += values[token]
    return mask.reshape(probs.shape).to(probs.device)


def top_p_mask__wrong_rejects_p_one(probs: torch.Tensor, p: float) -> torch.Tensor:
    """WRONG: validates ``0 <= p < 1`` ("p = 1 is no filtering at all, so it must be a
    mistake") and raises for ``p = 1``. Violates: "p: a number in [0, 1]" / "``p = 1`` keeps
    every token of non-zero probability"."""
    if not isinstance(p, (int, float)) or not (0 <= p < 1):
        raise ValueError(f"p must be in [0, 1), got {p!r}")
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
    above = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
    keep_sorted = above < p
    keep_sorted[..., 0] = True
    return torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)


def top_p_mask__wrong_renormalises_whole_tensor(probs: torch.Tensor, p: float) -> torch.Tensor:
    """WRONG: "renormalises to be safe" with ``probs / probs.sum()`` -- the sum of the WHOLE
    tensor, not of each row -- so in a batch of B rows every row sums to 1/B and keeps far
    too many tokens. A 1-D row (the worked example) is unchanged. Violates: "every row of a
    batch is decided on its own" ("probs: ... each row summing to 1")."""
    if not isinstance(p, (int, float)) or not (0 <= p <= 1):
        raise ValueError(f"p must be in [0, 1], got {p!r}")
    probs = probs / probs.sum()
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
    above = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
    keep_sorted = above < p
    keep_sorted[..., 0] = True
    return torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)


def top_p_mask__wrong_hardcoded_dim1(probs: torch.Tensor, p: float) -> torch.Tensor:
    """WRONG: written for ``(batch, vocab)``: a 1-D row is unsqueezed to ``(1, vocab)`` and
    everything uses ``dim=1``; a ``(a, b, vocab)`` input is then sorted, cumulated and
    scattered along its SECOND axis, without any error. Violates: "probs: ``(..., vocab)``
    probabilities, each row summing to 1; any leading axes." / "sum along ``dim=-1``"."""
    if not isinstance(p, (int, float)) or not (0 <= p <= 1):
        raise ValueError(f"p must be in [0, 1], got {p!r}")
    one_row = probs.dim() == 1
    x = probs.unsqueeze(0) if one_row else probs
    sorted_probs, order = torch.sort(x, dim=1, descending=True)
    above = torch.cumsum(sorted_probs, dim=1) - sorted_probs
    keep_sorted = above < p
    keep_sorted[:, 0] = True
    mask = torch.zeros_like(keep_sorted).scatter(1, order, keep_sorted)
    return mask[0] if one_row else mask


# ---------------------------------------------------------------------------------------
# sample_top_p
# ---------------------------------------------------------------------------------------


def sample_top_p__right_searchsorted_multiply(
    probs: torch.Tensor, p: float, generator: torch.Generator | None = None
) -> torch.Tensor:
    """RIGHT: nucleus by counting (``searchsorted`` on the descending cumsum, ranks mapped
    back with ``scatter``), the tail zeroed by multiplying with the bool mask (dtype and
    vocabulary order kept, ``probs`` untouched), one ``multinomial`` call, ``flatten()`` for
    ``(batch,)``."""
    import math
    import numbers

    if isinstance(p, bool) or not isinstance(p, numbers.Real) or math.isnan(p) or not 0 <= p <= 1:
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")
    vocab = probs.shape[-1]
    ranked, order = torch.sort(probs, dim=-1, descending=True)
    inclusive = torch.cumsum(ranked.to(torch.float64), dim=-1).contiguous()
    target = torch.full(probs.shape[:-1] + (1,), float(p), dtype=torch.float64, device=probs.device)
    n_keep = torch.clamp(torch.searchsorted(inclusive, target) + 1, max=vocab)
    keep_ranked = torch.arange(vocab, device=probs.device).expand(probs.shape) < n_keep
    keep = torch.zeros_like(keep_ranked).scatter(-1, order, keep_ranked)
    kept = probs * keep
    return torch.multinomial(kept, num_samples=1, generator=generator).flatten()


def sample_top_p__right_numpy_nucleus_clone(
    probs: torch.Tensor, p: float, generator: torch.Generator | None = None
) -> torch.Tensor:
    """RIGHT: nucleus decided in numpy (float64, stable descending order, exclusive running
    total), the tail zeroed on a CLONE of ``probs`` by boolean indexing, one ``multinomial``
    call with the generator, ``view(-1)`` to drop the sample axis."""
    import math

    if not isinstance(p, (int, float, np.integer, np.floating)) or isinstance(p, bool):
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")
    if math.isnan(p) or p < 0 or p > 1:
        raise ValueError(f"p must be in [0, 1], got {p!r}")
    x = probs.detach().to("cpu", torch.float64).numpy()
    order = np.argsort(-x, axis=-1, kind="stable")
    ranked = np.take_along_axis(x, order, axis=-1)
    above = np.cumsum(ranked, axis=-1) - ranked
    keep_ranked = above < p
    keep_ranked[..., 0] = True
    keep = np.zeros_like(keep_ranked)
    np.put_along_axis(keep, order, keep_ranked, axis=-1)
    kept = probs.clone()
    kept[~torch.from_numpy(keep).to(probs.device)] = 0
    return torch.multinomial(kept, 1, generator=generator).view(-1)


def sample_top_p__wrong_p_zero_shortcut_skips_rng(
    probs: torch.Tensor, p: float, generator: torch.Generator | None = None
) -> torch.Tensor:
    """WRONG: short-cuts ``p = 0`` with ``argmax`` ("the nucleus is one token, no need to
    draw"): the returned ids are right, but the generator is not advanced, so every later
    draw from the same seeded generator differs from the reference's. Violates: "Do it
    exactly this way, so that your draws can be compared with the reference token for token
    under the same seeded generator" (step 3: "call ``torch.multinomial`` ... once")."""
    if not isinstance(p, (int, float)) or not (0 <= p <= 1):
        raise ValueError(f"p must be in [0, 1], got {p!r}")
    if p == 0:
        return probs.argmax(dim=-1)
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
    above = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
    keep_sorted = above < p
    keep_sorted[..., 0] = True
    keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
    kept = torch.where(keep, probs, 0)
    return torch.multinomial(kept, num_samples=1, generator=generator).squeeze(-1)


def sample_top_p__wrong_none_makes_fresh_generator(
    probs: torch.Tensor, p: float, generator: torch.Generator | None = None
) -> torch.Tensor:
    """WRONG: replaces a missing generator by a NEW ``torch.Generator`` (default seed), so
    ``generator=None`` always gives the same draws and ignores ``torch.manual_seed``.
    Violates: "generator: a ``torch.Generator`` on ``probs.device``, or None for torch's
    global one"."""
    if not isinstance(p, (int, float)) or not (0 <= p <= 1):
        raise ValueError(f"p must be in [0, 1], got {p!r}")
    if generator is None:
        generator = torch.Generator(device=probs.device)
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
    above = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
    keep_sorted = above < p
    keep_sorted[..., 0] = True
    keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
    kept = torch.where(keep, probs, 0)
    return torch.multinomial(kept, num_samples=1, generator=generator).squeeze(-1)


def sample_top_p__wrong_uniform_over_nucleus(
    probs: torch.Tensor, p: float, generator: torch.Generator | None = None
) -> torch.Tensor:
    """WRONG: draws UNIFORMLY among the nucleus tokens (``multinomial`` of the mask turned
    into 0/1 weights): never leaves the nucleus and ``p = 0`` still gives id 1, but in the
    example ids 1 and 3 come out half the time each instead of 2/3 and 1/3. Violates: "the
    result is ``tensor([1])`` about two thirds of the time (0.5 / 0.75)" / step 2 "zero the
    probabilities outside the nucleus"."""
    if not isinstance(p, (int, float)) or not (0 <= p <= 1):
        raise ValueError(f"p must be in [0, 1], got {p!r}")
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
    above = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
    keep_sorted = above < p
    keep_sorted[..., 0] = True
    keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
    weights = keep.to(probs.dtype)
    return torch.multinomial(weights, num_samples=1, generator=generator).squeeze(-1)
