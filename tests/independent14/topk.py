"""Fourteenth examiner: topk.py entries."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedTokenizerBase


def top_k_mask__wrong_isclose_counts_as_tie(probs: torch.Tensor, k: int) -> torch.Tensor:
    """WRONG: worried that "ties" between floats are never exact, it keeps every score that is ``torch.isclose`` to the k-th largest (default ``rtol=1e-5``, ``atol=1e-8``) as well as every score above it. Both worked examples, the four-way tie, ``k`` beyond the vocabulary and ``-inf`` ties all come out right; a score a hair below the k-th largest is kept too. Violates: "Ties: a token is kept when its score is at least the k-th largest score of its row." [witness: ``top_k_mask(torch.tensor([0.5, 0.3, 0.299999]), 2)``: ``tensor([True, True, False])`` expected, ``tensor([True, True, True])`` returned]"""
    if k < 1:
        raise ValueError(f"top_k_mask: k must be at least 1 (keeping no token leaves nothing to sample), got {k}")
    k = min(k, probs.shape[-1])
    kth = torch.topk(probs, k, dim=-1).values[..., -1:]
    return (probs > kth) | torch.isclose(probs, kth.expand_as(probs))


def top_k_table__wrong_sort_without_stable_flag(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """WRONG: sorts with ``torch.sort(probs, descending=True)`` and leaves out ``stable=True`` (the default is ``stable=False``). On CPU a row of 16 scores or fewer happens to keep equal values in id order, so the worked example and small ties such as ``[0.4, 0.2, 0.2, 0.2]`` come out right; from 17 scores on, equal probabilities come out in a scrambled order, which is what a real 32000-token distribution with a tail of exact zeros (after top-k or top-p) gives. Violates: "Equal probabilities are listed lower id first, also where the list is cut: of tokens tied at the ``k``-th place, the lower ids are the ones listed." [witness: ``top_k_table(torch.full((20,), 0.05), tokenizer, 3)``: ids ``[0, 1, 2]`` expected, ids ``[10, 19, 18]`` returned (torch 2.13, CPU); and ``probs = zeros(32000)`` with ``0.5, 0.3, 0.2`` at ids 5, 900, 31000, ``k = 6``: ids ``[5, 900, 31000, 0, 1, 2]`` expected, ``[5, 900, 31000, 21329, 21342, 21330]`` returned]"""
    order = torch.sort(probs, descending=True).indices[: min(k, probs.shape[-1])]
    return [(int(i), tokenizer.decode([int(i)]), float(probs[i])) for i in order.tolist()]
