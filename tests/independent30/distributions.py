"""Thirtieth examiner: distributions.py entries (the public-test overfitter)."""
from __future__ import annotations

import math

import torch


def softmax_with_temperature__wrong_squeezes_batch_of_one(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """WRONG: validates the temperature (finite, > 0, message naming it), divides in float32, subtracts nothing (``torch.softmax`` does that), and returns ``probs.squeeze().to(logits.dtype)`` -- the ``squeeze()`` "so the bar chart gets a plain vector". The public tests use a 1-D row and a ``(2, 3)`` batch, where ``squeeze()`` changes nothing. But ``next_token_logits`` returns ``(1, vocab)``, the most common input of all, and it comes back as ``(vocab,)``; a ``(1, 1, vocab)`` batch loses two axes; a one-token vocabulary ``(2, 1)`` becomes ``(2,)``. Violates: "returns: same shape and dtype; every row (last axis) sums to 1, up to rounding." [witness: ``torch.tensor([[2.0, 1.0, 0.0]])`` (shape ``(1, 3)``), T 1.0 -> shape ``(3,)`` (WRONG) vs ``(1, 3)`` (plain), same numbers; the tiny model's ``(1, 32000)`` last logits for "The capital of Japan is" at T 0.7 -> ``(32000,)`` vs ``(1, 32000)``. public tests: all 10 of ``temperature`` pass (checks/logs/softmax_with_temperature__wrong_squeezes_batch_of_one.log).]"""
    if not (isinstance(temperature, (int, float)) and math.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature must be a finite number greater than 0, got {temperature!r}")
    probs = torch.softmax(logits.float() / temperature, dim=-1)
    return probs.squeeze().to(logits.dtype)
