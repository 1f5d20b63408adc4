"""Twelfth examiner: topk.py entries."""
from __future__ import annotations

import torch


def top_k_mask__right_python_sorted_rows(probs: torch.Tensor, k: int) -> torch.Tensor:
    """RIGHT: no ``torch.topk``: each row goes to a Python list (``tolist``, exact for every float dtype), its threshold is ``sorted(row, reverse=True)[min(k, vocab) - 1]`` and the row's mask a list comprehension ``score >= threshold``; the lists come back as one bool tensor on the input's device, reshaped to the input's shape."""
    if k < 1:
        raise ValueError(f"top_k_mask: k must be at least 1 (keeping no token leaves nothing to sample), got {k}")
    vocab = probs.shape[-1]
    rows = probs.detach().reshape(-1, vocab).tolist()
    masks = []
    for row in rows:
        threshold = sorted(row, reverse=True)[min(k, vocab) - 1]
        masks.append([score >= threshold for score in row])
    return torch.tensor(masks, dtype=torch.bool, device=probs.device).reshape(probs.shape)
