"""Twenty-fourth examiner: distributions.py entries (llama.cpp sampler habits)."""
from __future__ import annotations

import math

import torch


def softmax_with_temperature__wrong_llamacpp_nonpositive_temp_one_hot(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """WRONG: ports llama.cpp's ``llama_sampler_temp_impl``: ``if (temp <= 0.0f) { keep only the max logit, set the rest to -inf }``, so a temperature of 0 or below gives the greedy one-hot distribution (the first maximum of each row gets 1, every other token 0) instead of an error; ``inf`` and ``nan`` still raise ``ValueError`` (with the reason). For a finite ``T > 0`` it is the docstring's computation (half precision widened to float32 before dividing, ``torch.softmax(dim=-1)``, cast back to the logits' dtype), so the worked examples at ``T = 1`` and ``T = 0.5`` pass. Not the earlier ``..._wrong_zero_temperature_allowed`` (``nan`` from dividing by 0) or ``..._wrong_floors_small_temperature``: here T <= 0 is mapped to an exact argmax, llama.cpp's meaning of "temperature 0". Violates: "A temperature that is not a finite number greater than 0 raises ``ValueError``" [witness: ``softmax_with_temperature(torch.tensor([2.0, 1.0, 0.0]), 0.0)``: WRONG ``tensor([1., 0., 0.])``, plain raises ``ValueError``; ``-1.0`` the same.]"""
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)):
        raise ValueError(f"temperature must be a number, got {temperature!r}")
    if temperature <= 0:
        first_max = torch.argmax(logits, dim=-1, keepdim=True)
        one_hot = torch.zeros_like(logits)
        return one_hot.scatter(-1, first_max, 1.0)
    if not math.isfinite(temperature):
        raise ValueError(f"temperature must be a finite number greater than 0, got {temperature!r}")
    work = logits.float() if logits.dtype in (torch.float16, torch.bfloat16) else logits
    return torch.softmax(work / temperature, dim=-1).to(logits.dtype)
