"""Thirteenth examiner: nucleus.py entries."""
from __future__ import annotations

import math
import numbers

import torch
from transformers.generation.logits_process import TopPLogitsWarper


def top_p_mask__wrong_warper_on_raw_probs(probs: torch.Tensor, p: float) -> torch.Tensor:
    """WRONG: takes the docstring's yardstick literally and delegates to transformers' ``TopPLogitsWarper(top_p=p)``, but hands it the PROBABILITIES as its scores; the warper takes a softmax of what it is given (it expects logits), so it decides on ``softmax(probs)``, a much flatter distribution, and keeps too many tokens. ``p`` is validated first, the mask is read back as ``> -inf``. Violates: "Keep a token when the total probability of the tokens ranked *above* it is less than ``p``." [witness: ``top_p_mask(torch.tensor([0.1, 0.5, 0.15, 0.25]), 0.7)``: ``tensor([False, True, False, True])`` expected, ``tensor([False, True, True, True])`` returned (softmax of the row is about ``[0.23, 0.35, 0.24, 0.27]``)]"""
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or math.isnan(p) or not 0 <= p <= 1:
        raise ValueError(f"top_p_mask: p must be a number in [0, 1], got {p!r}")
    vocab = probs.shape[-1]
    scores = probs.reshape(-1, vocab).float().clone()
    filtered = TopPLogitsWarper(top_p=float(p))(None, scores)
    return (filtered > -math.inf).reshape(probs.shape)
