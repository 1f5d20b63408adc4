"""Twenty-ninth examiner: topk.py entries (the performance-minded learner)."""
from __future__ import annotations

import torch

_ALL_TRUE: dict = {}


def top_k_mask__wrong_cached_all_true_mask_shared(probs: torch.Tensor, k: int) -> torch.Tensor:
    """WRONG: correct rule (``ValueError`` for ``k < 1``; each row compared with its own k-th largest from ``torch.topk(..., dim=-1)``, ties kept, vocabulary order), but "allocating a fresh all-True mask every step is waste": for ``k`` at least the vocabulary size it returns an all-True mask cached at module level per ``(shape, device)``, the SAME tensor object on every such call. The caller owns what it gets back and may combine it in place, as a sampler does with ``keep &= other_mask``; that writes into the cache, and every later call with a large ``k`` and that shape returns the damaged mask. Violates: "``k`` at least the vocabulary size keeps every token." [witness: ``m = top_k_mask(torch.tensor([0.1, 0.5, 0.15, 0.25]), 4); m &= torch.tensor([True, False, True, True])``, then ``top_k_mask(torch.tensor([0.3, 0.3, 0.2, 0.2]), 10)`` -> ``[True, False, True, True]``; plain ``[True, True, True, True]``. Equal to plain on every worked example in a fresh process: ``[F, T, F, T]``, the ``(2, 4)`` batch, the tie row keeps all four, ``k = 0`` ``ValueError``, ``k`` 4 and 100 all True (checks/check_entries.log).]"""
    if k < 1:
        raise ValueError(f"k must be at least 1 (keeping no token leaves nothing to sample), got {k}")
    if k >= probs.shape[-1]:
        key = (tuple(probs.shape), probs.device)
        mask = _ALL_TRUE.get(key)
        if mask is None:
            mask = _ALL_TRUE[key] = torch.ones(probs.shape, dtype=torch.bool, device=probs.device)
        return mask
    kth = torch.topk(probs, k, dim=-1).values[..., -1:]
    return probs >= kth
