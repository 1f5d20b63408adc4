"""Eighth examiner: topk.py entries."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


def top_k_mask__wrong_softmax_first_underflow_ties(probs: torch.Tensor, k: int) -> torch.Tensor:
    """WRONG: "to be safe whether it gets probabilities or logits" it always takes a float32
    softmax of the input first and ranks those. The softmax is monotone, but not strictly so
    in floating point: logits far below the row's maximum all underflow to probability 0 and
    become a tie, and neighbouring probabilities can round to one value after ``exp``; a
    tie at the ``k``-th place then keeps them all. Violates: "probs: ``(..., vocab)``
    probabilities — or logits: the softmax never changes which scores are largest, so both
    give the same mask." [logits ``tensor([0., -200., -300., -400.])``, ``k = 2``: all four
    kept instead of ``[True, True, False, False]``; the worked example, the tie example,
    random batches of probabilities and of ``randn`` logits all agree]"""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    scores = torch.softmax(probs.float(), dim=-1)
    k = min(k, scores.shape[-1])
    kth = torch.topk(scores, k, dim=-1).values[..., -1:]
    return scores >= kth


def top_k_table__wrong_list_rows(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """WRONG: every row is a ``list`` ``[id, text, probability]``, not a tuple; ids, texts
    and probabilities, their types, the order, ties and the length are all right, so a check
    that unpacks each row (``for i, text, p in table``) or compares field by field passes it.
    Violates: "returns: a list of ``min(k, vocab)`` tuples ``(token_id, text, probability)``"
    [any ``k >= 1``: ``table[0] == (1, tokenizer.decode([1]), 0.6...)`` is False for the
    worked example, ``type(table[0]) is list``; ``k = 0`` gives ``[]`` and is right]"""
    values, order = torch.sort(probs, descending=True, stable=True)
    n = min(k, probs.shape[-1])
    return [
        [int(i), tokenizer.decode([int(i)]), float(v)]
        for v, i in zip(values[:n].tolist(), order[:n].tolist())
    ]


def top_k_table__right_dense_rank_composite_key(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """RIGHT: no float sort at all for the order: ``torch.unique(sorted=True,
    return_inverse=True)`` gives every probability its dense rank among the distinct
    values, and the table is the ``argsort`` of the exact int64 key ``(rank from the top) *
    vocab + id`` — all keys distinct, so equal probabilities come out lower id first by
    construction, also where the list is cut, whatever sort torch uses; the rows are built
    from ``tolist()`` values (Python ints and floats)."""
    vocab = probs.shape[-1]
    distinct, rank = torch.unique(probs, sorted=True, return_inverse=True)
    from_top = (distinct.numel() - 1) - rank
    key = from_top.to(torch.int64) * vocab + torch.arange(vocab, device=probs.device)
    order = torch.argsort(key)[: min(k, vocab)].tolist()
    values = probs.tolist()
    return [(i, tokenizer.decode([i]), float(values[i])) for i in order]
