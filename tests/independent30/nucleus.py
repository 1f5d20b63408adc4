"""Thirtieth examiner: nucleus.py entries (the public-test overfitter)."""
from __future__ import annotations

import math
import numbers

import torch


def _check_p(p) -> None:
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or math.isnan(p) or not 0 <= p <= 1:
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")


def _nucleus(probs: torch.Tensor, p: float) -> torch.Tensor:
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
    keep_sorted = (sorted_probs.cumsum(dim=-1) - sorted_probs) < p
    keep_sorted[..., 0] = True
    return torch.zeros_like(probs, dtype=torch.bool).scatter(-1, order, keep_sorted)


def top_p_mask__right_renormalises_each_row_in_float64(probs: torch.Tensor, p: float) -> torch.Tensor:
    """RIGHT: does not trust "each row summing to 1": after checking ``p`` it works on a float64 copy and divides every row by its own sum (``x / x.sum(-1, keepdim=True)``), then applies the rule (descending sort, mass above = running total minus the token, keep where below ``p``, first rank forced) and scatters the decisions back to vocabulary order. For a float32 row that sums to 1 within ~1e-6 the division moves every running total by at most that much, i.e. only inside the band where "floating-point rounding decides", which the tests stay 1e-4 away from; half-precision rows are graded for shape, dtype and device only, and those are right (``zeros_like(probs, dtype=bool)``). Agrees with a plain version on: the worked example at p 0.7 and 0.8, ``[0.3, 0.6, 0.1]`` at 0.65, ``p = 0``, the ``(2, 3)`` batch at 0.6, the tiny model's softmax for three prompts (float32, ``(3, 32000)``) at p 0.5, 0.9 and 0.95, a transposed ``(4, 3)`` -> ``(3, 4)`` non-contiguous batch, a ``(2, 2, 5)`` batch -- masks identical (checks/check_entries.log); public tests pass."""
    _check_p(p)
    x = probs.detach().double()
    x = x / x.sum(dim=-1, keepdim=True)
    sorted_x, order = torch.sort(x, dim=-1, descending=True)
    keep_sorted = (sorted_x.cumsum(dim=-1) - sorted_x) < p
    keep_sorted[..., 0] = True
    return torch.zeros_like(probs, dtype=torch.bool).scatter(-1, order, keep_sorted)


def sample_top_p__right_row_by_row_draws(probs: torch.Tensor, p: float, generator: torch.Generator | None = None) -> torch.Tensor:
    """RIGHT: the nucleus and the zeroing as the steps say (``torch.where(keep, probs, 0)``, vocabulary order, same dtype), but the draw is a Python loop, one ``torch.multinomial(row, 1, generator=generator)`` per row, stacked into ``(batch,)`` int64 -- instead of one call for the whole batch. ``multinomial`` on CPU consumes the generator row after row in the same way, so the ids are those of the single call (what is graded is the ids drawn). Agrees with a plain version on: the worked example ``[[0.1, 0.5, 0.15, 0.25]]`` at p 0.7 (200 seeds), ``p = 0`` ``[[0.2, 0.1, 0.4, 0.3], [0.5, 0.3, 0.1, 0.1]]``, 500 copies of the worked row (seed 1), the ``(8, 20)`` softmax of the public seed test at 0.9, 50 rows of ``[0.25, 0.1, 0.5, 0.15]`` at 0.7 (seed 4), the tiny model's ``(3, 32000)`` float32 softmax at p 0.9 (100 seeds) -- every draw equal; ``probs`` unchanged (checks/check_entries.log); public tests pass."""
    _check_p(p)
    keep = _nucleus(probs, p)
    kept = torch.where(keep, probs, torch.zeros((), dtype=probs.dtype, device=probs.device))
    draws = [torch.multinomial(kept[i], num_samples=1, generator=generator)[0] for i in range(kept.shape[0])]
    return torch.stack(draws).to(torch.int64)
