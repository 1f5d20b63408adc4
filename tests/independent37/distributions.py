"""Thirty-seventh examiner: distributions.py entries (the learner who writes it in plain Python)."""
from __future__ import annotations

import math

import torch


def _softmax_row(row: list[float], temperature: float) -> list[float]:
    scaled = [x / temperature for x in row]
    top = max(scaled)
    exps = [math.exp(x - top) for x in scaled]
    total = math.fsum(exps)
    return [e / total for e in exps]


def softmax_with_temperature__wrong_nested_lists_two_levels(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """WRONG: plain Python: the temperature checked (``ValueError`` for 0, negatives, nan, inf), each row done with ``math.exp(x / T - max)`` and ``math.fsum`` over ``tolist()``; a 1-D row is one list, "a batch" is a list of rows, and the nested list goes back with ``torch.tensor(out, dtype=logits.dtype, device=logits.device)``. Right for ``(vocab,)`` and ``(batch, vocab)``, but a third axis -- the ``(batch, T, vocab)`` logits straight from a model -- hands a list of rows to the row function, which divides a list by ``T``: ``TypeError``. Violates: "logits: ``(..., vocab)`` floating point; any number of leading axes." [witness: ``torch.randn(2, 3, 4)``, ``T = 1`` -> ``TypeError``, plain returns ``(2, 3, 4)``; the tiny model's logits for "The capital of Japan is" ``(1, 6, 32000)`` at ``T = 1.4`` -> ``TypeError``. Passes: ``[2, 1, 0]`` -> ``[0.6652, 0.2447, 0.0900]``, 0.866813 at ``T = 0.5``, float16 ``±1e4`` at ``T = 0.1`` finite, ``-inf`` -> exactly 0, four ``ValueError`` temperatures, a ``(4, 50)`` batch equal to plain within 1e-7 (checks/check_entries.log).]"""
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) \
            or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    values = logits.tolist()
    if logits.dim() == 1:
        out = _softmax_row(values, temperature)
    else:  # a batch: one row per sequence
        out = [_softmax_row(row, temperature) for row in values]
    return torch.tensor(out, dtype=logits.dtype, device=logits.device)
