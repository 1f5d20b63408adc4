"""Ninth examiner: distributions.py entries."""
from __future__ import annotations

import math

import torch


def _softmax_with_temperature__right_float32_core_any_dtype_check(temperature: float) -> None:
    if isinstance(temperature, (str, bytes)) or temperature is None:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    try:
        t = float(temperature)
    except (TypeError, ValueError):
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}") from None
    if not (math.isfinite(t) and t > 0):
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")


def softmax_with_temperature__right_float32_core_any_dtype(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """RIGHT: divides and subtracts the row maximum in the logits' own dtype (float32 for
    half precision), then does the exponentials and the row sums in float32 for EVERY dtype
    -- float64 logits included -- and casts the result back to the logits' dtype. The
    docstring's rounding allowance ("a few float32 units in the last place of the largest
    ``|logit / T|``, whatever the dtype") is what makes float32 arithmetic on float64 logits
    acceptable."""
    _softmax_with_temperature__right_float32_core_any_dtype_check(temperature)
    x = logits
    if x.dtype in (torch.float16, torch.bfloat16):
        x = x.float()
    z = x / temperature
    z = z - z.amax(dim=-1, keepdim=True)
    e = torch.exp(z.to(torch.float32))
    p = e / e.sum(dim=-1, keepdim=True)
    return p.to(logits.dtype)
