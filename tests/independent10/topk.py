"""Tenth examiner: topk.py entries."""
from __future__ import annotations

import operator
from typing import TYPE_CHECKING

import torch
from transformers import TopKLogitsWarper

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


def top_k_mask__wrong_reads_mask_from_neg_inf_fill(probs: torch.Tensor, k: int) -> torch.Tensor:
    """WRONG: does what ``TopKLogitsWarper`` does (fill every score below the k-th largest
    with ``-inf``) and reads the mask back as ``filtered > -inf`` ("the survivors"). Right
    for probabilities and finite logits, but a logit that is already ``-inf`` (a token an
    earlier filter masked out) is never "kept", even when it ties with the k-th largest or
    ``k`` covers the whole vocabulary. Violates: "``k`` at least the vocabulary size keeps
    every token." / "Ties: a token is kept when its score is at least the k-th largest score
    of its row." [witness: ``torch.tensor([2.0, -inf, -inf, -inf])`` with ``k = 4`` (or
    ``k = 2``) -> ``[True, True, True, True]`` expected, ``[True, False, False, False]``
    returned]"""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}: keeping no token leaves nothing to sample")
    k = min(k, probs.shape[-1])
    kth = torch.topk(probs, k, dim=-1).values[..., -1:]
    filtered = probs.masked_fill(probs < kth, float("-inf"))
    return filtered > float("-inf")


def top_k_mask__right_transformers_warper_nan(probs: torch.Tensor, k: int) -> torch.Tensor:
    """RIGHT: delegates to transformers' own ``TopKLogitsWarper`` (which the docstring names)
    with ``filter_value=nan`` instead of ``-inf``, so a removed token is told from a kept
    ``-inf`` score by ``isnan``; ``k`` goes through ``operator.index``, and ``k < 1`` is
    rejected by the warper's own ``ValueError``."""
    warper = TopKLogitsWarper(top_k=operator.index(k), filter_value=float("nan"))
    return torch.isnan(warper(None, probs)).logical_not()


def top_k_table__right_threshold_then_sort_candidates(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """RIGHT: uses ``torch.topk`` for the k-th largest VALUE only (which ids tied there it
    picked does not matter), collects every id at least that probable (all of the tie at the
    cut), sorts those candidates in Python by ``(-probability, id)`` and cuts at ``k``."""
    count = min(k, probs.shape[-1])
    if count <= 0:
        return []
    kth = torch.topk(probs, count).values[-1]
    values = probs.tolist()
    candidates = torch.nonzero(probs >= kth).flatten().tolist()
    candidates.sort(key=lambda i: (-values[i], i))
    return [(int(i), tokenizer.decode([i]), float(values[i])) for i in candidates[:count]]
