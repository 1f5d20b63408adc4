"""Independent catalogue, fifth examiner: submissions for exercises/topk.py.

Written from the docstrings of ``exercises/topk.py`` only, avoiding every mistake and every
style already in rounds 1 to 4 (``tests/independent*/topk.py``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedTokenizerBase


# ---------------------------------------------------------------------------------------
# top_k_mask
# ---------------------------------------------------------------------------------------


def top_k_mask__wrong_clamps_to_numel(probs: torch.Tensor, k: int) -> torch.Tensor:
    """WRONG: clamps ``k`` with ``probs.numel()`` (the number of scores in the whole tensor)
    instead of the vocabulary size ``probs.shape[-1]``; the same for one row, but in a batch a
    ``k`` above the vocabulary is passed on to ``torch.topk`` and it raises. Violates:
    "``k`` at least the vocabulary size keeps every token." [``(2, 4)`` probs, ``k = 5``]"""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    k = min(k, probs.numel())
    kth = torch.topk(probs, k, dim=-1).values[..., -1:]
    return probs >= kth


# ---------------------------------------------------------------------------------------
# top_k_table
# ---------------------------------------------------------------------------------------


def top_k_table__wrong_topk_then_stable_resort(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """WRONG: takes ``torch.topk(probs, k)`` and only then sorts those k rows by
    ``(-probability, id)``. That orders the ties it got, but when the cut falls inside a tie
    ``topk`` may already have picked a higher id than a lower one it left out. Violates:
    "Equal probabilities are listed lower id first." [``[0.2, 0.2, 0.2, 0.4]``, ``k = 2``:
    ``(3, .., 0.4), (0, .., 0.2)`` expected; ``topk`` on CPU gives id 2]"""
    k = min(k, probs.shape[-1])
    if k <= 0:
        return []
    values, ids = torch.topk(probs, k)
    rows = sorted(zip(ids.tolist(), values.tolist()), key=lambda r: (-r[1], r[0]))
    return [(int(i), tokenizer.decode([int(i)]), float(p)) for i, p in rows]
