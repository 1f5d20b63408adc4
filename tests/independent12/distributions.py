"""Twelfth examiner: distributions.py entries."""
from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedModel


def next_token_logits__right_decorated_closure_unbind(model: PreTrainedModel, input_ids: torch.Tensor) -> torch.Tensor:
    """RIGHT: the forward pass lives in an inner function decorated with ``@torch.no_grad()`` (instead of a ``with`` block), and the last position is taken with ``logits.unbind(dim=1)[-1]`` (the last of the per-position slices) instead of ``logits[:, -1]``."""

    @torch.no_grad()
    def forward(ids):
        return model(input_ids=ids).logits

    return forward(input_ids).unbind(dim=1)[-1]


def softmax_with_temperature__right_reciprocal_scale_float64(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """RIGHT: scales by the reciprocal ``1 / T`` (computed once in Python float64; if it overflows for a subnormal ``T``, it divides instead) on a float64 copy of the logits for every dtype, subtracts the row maximum, exponentiates and divides by the row total, then casts back to the logits' dtype; temperature validated as ``numbers.Real`` (not ``bool``) with ``math.isfinite``."""
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real):
        raise ValueError(f"temperature must be a finite number greater than 0, got {temperature!r}")
    if not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number greater than 0, got {temperature!r}")
    wide = logits.to(torch.float64)
    scale = 1.0 / float(temperature)
    z = wide * scale if math.isfinite(scale) else wide / float(temperature)
    z = z - z.amax(dim=-1, keepdim=True)
    e = torch.exp(z)
    return (e / e.sum(dim=-1, keepdim=True)).to(logits.dtype)
