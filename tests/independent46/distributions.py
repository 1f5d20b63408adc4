"""Forty-sixth examiner: distributions.py entries (the careless reader: one word misread)."""
from __future__ import annotations

import math

import torch


def softmax_with_temperature__right_float32_working_precision_for_every_dtype(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """RIGHT: "Half-precision logits (``float16`` or ``bfloat16``) are computed in float32" admits two readings: (a) only half-precision logits go through float32 and float64 logits stay float64; (b) float32 is the course's working precision, half precision being the case that needs saying. This entry takes (b): EVERY dtype is converted to float32, divided by ``T``, shifted by its row maximum, exponentiated and normalised by its row sum, then cast back to the logits' own dtype -- the docstring's "float64 or float32 arithmetic all pass" and its rounding allowance ("a few float32 units in the last place of the largest ``|logit / T|``") support it. The temperature is checked first (a real number, not ``bool``, finite and > 0, else ``ValueError`` saying so). Agrees with a plain version on: the worked example ``[0.6652, 0.2447, 0.0900]`` and ``T = 0.5`` (0.8668), ``±1e4`` float16 at ``T = 0.1`` (finite, equal), ``-inf`` -> exactly 0, a random ``(4, 3, 50)`` float32 batch, a float64 batch at T 0.3/1/2.5 (max abs difference 4.5e-07, max relative 6.3e-06, inside 4 float32 ulps of the largest ``|logit / T|``), bfloat16 logits, and 5 ``ValueError``s (0, -1, nan, inf, ``"1"``) (checks/check_entries.log)."""
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)):
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    if not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0 (0 would be greedy), got {temperature!r}")
    z = logits.to(torch.float32) / float(temperature)
    z = z - z.amax(dim=-1, keepdim=True)
    e = torch.exp(z)
    return (e / e.sum(dim=-1, keepdim=True)).to(logits.dtype)
