"""Seventeenth examiner: topk.py entries."""
from __future__ import annotations

import collections
import itertools
from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedTokenizerBase


def top_k_mask__right_msort_moved_axis(probs: torch.Tensor, k: int) -> torch.Tensor:
    """RIGHT: ``k < 1`` raises ``ValueError`` naming ``k``; ``k`` at least the vocabulary size returns early with ``torch.ones_like(probs, dtype=torch.bool)`` (every token kept). Otherwise the vocabulary axis is moved to the front (``movedim(-1, 0)``, a view, any leading axes and strides) and sorted ascending along it with ``torch.msort``; the k-th largest score of every row is then the slice ``[vocab - k]``, and the mask is ``probs >= that.unsqueeze(-1)`` -- vocabulary order, ties with the k-th all kept, ``-inf`` compared like any score, each row on its own."""
    if k < 1:
        raise ValueError(f"k must be at least 1 (keeping no token leaves nothing to sample), got k={k}")
    vocab = probs.shape[-1]
    if k >= vocab:
        return torch.ones_like(probs, dtype=torch.bool)
    ascending = torch.msort(probs.movedim(-1, 0))
    kth_largest = ascending[vocab - k]
    return probs >= kth_largest.unsqueeze(-1)


def top_k_table__right_value_buckets(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """RIGHT: no sort of the ids at all. One pass over ``probs.tolist()`` files every id under its probability in a ``collections.defaultdict(list)`` (ids arrive in increasing order, so each bucket is already lower id first; ``0.0`` and ``-0.0`` share a bucket, as they tie in ``torch.sort``); the distinct values are sorted descending, the buckets chained with ``itertools.chain.from_iterable`` and the first ``k`` rows taken with ``itertools.islice`` (``k = 0`` gives ``[]``, ``k`` beyond the vocabulary gives every token). Each row is ``(id, tokenizer.decode([id]), value)`` with a Python ``int``, ``str`` and ``float`` (the exact value of the tensor element)."""
    buckets: collections.defaultdict[float, list[tuple[int, float]]] = collections.defaultdict(list)
    for token_id, value in enumerate(probs.tolist()):
        buckets[value].append((token_id, value))
    ranked = itertools.chain.from_iterable(buckets[value] for value in sorted(buckets, reverse=True))
    return [(token_id, tokenizer.decode([token_id]), value) for token_id, value in itertools.islice(ranked, max(k, 0))]
