"""Thirty-first examiner: distributions.py entries (misled by a library default)."""
from __future__ import annotations

import math

import torch


def softmax_with_temperature__wrong_softmax_dtype_kwarg_after_division(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    r"""WRONG: validates the temperature (a finite ``int``/``float`` > 0, ``ValueError`` naming the value) and asks for float32 arithmetic with the softmax's own ``dtype`` argument: ``torch.softmax(logits / temperature, dim=-1, dtype=torch.float32).to(logits.dtype)``. That argument is documented as "the input tensor is casted to ``dtype`` before the operation is performed" -- the operation being the softmax, not the division written inside the call's parentheses: ``logits / temperature`` has already been computed in the logits' dtype (a Python float never promotes a tensor), so float16 ``1e4 / 0.1`` is ``inf`` before the cast (``nan`` out), and below overflow the quotient is rounded to half precision (float16 has a spacing of 1 between 1024 and 2048; bfloat16 keeps 8 bits). float32 and float64 logits are untouched and equal plain. Violates: "Half-precision logits (``float16`` or ``bfloat16``: what a 4-bit model on a GPU gives) are computed in float32, as ``generate()`` does" (and the pitfall "Convert to float32 before you divide"). [witness: float16 ``[1e4, 0, -1e4]``, T 0.1 -> ``[nan, nan, nan]`` (WRONG) vs ``[1, 0, 0]`` (plain); float16 ``[1000, 999.5, 990]``, T 0.7 -> ``[0.7310, 0.2690, 2.4e-07]`` vs ``[0.6714, 0.3286, 4.2e-07]``; bfloat16 ``[100, 99.5, 99]``, T 0.3 -> ``[0.8672, 0.1172, 0.0159]`` vs ``[0.8164, 0.1543, 0.0292]``. Equal to plain on the worked example (T 1 and 0.5) and float32 ``±1e4`` at T 0.1. public tests: 9 of 10 ``temperature`` tests pass; ``test_half_precision_logits_at_a_low_temperature`` fails (checks/logs/softmax_with_temperature__wrong_softmax_dtype_kwarg_after_division.log).]"""
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) \
            or not (math.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature must be a finite number greater than 0, got {temperature!r}")
    return torch.softmax(logits / temperature, dim=-1, dtype=torch.float32).to(logits.dtype)
