"""Reference: the next-token distribution and temperature, on transformers' own machinery."""
from __future__ import annotations

import math

import torch
from transformers import PreTrainedModel
from transformers.generation.logits_process import TemperatureLogitsWarper


@torch.no_grad()
def next_token_logits(model: PreTrainedModel, input_ids: torch.Tensor) -> torch.Tensor:
    """Logits of the next token after each sequence: ``(batch, T)`` ids -> ``(batch, vocab)``."""
    return model(input_ids=input_ids).logits[:, -1, :]


def softmax_with_temperature(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """``softmax(logits / temperature)`` over the last axis, computed the way ``generate`` does.

    ``generate`` takes the logits in float32 (half-precision ones are converted first), then
    transformers' :class:`TemperatureLogitsWarper` divides the scores by the temperature;
    ``torch.softmax`` then normalises stably. Same shape and dtype as ``logits``.
    Raises ``ValueError`` for a temperature that is not a finite number > 0.
    """
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)):
        raise ValueError(f"temperature must be a number, got {type(temperature).__name__}")
    if not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    warper = TemperatureLogitsWarper(float(temperature))
    flat = logits.reshape(-1, logits.shape[-1]).to(torch.promote_types(logits.dtype, torch.float32))
    scaled = warper(None, flat)
    return torch.softmax(scaled, dim=-1).reshape(logits.shape).to(logits.dtype)
