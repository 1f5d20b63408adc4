"""Thirteenth examiner: distributions.py entries."""
from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedModel


def softmax_with_temperature__right_in_place_on_private_copy(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """RIGHT: every arithmetic step is an in-place operation (``div_``, ``sub_``, ``exp_``, ``div_``) on a private working copy made with ``.to(dtype, copy=True)`` (float32 for half precision and float32, float64 for float64), so the caller's tensor is never written; the copy is cast back to the logits' dtype at the end (no new tensor for float32/float64). The temperature is validated as a real, non-``bool``, finite number > 0."""
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real):
        raise ValueError(f"temperature must be a number, got {temperature!r}")
    if not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number greater than 0, got {temperature!r}")
    work_dtype = torch.float64 if logits.dtype == torch.float64 else torch.float32
    work = logits.to(work_dtype, copy=True)
    work.div_(temperature)
    work.sub_(work.amax(dim=-1, keepdim=True))
    work.exp_()
    work.div_(work.sum(dim=-1, keepdim=True))
    return work.to(logits.dtype)
