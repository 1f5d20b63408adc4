"""Sixteenth examiner: distributions.py entries."""
from __future__ import annotations

import math
import numbers
import warnings

import torch
import torch.nn.functional as F


def softmax_with_temperature__wrong_implicit_softmax_dim(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """WRONG: validates the temperature, converts half-precision logits to float32, divides by ``T`` and then calls ``F.softmax(z)`` WITHOUT ``dim``, as older tutorials do (PyTorch only warns, and decodelab hides library warnings by default). The implicit choice is ``dim=0`` for 0-, 1- and 3-D inputs and ``dim=1`` otherwise, so a single row (the worked example) and a ``(batch, vocab)`` batch come out right -- max subtraction, ``-inf`` -> 0, the float16 ``±1e4`` at ``T = 0.1`` case included -- but logits with two leading axes are normalised across the FIRST axis, not the vocabulary. Violates: "``p_i = exp(z_i / T) / sum_j exp(z_j / T)`` over the last axis." [witness: ``torch.randn(2, 3, 5, generator=torch.Generator().manual_seed(0))``, ``T = 1.0``: each ``[i, j, :]`` should sum to 1; here each ``[:, j, v]`` does (pairs of entries sum to 1, the rows do not); 1-D and 2-D inputs are right]"""
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number greater than 0, got {temperature!r}")
    z = logits.float() if logits.dtype in (torch.float16, torch.bfloat16) else logits
    z = z / temperature
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        probs = F.softmax(z)
    return probs.to(logits.dtype)


def softmax_with_temperature__right_logcumsumexp_normaliser(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """RIGHT: no ``softmax``, no max subtraction and no sum: the log of each row's normaliser is the LAST entry of ``torch.logcumsumexp`` along the vocabulary (a numerically stable running log-sum-exp), and ``p = exp(z - log_normaliser)``. ``-inf`` logits give ``exp(-inf) = 0`` exactly, ``±1e4`` stays finite (the running log-sum-exp never exponentiates a large number), half-precision logits go through float32 and come back in their own dtype, float32/float64 stay in their own precision. The temperature is checked with ``numbers.Real`` and ``math.isfinite`` (bools refused)."""
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real):
        raise ValueError(f"temperature must be a number, got {temperature!r}")
    if not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be finite and greater than 0 (0 would be greedy decoding), got {temperature!r}")
    work = logits.to(torch.float32) if logits.dtype in (torch.float16, torch.bfloat16) else logits
    z = work / temperature
    log_normaliser = torch.logcumsumexp(z, dim=-1).narrow(-1, z.shape[-1] - 1, 1)
    return torch.exp(z - log_normaliser).to(logits.dtype)
