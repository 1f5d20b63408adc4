"""Forty-fourth examiner: distributions.py entries (the right answer nobody expected)."""
from __future__ import annotations

import math

import torch


def _checked_temperature(temperature) -> float:
    if isinstance(temperature, (str, bytes)):
        raise ValueError(f"temperature must be a finite number greater than 0, got the string {temperature!r}")
    try:
        value = float(temperature)
    except (TypeError, ValueError):
        raise ValueError(f"temperature must be a finite number greater than 0, got {temperature!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"temperature must be a finite number, got {temperature!r}")
    if value <= 0:
        raise ValueError(f"temperature must be greater than 0 (0 means greedy: use argmax), got {temperature!r}")
    return value


def softmax_with_temperature__right_logaddexp_tree_normaliser(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """RIGHT: no ``softmax``, no ``logsumexp`` and no sum: the log of each row's normaliser is built by a pairwise TREE of ``torch.logaddexp`` -- the row is halved again and again (``logaddexp(level[..., 0::2], level[..., 1::2])``, an odd length padded with one ``-inf``, which ``logaddexp`` ignores) until one column is left, about 15 levels for 32000 tokens -- and the probabilities are ``exp(z - log_normaliser)``. Everything after the check is in float64: the logits are widened BEFORE the division (so float16 ``1e4 / 0.1`` cannot overflow), the row maximum is subtracted first (so the tree only sees values <= 0 and the normaliser stays in ``[0, log vocab]``, where float64 rounding is far below a float32 unit), and the result is cast back to the logits' dtype. A ``-inf`` logit gives ``exp(-inf) = 0`` exactly. The temperature is checked first: a string, anything ``float()`` rejects, ``nan``, ``inf`` and values <= 0 raise ``ValueError`` saying why. Sentences an over-strict grader could hold against it: "Subtract each row's maximum before ``exp``" (it does, before a tree rather than a sum), "Convert to float32 before you divide" (it converts to float64, which "How you compute it is yours: ... float64 or float32 arithmetic all pass" allows) and "every row (last axis) sums to 1, up to rounding" (the normaliser is never an explicit sum). Agrees with a plain version on: ``[2, 1, 0]`` at T 1 (``[0.6652, 0.2447, 0.0900]``) and 0.5 (0.8668), ``±1e4`` float32 and float16 at T 0.1 (finite), ``-inf`` logits (exactly 0), a (3, 5, 7) batch, a 32001-long row, a flat 32000-long row, bfloat16 logits, float64 logits, and the ``ValueError`` cases 0, -1, nan, inf, "1.0", None (checks/check_entries.log)."""
    t = _checked_temperature(temperature)
    z = logits.to(torch.float64) / t
    z = z - z.amax(dim=-1, keepdim=True)
    level = z
    while level.shape[-1] > 1:
        if level.shape[-1] % 2:
            pad = torch.full((*level.shape[:-1], 1), -math.inf, dtype=level.dtype, device=level.device)
            level = torch.cat([level, pad], dim=-1)
        level = torch.logaddexp(level[..., 0::2], level[..., 1::2])
    return torch.exp(z - level).to(logits.dtype)
