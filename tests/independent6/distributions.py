"""Sixth examiner: distributions.py entries."""
from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel


def next_token_logits__right_positional_tuple_output(model: PreTrainedModel, input_ids: torch.Tensor) -> torch.Tensor:
    """RIGHT: the ids passed positionally with an explicit all-ones ``attention_mask``,
    ``use_cache=False`` and ``return_dict=False``: the logits are element 0 of a plain
    tuple; the last position taken with ``select(1, -1)``, under ``torch.inference_mode``."""
    with torch.inference_mode():
        outputs = model(
            input_ids,
            attention_mask=torch.ones_like(input_ids),
            use_cache=False,
            return_dict=False,
        )
    return outputs[0].select(1, -1)


def softmax_with_temperature__right_exp2_base_change(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """RIGHT: base 2 instead of e — ``exp2((z - max) * log2(e) / T)`` normalised by its own
    sum (the same distribution); validation through ``numbers.Real`` and ``math.isfinite``;
    float64 logits stay float64, everything else is computed in float32."""
    if not isinstance(temperature, numbers.Real):
        raise ValueError(f"temperature must be a finite number greater than 0, got {temperature!r}")
    if not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number greater than 0, got {temperature!r}")
    work = logits.to(torch.float64 if logits.dtype == torch.float64 else torch.float32)
    top = work.amax(dim=-1, keepdim=True)
    weights = torch.exp2((work - top) * (math.log2(math.e) / float(temperature)))
    return (weights / weights.sum(dim=-1, keepdim=True)).to(logits.dtype)
