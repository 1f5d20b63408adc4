"""Forty-fourth examiner: topk.py entries (the right answer nobody expected)."""
from __future__ import annotations

import torch


def _kth_largest_three_way(values: list[float], k: int) -> float:
    """The k-th largest (1-based) of ``values``: recursive quickselect with a three-way split."""
    a, b, c = values[0], values[len(values) // 2], values[-1]
    pivot = sorted((a, b, c))[1]  # median of three
    greater = [v for v in values if v > pivot]
    if k <= len(greater):
        return _kth_largest_three_way(greater, k)
    equal = sum(1 for v in values if v == pivot)
    if k <= len(greater) + equal:
        return pivot
    smaller = [v for v in values if v < pivot]
    return _kth_largest_three_way(smaller, k - len(greater) - equal)


def top_k_mask__right_recursive_quickselect_three_way(probs: torch.Tensor, k: int) -> torch.Tensor:
    """RIGHT: no ``torch.topk``, no sort: each row's k-th largest score is found by Hoare's quickselect written recursively in plain Python over ``row.tolist()`` (exact Python floats for every floating dtype), with a median-of-three pivot and a THREE-WAY split (greater / equal / smaller), so every block of tied scores -- thousands of ``-inf`` or of zeros -- is settled in one step and the recursion only ever descends into a strictly smaller list. ``k < 1`` raises ``ValueError``; ``k`` is clamped to the row's length, so ``k >= vocab`` selects the smallest score and keeps every token. The thresholds are put in a tensor of the scores' own dtype and device (exact: they are values of the row) and the mask is ``probs >= threshold`` in vocabulary order, leading axes flattened with ``reshape`` (non-contiguous inputs included) and restored. Ties and ``-inf`` follow the rule: a token is kept when its score is at least the k-th largest. Sentences an over-strict grader could hold against it: "compare every score with the k-th largest value of its row" from the ``torch.topk`` pitfall (it does, with the value found by selection, not by ``topk``) and "ask for ``dim=-1``" (the rows are the last axis by construction). Agrees with a plain version on: the worked example, the ``(2, 4)`` batch, ``[0.4, 0.2, 0.2, 0.2]`` with ``k = 2``, ``k`` 4 and 100, ``k = 0`` (``ValueError``), ``[-inf, 0.5, -inf]`` with ``k = 2``, a row of 1500 ``-inf`` after three finite scores with ``k = 10``, a (3, 2, 50) non-contiguous input, float16 and bfloat16 rows, and the tiny model's softmax at ``k`` 10/500/32000 (checks/check_entries.log)."""
    if k < 1:
        raise ValueError(f"k must be at least 1 (keeping no token leaves nothing to sample), got {k}")
    vocab = probs.shape[-1]
    kk = min(k, vocab)
    rows = probs.reshape(-1, vocab)
    thresholds = [_kth_largest_three_way(row, kk) for row in rows.tolist()]
    kth = torch.tensor(thresholds, dtype=probs.dtype, device=probs.device).reshape(*probs.shape[:-1], 1)
    return probs >= kth


def _kth_smallest_lomuto(values: list[float], lo: int, hi: int, index: int) -> float:
    """The ``index``-th smallest (0-based) of ``values[lo:hi + 1]``, in place: Lomuto's partition."""
    if lo == hi:
        return values[lo]
    pivot = values[hi]
    store = lo
    for j in range(lo, hi):
        if values[j] < pivot:
            values[store], values[j] = values[j], values[store]
            store += 1
    values[store], values[hi] = values[hi], values[store]
    if index == store:
        return values[store]
    if index < store:
        return _kth_smallest_lomuto(values, lo, store - 1, index)
    return _kth_smallest_lomuto(values, store + 1, hi, index)


def top_k_mask__wrong_recursive_quickselect_lomuto(probs: torch.Tensor, k: int) -> torch.Tensor:
    """WRONG: the same selection from a textbook (CLRS's RANDOMIZED-SELECT without the randomisation): the k-th largest as the ``(vocab - k)``-th smallest, found in place by recursive quickselect with Lomuto's two-way partition around the LAST element. Correct for distinct scores, and for the small tied rows of the worked examples; but a block of equal scores is peeled off one element per call, so a row whose k-th largest lies in a long tie -- a row of many ``-inf`` from an earlier mask, or a flat row -- recurses once per tied token and exceeds Python's recursion limit (and is quadratic before that). Violates: "A score of ``-inf`` (a token masked before) is a score like any other: when the k-th largest is ``-inf`` itself, every ``-inf`` of the row ties with it and is kept." [witness: a row of three finite scores then 1500 ``-inf``, ``k = 10`` -> ``RecursionError``; plain keeps all 1503. A uniform float32 row of 2000 ``1/2000`` with ``k = 5`` -> ``RecursionError``; plain keeps all 2000. Passes: the worked example, the ``(2, 4)`` batch, ``[0.4, 0.2, 0.2, 0.2]`` keeps four, ``k`` 4 and 100, ``k = 0`` ``ValueError``, ``[-inf, 0.5, -inf]`` with ``k = 2``, and the tiny model's softmax at ``k`` 10/500 (checks/check_entries.log).]"""
    if k < 1:
        raise ValueError(f"k must be at least 1 (keeping no token leaves nothing to sample), got {k}")
    vocab = probs.shape[-1]
    kk = min(k, vocab)
    rows = probs.reshape(-1, vocab)
    thresholds = [_kth_smallest_lomuto(row, 0, vocab - 1, vocab - kk) for row in rows.tolist()]
    kth = torch.tensor(thresholds, dtype=probs.dtype, device=probs.device).reshape(*probs.shape[:-1], 1)
    return probs >= kth
