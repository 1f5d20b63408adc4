"""Thirty-ninth examiner: topk.py entries (the learner who writes for the GPU and Mistral-7B)."""
from __future__ import annotations

import torch


def top_k_mask__wrong_decides_in_float16(probs: torch.Tensor, k: int) -> torch.Tensor:
    """WRONG: decides in float16 "because a GPU model's scores are float16 anyway and it halves the memory of a (batch, 32000) row": ``scores = probs.to(torch.float16)``, the k-th largest from ``torch.topk(scores, min(k, vocab), dim=-1)``, the mask ``scores >= kth``. ``k < 1`` raises, ``k >= vocab`` keeps all, ties and ``-inf`` as the docstring says -- in float16. Every worked example is made of float16-exact or well-separated values, so all pass; but distinct float32 scores that round to the same float16 become ties, and probabilities below float16's smallest subnormal (6e-8) all become 0. Violates: "Ties: a token is kept when its score is at least the k-th largest score of its row." [witness: ``[0.5, 0.25, 0.2501, 0.0]``, ``k = 2``: ``[T, T, T, F]`` (0.2501 and 0.25 both round to 0.25); plain ``[T, F, T, F]``. The tiny model's softmax for "The capital of Japan is" (float32, 31518 of 32000 probabilities are 0 in float16), ``k = 500``: keeps all 32000 tokens; plain keeps 500 (the 500th largest is 2.53e-08). Passes: the worked example ``[F, T, F, T]``, the batch ``[[0.1, 0.5, 0.15, 0.25], [0.25, 0.15, 0.5, 0.1]]``, ``[0.4, 0.2, 0.2, 0.2]`` keeps four, ``k`` 4 and 100, ``k = 0`` ``ValueError``, ``[-inf, 0.5, -inf]`` ``k = 2`` all True, and the tiny softmax at ``k`` 10/50/100 (checks/check_entries.log).]"""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    scores = probs.to(torch.float16)  # "the GPU model's scores are float16 anyway: half the memory"
    kk = min(k, scores.shape[-1])
    kth = torch.topk(scores, kk, dim=-1).values[..., -1:]
    return scores >= kth
