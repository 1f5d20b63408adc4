"""Seventeenth examiner: nucleus.py entries."""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F


def top_p_mask__right_gather_inverse_permutation(probs: torch.Tensor, p: float) -> torch.Tensor:
    """RIGHT: ``p`` is checked first: a ``str``/``bytes``, anything ``float()`` rejects, ``nan`` or a value outside [0, 1] raises ``ValueError`` saying ``p`` must be a number in [0, 1] (ints such as 0 and 1 are numbers and accepted). The row is sorted descending; the mass ABOVE each ranked token is an exclusive running total, the inclusive ``cumsum`` (float32 for half-precision rows) shifted right by one with ``F.pad(..., (1, 0))`` and its last entry dropped; a token is kept where that is below ``p``, the first rank always. The decisions go back to vocabulary order by ``gather`` with the inverse permutation ``argsort(order)`` instead of a ``scatter``. Any leading axes, contiguous or not; ``torch.bool``, same shape and device."""
    if isinstance(p, (str, bytes, bytearray)):
        raise ValueError(f"p must be a number in [0, 1], got the string {p!r}")
    try:
        q = float(p)
    except (TypeError, ValueError):
        raise ValueError(f"p must be a number in [0, 1], got {p!r}") from None
    if math.isnan(q) or not 0.0 <= q <= 1.0:
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")
    ranked, order = torch.sort(probs, dim=-1, descending=True)
    accumulate = torch.float32 if ranked.dtype in (torch.float16, torch.bfloat16) else ranked.dtype
    running = ranked.cumsum(dim=-1, dtype=accumulate)
    above = F.pad(running[..., :-1], (1, 0))
    keep_ranked = above < q
    keep_ranked[..., 0] = True
    return keep_ranked.gather(-1, torch.argsort(order, dim=-1))
