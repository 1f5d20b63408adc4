"""Seventh examiner: distributions.py entries."""
from __future__ import annotations

import math
import numbers

import torch
import torch.nn.functional as F


def softmax_with_temperature__wrong_flattens_leading_axes(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """WRONG: written for "a row or a batch": it reshapes the logits to
    ``(-1, vocab)``, and undoes that only for a 1-D row, so logits with two or more leading
    axes come back flattened to 2-D. Violates: "logits: ``(..., vocab)`` floating point; any
    number of leading axes. returns: same shape and dtype" [logits of shape ``(2, 3, 5)``:
    result ``(6, 5)``; 1-D and 2-D inputs (every worked example) are right]"""
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number greater than 0, got {temperature!r}")
    rows = logits.reshape(-1, logits.shape[-1]).float() / temperature
    probs = torch.softmax(rows - rows.amax(dim=-1, keepdim=True), dim=-1).to(logits.dtype)
    return probs[0] if logits.dim() == 1 else probs


def softmax_with_temperature__right_l1_normalize(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """RIGHT: no ``softmax`` call and no division by a sum: ``exp(z - max)`` is made a
    distribution by ``F.normalize(e, p=1, dim=-1)`` (dividing each row by its L1 norm, which
    is at least 1 because the maximum contributes ``exp(0)``, so the ``eps`` never acts);
    half precision computed in float32, float32 and float64 in their own precision."""
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real):
        raise ValueError(f"temperature must be a number, got {temperature!r}")
    if not math.isfinite(temperature) or not temperature > 0:
        raise ValueError(f"temperature must be finite and greater than 0, got {temperature!r} (0 would be greedy: use argmax)")
    work = logits.float() if logits.dtype in (torch.float16, torch.bfloat16) else logits
    z = work / temperature
    e = torch.exp(z - z.amax(dim=-1, keepdim=True))
    return F.normalize(e, p=1, dim=-1).to(logits.dtype)
