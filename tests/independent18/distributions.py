"""Eighteenth examiner: distributions.py entries."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedModel


def next_token_logits__right_indexes_output_tuple(model: PreTrainedModel, input_ids: torch.Tensor) -> torch.Tensor:
    """RIGHT (written as WRONG by the examiner; the project decided otherwise, see the README): reads the logits as ``outputs[0]``, the older transformers habit. Every model the exercise is given returns a transformers ``ModelOutput`` (the grader's toy ``BigramModel`` answers as a transformers model does), whose first field is the logits when no labels are passed, so the same row comes back for every model graded; ``.logits`` says what is meant and is the better habit, but this is not a wrong answer."""
    with torch.no_grad():
        outputs = model(input_ids=input_ids)
    return outputs[0][:, -1, :]


def softmax_with_temperature__wrong_floors_probabilities_for_log(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """WRONG: a correct softmax (temperature checked, half precision computed in float32, row maximum subtracted, divided by ``T``), after which every probability is floored at the smallest normal number of the compute dtype (``clamp_min(torch.finfo(...).tiny)``, "so that a later ``log`` never gives ``-inf``"). Rows still sum to 1 within any rounding, the worked examples and ``±1e4`` logits are unchanged, and a float16/bfloat16 result rounds the floor back to 0. But in float32 and float64 a masked token (``-inf`` logit) gets ``1.2e-38`` (``2.2e-308``) instead of exactly 0. Violates: "A ``-inf`` logit (a token masked out) gets probability exactly 0." [witness: ``softmax_with_temperature(torch.tensor([0.0, float("-inf")]), 1.0)`` -> ``[1.0, 0.0]`` expected, ``[1.0, 1.1755e-38]`` returned (``result[1] == 0`` is ``False``)]"""
    if isinstance(temperature, (str, bytes)) or temperature is None:
        raise ValueError(f"temperature must be a finite number greater than 0, got {temperature!r}")
    try:
        value = float(temperature)
    except (TypeError, ValueError):
        raise ValueError(f"temperature must be a finite number greater than 0, got {temperature!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise ValueError(
            f"temperature must be a finite number greater than 0, got {temperature!r} "
            "(temperature 0 means greedy decoding: use argmax)"
        )
    work = logits.float() if logits.dtype in (torch.float16, torch.bfloat16) else logits
    scaled = work / value
    shifted = scaled - scaled.amax(dim=-1, keepdim=True)
    weights = shifted.exp()
    probs = weights / weights.sum(dim=-1, keepdim=True)
    probs = probs.clamp_min(torch.finfo(probs.dtype).tiny)
    return probs.to(logits.dtype)
