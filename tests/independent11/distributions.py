"""Eleventh examiner: distributions.py entries."""
from __future__ import annotations

import math
import numbers

import torch


def softmax_with_temperature__wrong_half_back_as_float16(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """WRONG: computes half precision in float32 as asked, but converts back with ``.half()`` ("half precision in, half precision out"), so bfloat16 logits come back as float16. Violates: "Half-precision logits (``float16`` or ``bfloat16``: what a 4-bit model on a GPU gives) are computed in float32, as ``generate()`` does, and the probabilities are returned in the logits' own dtype." [witness: ``softmax_with_temperature(torch.tensor([2.0, 1.0, 0.0], dtype=torch.bfloat16), 1.0)``: a bfloat16 result expected, a float16 one returned]"""
    if not isinstance(temperature, numbers.Real) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    half = logits.dtype in (torch.float16, torch.bfloat16)
    x = logits.float() if half else logits
    x = x / temperature
    x = x - x.max(dim=-1, keepdim=True).values
    e = torch.exp(x)
    probs = e / e.sum(dim=-1, keepdim=True)
    return probs.half() if half else probs


def softmax_with_temperature__wrong_message_is_the_value(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """WRONG: rejects exactly the right temperatures, but with ``raise ValueError(temperature)``: the message is the bare number (``'0'``, ``'-1.0'``, ``'nan'``), not why it is refused. Violates: "A temperature that is not a finite number greater than 0 raises ``ValueError`` with a message that says why." [witness: ``softmax_with_temperature(torch.tensor([2.0, 1.0, 0.0]), 0)``: ``ValueError('0')``, whose text ``'0'`` says nothing of "finite" or "greater than 0"]"""
    if not isinstance(temperature, numbers.Real) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(temperature)
    work = torch.float32 if logits.dtype in (torch.float16, torch.bfloat16) else logits.dtype
    return torch.softmax(logits.to(work) / temperature, dim=-1).to(logits.dtype)


def softmax_with_temperature__right_chained_guard_log_softmax_exp(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """RIGHT: one chained comparison ``0 < t < math.inf`` refuses 0, negatives, ``inf`` and ``nan`` (every comparison with nan is False) after a ``numbers.Real`` test; the probabilities are ``exp(log_softmax)`` computed in float64 for every dtype, then cast back to the logits' dtype."""
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real) or not (0 < temperature < math.inf):
        raise ValueError(f"temperature must be a finite number greater than 0, got {temperature!r}")
    z = logits.to(torch.float64).div(float(temperature))
    return torch.log_softmax(z, dim=-1).exp().to(logits.dtype)
