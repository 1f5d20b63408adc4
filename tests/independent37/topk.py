"""Thirty-seventh examiner: topk.py entries (the learner who writes it in plain Python)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


def _rows(t: torch.Tensor) -> list[list[float]]:
    return t.reshape(-1, t.shape[-1]).tolist()


def top_k_mask__wrong_negative_index_wraps_past_vocab(probs: torch.Tensor, k: int) -> torch.Tensor:
    """WRONG: plain Python per row: ``threshold = sorted(row)[len(row) - k]`` ("k places from the end of the ascending list") and a list comprehension ``score >= threshold``, turned back into a bool tensor on ``probs.device`` with ``probs``' shape. ``k < 1`` raises ``ValueError``. No clamp of ``k``: for ``k == vocab`` the index is 0 (the smallest score: every token kept, so the learner's test of "k at least the vocabulary" passes), but for ``vocab < k < 2 * vocab`` the index goes NEGATIVE and Python silently counts from the end again, so a large ``k`` keeps only the top few tokens. Violates: "``k`` at least the vocabulary size keeps every token." [witness: ``[0.1, 0.5, 0.15, 0.25]``: ``k = 5`` -> ``[False, True, False, False]``, ``k = 6`` -> ``[False, True, False, True]``, ``k = 7`` -> ``[False, True, True, True]``, plain all ``True``; ``k = 100`` -> ``IndexError``. The tiny model's last logits for "The capital of Japan is" ``(1, 32000)``: ``k = 32001`` keeps 1 token, ``k = 40000`` keeps 8000, ``k = 48000`` keeps 16000; plain keeps 32000 each time. Equal to plain: the worked example, the ``(2, 4)`` batch, the tie row ``[0.4, 0.2, 0.2, 0.2]`` (all four), ``k = 4`` (all), ``k = 0`` ``ValueError`` (checks/check_entries.log).]"""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    masks = []
    for row in _rows(probs):
        threshold = sorted(row)[len(row) - k]  # the k-th largest: k places from the end
        masks.append([score >= threshold for score in row])
    return torch.tensor(masks, dtype=torch.bool, device=probs.device).reshape(probs.shape)


def top_k_mask__right_python_sorted_index_clamped(probs: torch.Tensor, k: int) -> torch.Tensor:
    """RIGHT: the same plain-Python row loop done right: ``sorted(row)[max(len(row) - k, 0)]`` (``k`` clamped at the vocabulary, so ``k >= vocab`` reads the smallest score and keeps every token), ties with the threshold kept by ``>=``, ``-inf`` compared like any other float; leading axes flattened with ``reshape(-1, vocab)`` (a copy for a non-contiguous input) and the nested list turned back with ``torch.tensor(..., dtype=torch.bool, device=probs.device).reshape(probs.shape)``. ``tolist()`` is exact for float16, bfloat16, float32 and float64 scores, so no comparison changes. Slower than ``torch.topk``: one ``(1, 32000)`` call 6.5-7.5 ms, a ``(8, 32000)`` batch 60 ms (limit 20 s). Agrees with a plain version on: the tiny logits ``(1, 32000)`` at ``k`` 10 and 40000; their bfloat16 softmax at ``k`` 25; a ``(3, 5, 50)`` batch at ``k`` 7; a transposed (non-contiguous) ``(40, 6)`` at ``k`` 3; ``[-inf, 0.5, -inf]`` at ``k`` 2 (all kept); float64 ``[[0.5, 0.5, 0.1, 0.2]]`` at ``k`` 1 (both 0.5 kept); ``k = 100`` on a 4-token row -- 8 inputs, all equal (checks/check_entries.log)."""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    masks = []
    for row in _rows(probs):
        threshold = sorted(row)[max(len(row) - k, 0)]
        masks.append([score >= threshold for score in row])
    return torch.tensor(masks, dtype=torch.bool, device=probs.device).reshape(probs.shape)


def top_k_table__wrong_list_index_finds_first_of_ties(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """WRONG: plain Python: sorts the probability VALUES, ``sorted(values, reverse=True)[:k]``, and then finds each value's token with ``values.index(value)`` -- which returns the FIRST id holding that value, every time. Where several tokens share a probability, the table lists the lowest of them again and again and never the others. Types are right (``int``, ``str``, ``float``), ``k = 0`` gives ``[]``, ``k`` beyond the vocabulary lists every value. Violates: "Equal probabilities are listed lower id first, also where the list is cut: of tokens tied at the ``k``-th place, the lower ids are the ones listed." (and "a list of ``min(k, vocab)`` tuples ``(token_id, text, probability)``": the ids of the rows are not the tokens with those probabilities) [witness: ``[0.2, 0.2, 0.2, 0.4]``, ``k = 3`` -> ids ``[3, 0, 0]``, plain ``[3, 0, 1]``; ``[0.25] * 4``, ``k = 4`` -> ``[0, 0, 0, 0]``, plain ``[0, 1, 2, 3]``; the tiny model's softmax for "The capital of Japan is" in bfloat16, ``k = 200``: 23 repeated ids, first difference at row 15; in float16: 84 repeated ids, first at row 61. Equal to plain: the worked example ``[0.1, 0.6, 0.3]`` ``k = 2`` (ids 1, 2), the float32 tiny table ``k = 10`` (``Tokyo`` first), ``k = 0``, ``k = 5`` on 3 tokens (checks/check_entries.log).]"""
    values = probs.tolist()
    best = sorted(values, reverse=True)[:k]
    table = []
    for value in best:
        token_id = values.index(value)  # which token had this probability?
        table.append((token_id, tokenizer.decode([token_id]), float(value)))
    return table
