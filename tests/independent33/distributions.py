"""Thirty-third examiner: distributions.py entries (the learner who writes it the way the Hugging Face docs do)."""
from __future__ import annotations

import math

import torch
from transformers.generation import LogitsProcessorList, TemperatureLogitsWarper


def softmax_with_temperature__right_temperature_logits_warper(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """RIGHT: checks the temperature itself (``ValueError`` with the reason for anything but a finite number > 0; ``TemperatureLogitsWarper``'s own check would refuse ``int`` temperatures and let ``inf`` through), then does what ``generate()`` does: the logits cast to float32, a ``LogitsProcessorList([TemperatureLogitsWarper(float(temperature))])`` divides them, ``torch.nn.functional.softmax(scores, dim=-1)``, cast back to the logits' dtype. The docstring leaves the route free ("How you compute it is yours") and asks for float32 arithmetic for half-precision logits, which this is. Agrees with a plain version on: the worked example ``[0.6652, 0.2447, 0.0900]``, 0.866813 at T 0.5, float16 ``±1e4`` at T 0.1 (finite, float16), a ``-inf`` logit exactly 0, ``ValueError`` for 0, 0.0, -1, nan, inf, -inf; and up to rounding on 8 inputs (float32 T 1.6, ``int`` T 2, a ``(3, 4, 50)`` batch, the tiny model's logits at T 1.4, their bfloat16 copy, float16 ``±1e4``, float64, a ``-inf`` row): largest difference from plain 4.41e-06 (tiny logits, T 1.4: ``F.softmax`` sums the 32000 terms in another order; error against float64 4.49e-06, inside the docstring's "a few units per square root of the row's length"), bit-equal for bfloat16, float16 and ``int`` T (checks/check_entries.log)."""
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)):
        raise ValueError(f"temperature must be a number, got {temperature!r}")
    if not (math.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    processors = LogitsProcessorList([TemperatureLogitsWarper(float(temperature))])
    scores = processors(None, logits.float())
    return torch.nn.functional.softmax(scores, dim=-1).to(logits.dtype)
