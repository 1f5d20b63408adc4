"""Thirty-fifth examiner: distributions.py entries (numerical extremes)."""
from __future__ import annotations

import math

import torch


def softmax_with_temperature__wrong_nan_to_num_instead_of_max_shift(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """WRONG: validates ``T``, casts to float32 before dividing (so float16 at ``T = 0.1`` stays in range) and returns the logits' dtype, but instead of subtracting the row maximum it "cleans up" after the naive ``exp(z/T) / sum exp(z/T)`` with ``torch.nan_to_num(nan=0, posinf=1, neginf=0)``: no ``nan`` or ``inf`` ever comes out, yet wherever some ``z/T`` passes float32's ``exp`` limit (about 88.7) the ``inf / inf`` becomes 0 and the whole row is zeros. The worked examples (``[2, 1, 0]`` at 1.0 and 0.5) pass, ``-inf`` gets exactly 0, ``±1e4`` float16 at ``T = 0.1`` gives finite numbers, the five bad temperatures raise. Violates: "returns: same shape and dtype; every row (last axis) sums to 1, up to rounding." [witness: ``[1e4, 0, -1e4]`` at ``T = 1`` -> ``[0, 0, 0]`` (sum 0), plain ``[1, 0, 0]``; ``[100., 0.]`` -> ``[0, 0]``, plain ``[1, 3.78e-44]``; the tiny model's last logits for "The capital of Japan is" (max 14.97) at ``T = 0.1`` -> row sum 0.0, plain 1.0 (at ``T = 0.2``, 74.8 < 88.7, it equals plain)]"""
    if not isinstance(temperature, (int, float)) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number greater than 0, got {temperature!r}")
    scaled = logits.float() / temperature
    e = torch.exp(scaled)
    probs = e / e.sum(dim=-1, keepdim=True)
    probs = torch.nan_to_num(probs, nan=0.0, posinf=1.0, neginf=0.0)
    return probs.to(logits.dtype)


def softmax_with_temperature__right_shift_before_divide(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """RIGHT: subtracts each row's maximum BEFORE dividing by ``T`` (``(z - max z) / T`` in float32), not after. Dividing by a positive ``T`` keeps the maximum the maximum, so this is the same shift; the rounding of ``z - max`` (a few float32 units of ``|z|``, then scaled by ``1/T``) stays inside the docstring's "a few float32 units in the last place of the largest ``|logit / T|``". Half precision is cast to float32 first and back at the end, ``-inf`` stays ``-inf`` (probability exactly 0), ``T`` is validated. Bonus beyond what is graded: a subnormal ``T = 1e-40`` gives ``[1, 0, 0]`` for ``[2, 1, 0]`` where the divide-first plain version gives ``nan`` (``2e40`` overflows float32). Agrees with a plain version on: 12 inputs (the two worked examples, a ``(3, 4, 50)`` batch at 0.7, float16 ``±1e4`` at 0.1, ``±1e4`` at ``T = 1e-4`` and ``1e4``, ``-inf`` rows at 0.3 and 7, the tiny model's bfloat16 logits at 1.4 and float32 at 0.1, float64 at 0.2, an all-equal row at ``1e-4``): largest difference 1.79e-07, at most 0.003 of the docstring's tolerance (checks/check_entries.log)."""
    if not isinstance(temperature, (int, float)) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number greater than 0, got {temperature!r}")
    x = logits.float()
    shifted = x - x.amax(dim=-1, keepdim=True)
    scaled = shifted / temperature
    e = torch.exp(scaled)
    return (e / e.sum(dim=-1, keepdim=True)).to(logits.dtype)
