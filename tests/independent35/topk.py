"""Thirty-fifth examiner: topk.py entries (numerical extremes)."""
from __future__ import annotations

import torch


def top_k_mask__wrong_k_one_argmax_fast_path(probs: torch.Tensor, k: int) -> torch.Tensor:
    """WRONG: correct for ``k >= 2`` (``topk`` threshold, ties with the k-th kept, vocabulary order, ``k < 1`` and ``k >= vocab`` handled) but adds a "greedy fast path" for ``k == 1``: ``one_hot(argmax)``. ``argmax`` returns ONE index where several scores tie for the largest, so tied maxima lose all but the lowest id. Every worked example uses ``k = 2`` (or ``k >= vocab``), so all pass, as does the ``-inf`` tie example at ``k = 2``. Violates: "Ties: a token is kept when its score is at least the k-th largest score of its row." [witness: ``[0.25, 0.25, 0.25, 0.25]``, ``k = 1`` -> keeps only id 0, plain keeps all four; ``[-inf, 0.5, 0.5]`` -> ``[F, T, F]``, plain ``[F, T, T]``; an all ``-inf`` row of 3 -> keeps id 0 only, plain all three ("every ``-inf`` of the row ties with it and is kept"); batch ``[[0.1, 0.45, 0.45], [0.2, 0.5, 0.3]]`` -> 2 kept, plain 3]"""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    vocab = probs.shape[-1]
    if k >= vocab:
        return torch.ones(probs.shape, dtype=torch.bool, device=probs.device)
    if k == 1:
        best = probs.argmax(dim=-1)
        return torch.nn.functional.one_hot(best, vocab).to(torch.bool)
    kth = torch.topk(probs, k, dim=-1).values[..., -1:]
    return probs >= kth


def top_k_mask__right_k_one_amax_fast_path(probs: torch.Tensor, k: int) -> torch.Tensor:
    """RIGHT: the same ``k == 1`` fast path done right: ``probs == probs.amax(dim=-1, keepdim=True)``, which keeps every score equal to the row's largest (the k-th largest for ``k = 1``), ``-inf`` rows included (``-inf == -inf``). Other ``k`` take the ``topk`` threshold. Agrees with a plain version on: 9 inputs (the tiny model's logits at ``k`` 1 and 10 and its softmax at ``k`` 1, its float16 logits at ``k`` 1, ``[0.25] * 4``, a ``(3, 3)`` batch with a tied maximum and an all ``-inf`` row, a non-contiguous ``(7, 5, 3)`` transpose of integer scores full of ties, ``k = vocab`` and ``k = 3`` on a ``(4, 9)`` batch) -- masks equal element for element; and on the worked example, the ``(2, 4)`` batch, the tie example, ``k`` 4/100, ``k = 0`` (checks/check_entries.log)."""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    if k >= probs.shape[-1]:
        return torch.ones(probs.shape, dtype=torch.bool, device=probs.device)
    if k == 1:
        return probs == probs.amax(dim=-1, keepdim=True)
    kth = torch.topk(probs, k, dim=-1).values[..., -1:]
    return probs >= kth
