"""Thirty-third examiner: topk.py entries (the learner who writes it the way the Hugging Face docs do)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch
from transformers.generation import TopKLogitsWarper

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


def top_k_mask__wrong_warper_min_tokens_to_keep_two(probs: torch.Tensor, k: int) -> torch.Tensor:
    """WRONG: delegates to transformers' ``TopKLogitsWarper`` (the docstring names it as doing the tie rule), ``filter_value=nan`` to read the mask back, after its own ``k < 1`` check. The one slip: ``min_tokens_to_keep=2``, as ``generate()`` builds its warpers for beam sampling; the warper then keeps ``max(k, 2)`` tokens. Every worked example uses ``k = 2`` (and the edge cases ``k`` >= vocab, ``k = 0``), so all pass. Violates: "Mark the ``k`` highest-scoring tokens of each row: ``True`` = keep, ``False`` = drop." [witness: the worked example's ``probs`` with ``k = 1``: ``tensor([False, True, False, True])``; a plain version ``tensor([False, True, False, False])``. The tiny model's logits for "The capital of Japan is" with ``k = 1``: 2 tokens kept, plain 1. Equal to plain: the worked example, the ``(2, 4)`` batch, the tie example (all four), ``k`` 4 and 100, ``k = 0`` ``ValueError``, the ``-inf`` tie rule ``[-inf, 0.5, -inf]`` with ``k = 2`` (all kept), the tiny logits with ``k = 10`` (checks/check_entries.log)]."""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    # min_tokens_to_keep=2 as generate() builds it for beam sampling ("keep at least one non-eos token")
    warper = TopKLogitsWarper(top_k=int(k), filter_value=float("nan"), min_tokens_to_keep=2)
    return ~torch.isnan(warper(None, probs))
