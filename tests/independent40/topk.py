"""Fortieth examiner: topk.py entries (the learner who builds on their own earlier answers)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only, as in the stub
    from transformers import PreTrainedTokenizerBase


def _my_top_k_mask(probs: torch.Tensor, k: int) -> torch.Tensor:
    """The learner's own exercise-8 answer: ``k < 1`` raises, ties with the k-th kept."""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    kth = torch.topk(probs, min(k, probs.shape[-1]), dim=-1).values[..., -1:]
    return probs >= kth


def top_k_table__right_candidates_from_own_top_k_mask(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """RIGHT: reuses the learner's own ``top_k_mask`` to pick the candidates, with the two contract differences bridged: the mask's range (``k < 1`` raises there, ``k = 0`` must give ``[]`` here) is handled by returning ``[]`` before calling it, and the mask's tie rule (every token tied with the k-th is kept, so it may keep MORE than ``k``) by cutting afterwards. The candidates' ids come from ``mask.nonzero()`` in id order, their probabilities are sorted with ``torch.sort(..., descending=True, stable=True)`` (equal ones stay lower id first) and the first ``min(k, vocab)`` become ``(int, tokenizer.decode([id]), float)`` rows. Agrees with a plain version on: the worked example ``[0.1, 0.6, 0.3]``, ``k = 2``; ``k = 0`` -> ``[]``; ``k`` 100 on a 3-row vector; ties cut at the k-th place (``[0.2, 0.3, 0.2, 0.2, 0.1]``, ``k = 2``: ids 1, 0); all four tied at ``k = 3``; a bfloat16 row; the tiny model's softmax for "The capital of Japan is" at ``k`` 10 and 50 (checks/check_entries.log)."""
    if k <= 0:
        return []
    cand = _my_top_k_mask(probs, k).nonzero().flatten()
    vals = probs[cand]
    order = torch.sort(vals, descending=True, stable=True).indices[: min(k, probs.shape[-1])]
    return [(int(cand[j]), tokenizer.decode([int(cand[j])]), float(vals[j])) for j in order.tolist()]
