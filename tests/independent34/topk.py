"""Thirty-fourth examiner: topk.py entries (the learner who reaches for torch's less common tools)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


def top_k_table__wrong_kthvalue_threshold_lists_whole_tie(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """WRONG: reuses top-k's threshold: ``torch.kthvalue(probs, vocab - k + 1)`` is the k-th largest probability (``k`` clamped to the vocabulary, ``k <= 0`` -> ``[]``), every token at or above it is a candidate (``nonzero``), candidates are sorted with ``torch.sort(..., descending=True, stable=True)`` (ties lower id first) and ALL of them are listed, as plain ``int``, ``decode([id])``, ``float``. Where tokens tie at the k-th place, that is more than ``k`` rows. Violates: "returns: a list of ``min(k, vocab)`` tuples" (and "of tokens tied at the ``k``-th place, the lower ids are the ones listed"). [witness: ``[0.4, 0.2, 0.2, 0.2]``, ``k = 2``: 4 rows, ids ``[0, 1, 2, 3]``; plain 2 rows, ids ``[0, 1]``. ``[0.25] * 4``, ``k = 1``: 4 rows, plain 1. The tiny model's softmax for "The capital of Japan is" in bfloat16, ``k = 25``: 26 rows, plain 25; "明日の天気は" in bfloat16, ``k = 50``: 51 rows, plain 50. Equal to plain: the worked example ``[(1, '<s>', 0.6...), (2, '</s>', 0.3...)]``, the float32 tiny table (first row ``Tokyo``), ``k = 0`` ``[]``, ``k = 40000`` 32000 rows.]"""
    vocab = probs.shape[0]
    if k <= 0:
        return []
    kk = min(k, vocab)
    threshold = torch.kthvalue(probs, vocab - kk + 1).values  # the kk-th largest
    candidates = torch.nonzero(probs >= threshold).squeeze(-1)
    order = torch.sort(probs[candidates], descending=True, stable=True).indices
    chosen = candidates[order]
    return [(int(i), tokenizer.decode([int(i)]), float(probs[i])) for i in chosen.tolist()]
