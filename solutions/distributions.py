"""Solutions to exercises 6 and 7: the next-token distribution and temperature."""
from __future__ import annotations

from typing import TYPE_CHECKING

import math

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedModel


def next_token_logits(model: PreTrainedModel, input_ids: torch.Tensor) -> torch.Tensor:
    """The logits at the last position of each sequence: ``(batch, T)`` -> ``(batch, vocab)``."""
    with torch.no_grad():
        logits = model(input_ids=input_ids).logits
    return logits[:, -1, :]


def softmax_with_temperature(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """``softmax(logits / temperature)`` over the last axis, stable for huge logits."""
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)):
        raise ValueError(f"temperature must be a number, got {type(temperature).__name__}")
    if not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(
            f"temperature must be a finite number > 0, got {temperature} "
            "(for temperature 0, take the argmax instead: that is greedy decoding)"
        )
    # Half precision overflows in the division itself (1e4 / 0.1 > 65504): work in float32 at least.
    scaled = logits.to(torch.promote_types(logits.dtype, torch.float32)) / temperature
    row_max = scaled.amax(dim=-1, keepdim=True)
    # A row that is all -inf has max -inf; shifting by it would give nan, so shift by 0 there.
    row_max = torch.where(torch.isfinite(row_max), row_max, torch.zeros_like(row_max))
    exps = torch.exp(scaled - row_max)
    return (exps / exps.sum(dim=-1, keepdim=True)).to(logits.dtype)
