"""Reference: the top-k keep mask and the top-k next-token table.

The mask is transformers' own :class:`TopKLogitsWarper`, the processor ``generate`` applies for
``top_k=...``. It keeps every token whose score is at least the k-th largest score of its row,
so when several tokens tie with the k-th score, all of them are kept (a row can keep more
than ``k``). Softmax is monotone, so probabilities and logits give the same mask.
"""
from __future__ import annotations

import math

import torch
from transformers import PreTrainedTokenizerBase
from transformers.generation.logits_process import TopKLogitsWarper


def _check_k(k: int) -> None:
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be an integer >= 1 (how many tokens to keep), got {k!r}")


def top_k_mask(probs: torch.Tensor, k: int) -> torch.Tensor:
    """Which tokens top-k keeps: ``(..., vocab)`` scores -> ``(..., vocab)`` bool, ``True`` = keep.

    ``probs`` may be probabilities or logits (the ranking is the same). Each row is decided on
    its own, in vocabulary order; ``k >= vocab`` keeps everything; ties with the k-th largest
    score are all kept, as :class:`TopKLogitsWarper` does. Raises ``ValueError`` for ``k < 1``.
    """
    _check_k(k)
    warper = TopKLogitsWarper(top_k=k, filter_value=math.nan)
    flat = probs.reshape(-1, probs.shape[-1])
    # The warper writes filter_value where it drops a token. nan rather than its default -inf,
    # so a -inf score that the warper keeps (fewer than k finite scores) still reads as kept.
    filtered = warper(None, flat)
    return (~torch.isnan(filtered)).reshape(probs.shape)


def top_k_table(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """The ``k`` most probable tokens of a ``(vocab,)`` distribution, highest first.

    Rows are ``(token id, tokenizer.decode([id]), probability as a Python float)``. Equal
    probabilities are listed lower id first (a stable descending sort), which ``torch.topk``
    does not promise. ``k`` larger than the vocabulary lists every token; ``k = 0`` lists none
    (``min(k, vocab)`` rows). Raises ``ValueError`` for a negative ``k`` or a tensor that is not
    one row.
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 0:
        raise ValueError(f"k must be an integer >= 0 (how many rows to list), got {k!r}")
    if probs.dim() != 1:
        raise ValueError(f"probs must be one distribution of shape (vocab,), got shape {tuple(probs.shape)}")
    order = torch.sort(probs.detach().cpu(), descending=True, stable=True)
    rows = []
    for value, index in zip(order.values[:k].tolist(), order.indices[:k].tolist()):
        rows.append((int(index), tokenizer.decode([int(index)]), float(value)))
    return rows
