"""Independent catalogue, round 4: submissions for exercises/topk.py.

Written from the docstrings of ``exercises/topk.py`` only, avoiding the mistakes of rounds 1-3.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedTokenizerBase


def top_k_mask__wrong_dim1_assumes_2d(probs: torch.Tensor, k: int) -> torch.Tensor:
    """WRONG: lifts a 1-D row to ``(1, vocab)`` and then works along ``dim=1`` "the vocabulary
    axis" -- right for 1-D and ``(batch, vocab)``, but with two leading axes ``dim=1`` is a
    batch axis, so the threshold is taken across rows instead of across tokens. Violates:
    "probs: ``(..., vocab)`` ... Any number of leading axes." [``torch.rand(2, 3, 4,
    generator=torch.Generator().manual_seed(0))``, k=2]"""
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    squeeze = probs.dim() == 1
    x = probs.unsqueeze(0) if squeeze else probs
    kk = min(k, x.shape[1])
    kth = torch.topk(x, kk, dim=1).values.narrow(1, kk - 1, 1)
    mask = x >= kth
    return mask.squeeze(0) if squeeze else mask


def top_k_table__wrong_float32_before_sort(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """WRONG: converts the distribution with ``probs.float()`` "to get plain floats" before
    sorting; float64 probabilities closer than float32 can tell apart become ties, listed in
    id order, and the listed probabilities are float32-rounded. Violates: "sorted by
    probability, highest first." [float64 ``[0.3, 0.3 + 1e-12, 0.4 - 1e-12]``, k=3: id 0
    listed before id 1]"""
    p = probs.float()
    vals, idx = torch.sort(p, descending=True, stable=True)
    n = max(0, min(k, p.shape[-1]))
    return [(int(i), tokenizer.decode([int(i)]), float(v)) for v, i in zip(vals[:n].tolist(), idx[:n].tolist())]
