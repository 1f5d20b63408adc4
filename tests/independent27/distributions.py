"""Twenty-seventh examiner: distributions.py entries (the over-cautious learner)."""
from __future__ import annotations

import math
import warnings

import torch


def softmax_with_temperature__wrong_openai_range_caps_at_two(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """WRONG: validates the temperature the way the OpenAI API does, ``0 < T <= 2`` ("anything hotter is a typo"), and raises ``ValueError`` with a message that says why for everything outside that range; then a correct softmax (half precision computed in float32, row maximum subtracted, divided by ``T``, cast back to the logits' dtype). Every worked example and edge case of the docstring uses a temperature of 2 or less, so all of them pass. Violates: "``p_i = exp(z_i / T) / sum_j exp(z_j / T)`` over the last axis." [witness: ``softmax_with_temperature(torch.tensor([2.0, 1.0, 0.0]), 5.0)`` raises ``ValueError: temperature must be in (0, 2] (the OpenAI range), got 5.0``; plain gives ``[0.4018, 0.3289, 0.2693]``. Also ``T = 2.5`` and ``T = 1e3`` raise. Equal to plain: ``[0.6652, 0.2447, 0.0900]`` at ``T = 1``, 0.866813 at ``T = 0.5``, ``±1e4`` in float16 at ``T = 0.1`` (finite), ``-inf`` -> exactly 0, ``T = 2.0`` and ``T = 1.6``, ``ValueError`` for 0, -1, ``nan``, ``inf``.]"""
    if not isinstance(temperature, (int, float)) or math.isnan(temperature) or not 0 < temperature <= 2:
        raise ValueError(f"temperature must be in (0, 2] (the OpenAI range), got {temperature!r}")
    z = logits.float() / temperature
    z = z - z.amax(dim=-1, keepdim=True)
    e = torch.exp(z)
    return (e / e.sum(dim=-1, keepdim=True)).to(logits.dtype)


def softmax_with_temperature__wrong_invalid_temperature_falls_back_to_one(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """WRONG: "never crash the demo": the temperature check is written (finite and greater than 0, with a message that says why), but its ``ValueError`` is caught on the spot, turned into a ``warnings.warn`` and the temperature falls back to 1.0, the model's own distribution. The softmax itself is correct (float32 compute, row maximum subtracted, cast back), so every worked example and every edge case about the logits passes. Violates: "A temperature that is not a finite number greater than 0 raises ``ValueError`` with a message that says why." [witness: ``softmax_with_temperature(torch.tensor([2.0, 1.0, 0.0]), 0)`` returns ``[0.6652, 0.2447, 0.0900]`` with a ``UserWarning`` (``temperature must be a finite number greater than 0, got 0; using 1.0``); plain raises ``ValueError``. Also ``-1``, ``nan``, ``inf`` and ``-inf``: no ``ValueError``, 1 warning each. Equal to plain: ``[0.6652, 0.2447, 0.0900]``, 0.866813 at ``T = 0.5``, ``±1e4`` float16 at ``T = 0.1``, ``-inf`` -> 0.]"""
    try:
        if not isinstance(temperature, (int, float)) or not math.isfinite(temperature) or temperature <= 0:
            raise ValueError(f"temperature must be a finite number greater than 0, got {temperature!r}")
    except ValueError as err:
        warnings.warn(f"{err}; using 1.0")
        temperature = 1.0
    z = logits.float() / temperature
    z = z - z.amax(dim=-1, keepdim=True)
    e = torch.exp(z)
    return (e / e.sum(dim=-1, keepdim=True)).to(logits.dtype)


def softmax_with_temperature__right_nan_to_num_before_shift(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """RIGHT: over-cautious about infinities: after the temperature check (``ValueError`` naming the value and the rule) it works on a float32 copy, replaces every ``-inf`` (and ``+inf``, ``nan``) with float32's finite extremes by ``torch.nan_to_num`` "so that ``max - max`` can never be ``inf - inf``", divides by ``T``, subtracts the row maximum and normalises; an ``assert`` checks that the result is finite. A masked ``-inf`` logit becomes ``-3.4e38``: divided by ``T < 1`` it overflows back to ``-inf``, otherwise its ``exp`` after the shift underflows, so a masked token still gets exactly 0. Agrees with a plain version on: ``[2, 1, 0]`` at ``T`` 1 and 0.5; a ``(3, 4, 50)`` float32 batch at ``T`` 0.7; ``±1e4`` float16 at ``T = 0.1``; ``[0, -inf, 1, -inf]`` at ``T`` 0.3, 1 and 7 (zeros exact); the tiny model's bfloat16 last logits at ``T`` 1.4 and float64 logits at ``T`` 0.2 -- all bit-equal (checks/check_entries.log); the same ``ValueError``s."""
    if not isinstance(temperature, (int, float)) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    z = torch.nan_to_num(logits.float())
    z = z / temperature
    z = z - z.amax(dim=-1, keepdim=True)
    e = torch.exp(z)
    p = e / e.sum(dim=-1, keepdim=True)
    assert torch.isfinite(p).all(), "softmax produced a non-finite probability"
    return p.to(logits.dtype)
