"""Forty-second examiner: topk.py entries (the learner who learnt it all on GPT-2)."""
from __future__ import annotations

import torch


def top_k_mask__right_nanogpt_v_last_not_less(probs: torch.Tensor, k: int) -> torch.Tensor:
    """RIGHT: nanoGPT's top-k cut turned into a mask: ``v, _ = torch.topk(probs, min(k, probs.size(-1)))`` (nanoGPT's own clamp; ``topk`` works on the last axis by default), and a token is dropped exactly where nanoGPT would set it to ``-inf``, ``probs < v[..., [-1]]`` -- the mask is its negation, ``~(probs < v[..., [-1]])``. nanoGPT's ``v[:, [-1]]`` is written ``v[..., [-1]]`` so a 1-D row and any number of leading axes work, and ``k < 1`` raises ``ValueError`` first (nanoGPT never checks). Because the cut is ``<`` and not ``<=``, every score equal to the k-th is kept (the tie rule), and ``-inf < -inf`` is ``False``, so when the k-th largest is ``-inf`` every ``-inf`` stays. Agrees with a plain version on: ``[0.1, 0.5, 0.15, 0.25]`` k 2, the ``(2, 4)`` batch, ``[0.4, 0.2, 0.2, 0.2]`` k 2 (all four), ``k`` 4 and 100, ``k`` 0 and -1 (``ValueError``), ``[-inf, 0.5, -inf]`` k 2, a transposed ``(5, 3, 8)`` batch, float16/bfloat16/float64 rows with ties, the tiny model's softmax and logits at k 1/10/50/32000 (checks/check_entries.log)."""
    if k < 1:
        raise ValueError(f"k must be at least 1 (keeping no token leaves nothing to sample), got {k}")
    v, _ = torch.topk(probs, min(k, probs.size(-1)))
    return ~(probs < v[..., [-1]])
