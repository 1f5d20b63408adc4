"""Thirty-first examiner: topk.py entries (misled by a library default)."""
from __future__ import annotations

import collections
from typing import TYPE_CHECKING

import numpy as np
import torch

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


def top_k_mask__wrong_kthvalue_is_kth_smallest(probs: torch.Tensor, k: int) -> torch.Tensor:
    r"""WRONG: ``ValueError`` for ``k < 1``, ``k`` clamped to the vocabulary, every score compared with a per-row threshold in vocabulary order (``keepdim=True``, ``dim=-1``) -- but the threshold is ``torch.kthvalue(probs, k, dim=-1, keepdim=True).values``, read as "the k-th value". ``torch.kthvalue`` is documented as the k-th SMALLEST element (as ``numpy.partition``'s k-th is), so the mask keeps the ``vocab - k + 1`` largest scores instead of the k largest, and ``k >= vocab`` keeps only the maximum. Violates: "Ties: a token is kept when its score is at least the k-th largest score of its row" (and "``k`` at least the vocabulary size keeps every token."). [witness: ``[0.1, 0.5, 0.15, 0.25]``, k 2 -> ``[False, True, True, True]`` (WRONG) vs ``[False, True, False, True]`` (plain); ``[[0.1, 0.5, 0.15, 0.25], [0.4, 0.3, 0.2, 0.1]]``, k 1 -> all True vs one token per row; the worked row with k 4 -> ``[False, True, False, False]`` vs all True. Equal to plain for a row of equal scores and for k 0 (raises). public tests: 1 of 4 ``top_k`` tests pass; the worked example, each-row and ties/large-k tests fail (checks/logs/top_k_mask__wrong_kthvalue_is_kth_smallest.log).]"""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    k = min(k, probs.shape[-1])
    kth = torch.kthvalue(probs, k, dim=-1, keepdim=True).values
    return probs >= kth


def top_k_table__wrong_numpy_argsort_default_kind(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    r"""WRONG: moves the distribution to NumPy as float64 (exact for every dtype, bfloat16 included), ranks it with ``np.argsort(-p)[:min(k, vocab)]`` and builds plain ``(int, tokenizer.decode([id]), float)`` rows. ``np.argsort``'s default ``kind='quicksort'`` is an introsort, documented as not stable: among equal probabilities the order is whatever the partitioning left. Short rows are sorted by insertion sort and come out in id order (the public tie rows of 4 and 5 tokens, even 40 equal tokens), so every public test passes; with dozens of tied tokens after a larger one the ids are shuffled. Violates: "Equal probabilities are listed lower id first, also where the list is cut: of tokens tied at the ``k``-th place, the lower ids are the ones listed." [witness: 100 tokens, id 50 at 0.5 and ids 0-49 at 0.01, k 3 -> ids ``[50, 0, 2]`` (WRONG) vs ``[50, 0, 1]`` (plain); 1000 tokens, id 999 at 0.5 and ids 0-199 at 0.0025, k 5 -> ``[999, 0, 2, 1, 4]`` vs ``[999, 0, 1, 2, 3]``. Equal to plain on the worked example, the public tie row ``[0.2, 0.3, 0.2, 0.3]`` and the tiny model's top 10 for "The capital of Japan is". Measured with NumPy 2.3.5 on this CPU; an unstable sort's tie order may differ elsewhere. public tests: all 6 of ``top_k_table`` pass (checks/logs/top_k_table__wrong_numpy_argsort_default_kind.log).]"""
    p = probs.detach().to("cpu", torch.float64).numpy()
    n = max(0, min(k, p.shape[0]))
    order = np.argsort(-p)[:n]
    return [(int(i), tokenizer.decode([int(i)]), float(p[i])) for i in order]


def top_k_table__right_counter_most_common(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    r"""RIGHT: ``collections.Counter(dict(enumerate(probs.tolist())))`` -- token id -> probability, inserted in id order -- and ``Counter.most_common(min(k, vocab))``. Its tie order is documented ("Elements with equal counts are ordered in the order first encountered"): ``most_common(n)`` is ``heapq.nlargest(n, items, key=count)``, itself documented as equivalent to ``sorted(items, key=count, reverse=True)[:n]``, which is stable, so tied probabilities come lower id first, also where the list is cut. ``k = 0`` gives ``[]``; ``k`` beyond the vocabulary lists every token; the probabilities are Python floats from ``tolist()`` (exact for float16 and bfloat16), texts from ``tokenizer.decode([id])``. Equal to plain on 11 inputs: the worked example, k 0, k 5 over 3 tokens, 50 and 200 tied tokens at the cut, 40 equal tokens, the tiny model's top 10 and top 40, a uniform float16 row of 32000, a bfloat16 row with ties, a padded vocabulary of 32064. public tests: all 6 of ``top_k_table`` pass."""
    n = max(0, min(k, probs.shape[0]))
    counts = collections.Counter(dict(enumerate(probs.detach().cpu().tolist())))
    return [(int(i), tokenizer.decode([int(i)]), float(v)) for i, v in counts.most_common(n)]
